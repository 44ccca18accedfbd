"""The exempt appendix: the split of public and exempt risks, the sentence, both documents or neither, the CLI."""

from __future__ import annotations

import docx
import pytest
from click.testing import CliRunner

from addin.cli import cli
from report_builder.build import build_paper
from report_builder.exempt import exempt_sentence, split
from report_builder.exempt_build import exempt_path
from support.exempt_register import mark_exempt
from workbook.core.errors import TemplateError
from workbook.core.periods import parse_period
from workbook.xlsx.reader import read_register


@pytest.mark.parametrize("count, paragraphs, sentence", [
    (1, ["Para 7"], "1 risk is reported in the exempt appendix (Schedule 12A, paragraph 7)."),
    (2, ["Para 7"], "2 risks are reported in the exempt appendix (Schedule 12A, paragraph 7)."),
    (3, ["Para 3", "Para 7"], "3 risks are reported in the exempt appendix (Schedule 12A, paragraphs 3 and 7)."),
    (4, ["Para 1", "Para 2", "Para 7"],
     "4 risks are reported in the exempt appendix (Schedule 12A, paragraphs 1, 2 and 7)."),
    (0, [], ""),
])
def test_the_public_paper_says_how_many_risks_are_exempt_and_under_which_paragraphs(count, paragraphs, sentence):
    assert exempt_sentence(count, paragraphs) == sentence


def test_split_leaves_the_exempt_risks_out_of_the_public_register_and_keeps_them_in_the_exempt_one(register_factory,
                                                                                                  headers, rows):
    rows = [row + [value] for row, value in zip(rows, ["Para 7", None, "Para 3", "", "Para 2"])]
    history = [["Risk ID", "Period", "Rating", "Trend"], ["CRR05", "2021/22 Q1", "High", "↗"],
               ["CRR11", "2021/22 Q1", "Medium", "→"], ["CRR09", "2021/22 Q1", "High", "→"]]
    register = register_factory(rows=rows, headers=headers + ["Status", "Exempt"], history=history)
    parted = split(register)
    assert [r.id for r in parted.public.risks] == ["CRR18", "CRR11"]
    assert [e.risk_id for e in parted.public.history] == ["CRR11"]
    assert [r.id for r in parted.exempt.risks] == ["CRR05", "CRR02", "CRR09"]
    assert [e.risk_id for e in parted.exempt.history] == ["CRR05", "CRR09"]
    assert [r.id for r in parted.withheld] == ["CRR05", "CRR02"]  # CRR09 is closed: in neither paper's totals
    assert parted.paragraphs == ("Para 3", "Para 7")
    assert parted.sentence == "2 risks are reported in the exempt appendix (Schedule 12A, paragraphs 3 and 7)."
    assert split(register_factory()) is None  # no Exempt column: nothing is exempt


def test_paper_writes_the_public_paper_and_the_exempt_appendix_and_names_both(clean_workbook, tmp_path, read_paper):
    mark_exempt(clean_workbook, {"CRR18": "Para 7", "CRR09": "Para 7"}, marking="official-sensitive")
    out = tmp_path / "paper.docx"
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)])
    assert (result.exit_code, result.output) == (0, (
        f"Wrote {out}: Corporate Risk Register – Quarter 2 2021/22, 18 risks, 5 for the Committee's attention.\n"
        f"Wrote {tmp_path / 'paper-exempt.docx'}: the exempt appendix (Schedule 12A), 2 risks left out of the public "
        "paper, marked OFFICIAL-SENSITIVE.\n"))
    public = read_paper(out)
    assert "Normal: 2 risks are reported in the exempt appendix (Schedule 12A, paragraph 7)." in public
    assert "| Total | 18 |" in public
    exempt = read_paper(tmp_path / "paper-exempt.docx")
    assert exempt[:3] == ["[section 1 header] OFFICIAL-SENSITIVE",
                          "[section 1 footer] Page 1 of 1 / OFFICIAL-SENSITIVE", "Organisation: West Midlands Police\t"]
    assert "Title: Exempt appendix: Corporate Risk Register – Quarter 2 2021/22" in exempt
    assert ("Normal: Not for publication: this appendix contains exempt information as described in paragraph 7 of "
            "Part 1 of Schedule 12A to the Local Government Act 1972. It holds 2 risks that the public paper counts "
            "in its totals without naming.") in exempt
    assert ("List Bullet: Paragraph 7: Information relating to any action taken or to be taken in connection with "
            "the prevention, investigation or prosecution of crime.") in exempt
    # most severe first; a tall risk goes on in rows that repeat its ID
    assert list(dict.fromkeys(line.split(" | ")[0] for line in exempt if line.startswith("| CRR"))) == [
        "| CRR18", "| CRR09"]
    # built again: both files are riskreg's own, unchanged, so both are replaced without --overwrite
    again = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)])
    assert again.exit_code == 0, again.output


