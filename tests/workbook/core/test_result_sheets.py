"""The Validation and Summary sheets as rows: what both writers put on them, read from small real registers."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.core.findings import Finding
from workbook.core.result_sheets import previous_marks, restored_fill, summary_rows, validation_rows
from workbook.core.trends import movements, rating_distribution
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.reader import read_register

NOW = dt.datetime(2021, 10, 4, 9, 30)
CLI_GO_TO = "Click a cell address to go to it; the cell carries a note with the message."


def risk(risk_id: str, name: str, rating: str, *trends: str) -> dict[str, str]:
    return {"id": risk_id, "name": name, "description": "What could happen.", "impact": "What it would mean.",
            "controls": "What we do.", "trend1": trends[0], "trend2": trends[1], "trend3": trends[2],
            "rating": rating}


RISKS = [risk("CRR01", "Cyber attack", "High", "N/A", "→", "↗"),
         risk("CRR02", "- Fleet replacement", "Medium", "N/A", "→", "→"),  # a bullet-like name: the writers quote it
         risk("CRR03", "Estates", "Low", "N/A", "N/A", "New")]


def history(risk_id: str, period: str, rating: str) -> dict[str, str]:
    return {"risk_id": risk_id, "period": period, "rating": rating, "source": "recorded"}


@pytest.fixture
def register(tmp_path):
    """Return a three-risk register reporting 2021/22 Q2, with History for Q1 and Q2."""
    path = tmp_path / "register.xlsx"
    rows = [history("CRR01", "2021/22 Q1", "Medium"), history("CRR02", "2021/22 Q1", "Medium"),
            history("CRR01", "2021/22 Q2", "High"), history("CRR02", "2021/22 Q2", "Medium"),
            history("CRR03", "2021/22 Q2", "Low")]
    write_workbook(path, RISKS, rows, {"period": "2021/22 Q2", "title": "Test Register"})
    return read_register(path)


@pytest.fixture
def register_without_history(tmp_path):
    """Return the register with no History rows, and CRR03's Q2 trend left empty."""
    path = tmp_path / "register.xlsx"
    write_workbook(path, [dict(RISKS[0], trend3="→"), RISKS[1], dict(RISKS[2], trend3="")], [],
                   {"period": "2021/22 Q2", "title": "Test Register"})
    return read_register(path)


FINDINGS = [
    Finding("R005", "warning", "CRR03", "Risk Name", "Register!B4", "Estates.", "Risk Name 'Estates.' ends with '.'."),
    Finding("R004", "error", "CRR01", "Residual Risk Rating", "Register!I2", "Hgh", "Residual rating must be one of …"),
]
HEADER = ["Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message", "Fill before"]


def test_validation_rows_list_each_finding_below_the_header_in_row_4_with_its_fill_before():
    rows = validation_rows(FINDINGS, "1 error, 1 warning in 3 risks", {"Register!I2": "rgb:FF92D050"},
                           "riskreg", NOW, CLI_GO_TO)
    assert rows == [
        ["Validation: 1 error, 1 warning in 3 risks"],
        [("Checked by riskreg on 04/10/2021 09:30. Click a cell address to go to it; the cell carries a note with "
          "the message. This sheet is rebuilt on every run.")],
        [],
        HEADER,
        ["warning", "R005", "CRR03", "Risk Name", "Register!B4", "Estates.", "Risk Name 'Estates.' ends with '.'.",
         "none"],
        ["error", "R004", "CRR01", "Residual Risk Rating", "Register!I2", "Hgh", "Residual rating must be one of …",
         "rgb:FF92D050"],
    ]


def test_validation_rows_without_findings_say_so_in_the_message_column():
    rows = validation_rows([], "0 errors, 0 warnings in 3 risks", {}, "riskreg (Excel add-in)", NOW,
                           "Go to a cell with Ctrl+G and its address.")
    assert rows[1] == [("Checked by riskreg (Excel add-in) on 04/10/2021 09:30. Go to a cell with Ctrl+G and its "
                        "address. This sheet is rebuilt on every run.")]
    assert rows[3:] == [HEADER, [None, None, None, None, None, None, "No problems found.", None]]


def test_the_next_run_reads_back_the_marks_a_validation_sheet_lists():
    rows = validation_rows(FINDINGS, "…", {"Register!I2": "rgb:FF92D050"}, "riskreg", NOW, CLI_GO_TO)
    assert previous_marks(rows) == {"Register!B4": "none", "Register!I2": "rgb:FF92D050"}


