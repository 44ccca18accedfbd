"""Writing into a real register workbook: findings, trends, Summary; nothing else changes."""

import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from support.xlsx_snapshots import edit, structure, values
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from workbook import jobs
from workbook.core.checks import check
from workbook.core.errors import OutputError
from workbook.jobs import refresh_trends as refresh
from workbook.xlsx.reader import read_register
from workbook.xlsx.writer import SEVERITY_FILLS
from workbook.xlsx.notes import FINDINGS_AUTHOR

def validate_write(path):
    register = read_register(path)
    findings = check(register)
    return jobs.write_validation(path, jobs.validate(register)), findings


# ---- validate --write ---------------------------------------------------------------------------------------

def test_findings_go_to_a_validation_sheet_and_marked_cells_and_nothing_else_changes(sample_workbook):
    before_values, before_structure = values(sample_workbook), structure(sample_workbook)
    original = sample_workbook.read_bytes()
    result, findings = validate_write(sample_workbook)

    assert result.backup.read_bytes() == original
    assert result.backup.parent == sample_workbook.parent / "riskreg backups"
    after = values(sample_workbook)
    assert {k: v for k, v in after.items() if k != "Validation"} == before_values
    assert structure(sample_workbook)["names"] == before_structure["names"]
    assert {k: v for k, v in structure(sample_workbook)["sheets"].items() if k != "Validation"} == \
        before_structure["sheets"]

    wb = load_workbook(sample_workbook)
    assert wb.sheetnames[:2] == ["Register", "Validation"]
    ws = wb["Validation"]
    assert ws["A1"].value == "Validation: 1 error, 1 warning in 18 risks"
    assert [c.value for c in ws[4]] == ["Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message",
                                        "Fill before"]
    assert ws["A4"].font.bold and ws.auto_filter.ref == "A4:H6"
    rows = [[c.value for c in row][:7] for row in ws.iter_rows(min_row=5)]
    assert rows == [[f.severity, f.rule_id, f.risk_id, f.column, f.cell, f.value, f.message] for f in findings]
    assert [ws.cell(row=r, column=5).hyperlink.location for r in (5, 6)] == ["Register!B3", "Register!G3"]

    register = wb["Register"]
    assert register["B3"].fill.fgColor.rgb[-6:] == SEVERITY_FILLS["warning"]
    assert register["G3"].fill.fgColor.rgb[-6:] == SEVERITY_FILLS["error"]
    assert register["G3"].comment.author == FINDINGS_AUTHOR
    assert register["G3"].comment.text == (
        "riskreg R010 (error): Q1 Trending is New, but Q4 Trending already marks the risk New. A risk is New only "
        "in the quarter it joins the register: use ↗, → or ↘ here, or correct Q4 Trending.")
    assert register["C3"].comment is None and register["C3"].fill.fill_type is None


def test_the_next_run_clears_its_own_marks_and_keeps_the_users(sample_workbook):
    def users_own(wb):
        ws = wb["Register"]
        ws["G3"].fill = PatternFill("solid", start_color="00B0F0", end_color="00B0F0")  # user colour under a mark
        ws["A2"].comment = Comment("Check with the owner", "Risk Manager")

    edit(sample_workbook, users_own)
    validate_write(sample_workbook)
    edit(sample_workbook, lambda wb: wb["Register"]["B3"].__setattr__("value", "Operational Training"))
    validate_write(sample_workbook)

    wb = load_workbook(sample_workbook)
    ws = wb["Register"]
    assert ws["B3"].comment is None and ws["B3"].fill.fill_type is None  # fixed: mark gone
    assert ws["G3"].comment.author == FINDINGS_AUTHOR  # still wrong: marked again
    assert ws["A2"].comment.text == "Check with the owner" and ws["A2"].comment.author == "Risk Manager"
    assert [r[4] for r in wb["Validation"].iter_rows(min_row=5, values_only=True)] == ["Register!G3"]
    assert wb["Validation"]["H5"].value == "rgb:0000B0F0"
    edit(sample_workbook, lambda wb: wb["Register"]["G3"].__setattr__("value", "→"))
    validate_write(sample_workbook)
    ws = load_workbook(sample_workbook)["Register"]
    assert ws["G3"].comment is None and ws["G3"].fill.fgColor.rgb == "0000B0F0"  # the user's colour is back
    assert load_workbook(sample_workbook)["Validation"]["G5"].value == "No problems found."


