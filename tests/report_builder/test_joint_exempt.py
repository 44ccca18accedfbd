"""The joint paper with exempt risks (Schedule 12A): each register's exempt risks are counted in the public joint
paper without a word of them anywhere in it, and written in full to that register's own exempt appendix."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from support.exempt_register import mark_exempt
from support.joint_registers import OPCC, force_register, opcc_register
from support.office_files import owner_file_bytes
from support.accessibility import problems
from support.leaks import assert_public_clean, rejoined_appendix, sample_needles, words_of, zip_texts
from support.riskreg_testing import required_tool, run_cli
from support.scenario import table_rows

FORCE = "West Midlands Police"
FORCE_EXEMPT = {"CRR18": "Para 7", "CRR09": "Para 3"}
OPCC_EXEMPT = {"PCC2": "Para 3"}


@pytest.fixture
def pair(tmp_path):
    return force_register(tmp_path / "force.xlsx"), opcc_register(tmp_path / "opcc.xlsx")


def _text(path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_each_registers_exempt_risks_leave_the_joint_paper_for_that_registers_own_exempt_appendix(pair, tmp_path):
    required_tool("soffice", "libreoffice")
    force, opcc = pair
    mark_exempt(force, FORCE_EXEMPT, marking="OFFICIAL-SENSITIVE")
    mark_exempt(opcc, OPCC_EXEMPT)
    needles = sample_needles(force, set(FORCE_EXEMPT)) | sample_needles(opcc, set(OPCC_EXEMPT))
    assert all(words for words in needles.values())  # the test has something to look for
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, opcc, "-o", paper, "--pdf")
    assert result.exit_code == 0, result.output
    force_exempt, opcc_exempt = tmp_path / "joint-exempt-force.docx", tmp_path / "joint-exempt-opcc.docx"
    assert result.output.splitlines()[1:] == [
        f"Wrote {paper.with_suffix('.pdf')}",
        f"Wrote {force_exempt}: {FORCE}'s exempt appendix (Schedule 12A), 2 risks left out of the public joint "
        "paper, marked OFFICIAL-SENSITIVE.",
        f"Wrote {force_exempt.with_suffix('.pdf')}",
        f"Wrote {opcc_exempt}: {OPCC}'s exempt appendix (Schedule 12A), 1 risk left out of the public joint paper, "
        "marked OFFICIAL, the paper's own marking: Settings has no Exempt marking (set one to mark the exempt "
        "appendix higher).",
        f"Wrote {opcc_exempt.with_suffix('.pdf')}"]

    assert_public_clean(paper, paper.with_suffix(".pdf"), set(FORCE_EXEMPT) | set(OPCC_EXEMPT), needles,
                        chart=False)
    public = _text(paper)
    # counted, not named: every open risk is in the totals, and each body's section says where the rest are
    assert "There are 21 open risks on the registers this quarter: West Midlands Police 18; Office of the Police " \
           "and Crime Commissioner 3." in public
    assert "2 risks are reported in the exempt appendix (Schedule 12A, paragraphs 3 and 7)." in public
    assert "1 risk is reported in the exempt appendix (Schedule 12A, paragraph 3)." in public
    appendix_ids = {row[0] for row in table_rows(docx.Document(str(paper)), "ID")[1:]}
    assert not appendix_ids & (set(FORCE_EXEMPT) | set(OPCC_EXEMPT))

    for document, exempt in ((force_exempt, FORCE_EXEMPT), (opcc_exempt, OPCC_EXEMPT)):
        held = words_of(" ".join(zip_texts(document.read_bytes()).values())) + words_of(rejoined_appendix(document))
        for risk_id in exempt:
            assert [w for w in needles[risk_id] if words_of(w) not in held] == [], (document.name, risk_id)
        others = (set(FORCE_EXEMPT) | set(OPCC_EXEMPT)) - set(exempt)
        assert not any(f" {other.casefold()} " in held for other in others), document.name


def test_a_register_without_exempt_risks_gets_no_exempt_appendix(pair, tmp_path):
    force, opcc = pair
    mark_exempt(force, {"CRR18": "Para 7"})
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, opcc, "-o", paper)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("joint*")) == ["joint-exempt-force.docx", "joint.docx"]
    assert "CRR18" not in _text(paper) and "CRR18" in _text(tmp_path / "joint-exempt-force.docx")


def test_a_risk_exempt_now_is_left_out_of_a_past_joint_paper_built_again(pair, tmp_path):
    force, opcc = pair
    before = tmp_path / "before.docx"
    assert run_cli("paper", force, opcc, "-o", before).exit_code == 0
    assert "CRR18" in _text(before)
    for register in pair:
        assert run_cli("roll-quarter", register, "--period", "2021/22 Q3").exit_code == 0
    mark_exempt(force, {"CRR18": "Para 7"})
    again = tmp_path / "again.docx"
    result = run_cli("paper", force, opcc, "--period", "2021/22 Q2", "-o", again)
    assert result.exit_code == 0, result.output
    assert "CRR18" not in _text(again)
    assert "1 risk is reported in the exempt appendix (Schedule 12A, paragraph 7)." in _text(again)
    assert "CRR18" in _text(tmp_path / "again-exempt-force.docx")


def test_an_exempt_appendix_open_in_word_leaves_both_documents_as_they_were(pair, tmp_path):
    force, opcc = pair
    mark_exempt(force, {"CRR18": "Para 7"})
    paper, exempt = tmp_path / "joint.docx", tmp_path / "joint-exempt-force.docx"
    assert run_cli("paper", force, opcc, "-o", paper).exit_code == 0
    before = {path: path.read_bytes() for path in (paper, exempt)}
    mark_exempt(force, {"CRR18": "Para 7", "CRR09": "Para 3"})  # the next paper would differ in both documents
    owner = tmp_path / "~$int-exempt-force.docx"  # Word has the exempt appendix open
    owner.write_bytes(owner_file_bytes("Jane Smith", "Word"))
    result = run_cli("paper", force, opcc, "-o", paper)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {exempt}") and "Jane Smith" in result.output, result.output
    assert len(result.output.splitlines()) == 1
    assert {path: path.read_bytes() for path in (paper, exempt)} == before
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("force", "opcc")))
    assert left == sorted([owner.name, paper.name, exempt.name])  # no temporary file left behind


def test_an_exempt_appendix_no_longer_due_is_removed_when_untouched_and_named_when_edited(pair, tmp_path):
    force, opcc = pair
    mark_exempt(force, {"CRR18": "Para 7"})
    mark_exempt(opcc, {"PCC2": "Para 3"})
    paper = tmp_path / "joint.docx"
    assert run_cli("paper", force, opcc, "-o", paper).exit_code == 0
    force_exempt, opcc_exempt = tmp_path / "joint-exempt-force.docx", tmp_path / "joint-exempt-opcc.docx"
    assert force_exempt.is_file() and opcc_exempt.is_file()
    document = docx.Document(str(opcc_exempt))
    document.add_paragraph("The secretary's own note.")
    document.core_properties.revision = 2  # edited in Word since riskreg wrote it: Word raises the revision
    document.save(str(opcc_exempt))
    for register in pair:  # nothing is exempt any more
        book = openpyxl.load_workbook(register)
        sheet = book["Register"]
        column = [cell.value for cell in sheet[1]].index("Exempt")
        for row in sheet.iter_rows(min_row=2):
            row[column].value = None
        book.save(register)
    result = run_cli("paper", force, opcc, "-o", paper)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        f"Removed {force_exempt}: the exempt appendix an earlier build wrote beside the paper, unchanged since; no "
        "risk is exempt now, so this paper has none.",
        f"Note: {opcc_exempt} is stale: it is the exempt appendix of an earlier build, and no risk is exempt now, so "
        "this paper has none. It was kept because it was changed since riskreg wrote it (or riskreg did not write "
        "it): delete it, or move it away from this paper."]
    assert not force_exempt.exists() and opcc_exempt.is_file()
    assert "CRR18" in _text(paper) and "PCC2" in _text(paper)


def test_the_joint_paper_and_its_exempt_appendix_pass_every_accessibility_check(pair, tmp_path):
    from pdfua import validate

    required_tool("soffice", "libreoffice")
    force, opcc = pair
    mark_exempt(force, {"CRR18": "Para 7"}, marking="OFFICIAL-SENSITIVE")
    paper = tmp_path / "joint.docx"
    assert run_cli("paper", force, opcc, "-o", paper, "--pdf").exit_code == 0
    exempt = tmp_path / "joint-exempt-force.docx"
    assert problems(paper, "OFFICIAL") == []
    assert problems(exempt, "OFFICIAL-SENSITIVE") == []
    for pdf in (paper.with_suffix(".pdf"), exempt.with_suffix(".pdf")):
        report = validate(str(pdf))
        assert report.exit_code == 0, (pdf.name, [f"{f.rule_id}: {f.message}" for f in report.findings])
