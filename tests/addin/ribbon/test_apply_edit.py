"""The live applier (live_io.apply_edit) on xlwings' remote engine, and the server's (actions.apply_edit), leave the
values the xlsx applier leaves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from support.remote_actions import apply_actions, values

from addin.ribbon import live_io
from addin.server import actions
from addin.server.limits import Limits
from addin.server.payload import read_payload
from workbook.core.edit import (
    DATE_STYLE,
    VERY_HIDDEN,
    AddSheet,
    AppendRows,
    ClearCell,
    MoveCell,
    SetCell,
    ValidationSheet,
    WorkbookEdit,
)
from workbook import jobs
from workbook.core.findings import Finding
from workbook.core.model import address
from workbook.core.result_sheets import VALIDATION_HEADERS
from workbook.core.schema import HISTORY_SHEET, HISTORY_TABLE, REGISTER_SHEET, SUMMARY_SHEET, TEXT_SHEET, VALIDATION_SHEET
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.writer import apply_file

RISKS = [{"id": f"CRR0{n}", "name": f"Risk {n}", "trend1": "→", "trend2": "↗", "trend3": "→", "rating": "High",
          "likelihood": n, "impact_score": 2, "status": "Open"} for n in (1, 2, 3)]
ROWS, COLUMNS = range(2, 5), range(1, 17)  # the three risks' rows, the Register's columns
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$")  # how the remote engine and the client send dates

DATED = (12, 13)  # Date Raised, Last Reviewed: dates live in their own, date-formatted columns, as on a register
date = st.dates(dt.date(2020, 1, 1), dt.date(2025, 12, 31)).map(lambda d: dt.datetime(d.year, d.month, d.day))
text = st.one_of(st.none(), st.sampled_from(["High", "→", "=1+1", "-5 staff", "@risk", "Text"]),
                 st.integers(min_value=-5, max_value=500))
UNDATED = [column for column in COLUMNS if column not in DATED]
change = st.one_of(
    st.builds(lambda row, column, v: SetCell(REGISTER_SHEET, row, column, v), st.sampled_from(list(ROWS)),
              st.sampled_from(UNDATED), text),
    st.builds(lambda row, column, v: SetCell(REGISTER_SHEET, row, column, v, DATE_STYLE), st.sampled_from(list(ROWS)),
              st.sampled_from(DATED), st.one_of(st.none(), date)),
    st.builds(lambda row, column, to: MoveCell(REGISTER_SHEET, row, column, to), st.sampled_from(list(ROWS)),
              st.sampled_from(UNDATED), st.sampled_from(UNDATED)),
    st.builds(lambda row, column: ClearCell(REGISTER_SHEET, row, column), st.sampled_from(list(ROWS)),
              st.sampled_from(list(COLUMNS))),
)
KEYS = {"risk_id": 1, "period": 2, "rating": 3, "reviewed_on": 8}
history_row = st.fixed_dictionaries({}, optional={key: date if key == "reviewed_on" else text for key in KEYS})
record_row = st.tuples(st.sampled_from(["quarter 2021/22 Q2", "0123456789abcdef"]), st.sampled_from(["name", "ratings"]),
                       st.sampled_from(["Vulnerability", "=SUM(A1)", "Critical\nHigh"]))


@st.composite
def plans(draw) -> WorkbookEdit:
    headers = ("Key", "Field", "Text")
    record = draw(st.lists(record_row, max_size=3))
    summary = draw(st.lists(st.lists(text, min_size=1, max_size=3).map(tuple), max_size=3))
    return WorkbookEdit(
        add_sheets=(AddSheet(SUMMARY_SHEET, tuple(summary), after=REGISTER_SHEET),) if summary else (),
        cells=tuple(draw(st.lists(change, max_size=12))),
        appends=(AppendRows(HISTORY_SHEET, KEYS, tuple(draw(st.lists(history_row, max_size=4))), HISTORY_TABLE,
                            {"reviewed_on": DATE_STYLE}),
                 AppendRows(TEXT_SHEET, {h: i for i, h in enumerate(headers, start=1)},
                            tuple(dict(zip(headers, row)) for row in record), create_headers=headers,
                            create_state=VERY_HIDDEN)))


def plain(value: object) -> object:
    """Return a value as both appliers' results can be compared: dates as dates, text as typed, blanks as None."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and ISO.match(value):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def grid(rows) -> dict[tuple[int, int], object]:
    return {(r, c): plain(v) for r, row in enumerate(rows, start=1) for c, v in enumerate(row, start=1)
            if plain(v) is not None}