def test_notes_signed_riskreg_go_even_when_the_validation_sheet_was_deleted(sample_workbook):
    validate_write(sample_workbook)
    edit(sample_workbook, lambda wb: wb.remove(wb["Validation"]))
    edit(sample_workbook, lambda wb: wb["Register"]["G3"].__setattr__("value", "→"))
    validate_write(sample_workbook)
    ws = load_workbook(sample_workbook)["Register"]
    assert ws["G3"].comment is None and ws["B3"].comment.author == FINDINGS_AUTHOR


def test_a_user_note_on_a_marked_cell_is_kept(sample_workbook):
    edit(sample_workbook, lambda wb: setattr(wb["Register"]["B3"], "comment", Comment("Agreed at JAC", "Sec")))
    validate_write(sample_workbook)
    assert load_workbook(sample_workbook)["Register"]["B3"].comment.text == "Agreed at JAC"


def test_write_to_a_copy_leaves_the_register_alone(sample_workbook, tmp_path):
    original = sample_workbook.read_bytes()
    register = read_register(sample_workbook)
    result = jobs.write_validation(sample_workbook, jobs.validate(register), output=tmp_path / "checked.xlsx")
    assert sample_workbook.read_bytes() == original and result.backup is None
    assert "Validation" in load_workbook(result.path).sheetnames


def test_the_written_workbook_opens_in_libreoffice(sample_workbook, soffice):
    validate_write(sample_workbook)
    register = read_register(sample_workbook)
    jobs.write_trends(sample_workbook, refresh(register))
    pdf = soffice(sample_workbook)
    assert pdf.stat().st_size > 10_000


# ---- trends --write -----------------------------------------------------------------------------------------

def test_trends_fill_only_empty_cells_and_report_the_ones_history_contradicts(sample_workbook):
    def prepare(wb):
        ws = wb["Register"]
        ws["H2"] = None  # CRR18's Q2 trend erased: History says New
        ws["H4"] = "→"  # CRR15 is New in Q2 by History; the user's arrow stays
    edit(sample_workbook, prepare)
    before, before_structure = values(sample_workbook), structure(sample_workbook)
    register = read_register(sample_workbook)
    result = jobs.write_trends(sample_workbook, refresh(register))

    assert result.cells == ("Register!H2",)
    assert [(f.rule_id, f.cell, f.message) for f in result.findings] == [(
        "R014", "Register!H4",
        "Q2 Trending shows '→', but History first has CRR15 on the register in 2021/22 Q2, after recording other "
        "risks in 2021/22 Q1, which makes it New. Correct the arrow, or the History rows it compares.")]
    after = values(sample_workbook)
    assert after["Register"].pop("H2") == "New"
    assert {k: v for k, v in after.items() if k != "Summary"} == before
    assert {k: v for k, v in structure(sample_workbook)["sheets"].items() if k != "Summary"} == \
        before_structure["sheets"]


def test_summary_sheet_has_counts_movements_and_a_native_bar_chart(sample_workbook):
    register = read_register(sample_workbook)
    jobs.write_trends(sample_workbook, refresh(register))
    ws = load_workbook(sample_workbook)["Summary"]
    rows = [tuple(v for v in row if v is not None) for row in ws.iter_rows(values_only=True)]
    assert ("Rating", "2021/22 Q2") in rows
    assert ("High", 13) in rows and ("Total", 18) in rows
    assert ("New (6)", "CRR18", "Core Skills Resilience & Training Risk", "Critical", "New") in rows
    assert ("Escalated (0)", "None") in rows
    with zipfile.ZipFile(sample_workbook) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        chart = ElementTree.fromstring(archive.read(charts[0]))
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    assert len(charts) == 1
    bar = chart.find(".//c:barChart", ns)
    assert bar.find("c:barDir", ns).get("val") == "col"
    series = bar.findall("c:ser", ns)
    assert [s.find("c:tx//c:f", ns).text for s in series] == ["'Summary'!A6", "'Summary'!A7", "'Summary'!A8",
                                                             "'Summary'!A9"]  # Critical … Low
    assert series[0].find("c:cat//c:f", ns).text == "'Summary'!$B$5"  # the period headers


# ---- a save meanwhile ------------------------------------------------------------------------------------------

def test_a_workbook_saved_meanwhile_is_not_overwritten(sample_workbook, monkeypatch):
    import workbook.xlsx.apply as xlsx_apply

    real = xlsx_apply.mark_cells

    def save_meanwhile(wb, findings):  # someone saves the workbook in Excel while riskreg works on it
        edit(sample_workbook, lambda other: other["Settings"]["B2"].__setattr__("value", "Changed in Excel"))
        return real(wb, findings)

    monkeypatch.setattr(xlsx_apply, "mark_cells", save_meanwhile)
    with pytest.raises(OutputError) as err:
        validate_write(sample_workbook)
    assert err.value.user_message == (
        f"{sample_workbook}: changed on disk while riskreg was writing it (saved from Excel or another program?), "
        f"so nothing was written and that version is kept. Close the workbook in Excel and run the command again.")
    assert load_workbook(sample_workbook)["Settings"]["B2"].value == "Changed in Excel"
    assert not (sample_workbook.parent / "riskreg backups").exists()  # no backup of a write that did not happen


