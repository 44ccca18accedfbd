"""Every value and feature of a register survives the commands that write into it, a user's chart included."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.worksheet.table import TableColumn

from addin.cli import cli
from workbook.core.schema import SUMMARY_SHEET, VALIDATION_SHEET
from workbook.files.backup import BACKUP_FOLDER
from workbook.xlsx.notes import FINDINGS_AUTHOR

OURS = {VALIDATION_SHEET, SUMMARY_SHEET}
NEXT_PERIOD = "2021/22 Q3"
WRITES = {
    "validate --write": ["validate", "{path}", "--write"],
    "trends --write": ["trends", "{path}", "--write"],
    "roll-quarter": ["roll-quarter", "{path}", "--period", NEXT_PERIOD, "--force"],
}
USER_NOTE = ("Owner to confirm the rating before JAC", "Risk Manager")


def run(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def snapshot(path: Path) -> dict:
    """Return what a user would miss: values, types, notes, widths, filters, validation, names, per sheet."""
    wb = load_workbook(path)
    snap: dict = {"sheets": [ws.title for ws in wb.worksheets if ws.title not in OURS],
                  "names": sorted(wb.defined_names.keys())}
    for ws in wb.worksheets:
        if ws.title in OURS:
            continue
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        snap[ws.title] = {
            "values": {c.coordinate: c.value for c in cells},
            "types": {c.coordinate: c.data_type for c in cells},
            "notes": {c.coordinate: (c.comment.text, c.comment.author) for c in cells
                      if c.comment is not None and c.comment.author != FINDINGS_AUTHOR},
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "filter": (ws.auto_filter.ref, [(f.colId, f.filters.filter if f.filters else None)
                                            for f in ws.auto_filter.filterColumn]),
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.customHeight},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation),
            "formats": sorted(str(rng.sqref) for rng in ws.conditional_formatting),
            "freeze": ws.freeze_panes,
            "tables": {t.name: (t.ref, [c.name for c in t.tableColumns]) for t in ws.tables.values()},
            "state": ws.sheet_state,
            "print_titles": ws.print_title_rows,
        }
    wb.close()
    return snap


def user_edits(path: Path) -> None:
    """Edit the register as a risk manager would in Excel."""
    wb = load_workbook(path)
    ws = wb["Register"]
    last = ws.max_row
    column = ws.max_column + 1
    ws.cell(1, column, "Notes for JAC")
    for row in range(2, last + 1):
        ws.cell(row, column, f"Discussed at JAC on {row} June")
    table = ws.tables["RiskRegister"]
    table.ref = f"A1:{ws.cell(1, column).column_letter}{last}"  # Excel grows the table with the column
    table.tableColumns.append(TableColumn(id=column, name="Notes for JAC"))
    table.autoFilter.ref = table.ref
    ws.column_dimensions[ws.cell(1, column).column_letter].width = 34
    ws.column_dimensions["C"].width = 75
    ws["B2"].comment = Comment(*USER_NOTE)
    ws["G3"].comment = Comment("Was New last quarter too; see minutes", "Risk Manager")  # a cell with a finding
    actions = wb.create_sheet("Actions")
    for row in (("Risk", "Action", "Due"), ("CRR03", "Review supplier contract", "2021-10-31"),
                ("CRR07", "Test failover", "2021-11-30"), ("CRR12", "=CONCAT(\"Refresh \",\"plan\")", "2021-12-15")):
        actions.append(row)
    actions.auto_filter.ref = "A1:C4"
    actions.auto_filter.add_filter_column(0, ["CRR03", "CRR07"])
    actions.column_dimensions["B"].width = 40
    actions.freeze_panes = "A2"
    wb.save(path)


def add_chart(path: Path) -> None:
    wb = load_workbook(path)
    ws = wb.create_sheet("Dashboard")
    for row in (("Rating", "Risks"), ("Critical", 1), ("High", 13), ("Medium", 4)):
        ws.append(row)
    chart = BarChart()
    chart.title = "Open risks by rating"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(chart, "D2")
    wb.save(path)


@pytest.fixture(params=["made by riskreg new", "imported", "edited by a user"])
def register(request, sample_workbook, tmp_path) -> Path:
    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / "register.xlsx"
    if request.param == "made by riskreg new":
        assert run(["new", str(path), "--period", "2021/22 Q2"]).exit_code == 0
    else:
        shutil.copyfile(sample_workbook, path)
        if request.param == "edited by a user":
            user_edits(path)
    return path


def trend_columns(snap: dict) -> set[str]:
    headers = snap["Register"]["values"]
    return {coord.rstrip("0123456789") for coord, value in headers.items()
            if coord.endswith("1") and coord[:-1].isalpha() and str(value).endswith("Trending")}


def column_of(coord: str) -> str:
    return coord.rstrip("0123456789")


def assert_only_allowed_changes(before: dict, after: dict, command: str) -> None:
    if command == "roll-quarter" and "Record" not in before["sheets"]:  # the closed quarter's words, very hidden
        assert after["sheets"] == [*before["sheets"], "Record"] and after["Record"]["state"] == "veryHidden"
    else:
        assert after["sheets"] == before["sheets"]
    assert after["names"] == before["names"]
    trends = trend_columns(before)
    for sheet in before["sheets"]:
        old, new = before[sheet], after[sheet]
        for key in ("notes", "widths", "filter", "heights", "merged", "validations", "formats", "freeze", "state",
                    "print_titles"):
            assert new[key] == old[key], f"{command} changed {key} on sheet '{sheet}'"
        if command == "roll-quarter" and sheet == "History":
            assert {k: v for k, v in new["values"].items() if k in old["values"]} == old["values"]
            continue
        changed = {c for c in old["values"].keys() | new["values"].keys()
                   if old["values"].get(c) != new["values"].get(c)}
        if command == "trends --write" and sheet == "Register":
            assert all(column_of(c) in trends and c not in old["values"] for c in changed), changed
        elif command == "roll-quarter" and sheet == "Register":
            assert all(column_of(c) in trends for c in changed), changed
        elif command == "roll-quarter" and sheet == "Settings":
            assert all(old["values"].get(c) == "2021/22 Q2" or new["values"].get(c) == NEXT_PERIOD
                       for c in changed), changed
        else:
            assert not changed, f"{command} changed values on sheet '{sheet}': {sorted(changed)}"
        assert {c: t for c, t in new["types"].items() if c not in changed} == \
            {c: t for c, t in old["types"].items() if c not in changed}
        if command != "roll-quarter":
            assert new["tables"] == old["tables"]


@pytest.mark.parametrize("command", WRITES)
def test_values_and_features_survive(command, register):
    before = snapshot(register)
    result = run([a.format(path=register) for a in WRITES[command]])
    assert result.exit_code in (0, 1), result.output
    backups = list((register.parent / BACKUP_FOLDER).iterdir())
    assert len(backups) == 1 and snapshot(backups[0]) == before, "the backup is not the workbook as it was"
    assert f"{backups[0]}" in result.output, "the command does not say where the backup is"
    assert_only_allowed_changes(before, snapshot(register), command)


@pytest.mark.parametrize("command", [name for name in WRITES if name != "roll-quarter"])
def test_running_twice_keeps_user_work(command, register):
    """The second run clears only riskreg's own marks: user notes and values are still there."""
    before = snapshot(register)
    for _ in range(2):
        assert run([a.format(path=register) for a in WRITES[command]]).exit_code in (0, 1)
    assert_only_allowed_changes(before, snapshot(register), command)