def live_text(value: object) -> object:
    """Excel keeps the text after a leading apostrophe: the live applier's way to keep formula-like text text."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = tmp_path_factory.mktemp("apply") / "register.xlsx"
    write_workbook(path, risks=RISKS, settings={"period": "2021/22 Q2"})
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=plans())
def test_the_live_and_server_appliers_leave_the_values_the_xlsx_applier_leaves(edit, pristine, remote,
                                                                                tmp_path_factory):
    path = tmp_path_factory.mktemp("case") / "register.xlsx"
    shutil.copyfile(pristine, path)
    payload = remote.payload_from_xlsx(path)
    sent = json.dumps(payload).encode()  # as the client sends it (the remote engine changes `payload` as it goes)
    apply_file(path, edit, output=path.with_name("applied.xlsx"))
    wb = load_workbook(path.with_name("applied.xlsx"))
    book = remote.open(payload)
    live_io.apply_edit(book, edit)
    after = apply_actions(json.loads(sent), book.json()["actions"])
    client = read_payload(sent, [], Limits())
    answer = actions.Answer(client.sheet_names)
    actions.apply_edit(answer, edit, client, client.grids())
    served = apply_actions(json.loads(sent), answer.json()["actions"])
    for sheet in (REGISTER_SHEET, HISTORY_SHEET, TEXT_SHEET, SUMMARY_SHEET):
        if sheet not in wb.sheetnames:
            assert sheet not in [s["name"] for s in after["sheets"]]
            assert sheet not in [s["name"] for s in served["sheets"]]
            continue
        on_file = grid(wb[sheet].iter_rows(values_only=True))
        live = {place: live_text(v) for place, v in grid(values(after, sheet)).items()}
        assert live == on_file, sheet
        server = {place: live_text(v) for place, v in grid(values(served, sheet)).items()}
        assert server == on_file, f"{sheet} (server)"


def test_the_live_applier_grows_the_table_and_hides_the_sheet_it_adds(pristine, remote):
    edit = WorkbookEdit(appends=(
        AppendRows(HISTORY_SHEET, KEYS, ({"risk_id": "CRR01", "period": "2021/22 Q2"},), HISTORY_TABLE),
        AppendRows(TEXT_SHEET, {"Key": 1}, ({"Key": "k"},), create_headers=("Key",), create_state=VERY_HIDDEN)))
    book = remote.open(remote.payload_from_xlsx(pristine))
    assert live_io.apply_edit(book, edit) == ("History!A2", "History!B2", "Record!A1", "Record!A2")
    actions = book.json()["actions"]
    assert [a["args"] for a in actions if a["func"] == "resizeTable"] == []  # row 2 is inside the new table already
    assert [a["args"][0] for a in actions if a["func"] == "setSheetVisibility"] == ["Hidden"]


finding = st.builds(lambda row, column, severity, message: Finding("R001", severity, f"CRR0{row - 1}", "Column",
                                                                  address(REGISTER_SHEET, row, column), "v", message),
                    st.sampled_from(list(ROWS)), st.sampled_from(list(COLUMNS)),
                    st.sampled_from(["error", "warning", "info"]), st.sampled_from(["Fix it.", "=1+1", "Check."]))
FILL_BEFORE = VALIDATION_HEADERS.index("Fill before") + 1
SIGNED_ROW = 2  # who rebuilt the sheet and when: each medium signs its own


def results(rows) -> dict[tuple[int, int], object]:
    """Return a results sheet's values, leaving out the row each medium signs and the fill it read before marking."""
    return {(r, c): v for (r, c), v in grid(rows).items() if r != SIGNED_ROW and c != FILL_BEFORE}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(found=st.lists(finding, max_size=6), with_trends=st.booleans())
def test_the_live_applier_writes_the_results_sheets_the_xlsx_applier_writes(found, with_trends, pristine, remote,
                                                                            tmp_path_factory):
    path = tmp_path_factory.mktemp("case") / "register.xlsx"
    shutil.copyfile(pristine, path)
    edit = WorkbookEdit(clear_finding_marks=True, validation=ValidationSheet(tuple(found), "Some findings"))
    if with_trends:
        trends = jobs.trends_edit(jobs.refresh_trends_file(path))
        edit = dataclasses.replace(edit, cells=trends.cells, summary=trends.summary)
    payload = remote.payload_from_xlsx(path)
    apply_file(path, edit, output=path.with_name("applied.xlsx"))
    wb = load_workbook(path.with_name("applied.xlsx"))
    book = remote.open(payload)
    written = live_io.apply_edit(book, edit)
    after = apply_actions(payload, book.json()["actions"])
    assert written[len(edit.cells):] == tuple(dict.fromkeys(f.cell for f in found))
    for sheet in (REGISTER_SHEET, VALIDATION_SHEET, *((SUMMARY_SHEET,) if with_trends else ())):
        live = {place: live_text(v) for place, v in results(values(after, sheet)).items()}
        assert live == results(wb[sheet].iter_rows(values_only=True)), sheet
    assert (SUMMARY_SHEET in wb.sheetnames) == with_trends


def test_the_server_applier_grows_the_table_and_hides_the_sheet_it_adds_as_the_live_one_does(pristine, remote):
    edit = WorkbookEdit(appends=(
        AppendRows(HISTORY_SHEET, KEYS, ({"risk_id": "CRR01", "period": "2021/22 Q2"},) * 3, HISTORY_TABLE,
                   new_headers=("Note",)),
        AppendRows(TEXT_SHEET, {"Key": 1}, ({"Key": "k"},), create_headers=("Key",), create_state=VERY_HIDDEN)))
    payload = remote.payload_from_xlsx(pristine)
    client = read_payload(json.dumps(payload).encode(), [], Limits())
    book = remote.open(payload)
    live_io.apply_edit(book, edit)
    answer = actions.Answer(client.sheet_names)
    assert actions.apply_edit(answer, edit, client, client.grids()) == (
        "History!A2", "History!B2", "History!A3", "History!B3", "History!A4", "History!B4", "Record!A1", "Record!A2")
    served, live = answer.json()["actions"], book.json()["actions"]
    for func in ("resizeTable", "setSheetVisibility", "addSheet"):
        assert [a["args"] for a in served if a["func"] == func] == [a["args"] for a in live if a["func"] == func], func
    assert [a["args"] for a in served if a["func"] == "resizeTable"] == [[0, "$A$1:$M$4"]]
