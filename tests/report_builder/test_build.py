"""Building the paper from a register file: checks decide, outputs are safe, the CLI reports, the golden text holds."""

import os
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from report_builder import build
from report_builder.build import RegisterErrorsError, build_paper
from workbook.core.errors import OutputError
from workbook.xlsx.reader import read_register

GOLDEN = Path(__file__).parent / "golden" / "sample_paper.txt"
SAMPLE_ERROR = ("Register!G3: Q1 Trending is New, but Q4 Trending already marks the risk New. A risk is "
                "New only in the quarter it joins the register: use ↗, → or ↘ here, or correct Q4 Trending.")


def test_a_register_with_errors_is_refused_listing_each_error(sample_workbook, tmp_path):
    with pytest.raises(RegisterErrorsError) as err:
        build_paper(sample_workbook, tmp_path / "paper.docx")
    assert err.value.user_message == (
        f"register.xlsx: the register has 1 error, so the board paper was not built: {SAMPLE_ERROR} Correct it in the "
        "register (`riskreg validate register.xlsx` lists every finding), or pass --force to build the paper with a "
        "data-quality note.")
    assert not (tmp_path / "paper.docx").exists()


def test_force_builds_the_paper_with_a_visible_data_quality_note(sample_workbook, tmp_path, read_paper):
    result = build_paper(sample_workbook, tmp_path / "paper.docx", force=True)
    assert result.forced_errors == 1
    lines = read_paper(result.paper)
    note = lines.index("Data Quality Note: Data quality: this paper was built although the register has 1 error that "
                       "should be corrected before it is relied on:")
    assert lines[note + 1] == "List Bullet: " + SAMPLE_ERROR