@pytest.mark.parametrize("command", WRITES)
def test_a_users_chart_is_kept_in_place(command, sample_workbook, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    path = tmp_path / "register.xlsx"
    shutil.copyfile(sample_workbook, path)
    user_edits(path)
    add_chart(path)
    before = snapshot(path)
    with zipfile.ZipFile(path) as archive:
        charts = {n: archive.read(n) for n in archive.namelist() if n.startswith(("xl/charts/", "xl/drawings/dr"))}
    result = run([a.format(path=path) for a in WRITES[command]])
    assert result.exit_code in (0, 1), result.output
    assert not [line for line in result.output.splitlines() if line.startswith("Error")]
    with zipfile.ZipFile(path) as archive:
        assert {n: archive.read(n) for n in charts} == charts
    assert_only_allowed_changes(before, snapshot(path), command)


@pytest.mark.parametrize("command", WRITES)
def test_chart_workbook_can_be_written_to_a_copy(command, sample_workbook, tmp_path):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    path = tmp_path / "register.xlsx"
    shutil.copyfile(sample_workbook, path)
    add_chart(path)
    before = path.read_bytes()
    copy = tmp_path / "copy.xlsx"
    result = run([a.format(path=path) for a in WRITES[command]] + ["-o", str(copy)])
    assert result.exit_code in (0, 1), result.output
    assert path.read_bytes() == before and copy.exists()


@pytest.mark.parametrize("command", WRITES)
def test_work_saved_meanwhile_is_not_overwritten(command, sample_workbook, tmp_path, monkeypatch):
    """Excel saves the register while the command runs: the command refuses and the newer save stays."""
    import workbook.xlsx.writer as xlsx_write

    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / "register.xlsx"
    shutil.copyfile(sample_workbook, path)
    real_backup = xlsx_write.backup_register

    def backup_then_user_saves(register: Path) -> Path:
        backup = real_backup(register)
        wb = load_workbook(register)
        wb["Register"]["B2"] = "Renamed in Excel meanwhile"
        wb.save(register)
        return backup

    monkeypatch.setattr(xlsx_write, "backup_register", backup_then_user_saves)
    result = run([a.format(path=path) for a in WRITES[command]])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {path}: changed on disk while riskreg was writing it (saved from Excel or another program?), so "
        f"nothing was written and that version is kept. Close the workbook in Excel and run the command again.")
    assert load_workbook(path)["Register"]["B2"].value == "Renamed in Excel meanwhile"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".~")]
