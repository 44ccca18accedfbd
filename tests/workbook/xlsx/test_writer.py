"""Writing into a real register workbook: findings, trends, Summary, roll-over; nothing else changes."""

import re
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from workbook.core.checks import check, summary
from workbook.core.errors import OutputError, PeriodError
from workbook.core.trends import compute_trends
from workbook.jobs import refresh_trends as refresh
from workbook.xlsx.reader import read_register
from workbook.xlsx.writer import SEVERITY_FILLS, roll_quarter, write_findings, write_trends
from workbook.xlsx.notes import FINDINGS_AUTHOR


def values(path):
    """Return every non-empty cell value of every sheet: {sheet: {coordinate: value}}."""
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def structure(path):
    """Return what must survive a write: tables, drop-down lists, conditional formats and defined names."""
    wb = load_workbook(path)
    return {
        "names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
        "sheets": {ws.title: {
            "tables": {name: ws.tables[name].ref for name in ws.tables},
            "validations": sorted((dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation),
            "formats": sorted((str(cf.sqref), rule.operator, tuple(rule.formula))
                              for cf in ws.conditional_formatting for rule in cf.rules),
        } for ws in wb.worksheets},
    }


def edit(path, change):
    wb = load_workbook(path, rich_text=True)
    change(wb)
    wb.save(path)


def validate_write(path):
    register = read_register(path)
    findings = check(register)
    return write_findings(path, findings, summary(findings, register)), findings


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
    result = write_findings(sample_workbook, check(register), output=tmp_path / "checked.xlsx")
    assert sample_workbook.read_bytes() == original and result.backup is None
    assert "Validation" in load_workbook(result.path).sheetnames


def test_the_written_workbook_opens_in_libreoffice(sample_workbook, soffice):
    validate_write(sample_workbook)
    register = read_register(sample_workbook)
    write_trends(sample_workbook, refresh(register))
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
    result = write_trends(sample_workbook, refresh(register))

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
    write_trends(sample_workbook, refresh(register))
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


# ---- roll-quarter ---------------------------------------------------------------------------------------------

def test_roll_quarter_snapshots_shifts_and_moves_the_period_and_touches_nothing_else(sample_workbook):
    def empty_history(wb):  # as `riskreg new` leaves it: no rows yet
        wb["History"].delete_rows(2, wb["History"].max_row)
        wb["History"].tables["RatingHistory"].ref = "A1:L2"

    edit(sample_workbook, empty_history)
    before, before_structure = values(sample_workbook), structure(sample_workbook)
    result = roll_quarter(sample_workbook, "2021/22 Q3")
    after = values(sample_workbook)

    register = after["Register"]
    assert [register[f"{c}1"] for c in "FGH"] == ["Q1 Trending", "Q2 Trending", "Q3 Trending"]
    assert (register["F3"], register["G3"], register.get("H3")) == ("New", "→", None)  # CRR03 was New, New, →
    assert after["Settings"]["B5"] == "2021/22 Q3"
    history = load_workbook(sample_workbook)["History"]
    rows = list(history.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 18
    assert rows[1][:10] == ("CRR03", "2021/22 Q2", "High", "→", None, None, None, None, "rolled", "Open")
    assert rows[1][10] is None and re.fullmatch(r"[0-9a-f]{16}", rows[1][11])  # no owner; the text's fingerprint
    assert history.tables["RatingHistory"].ref == "A1:L19"
    assert load_workbook(sample_workbook)["Register"].tables["RiskRegister"].tableColumns[7].name == "Q3 Trending"

    documented = set(result.cells)
    for sheet, cells in before.items():
        for coordinate, value in cells.items():
            if f"{sheet}!{coordinate}" not in documented:
                assert after[sheet].get(coordinate) == value, f"{sheet}!{coordinate} changed"
    assert structure(sample_workbook)["names"] == before_structure["names"]
    after_structure = structure(sample_workbook)["sheets"]
    assert after_structure["Register"] == before_structure["sheets"]["Register"]
    assert after_structure["History"]["validations"] == before_structure["sheets"]["History"]["validations"]


def test_roll_quarter_twice_is_refused(sample_workbook):
    roll_quarter(sample_workbook, "2021/22 Q3")
    rolled = sample_workbook.read_bytes()
    with pytest.raises(PeriodError) as err:
        roll_quarter(sample_workbook, "2021/22 Q3")
    assert err.value.user_message == (
        f"{sample_workbook}: already reports 2021/22 Q3 (Settings!B5): it was rolled to that quarter before, so "
        "nothing was changed. To start the quarter after, run roll-quarter --period \"2021/22 Q4\".")
    assert sample_workbook.read_bytes() == rolled


def test_roll_quarter_records_the_register_at_the_close_over_imported_rows_and_says_which_cells(sample_workbook):
    edit(sample_workbook, lambda wb: wb["Register"]["I2"].__setattr__("value", "High"))  # CRR18 was Critical
    result = roll_quarter(sample_workbook, "2021/22 Q3")
    history = [c for c in result.cells if c.startswith("History!")]
    # The imported rows of 2021/22 Q2 (rows 2, 5, 6, … in sheet order) gain Status and the text's fingerprint;
    # CRR18's rating is brought up to date.
    assert history[:3] == ["History!C2", "History!J2", "History!L2"]
    assert len(history) == 1 + 18 * 2
    assert result.notes[0] == ("History!C2 (CRR18 2021/22 Q2 Rating): Critical → High, as the Register has it at "
                               "the close.")
    wb = load_workbook(sample_workbook)
    assert [wb["History"][a].value for a in ("A2", "C2", "I2", "J2")] == ["CRR18", "High", "imported", "Open"]


def test_roll_quarter_clears_last_quarters_marks(sample_workbook):
    validate_write(sample_workbook)
    result = roll_quarter(sample_workbook, "2021/22 Q3")
    wb = load_workbook(sample_workbook)
    assert "Validation" not in wb.sheetnames
    assert wb["Register"]["G3"].comment is None and wb["Register"]["B3"].comment is None
    assert result.notes[-1] == ("Removed the Validation sheet of 2021/22 Q2 (kept in the backup); run validate "
                                "and trends again for 2021/22 Q3.")


def test_roll_then_trends_fills_the_new_quarter(sample_workbook):
    roll_quarter(sample_workbook, "2021/22 Q3")
    register = read_register(sample_workbook)
    result = write_trends(sample_workbook, refresh(register))
    assert len(result.cells) == 18
    assert check(read_register(sample_workbook))[0].rule_id == "R005"
    assert [f.rule_id for f in check(read_register(sample_workbook))] == ["R005"]


def test_a_workbook_saved_meanwhile_is_not_overwritten(sample_workbook, monkeypatch):
    import workbook.xlsx.writer as xlsx_write

    real = xlsx_write.mark_cells

    def save_meanwhile(wb, findings):  # someone saves the workbook in Excel while riskreg works on it
        edit(sample_workbook, lambda other: other["Settings"]["B2"].__setattr__("value", "Changed in Excel"))
        return real(wb, findings)

    monkeypatch.setattr(xlsx_write, "mark_cells", save_meanwhile)
    with pytest.raises(OutputError) as err:
        validate_write(sample_workbook)
    assert err.value.user_message == (
        f"{sample_workbook}: changed on disk while riskreg was writing it (saved from Excel or another program?), "
        f"so nothing was written and that version is kept. Close the workbook in Excel and run the command again.")
    assert load_workbook(sample_workbook)["Settings"]["B2"].value == "Changed in Excel"
    assert not (sample_workbook.parent / "riskreg backups").exists()  # no backup of a write that did not happen


def test_roll_quarter_keeps_scores_and_review_dates(tmp_path):
    import datetime as dt

    from workbook.xlsx.builder import write_workbook

    path = tmp_path / "register.xlsx"
    risk = {"id": "CRR01", "name": "Vulnerability", "description": "d", "impact": "i", "controls": "c",
            "trend1": "→", "trend2": "→", "trend3": "↗", "rating": "High", "likelihood": 3, "impact_score": 4,
            "last_reviewed": dt.datetime(2021, 9, 1), "status": "Open"}
    write_workbook(path, risks=[risk], settings={"period": "2021/22 Q2"})
    roll_quarter(path, "2021/22 Q3")
    row = next(load_workbook(path)["History"].iter_rows(min_row=2, values_only=True))
    assert row[:11] == ("CRR01", "2021/22 Q2", "High", "↗", 3, 4, 12, dt.datetime(2021, 9, 1), "rolled", "Open",
                        None)
    register = read_register(path)
    assert register.period.label == "2021/22 Q3" and register.risks[0].trends == ("→", "↗", "")
    computed = compute_trends(register)["CRR01"][-1]
    assert (computed.computed, computed.reason) == ("→", "the score of CRR01 went from 12 in 2021/22 Q2 to 12 in "
                                                         "2021/22 Q3")
