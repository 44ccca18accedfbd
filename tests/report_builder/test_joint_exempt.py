"""The joint paper with exempt risks: left out of the public joint paper (nothing of them anywhere in its .docx),
each register's exempt appendix written beside it, and the CLI saying so."""

from __future__ import annotations

import docx

from support.exempt_register import mark_exempt
from support.joint_registers import force_register, opcc_register
from support.riskreg_testing import run_cli
from tests.report_builder.test_exempt_leak import id_leaks, leaks, sample_needles, zip_texts

FORCE_EXEMPT = {"CRR18": "Para 7", "CRR09": "Para 3"}


def appendix_ids(path) -> set[str]:
    return {row.cells[0].text for row in docx.Document(str(path)).tables[-1].rows[1:]}


def test_exempt_risks_leave_the_joint_paper_for_their_registers_own_exempt_appendices(tmp_path):
    force = mark_exempt(force_register(tmp_path / "force.xlsx"), FORCE_EXEMPT, marking="OFFICIAL-SENSITIVE")
    opcc = opcc_register(tmp_path / "opcc.xlsx")
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, opcc, "-o", paper)
    assert result.exit_code == 0, result.output
    exempt = tmp_path / "joint-exempt.docx"
    assert result.output.splitlines()[1:] == [
        f"Wrote {exempt}: force.xlsx's exempt appendix (Schedule 12A), 2 risks left out of the public joint paper, "
        "marked OFFICIAL-SENSITIVE."]
    texts = zip_texts(paper.read_bytes())
    assert id_leaks(texts, set(FORCE_EXEMPT)) == []
    assert leaks(texts, sample_needles(force, set(FORCE_EXEMPT))) == []
    assert "2 risks are reported in the exempt appendix (Schedule 12A, paragraphs 3 and 7)." in [
        p.text for p in docx.Document(str(paper)).paragraphs]
    assert appendix_ids(exempt) == set(FORCE_EXEMPT)


def test_two_registers_with_exempt_risks_get_one_appendix_each_named_after_the_register(tmp_path):
    force = mark_exempt(force_register(tmp_path / "force.xlsx"), {"CRR09": "Para 3"})
    opcc = opcc_register(tmp_path / "opcc.xlsx")
    opcc_first = first_id(opcc)
    mark_exempt(opcc, {opcc_first: "Para 2"})
    result = run_cli("paper", force, opcc, "-o", tmp_path / "joint.docx")
    assert result.exit_code == 0, result.output
    assert appendix_ids(tmp_path / "joint-exempt force.docx") == {"CRR09"}
    assert appendix_ids(tmp_path / "joint-exempt opcc.docx") == {opcc_first}
    assert not (tmp_path / "joint-exempt.docx").exists()


def first_id(register) -> str:
    from workbook.xlsx.reader import read_register

    return read_register(register).risks[0].id
