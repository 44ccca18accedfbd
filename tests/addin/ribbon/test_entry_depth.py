"""The ribbon's Validate on a register with Matrix, Appetite and Actions sheets, through xlwings' remote engine."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from support.depth_register import depth_actions, depth_risks, write_depth_sample

from addin.ribbon import entry
from workbook.core import checks
from workbook.xlsx.reader import read_register


@pytest.fixture
def depth_workbook(tmp_path):
    return write_depth_sample(tmp_path / "depth.xlsx")


def test_validate_covers_the_actions_and_appetite_and_marks_their_cells(depth_workbook, remote):
    payload = remote.payload_from_xlsx(depth_workbook)
    # xlwings' remote engine inserts the added sheet into the payload it is given: the names by position are the
    # untouched copy's, with the addSheet actions applied.
    book = remote.open(copy.deepcopy(payload))
    entry.validate(book)
    actions = book.json()["actions"]
    register = read_register(depth_workbook)
    findings = checks.check(register)
    rows = remote.written(payload, actions)["Validation"]["values"]
    assert [(r[1], r[4], r[6]) for r in rows[4:]] == [(f.rule_id, f.cell, f.message) for f in findings]
    assert {"R036", "R042", "R044"} <= {f.rule_id for f in findings}
    colours = remote.colours(payload, actions)
    overdue = [f.cell for f in findings if f.rule_id == "R042"]
    risks, _, _ = depth_risks()
    due_before_the_end = [f"Actions!D{row}" for row, action in enumerate(depth_actions(risks), start=2)
                          if action["status"] != "Done" and action["due"] < dt.datetime(2021, 9, 30)]
    assert overdue == due_before_the_end and len(overdue) == 4
    assert {cell: colours.get(cell) for cell in overdue} == dict.fromkeys(overdue, "#ffeb9c")  # warnings
    assert colours["Register!I2"] == "#ffeb9c"  # CRR18 outside appetite: flagged on its rating
    written = remote.written(payload, actions)
    assert list(written) == ["Validation"]  # the user's sheets are read, never written
    message = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert message == [f"{checks.summary(findings, register)} — see the Validation sheet."]
