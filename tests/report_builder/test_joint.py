"""The joint paper: a force's and its OPCC's registers in one paper, its counts checked by hand, its marking the
highest, refused on a register's errors unless forced, and rebuilt as it was after both registers roll over."""

from __future__ import annotations

import subprocess

import docx
from docx.enum.section import WD_ORIENT
import openpyxl
import pytest

from support.joint_registers import OPCC, force_register, open_ratings, opcc_register, set_setting
from support.ooxml_schema import changed_parts, invalid_parts, package_parts
from support.riskreg_testing import required_tool, run_cli
from support.scenario import normalised_text, table_rows

FORCE = "West Midlands Police"


@pytest.fixture
def pair(tmp_path):
    return force_register(tmp_path / "force.xlsx"), opcc_register(tmp_path / "opcc.xlsx")


def _paragraphs(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _counts(rows: list[list[str]]) -> dict[str, list[int]]:
    return {row[0]: [int(cell) for cell in row[1:]] for row in rows[1:]}


def test_force_and_opcc_make_one_paper_with_each_body_counted_on_its_own_scale(pair, tmp_path):
    force, opcc = pair
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, opcc, "-o", paper)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote {paper}: Joint risk report – Quarter 2 2021/22, marked OFFICIAL, 2 registers: West Midlands Police "
        f"(force.xlsx) 18 risks, 6 for the Committee's attention; {OPCC} (opcc.xlsx) 3 risks, 0 for the "
        "Committee's attention.\n")
    force_counts, opcc_counts = open_ratings(force), open_ratings(opcc)
    total = sum(force_counts.values()) + sum(opcc_counts.values())
    text = _paragraphs(paper)
    assert text[0] == f"{FORCE} and {OPCC}\t"  # the agenda item would follow the tab
    assert (f"There are {total} open risks on the registers this quarter: {FORCE} {sum(force_counts.values())}; "
            f"{OPCC} {sum(opcc_counts.values())}.") in text
    # Critical, High, Medium, Low against High, Medium, Low: never added together band by band
    assert (f"The registers rate risks on different scales ({FORCE} rates Critical, High, Medium or Low; {OPCC} "
            "rates High, Medium or Low), so their counts by rating are not added together: each body's table below "
            "uses its own scale. Only the number of open risks is totalled.") in text
    document = docx.Document(str(paper))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    rating_tables = [t for t in tables if t[0][0] == "Residual rating"]
    # the summary's table of each body, then each body's own section's
    assert [_counts(t) for t in rating_tables] == [
        {**{band: [force_counts[band]] for band in ("Critical", "High", "Medium", "Low")},
         "Total": [sum(force_counts.values())]},
        {**{band: [opcc_counts[band]] for band in ("High", "Medium", "Low")}, "Total": [sum(opcc_counts.values())]},
    ] * 2
    assert not any(row[0] == "Residual rating" and "Total" in row[1:] for t in tables for row in t[:1])
    movement = table_rows(document, "Movement")
    assert movement[0] == ["Movement", FORCE, OPCC, "Total"]
    for row in movement[1:]:
        assert int(row[3]) == int(row[1]) + int(row[2]), row
    assert _counts(movement)["New"] == [6, 0, 6] and _counts(movement)["Unchanged"] == [12, 3, 15]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == ["1. Purpose", "2. Summary across the registers", f"3. {FORCE}: Corporate Risk Register",
                        f"Appendix A: {FORCE} – Corporate Risk Register – Quarter 2 2021/22",
                        f"4. {OPCC}: Corporate Risk Register",
                        f"Appendix B: {OPCC} – Corporate Risk Register – Quarter 2 2021/22"]
    appendix_ids = [[row[0] for row in t[1:]] for t in tables if t[0][:2] == ["ID", "Risk Name"]]
    assert [sorted(set(ids)) for ids in appendix_ids] == [
        sorted(f"CRR{n:02d}" for n in range(1, 19)), ["PCC1", "PCC2", "PCC3"]]
    assert [s.header.paragraphs[0].text for s in document.sections] == ["OFFICIAL"] * 4
    # each body's section on portrait pages, its appendix on landscape ones
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE] * 2