def test_without_an_exempt_marking_the_appendix_carries_the_papers_and_the_output_says_so(clean_workbook, tmp_path,
                                                                                          read_paper):
    mark_exempt(clean_workbook, {"CRR03": "Para 3"})
    out = tmp_path / "paper.docx"
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)])
    assert result.output.splitlines()[1] == (
        f"Wrote {tmp_path / 'paper-exempt.docx'}: the exempt appendix (Schedule 12A), 1 risk left out of the public "
        "paper, marked OFFICIAL, the paper's own marking: Settings has no Exempt marking (set one to mark the exempt "
        "appendix higher).")
    assert read_paper(exempt_path(out))[0] == "[section 1 header] OFFICIAL"


def test_if_the_exempt_appendix_cannot_be_written_neither_document_is_left(clean_workbook, tmp_path):
    """A template without the appendix placeholder makes a public paper but no exempt appendix: neither is kept."""
    template = tmp_path / "no-appendix.docx"
    from templates import BOARD_PAPER

    document = docx.Document(str(BOARD_PAPER))
    for paragraph in document.paragraphs:
        if paragraph.text == "{{ appendix }}":
            paragraph._element.getparent().remove(paragraph._element)
    document.save(str(template))
    mark_exempt(clean_workbook, {"CRR18": "Para 7"})
    with pytest.raises(TemplateError) as err:
        build_paper(clean_workbook, tmp_path / "paper.docx", template=template)
    assert err.value.user_message == (
        "no-appendix.docx: has no {{ appendix }} placeholder, so the exempt appendix cannot be written. Put it back "
        "on a paragraph of its own at the end of the template.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no-appendix.docx", "register.xlsx"]


def test_a_closed_exempt_risk_leaves_the_public_paper_and_no_appendix_is_written(clean_workbook, tmp_path, read_paper):
    import openpyxl

    book = openpyxl.load_workbook(clean_workbook)
    sheet = book["Register"]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "CRR09":
            sheet.cell(row, headers.index("Status") + 1).value = "Closed"
    book.save(clean_workbook)
    mark_exempt(clean_workbook, {"CRR09": "Para 1"})
    result = build_paper(clean_workbook, tmp_path / "paper.docx")
    assert result.exempt is None and not exempt_path(result.paper).exists()
    assert result.content.risk_count == 17 and result.content.exempt_note == ""
    assert not any("CRR09" in line for line in read_paper(result.paper))


def test_a_forced_papers_errors_on_exempt_risks_are_listed_in_the_exempt_appendix_only(sample_workbook, tmp_path,
                                                                                        read_paper):
    mark_exempt(sample_workbook, {"CRR03": "Para 7"})  # the sample's one error is CRR03's (Register!G3)
    result = build_paper(sample_workbook, tmp_path / "paper.docx", force=True)
    public = "\n".join(read_paper(result.paper))
    assert "Register!G3" not in public and "CRR03" not in public
    assert ("Data Quality Note: Data quality: this paper was built although the register has 1 error that should be "
            "corrected before it is relied on:\nList Bullet: 1 error is about risks in the exempt appendix, which lists "
            "them.") in public
    assert any("Register!G3: Q1 Trending is New" in line for line in read_paper(result.exempt.paper))


def test_a_past_quarters_paper_leaves_out_the_risks_exempt_now(clean_workbook, tmp_path, read_paper):
    """Exemption is read from the register as it is now, not from History: a risk marked exempt after its quarter
    closed is left out of that quarter's paper built again, so it cannot reappear in public."""
    from workbook import jobs

    jobs.roll_quarter(clean_workbook, parse_period("2021/22 Q3"))
    mark_exempt(clean_workbook, {"CRR18": "Para 7", "CRR02": "Para 2"})
    result = build_paper(clean_workbook, tmp_path / "q2.docx", period=parse_period("2021/22 Q2"))
    public = "\n".join(read_paper(result.paper))
    assert "CRR18" not in public and "CRR02" not in public
    assert "2 risks are reported in the exempt appendix (Schedule 12A, paragraphs 2 and 7)." in public
    assert result.content.risk_count == len([r for r in read_register(clean_workbook).risks if not r.is_closed])
    ids = [line.split(" | ")[0] for line in read_paper(result.exempt.paper) if line.startswith("| CRR")]
    assert sorted(set(ids)) == ["| CRR02", "| CRR18"]


def test_a_past_quarters_paper_leaves_out_a_risk_exempt_now_under_the_id_it_had_then(clean_workbook, tmp_path,
                                                                                     read_paper):
    """CRR18 was renamed CRR21 after 2021/22 Q2 closed, then marked exempt: the Q2 paper built again shows it as
    CRR18, so CRR18 is left out too."""
    from workbook import jobs
    from workbook.jobs import record

    jobs.roll_quarter(clean_workbook, parse_period("2021/22 Q3"))
    record.rename_risk(clean_workbook, "CRR18", "CRR21")
    mark_exempt(clean_workbook, {"CRR21": "Para 7"})
    result = build_paper(clean_workbook, tmp_path / "q2.docx", period=parse_period("2021/22 Q2"))
    assert "CRR18" not in "\n".join(read_paper(result.paper))
    assert result.content.exempt_note == "1 risk is reported in the exempt appendix (Schedule 12A, paragraph 7)."
    assert any(line.startswith("| CRR18 | Core Skills") for line in read_paper(result.exempt.paper))