def test_the_sample_paper_names_every_risk_and_has_the_whole_register(clean_workbook, tmp_path):
    result = build_paper(clean_workbook, tmp_path / "paper.docx")
    assert result.forced_errors == 0
    document = docx.Document(str(result.paper))
    body = "".join(t.text or "" for t in document.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    register = read_register(clean_workbook)
    for risk in register.risks:
        assert risk.id in body and risk.name in body
    appendix = document.tables[-1]
    firsts = [row for row in appendix.rows[1:] if not row.cells[1].text.endswith(" (continued)")]
    assert len(firsts) == len(register.risks) == 18  # a tall risk's further pieces say "(continued)"
    assert len(appendix.rows) > 19
    appendix_text = "".join(t.text or "" for t in appendix._tbl.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    for risk in register.risks:
        for key in ("description", "impact", "controls"):
            for word in re.findall(r"[\w&'’-]+", risk.text(key)):
                assert word in appendix_text, (risk.id, key, word)
    assert [row.cells[0].text for row in firsts[:3]] == ["CRR18", "CRR01", "CRR02"]
    assert len(document.inline_shapes) == 1  # the sample has no scores, so no heat map
    assert "CRR05 Demand Management is → Unchanged this quarter, after ↗ Escalating last quarter." in [p.text for p in document.paragraphs]


def test_every_trend_arrow_in_the_appendix_is_said_in_words_beside_it(clean_workbook, tmp_path):
    """A listener hears 'Escalating', not 'north east arrow': each arrow cell reads '↗ Escalating'."""
    document = docx.Document(str(build_paper(clean_workbook, tmp_path / "paper.docx").paper))
    appendix = document.tables[-1]
    headers = [cell.text for cell in appendix.rows[0].cells]
    trend_columns = [i for i, header in enumerate(headers) if header.endswith("Trending")]
    cells = [row.cells[i].text for row in appendix.rows[1:] for i in trend_columns if row.cells[i].text]
    assert len(trend_columns) == 3 and cells
    assert set(cells) <= {"↗ Escalating", "→ Unchanged", "↘ De-escalating", "New", "N/A"}
    assert {"↗ Escalating", "→ Unchanged", "↘ De-escalating"} <= set(cells)
    crr05 = next(row for row in appendix.rows if row.cells[0].text == "CRR05")
    assert [crr05.cells[i].text for i in trend_columns] == ["↘ De-escalating", "↗ Escalating", "→ Unchanged"]


def test_golden_text_of_the_sample_paper(sample_workbook, tmp_path, read_paper, stable_text):
    result = build_paper(sample_workbook, tmp_path / "paper.docx", force=True)
    text = "\n".join(stable_text(read_paper(result.paper))) + "\n"
    if os.environ.get("REFRESH_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "sample paper changed: review, then REFRESH_GOLDEN=1"


def test_same_register_gives_the_same_paper_twice(clean_workbook, tmp_path, read_paper):
    first = build_paper(clean_workbook, tmp_path / "a.docx")
    second = build_paper(clean_workbook, tmp_path / "b.docx")
    assert first.content == second.content
    assert read_paper(first.paper) == read_paper(second.paper)


def test_provenance_names_the_register_file_its_time_and_hash(clean_workbook, tmp_path):
    os.utime(clean_workbook, (1_631_615_520, 1_631_615_520))  # 14 September 2021 10:32 UTC
    result = build_paper(clean_workbook, tmp_path / "paper.docx")
    sha = build.provenance(clean_workbook).sha256[:12]
    sentence = f"Built from register file register.xlsx, last modified 14 September 2021 10:32 UTC, SHA-256 {sha}."
    document = docx.Document(str(result.paper))
    assert [p.text for p in document.paragraphs if p.style.name == "Provenance"] == [sentence]
    assert document.core_properties.comments == sentence


def test_an_existing_file_is_replaced_only_with_overwrite_or_when_it_is_our_unedited_paper(clean_workbook, tmp_path):
    other = tmp_path / "notes.docx"
    other.write_bytes(b"someone else's file")
    for force in (False, True):  # --force builds despite register errors; it replaces nothing
        with pytest.raises(OutputError) as err:
            build_paper(clean_workbook, other, force=force)
        assert err.value.user_message == (f"{other}: already exists. Choose another name, or pass --overwrite to "
                                          "replace it.")
    assert other.read_bytes() == b"someone else's file"
    build_paper(clean_workbook, other, overwrite=True)
    assert docx.Document(str(other)).core_properties.identifier.startswith("riskreg:board-paper")

    paper = build_paper(clean_workbook, tmp_path / "paper.docx").paper
    build_paper(clean_workbook, paper)  # our own previous output: replaced without --overwrite

    edited = docx.Document(str(paper))
    edited.core_properties.revision = 2  # what Word does when someone saves their edits
    edited.save(str(paper))
    with pytest.raises(OutputError):
        build_paper(clean_workbook, paper)
    build_paper(clean_workbook, paper, overwrite=True)
    assert docx.Document(str(paper)).core_properties.revision == 1


def _edit_keeping_the_revision(paper, text):
    """Edit and save the paper as a program that leaves the revision alone would (LibreOffice, a script)."""
    document = docx.Document(str(paper))
    document.add_paragraph(text)
    document.save(str(paper))
    later = paper.stat().st_mtime + 60
    os.utime(paper, (later, later))  # saved a minute after riskreg wrote it


def test_a_paper_changed_since_riskreg_wrote_it_is_kept_whatever_saved_it(clean_workbook, tmp_path):
    paper = build_paper(clean_workbook, tmp_path / "register board paper.docx").paper
    _edit_keeping_the_revision(paper, "The secretary's note for the chair.")
    edited = paper.read_bytes()
    for force in (False, True):
        with pytest.raises(OutputError) as err:
            build_paper(clean_workbook, paper, force=force)
        assert err.value.user_message == (
            f"{paper}: has changed since riskreg wrote it (edited and saved?), so it was not replaced and those "
            "edits are kept. Write the new paper under another name with -o, or pass --overwrite to replace it.")
        assert paper.read_bytes() == edited
    build_paper(clean_workbook, paper, overwrite=True)
    assert "The secretary's note for the chair." not in [p.text for p in docx.Document(str(paper)).paragraphs]


def test_the_cli_keeps_an_edited_default_paper_and_overwrite_replaces_it(clean_workbook):
    runner = CliRunner()
    assert runner.invoke(cli, ["paper", str(clean_workbook)]).exit_code == 0
    paper = clean_workbook.with_name("register board paper.docx")
    assert runner.invoke(cli, ["paper", str(clean_workbook)]).exit_code == 0  # unchanged: rebuilt in place
    _edit_keeping_the_revision(paper, "Edited.")
    refused = runner.invoke(cli, ["paper", str(clean_workbook), "--force"])
    assert (refused.exit_code, refused.output) == (2, (
        f"Error: {paper}: has changed since riskreg wrote it (edited and saved?), so it was not replaced and those "
        "edits are kept. Write the new paper under another name with -o, or pass --overwrite to replace it.\n"))
    assert runner.invoke(cli, ["paper", str(clean_workbook), "--overwrite"]).exit_code == 0
    assert "Edited." not in [p.text for p in docx.Document(str(paper)).paragraphs]


def test_output_must_be_a_docx(clean_workbook, tmp_path):
    with pytest.raises(OutputError) as err:
        build_paper(clean_workbook, tmp_path / "paper.pdf")
    assert err.value.user_message == (f"{tmp_path / 'paper.pdf'}: the board paper is a Word document; give an output "
                                      "name ending in .docx.")


def test_pdf_without_libreoffice_says_so_after_writing_the_paper(clean_workbook, tmp_path, monkeypatch):
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    target = tmp_path / "paper.docx"
    with pytest.raises(OutputError) as err:
        build_paper(clean_workbook, target, pdf=True)
    assert err.value.user_message == (f"{target}: written, but no PDF was made: LibreOffice (soffice) is not "
                                      "installed. Install LibreOffice, or open the paper in Word and save it as PDF.")
    assert target.exists() and not target.with_suffix(".pdf").exists()


def test_pdf_is_made_beside_the_paper(clean_workbook, tmp_path, soffice):
    result = build_paper(clean_workbook, tmp_path / "paper.docx", pdf=True)
    assert result.pdf == tmp_path / "paper.pdf"
    assert result.pdf.read_bytes().startswith(b"%PDF")


def test_cli_paper_refuses_then_builds_with_force(sample_workbook, tmp_path):
    runner = CliRunner()
    target = tmp_path / "paper.docx"
    refused = runner.invoke(cli, ["paper", str(sample_workbook), "-o", str(target)])
    assert refused.exit_code == 2
    assert refused.output.startswith("Error: register.xlsx: the register has 1 error, so the board paper was not built:")
    assert SAMPLE_ERROR in refused.output and len(refused.output.splitlines()) == 1
    built = runner.invoke(cli, ["paper", str(sample_workbook), "-o", str(target), "--force"])
    assert built.exit_code == 0, built.output
    assert built.output == (
        f"Wrote {target}: Corporate Risk Register – Quarter 2 2021/22, 18 risks, 6 for the Committee's attention.\n"
        "Note: built with --force; the paper carries a data-quality note listing 1 register error.\n")


def test_cli_paper_default_output_sits_beside_the_register(clean_workbook):
    result = CliRunner().invoke(cli, ["paper", str(clean_workbook)])
    assert result.exit_code == 0, result.output
    assert (clean_workbook.parent / "register board paper.docx").exists()
    assert re.match(r"^Wrote .*register board paper\.docx: ", result.output)


def test_every_error_is_numbered_on_the_one_line_of_the_refusal():
    class Finding:
        def __init__(self, cell, message):
            self.cell, self.message = cell, message

    err = build.refusal("reg.xlsx", [Finding("Register!I4", "Rating 'Hgh' is not in the list."),
                                     Finding("", "Settings has no reporting period.")])
    assert err.user_message == (
        "reg.xlsx: the register has 2 errors, so the board paper was not built: (1) Register!I4: Rating 'Hgh' is not "
        "in the list. (2) Settings has no reporting period. Correct them in the register (`riskreg validate "
        "reg.xlsx` lists every finding), or pass --force to build the paper with a data-quality note.")


def test_a_blank_or_unknown_rating_is_counted_not_rated_and_named(clean_workbook, tmp_path, read_paper):
    book = openpyxl.load_workbook(clean_workbook)
    book["Register"]["I3"] = "Severe"  # CRR03: a rating the Lists sheet does not have
    book["Register"]["I5"] = None  # CRR09: not yet rated
    book.save(clean_workbook)
    with pytest.raises(RegisterErrorsError) as err:
        build_paper(clean_workbook, tmp_path / "paper.docx")
    assert err.value.user_message.endswith(
        " Not rated: CRR03 Operational Training and Embedded Learning: rating 'Severe' in cell Register!I3 is not on "
        "the Lists sheet's Ratings list; CRR09 Recruitment & Retention/Uplift: blank rating in cell Register!I5; a paper built with --force counts them in a "
        "Not rated row. Correct them in the register (`riskreg validate register.xlsx` lists every finding), or "
        "pass --force to build the paper with a data-quality note.")
    assert "Add the band" not in err.value.user_message
    result = build_paper(clean_workbook, tmp_path / "paper.docx", force=True)
    lines = read_paper(result.paper)
    assert result.content.rating_total == result.content.risk_count == 18
    assert "| Not rated | 2 |" in lines
    assert ("List Bullet: 2 open risks are counted as Not rated in every table and the chart until rated: CRR03 "
            "Operational Training and Embedded Learning: rating 'Severe' in cell Register!I3 is not on the Lists "
            "sheet's Ratings list; CRR09 Recruitment & Retention/Uplift: blank rating in cell Register!I5.") in lines
    assert [line for line in lines if line.startswith("| CRR09 |")][0].endswith("| Not rated |")
    assert "Not rated" in build.figure_alt_texts(result.content)[0]


def test_a_past_paper_needs_a_closed_quarter_history_has(sample_workbook, tmp_path):
    result = CliRunner().invoke(cli, ["paper", str(sample_workbook), "--period", "2021/22 Q2"])
    assert (result.exit_code, result.output) == (2, (
        f"Error: {sample_workbook}: 2021/22 Q2 is not a closed quarter: the register reports 2021/22 Q2. Leave out "
        "--period for this quarter's paper.\n"))
    result = CliRunner().invoke(cli, ["paper", str(sample_workbook), "--period", "2020/21 Q1"])
    assert (result.exit_code, result.output) == (2, (
        f"Error: {sample_workbook}: History has no rows for 2020/21 Q1 (it holds 2020/21 Q4 to 2021/22 Q1), so its "
        "paper "
        "cannot be built again.\n"))
# ---- Settings cells: no silent defaults, no formula text, dates as dates (issue 12, item 4) ------------------

def _setting_rows(book) -> dict[str, int]:
    return {row[0].value: row[0].row for row in book["Settings"].iter_rows(min_row=2) if row[0].value}


def test_settings_formulas_blanks_and_numbered_dates_in_a_real_workbook(clean_workbook, tmp_path, read_paper):
    book = openpyxl.load_workbook(clean_workbook)
    rows = _setting_rows(book)
    book["Settings"][f"B{rows['Agenda item']}"] = "=1+6"  # a formula: openpyxl writes it as one
    book["Settings"][f"B{rows['Meeting date']}"] = 44469  # a date that lost its date format
    book["Settings"][f"B{rows['Organisation']}"] = None
    book.save(clean_workbook)

    with pytest.raises(RegisterErrorsError) as err:
        build_paper(clean_workbook, tmp_path / "paper.docx")
    assert err.value.user_message == (
        "register.xlsx: the register has 2 errors, so the board paper was not built: "
        f"(1) Settings!B{rows['Organisation']}: Settings Organisation is empty, and the board paper prints it. Type it in cell B{rows['Organisation']}. "
        f"(2) Settings!B{rows['Agenda item']}: Settings Agenda item holds the formula '=1+6'; riskreg and the board "
        "paper read the formula, not its result. Replace it with the value itself (Copy, then Paste Special > "
        "Values). Correct them in the register (`riskreg validate register.xlsx` lists every "
        "finding), or pass --force to build the paper with a data-quality note.")

    lines = read_paper(build_paper(clean_workbook, tmp_path / "paper.docx", force=True).paper)
    assert "Normal: Date of meeting\t30 September 2021" in lines
    assert not [line for line in lines if "=1+6" in line and "Settings Agenda item" not in line]
    assert not [line for line in lines if "Agenda item 7" in line or "44469" in line]
    assert not [line for line in lines if "West Midlands Police" in line]  # the blank is never filled in


def test_a_writing_library_that_fails_to_import_stops_the_paper_with_its_error(clean_workbook, tmp_path,
                                                                              monkeypatch):
    """The libraries are imported in a second thread while the register is read: a failure is not lost there."""
    from report_builder import render

    monkeypatch.setattr(render, "WRITING_LIBRARIES", ("json", "no_such_library_riskreg"))
    with pytest.raises(ModuleNotFoundError, match="no_such_library_riskreg"):
        build_paper(clean_workbook, tmp_path / "paper.docx")
    assert not (tmp_path / "paper.docx").exists()
