"""The server's applier (actions.apply_edit): a plan's sheets, names and notes as the actions xlwings' clients run."""

from __future__ import annotations

import json

from support.remote_actions import apply_actions
from support.remote_payload import payload_from_xlsx

from addin.server import actions
from addin.server.limits import Limits
from addin.server.payload import read_payload
from workbook.core.edit import HIDDEN, AddSheet, DefinedName, Note, SetCell, WorkbookEdit
from workbook.core.schema import REGISTER_SHEET, SUMMARY_SHEET, VALIDATION_SHEET


def applied(payload: dict, edit: WorkbookEdit) -> list[dict]:
    client = read_payload(json.dumps(payload).encode(), [], Limits())
    answer = actions.Answer(client.sheet_names)
    actions.apply_edit(answer, edit, client, client.grids())
    return answer.json()["actions"]


def test_sheets_are_removed_and_added_where_the_plan_says_at_positions_that_follow(sample_workbook):
    payload = payload_from_xlsx(sample_workbook, {VALIDATION_SHEET: [["Old findings"]]})
    edit = WorkbookEdit(remove_sheets=(VALIDATION_SHEET, "No such sheet"),
                        add_sheets=(AddSheet(SUMMARY_SHEET, (("Summary", 3),), after=REGISTER_SHEET, state=HIDDEN),),
                        cells=(SetCell(REGISTER_SHEET, 2, 2, "=not a formula"),))
    done = applied(payload, edit)
    names = [sheet["name"] for sheet in payload["sheets"]]
    assert [(a["func"], a["args"], a["sheet_position"]) for a in done if a["func"] != "setValues"] == [
        ("sheetDelete", [None], names.index(VALIDATION_SHEET)), ("addSheet", [1, SUMMARY_SHEET], None),
        ("setSheetVisibility", ["Hidden"], 1)]
    after = apply_actions(payload, done)
    assert [sheet["name"] for sheet in after["sheets"]] == [REGISTER_SHEET, SUMMARY_SHEET, *names[1:-1]]
    assert after["sheets"][1]["values"] == [["Summary", 3]]
    assert after["sheets"][0]["values"][1][1] == "'=not a formula"  # formula-like text stays text


def test_names_are_set_and_notes_go_only_to_a_client_that_takes_them(sample_workbook):
    edit = WorkbookEdit(names=(DefinedName("Ratings", "Lists!$A$2:$A$6"),),
                        cell_notes=(Note(REGISTER_SHEET, 3, 7, "R004: not a rating"),))
    desktop = payload_from_xlsx(sample_workbook)  # the .xlam's VBA client: no notes
    assert [(a["func"], a["args"]) for a in applied(desktop, edit)] == [("namesAdd", ["Ratings", "Lists!$A$2:$A$6"])]
    office = {**desktop, "client": "Office.js",
              "sheets": [{**sheet, "notes": [], "notes_supported": True} for sheet in desktop["sheets"]]}
    assert [(a["func"], a["args"], a["sheet_position"]) for a in applied(office, edit)] == [
        ("namesAdd", ["Ratings", "Lists!$A$2:$A$6"], None), ("addNote", ["$G$3", "R004: not a rating"], 0)]
