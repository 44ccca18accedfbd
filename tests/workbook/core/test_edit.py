"""Tests for workbook/core/edit.py: a plan says what changes, and refuses what no applier could carry out alike."""

import datetime as dt

import pytest

from workbook.core.edit import DATE_STYLE, AppendRows, ClearCell, MoveCell, Note, SetCell, WorkbookEdit


def test_the_changed_cells_are_named_in_order():
    edit = WorkbookEdit(cells=(SetCell("Register", 1, 6, "Q1 Trending"), MoveCell("Register", 2, 7, 6),
                               ClearCell("Register", 2, 8), SetCell("My Sheet", 3, 2, 4)))
    assert edit.changed_cells() == ("Register!F1", "Register!F2", "Register!H2", "'My Sheet'!B3")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda: WorkbookEdit(cells=(SetCell("History", 2, 8, dt.datetime(2021, 9, 1)),)),
     "the date for History!H2 needs the style 'date'"),
    (lambda: WorkbookEdit(cells=(SetCell("History", 2, 8, 5, "bold"),)), "unknown style 'bold' for History!H2"),
    (lambda: WorkbookEdit(appends=(AppendRows("History", {"risk_id": 1}, ({"rating": "High"},)),)),
     "rows for sheet 'History' name a column it has no position for: 'rating'"),
    (lambda: WorkbookEdit(appends=(AppendRows("History", {"reviewed_on": 8}, ({"reviewed_on": dt.date(2021, 9, 1)},)),)),
     "the dates of column 'reviewed_on' on sheet 'History' need the style 'date'"),
    (lambda: WorkbookEdit(cell_notes=(Note("Register", 2, 1, "text", owner="someone"),)), "unknown note owner 'someone'"),
])
def test_a_plan_no_applier_could_carry_out_alike_is_refused(edit, message):
    with pytest.raises(ValueError) as err:
        edit()
    assert str(err.value) == message


def test_a_dated_plan_with_its_style_is_accepted():
    edit = WorkbookEdit(cells=(SetCell("History", 2, 8, dt.datetime(2021, 9, 1), DATE_STYLE),),
                        appends=(AppendRows("History", {"reviewed_on": 8}, ({"reviewed_on": dt.date(2021, 9, 1)},),
                                            styles={"reviewed_on": DATE_STYLE}),))
    assert edit.changed_cells() == ("History!H2",)