# ---- the package check before writing ----------------------------------------------------------------------

def _damaged_inside(source, target):
    """Copy `source` with a mismatched end tag deep inside the History sheet, where python-calamine reads past it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet3.xml":
                assert b"<evenHeader></evenHeader>" in data
                data = data.replace(b"<evenHeader></evenHeader>", b"<evenHeader></oddHeader>")
            copy.writestr(item, data)
    return target


def _whole_check_says(path):
    from workbook.core.errors import RegisterFormatError
    from workbook.xlsx.reader import check_workbook_file

    with pytest.raises(RegisterFormatError) as caught:
        check_workbook_file(path)
    return caught.value.user_message


def test_damage_inside_a_sheet_the_reader_reads_past_stops_a_roll_over_as_the_whole_check_names_it(
        sample_workbook, tmp_path):
    """The sheets are checked whole beside python-calamine's parse of them: what that check finds is said as the
    whole check says it, before anything is written."""
    from workbook.core.errors import RegisterFormatError
    from workbook.jobs.roll import roll_quarter

    damaged = _damaged_inside(sample_workbook, tmp_path / "damaged.xlsx")
    period = read_register(damaged).period.next()  # read: python-calamine does not see the damage
    original = damaged.read_bytes()
    with pytest.raises(RegisterFormatError) as caught:
        roll_quarter(damaged, period, close_with_errors=True)
    assert caught.value.user_message == _whole_check_says(damaged)
    assert caught.value.user_message.startswith(f"{damaged}: part xl/worksheets/sheet3.xml (sheet 'History') is "
                                                "damaged (not well-formed XML: mismatched tag, line 1 column ")
    assert damaged.read_bytes() == original
    assert not (tmp_path / "riskreg backups").exists()


def test_a_workbook_changed_after_it_was_read_is_checked_whole_before_it_is_written(sample_workbook, tmp_path):
    """The check made beside the reading stands only for the file it checked: another version is checked whole."""
    from workbook.core.errors import RegisterFormatError
    from workbook.files.lock import one_writer
    from workbook.xlsx.reader import check_workbook_to_write, load_grids

    damaged = _damaged_inside(sample_workbook, tmp_path / "damaged.xlsx").read_bytes()
    with one_writer(sample_workbook):
        load_grids(sample_workbook)  # a sound file, checked beside its reading
        sample_workbook.write_bytes(damaged)  # then saved over by another program
        with pytest.raises(RegisterFormatError) as caught:
            check_workbook_to_write(sample_workbook)
    assert caught.value.user_message == _whole_check_says(sample_workbook)


def test_the_check_beside_the_reading_hands_the_writer_the_sheets_it_unpacked(sample_workbook):
    """A sheet checked whole beside the reading is not unpacked again for the write: the writer gets the file's
    bytes and the sheets as the check read them, the very parts the file holds."""
    from workbook.files.lock import one_writer
    from workbook.xlsx.reader import check_workbook_to_write, load_grids

    with one_writer(sample_workbook):
        load_grids(sample_workbook)
        checked = check_workbook_to_write(sample_workbook)
    assert checked.package == sample_workbook.read_bytes()
    with zipfile.ZipFile(sample_workbook) as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
        assert sorted(checked.unpacked) == sorted(sheets)
        assert all(checked.unpacked[name] == package.read(name) for name in sheets)


def test_what_the_check_read_is_let_go_with_the_lock_when_no_write_follows(sample_workbook):
    """A read under the lock that ends without a write (a roll-over refused for its errors) keeps nothing: the
    sheets the check unpacked go when the lock does, and a write under a later hold checks the file again."""
    from workbook.files.lock import one_writer
    from workbook.xlsx import reader

    with one_writer(sample_workbook):
        reader.load_grids(sample_workbook)
        assert reader._beside_key(sample_workbook) in reader._CHECKED_BESIDE
    assert reader._beside_key(sample_workbook) not in reader._CHECKED_BESIDE
    with one_writer(sample_workbook):
        assert reader.check_workbook_to_write(sample_workbook) == reader.Checked()  # checked whole, nothing handed
