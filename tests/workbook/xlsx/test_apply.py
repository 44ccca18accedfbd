"""Tests for workbook/xlsx/apply.py on real workbooks: names, notes and sheets a plan sets; nothing else changes."""

import zipfile

from openpyxl import load_workbook

from workbook.core.edit import (
    FINDING_NOTE,
    GUIDANCE_NOTE,
    HIDDEN,
    AddSheet,
    DefinedName,
    MoveCell,
    Note,
    SetCell,
    WorkbookEdit,
)
from workbook.xlsx.writer import apply_file


def test_names_notes_and_an_added_sheet_land_as_the_plan_says(sample_workbook):
    edit = WorkbookEdit(names=(DefinedName("RiskregPeriod", "Settings!$B$5"),),
                        cell_notes=(Note("Register", 2, 1, "Check the owner.", FINDING_NOTE),
                                    Note("Lists", 10, 8, "Add a band in its place.", GUIDANCE_NOTE)),
                        add_sheets=(AddSheet("Scratch", (("Key", "Value"), ("a", 1)), state=HIDDEN),))
    result = apply_file(sample_workbook, edit)
    wb = load_workbook(sample_workbook)
    assert wb.defined_names["RiskregPeriod"].attr_text == "Settings!$B$5"
    assert (wb["Register"]["A2"].comment.text, wb["Register"]["A2"].comment.author) == ("Check the owner.",
                                                                                        "riskreg findings")
    assert (wb["Lists"]["H10"].comment.text, wb["Lists"]["H10"].comment.author) == ("Add a band in its place.",
                                                                                  "riskreg")
    assert wb["Lists"]["A1"].comment.text.startswith("The rating scale, most severe first")  # a note there stays
    assert wb["Scratch"].sheet_state == "hidden" and [list(r) for r in wb["Scratch"].values] == [["Key", "Value"],
                                                                                                 ["a", 1]]
    assert result.cells == ("Scratch!A1", "Scratch!B1", "Scratch!A2", "Scratch!B2")


def test_a_name_is_set_again_in_place_and_a_move_onto_itself_keeps_the_value(sample_workbook):
    apply_file(sample_workbook, WorkbookEdit(names=(DefinedName("RiskregPeriod", "Settings!$B$5"),)))
    before = {name: zipfile.ZipFile(sample_workbook).read(name) for name in ("xl/styles.xml",)}
    apply_file(sample_workbook, WorkbookEdit(names=(DefinedName("RiskregPeriod", "Settings!$B$6"),),
                                             cells=(MoveCell("Register", 2, 1, 1), SetCell("Register", 3, 2, "=1+1"))))
    wb = load_workbook(sample_workbook)
    assert [n for n in wb.defined_names if n == "RiskregPeriod"] == ["RiskregPeriod"]
    assert wb.defined_names["RiskregPeriod"].attr_text == "Settings!$B$6"
    assert wb["Register"]["A2"].value == "CRR18"
    assert (wb["Register"]["B3"].value, wb["Register"]["B3"].data_type, wb["Register"]["B3"].quotePrefix) == (
        "=1+1", "s", True)  # formula-looking text stays text
    assert zipfile.ZipFile(sample_workbook).read("xl/styles.xml") != before["xl/styles.xml"]  # the quote prefix


def _rolled_parts(sample_workbook, target, monkeypatch=None):
    from workbook.jobs.roll import plan_quarter
    from workbook.xlsx.apply import apply_edit
    from workbook.xlsx.book import Book
    from workbook.xlsx.reader import read_register

    register = read_register(sample_workbook)
    edit = plan_quarter(register, register.period.next(), force=True).edit
    book = Book(sample_workbook)
    apply_edit(book, edit)
    ahead = set(book.package._ahead)
    book.save(target)
    with zipfile.ZipFile(target) as saved:
        assert saved.testzip() is None
        return ahead, {name: saved.read(name) for name in saved.namelist()}


def test_a_roll_over_deflates_its_settled_parts_ahead_and_writes_what_it_would_have(sample_workbook, tmp_path,
                                                                                     monkeypatch):
    """The sheets a roll-over has finished with (the Register once its trends moved and texts were shared, History
    once brought up to date), its new Record sheet and the shared strings are deflated beside the steps still to
    come; the workbook is part for part the one written without deflating ahead."""
    from workbook.xlsx.package import Package

    ahead, parts = _rolled_parts(sample_workbook, tmp_path / "ahead.xlsx")
    sheets = dict(Package(sample_workbook).sheets())
    assert {sheets["Register"], sheets["History"], "xl/sharedStrings.xml"} <= ahead
    assert any(name.startswith("xl/worksheets/") and name not in sheets.values() for name in ahead)  # the Record
    monkeypatch.setattr(Package, "deflate_ahead", lambda self, names: None)
    none_ahead, plain = _rolled_parts(sample_workbook, tmp_path / "plain.xlsx")
    assert none_ahead == set()
    docprops = {name for name in parts if name.startswith("docProps/")}
    assert {k: v for k, v in parts.items() if k not in docprops} == {k: v for k, v in plain.items()
                                                                      if k not in docprops}


def test_nothing_is_deflated_ahead_before_findings_mark_their_cells(sample_workbook):
    """Marking findings restyles cells on any sheet, after the other steps: an edit with a Validation sheet has no
    part deflated ahead of it, not even a sheet whose cells it set."""
    from dataclasses import replace

    from workbook.jobs.validate import findings_edit, validate_file
    from workbook.xlsx.apply import apply_edit
    from workbook.xlsx.book import Book

    edit = replace(findings_edit(validate_file(sample_workbook)), cells=(SetCell("Register", 3, 2, "Renamed"),))
    assert edit.validation is not None and edit.validation.findings
    book = Book(sample_workbook)
    apply_edit(book, edit)
    assert book.package._ahead == {}
