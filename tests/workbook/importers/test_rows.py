"""Row grouping: what each row under the header is, and which rows make one risk, from cells and their spans."""

from workbook.importers.rows import CONTINUATION, DROPPED, HEADING, NOTE, RISK, group_columns, group_rows, realign, \
    row_kind
from support.raw_tables import raw_table
from workbook.importers.table import Span

HEADING_CELLS = ["id", "risk", "rating"]


def table(rows, spans=()):
    return raw_table(rows, spans)


def test_row_kind():
    assert row_kind(["", "", ""], HEADING_CELLS, set(), 3, True) == "blank"
    assert row_kind(["ID", "Risk", "Rating"], HEADING_CELLS, set(), 3, True) == "header"
    assert row_kind(["Page 1 of 2", "", ""], HEADING_CELLS, set(), 3, True) == "furniture"
    assert row_kind(["Financial", "Financial", "Financial"], HEADING_CELLS, {1, 2}, 3, True) == HEADING
    assert row_kind(["High Risk (16 To 25)", "", ""], HEADING_CELLS, set(), 3, False) == HEADING
    assert row_kind(["* Scores after controls", "", ""], HEADING_CELLS, set(), 3, True) == "footnote"
    assert row_kind(["Reviewed by the board", "", ""], HEADING_CELLS, set(), 3, False) == "footnote"
    assert row_kind(["1", "Flood", "High"], HEADING_CELLS, set(), 3, True) == RISK
    assert row_kind(["", "", "More controls"], HEADING_CELLS, set(), 3, True) == RISK  # more of the risk above


def test_a_cell_merged_over_risks_of_their_own_is_a_group_column():
    grid = table([["Topic", "No", "Hazard"], ["Delivery", "1", "Slip"], ["", "2", "Supplier"], ["", "3", "Benefit"]],
                 [Span(1, 0, 3, 1)])
    assert group_columns(grid, 1, {"name": 0, "id": 1, "description": 2}) == {0}


def test_a_merged_id_spans_the_rows_of_one_risk():
    grid = table([["Ref", "Risk", "Action"], ["SR1", "Flood", "Sandbags"], ["", "", "Warning"]],
                 [Span(1, 0, 2, 1), Span(1, 1, 2, 1)])
    positions = {"id": 0, "name": 1}
    assert group_columns(grid, 1, positions) == set()
    grouping = group_rows(grid, 0, ["ref", "risk", "action"], positions, {0, 1, 2})
    assert [(g.first, g.rows) for g in grouping.groups] == [(1, (1, 2))]
    assert grouping.kinds == {1: (RISK, ""), 2: (CONTINUATION, "register.xlsx sheet 'Risks' row 2")}


def test_group_rows_accounts_for_every_row():
    grid = table([["ID", "Risk", "Rating", "Notes"],
                  ["Financial", "", "", ""],
                  ["1", "Funding", "High", ""],
                  ["", "", "", "ignored text"],  # text only in a column the import leaves out
                  ["2", "Staff", "Low", ""],
                  ["* After controls", "", "", ""]], [Span(1, 0, 1, 4)])
    grouping = group_rows(grid, 0, ["id", "risk", "rating", "notes"], {"id": 0, "name": 1, "rating": 2}, {0, 1, 2})
    assert [g.first for g in grouping.groups] == [2, 4]
    assert grouping.groups[0].section == "section:Financial"
    assert {i: k for i, (k, _) in grouping.kinds.items()} == {1: HEADING, 2: RISK, 3: DROPPED, 4: RISK, 5: NOTE}
    assert [grouping.count(k) for k in (RISK, CONTINUATION, HEADING, NOTE, DROPPED)] == [2, 0, 1, 1, 1]


def test_a_row_one_cell_short_is_moved_right():
    assert realign(["C2", "Reserves", "Monthly accounts", "Medium", "Treasurer", ""], 4) == \
        ["", "C2", "Reserves", "Monthly accounts", "Medium", "Treasurer"]
    assert realign(["Financial", "C1", "Grant", "Plan", "High", "Treasurer"], 4) is None  # as drawn
    assert realign(["C2", "Reserves", "Plan", "", "Treasurer", ""], 3) is None  # no rating one column early