def test_bands_that_agree_make_one_combined_table_with_totals_and_the_highest_marking(tmp_path):
    force = force_register(tmp_path / "force.xlsx")
    other = force_register(tmp_path / "fire.xlsx")
    set_setting(other, "Organisation", "West Midlands Fire Service")
    set_setting(other, "Protective marking", "OFFICIAL-SENSITIVE")
    book = openpyxl.load_workbook(other)
    book["Register"]["I2"], book["Register"]["P3"] = "Critical", "Closed"  # CRR01 up to Critical, CRR03 closed
    book.save(other)
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, other, "-o", paper)
    assert result.exit_code == 0, result.output
    assert "marked OFFICIAL-SENSITIVE" in result.output
    document = docx.Document(str(paper))
    combined = table_rows(document, "Residual rating")
    assert combined[0] == ["Residual rating", FORCE, "West Midlands Fire Service", "Total"]
    a, b = open_ratings(force), open_ratings(other)
    assert b != a and sum(b.values()) == sum(a.values()) - 1
    assert _counts(combined) == {**{band: [a[band], b[band], a[band] + b[band]]
                                    for band in ("Critical", "High", "Medium", "Low")},
                                 "Total": [sum(a.values()), sum(b.values()), sum(a.values()) + sum(b.values())]}
    text = _paragraphs(paper)
    assert "Protective marking\tOFFICIAL-SENSITIVE" in text  # the title block: the highest of the two
    assert [s.header.paragraphs[0].text for s in document.sections] == ["OFFICIAL-SENSITIVE"] * 4
    assert text.count("Protective marking: OFFICIAL.") == 2  # the force's section and its appendix
    assert text.count("Protective marking: OFFICIAL-SENSITIVE.") == 2


def test_a_register_with_errors_stops_the_joint_paper_naming_it_unless_forced(tmp_path):
    force = force_register(tmp_path / "force.xlsx", clean=False)
    opcc = opcc_register(tmp_path / "opcc.xlsx")
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, opcc, "-o", paper)
    assert (result.exit_code, result.output) == (2, (
        "Error: force.xlsx: the register has errors, so the joint paper was not built: force.xlsx has 1 error: "
        "Register!G3: Q1 Trending is New, but Q4 Trending already marks the risk New. A risk is New only in the "
        "quarter it joins the register: use ↗, → or ↘ here, or correct Q4 Trending. Correct it in the register "
        "(`riskreg validate REGISTER` lists every finding), or pass --force to build the joint paper with a "
        "data-quality note.\n"))
    assert not paper.exists()
    result = run_cli("paper", force, opcc, "-o", paper, "--force")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "Note: built with --force; the paper carries a data-quality note naming force.xlsx (1 error).")
    text = _paragraphs(paper)
    assert text[7] == (
        f"Data quality: this joint paper was built although the register of {FORCE} (force.xlsx: 1 "
        "error) has errors that should be corrected before it is relied on; each body's section lists them.")
    assert ("Data quality: this paper was built although the register has 1 error that should be corrected before "
            "it is relied on:") in text


def test_two_registers_with_errors_are_both_named(tmp_path):
    force = force_register(tmp_path / "force.xlsx", clean=False)
    opcc = opcc_register(tmp_path / "opcc.xlsx", clean=False)
    result = run_cli("paper", force, opcc, "-o", tmp_path / "joint.docx")
    assert result.exit_code == 2
    line = result.output
    assert line.startswith("Error: force.xlsx, opcc.xlsx: the registers have errors, so the joint paper was not "
                           "built: force.xlsx has 1 error: Register!G3: ")
    assert "; opcc.xlsx has 18 errors: (1) Register!C2: Description is empty." in line
    assert line.endswith("Correct them in the registers (`riskreg validate REGISTER` lists every finding), or pass "
                         "--force to build the joint paper with a data-quality note.\n")
    assert line.count("\n") == 1


def test_registers_of_different_quarters_are_refused(pair, tmp_path):
    force, opcc = pair
    assert run_cli("roll-quarter", opcc, "--period", "2021/22 Q3").exit_code == 0
    result = run_cli("paper", force, opcc, "-o", tmp_path / "joint.docx")
    assert (result.exit_code, result.output) == (2, (
        "Error: force.xlsx reports 2021/22 Q2; opcc.xlsx reports 2021/22 Q3: a joint paper reports one quarter, so "
        "it was not built. Roll the registers to the same quarter, or give --period for a quarter all of them have "
        "closed.\n"))