def test_an_exempt_marking_lower_than_the_papers_is_refused_naming_its_cell(clean_workbook, tmp_path):
    import openpyxl

    mark_exempt(clean_workbook, {"CRR18": "Para 7"}, marking="OFFICIAL")
    book = openpyxl.load_workbook(clean_workbook)
    rows = {row[0].value: row[0].row for row in book["Settings"].iter_rows(min_row=2)}
    book["Settings"].cell(rows["Protective marking"], 2).value = "OFFICIAL-SENSITIVE"
    book.save(clean_workbook)
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(tmp_path / "paper.docx")])
    assert (result.exit_code, result.output) == (2, (
        f"Error: {clean_workbook}: Settings!B{rows['Exempt marking']} (Exempt marking) is 'OFFICIAL', lower on the "
        "Markings list than the paper's Protective marking 'OFFICIAL-SENSITIVE', so the paper was not built: the "
        "exempt appendix is marked at least as high as the public paper. Raise the Exempt marking, or clear it to "
        "give the exempt appendix the paper's own marking.\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]


# ---- an earlier build's exempt appendix, once no risk is exempt ------------------------------------------------

def unmark_exempt(path) -> None:
    """Clear every risk's Exempt cell, as a secretary would once the risks may be public."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    column = [c.value for c in sheet[1]].index("Exempt") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = None
    book.save(path)


def test_an_untouched_exempt_appendix_and_its_pdf_are_removed_once_no_risk_is_exempt(clean_workbook, tmp_path):
    mark_exempt(clean_workbook, {"CRR18": "Para 7"})
    out = tmp_path / "paper.docx"
    first = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out), "--pdf"])
    assert first.exit_code == 0, first.output
    appendix, pdf = tmp_path / "paper-exempt.docx", tmp_path / "paper-exempt.pdf"
    assert appendix.is_file() and pdf.is_file()
    unmark_exempt(clean_workbook)
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)])
    assert (result.exit_code, result.output) == (0, (
        f"Wrote {out}: Corporate Risk Register – Quarter 2 2021/22, 18 risks, 6 for the Committee's attention.\n"
        f"Removed {appendix}: the exempt appendix an earlier build wrote beside the paper, unchanged since; no risk is "
        "exempt now, so this paper has none.\n"
        f"Removed {pdf}: the exempt appendix an earlier build wrote beside the paper, unchanged since; no risk is "
        "exempt now, so this paper has none.\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.docx", "paper.pdf", "register.xlsx"]


def test_an_edited_exempt_appendix_is_kept_and_the_output_says_it_is_stale(clean_workbook, tmp_path):
    mark_exempt(clean_workbook, {"CRR18": "Para 7"})
    out = tmp_path / "paper.docx"
    assert CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)]).exit_code == 0
    appendix = tmp_path / "paper-exempt.docx"
    import os

    edited = docx.Document(appendix)  # the clerk adds a line in Word and saves, a minute later
    edited.add_paragraph("Discussed in private session.")
    edited.core_properties.revision = 2
    edited.save(appendix)
    os.utime(appendix, (appendix.stat().st_atime, appendix.stat().st_mtime + 60))
    before = appendix.read_bytes()
    unmark_exempt(clean_workbook)
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook), "-o", str(out)])
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        f"Note: {appendix} is stale: it is the exempt appendix of an earlier build, and no risk is exempt now, so "
        "this paper has none. It was kept because it was changed since riskreg wrote it (or riskreg did not write "
        "it): delete it, or move it away from this paper."]
    assert appendix.read_bytes() == before


def test_the_paper_job_says_what_it_did_with_a_stale_appendix_on_the_command_line_and_in_excel(clean_workbook,
                                                                                              tmp_path):
    from support.office_files import owner_file_bytes

    from workbook import jobs
    from workbook.files.in_use import owner_file

    mark_exempt(clean_workbook, {"CRR18": "Para 7"})
    out = jobs.build_paper(clean_workbook).paper  # where the ribbon puts it: beside the register
    appendix = exempt_path(out)
    unmark_exempt(clean_workbook)
    owner_file(appendix).write_bytes(owner_file_bytes("Jane Smith"))  # open in Word
    paper = jobs.build_paper(clean_workbook)
    note = (f"{appendix} is stale: it is the exempt appendix of an earlier build, and no risk is exempt now, so this "
            "paper has none. It was kept because it is open in Word: close it, then delete it.")
    assert paper.lines()[1:] == [f"Note: {note}"]
    assert paper.excel_message() == f"Board paper written to {out}. {note}"
    owner_file(appendix).unlink()
    paper = jobs.build_paper(clean_workbook)
    assert paper.excel_message() == (
        f"Board paper written to {out}. Removed {appendix}: the exempt appendix an earlier build wrote beside the "
        "paper, unchanged since; no risk is exempt now, so this paper has none.")
    assert not appendix.exists()