def test_previous_marks_come_from_the_cell_and_fill_before_columns():
    grid = [["Validation: 2 errors"], [], [],
            ["Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message", "Fill before"],
            ["error", "R004", "CRR01", "Residual Risk Rating", "Register!I2", "x", "m", "rgb:FF92D050"],
            ["warning", "R020", "", "", "'Settings'!B5", "y", "m", ""],
            ["note", "", "", "", "typed by someone", "", "", ""],
            ["error", "", "", "", "Validation!A1", "", "not a user sheet", ""]]
    assert previous_marks(grid) == {"Register!I2": "rgb:FF92D050", "'Settings'!B5": "none"}
    assert previous_marks([["Something else"]]) == {}
    assert previous_marks(None) == {}


@pytest.mark.parametrize("spec, colour", [("rgb:FF92D050", "#92D050"), ("none", None), ("theme:4:0.5", None),
                                          ("other", None)])
def test_only_plain_colours_can_be_put_back(spec, colour):
    assert restored_fill(spec) == colour


MOVEMENTS_TITLE = [["Movements in 2021/22 Q2"],
                   ["Movement", "Risk ID", "Risk Name", "Rating", "Previous rating", "Trend", "Note"]]


def test_summary_rows_count_open_risks_by_rating_per_quarter_then_list_the_movements(register):
    sheet = summary_rows(register, movements(register), rating_distribution(register), "riskreg", NOW)
    assert sheet.rows == [
        ["Summary: Test Register, 2021/22 Q2"],
        [("Rebuilt by riskreg on 04/10/2021 09:30 from the Register and History sheets. Counts are of open risks; "
          "quarters without ratings in History are left out.")],
        [],
        ["Open risks by residual rating"],
        ["Rating", "2021/22 Q1", "2021/22 Q2"],
        ["Critical", 0, 0],
        ["High", 0, 1],
        ["Medium", 2, 1],
        ["Low", 0, 1],
        ["Total", 2, 3],
        *[[]] * 11,  # room for the chart beside the counts
        *MOVEMENTS_TITLE,
        ["New (1)", "CRR03", "Estates", "Low", "", "New", ""],
        ["Escalated (1)", "CRR01", "Cyber attack", "High", "Medium", "↗", ""],
        ["De-escalated (0)", None, "None"],
        ["Unchanged (1)", "CRR02", "- Fleet replacement", "Medium", "Medium", "→", ""],
        ["Closed (0)", None, "None"],
        [],
        ["Changed since 2021/22 Q1"],
        ["Risk", "Name", "What changed", "Before", "Now"],
        ["CRR01", "Cyber attack", "Residual Risk Rating", "Medium", "High"],
    ]
    assert (sheet.periods, sheet.ratings) == (("2021/22 Q1", "2021/22 Q2"), ("Critical", "High", "Medium", "Low"))
    assert (sheet.counts_header_row, sheet.total_row, sheet.counts_width) == (5, 10, 3)
    assert (sheet.movements_title_row, sheet.movements_header_row) == (22, 23)
    assert sheet.group_rows == (24, 25, 26, 27, 28)
    assert sheet.chart_at == (4, 5)  # row 4, column E: one empty column right of the counts


def test_summary_rows_say_which_arrows_are_as_recorded_and_which_risks_are_not_counted(register_without_history):
    register = register_without_history
    sheet = summary_rows(register, movements(register), rating_distribution(register), "riskreg (Excel add-in)", NOW)
    assert sheet.rows[1][0].startswith("Rebuilt by riskreg (Excel add-in) on 04/10/2021 09:30 from ")
    assert sheet.rows[4:10] == [["Rating", "2021/22 Q2"], ["Critical", 0], ["High", 1], ["Medium", 1], ["Low", 1],
                                ["Total", 3]]
    assert sheet.rows[21:] == [
        *MOVEMENTS_TITLE,
        ["New (0)", None, "None"],
        ["Escalated (0)", None, "None"],
        ["De-escalated (0)", None, "None"],
        ["Unchanged (2)", "CRR01", "Cyber attack", "High", "", "→", "as recorded"],
        [None, "CRR02", "- Fleet replacement", "Medium", "", "→", "as recorded"],
        ["Closed (0)", None, "None"],
        [],
        ["Not counted (trend missing or not in the list; run Validate): CRR03"],
        [],
        ["Arrows as recorded on the Register, because History does not have both quarters' ratings: CRR01, CRR02."],
    ]
    assert sheet.group_rows == (24, 25, 26, 27, 29)  # the second Unchanged row carries no label
    assert sheet.chart_at == (4, 4)