def test_the_past_joint_paper_after_both_registers_roll_reads_as_it_did(pair, tmp_path):
    force, opcc = pair
    before = tmp_path / "before.docx"
    assert run_cli("paper", force, opcc, "-o", before).exit_code == 0
    for register in pair:
        rolled = run_cli("roll-quarter", register, "--period", "2021/22 Q3")
        assert rolled.exit_code == 0, rolled.output
    again = tmp_path / "again.docx"
    result = run_cli("paper", force, opcc, "--period", "2021/22 Q2", "-o", again)
    assert result.exit_code == 0, result.output
    assert normalised_text(again) == normalised_text(before)
    now = tmp_path / "now.docx"
    assert run_cli("paper", force, opcc, "-o", now, "--force").exit_code == 0  # Q3's trends not yet filled in
    assert "Joint risk report – Quarter 3 2021/22" in _paragraphs(now)


def test_every_part_of_the_joint_paper_is_valid(pair, tmp_path):
    paper = tmp_path / "joint.docx"
    assert run_cli("paper", *pair, "-o", paper).exit_code == 0
    parts = changed_parts(package_parts(paper))
    for name in ("word/document.xml", "word/header1.xml", "docProps/core.xml"):
        assert name in parts, name
    assert invalid_parts(parts) == []


def test_the_joint_paper_prints_to_pdf_with_both_appendices(pair, tmp_path):
    required_tool("soffice", "libreoffice")
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", *pair, "-o", paper, "--pdf")
    assert result.exit_code == 0, result.output
    pdftotext = required_tool("pdftotext")
    text = subprocess.run([pdftotext, str(paper.with_suffix(".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Appendix A: {FORCE}" in text and f"Appendix B: {OPCC}" in text
    assert text.count("OFFICIAL") >= 2 * text.count("\f")  # the marking at the head and foot of every page


def test_a_register_named_twice_is_refused(pair, tmp_path):
    force, _ = pair
    result = run_cli("paper", force, force, "-o", tmp_path / "j.docx")
    assert (result.exit_code, result.output) == (
        2, f"Error: {force}: named twice; a joint paper takes each register once.\n")


def test_a_template_without_the_data_quality_paragraph_is_refused_naming_it(pair, tmp_path):
    from templates import BOARD_PAPER

    template = docx.Document(str(BOARD_PAPER))
    mark = next(p for p in template.paragraphs if p.text == "{{ data_quality }}")
    mark._element.getparent().remove(mark._element)
    template.save(str(tmp_path / "mine.docx"))
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", *pair, "-o", paper, "--template", tmp_path / "mine.docx")
    assert (result.exit_code, result.output) == (2, (
        "Error: mine.docx: the joint paper keeps the template's title block down to its {{ data_quality }} "
        "paragraph, which this template lacks. Put {{ data_quality }} on a line of its own below the title block.\n"))
    assert not paper.exists()


def test_three_registers_forced_past_one_with_errors(pair, tmp_path):
    force, opcc = pair
    fire = force_register(tmp_path / "fire.xlsx", clean=False)
    set_setting(fire, "Organisation", "West Midlands Fire Service")
    set_setting(fire, "Protective marking", "OFFICIAL-SENSITIVE")
    paper = tmp_path / "joint.docx"
    result = run_cli("paper", force, fire, opcc, "-o", paper, "--force")
    assert result.exit_code == 0, result.output
    assert "marked OFFICIAL-SENSITIVE, 3 registers: " in result.output
    document = docx.Document(str(paper))
    assert len(document.core_properties.comments) <= 255  # Word's limit, though three registers' lines are longer
    assert [p.text for p in document.paragraphs if p.text.startswith("Appendix ")] == [
        f"Appendix A: {FORCE} – Corporate Risk Register – Quarter 2 2021/22",
        "Appendix B: West Midlands Fire Service – Corporate Risk Register – Quarter 2 2021/22",
        f"Appendix C: {OPCC} – Corporate Risk Register – Quarter 2 2021/22"]
    assert _paragraphs(paper)[7].startswith(
        "Data quality: this joint paper was built although the register of West Midlands Fire Service "
        "(fire.xlsx: 1 error) has errors")
