"""The register parsed from value grids: columns, periods, settings, history and the errors users see."""

import pytest
from support.depth_grids import depth_clean
from support.register_grids import clean

from workbook.core.errors import RegisterFormatError
from workbook.core.layout import register_from_grids
from workbook.core.periods import Period
from workbook.core.values import entry_score

HEADERS = ["ID", "Risk Name", "Description", "Impact", "Key Controls and Activities",
           "Q4 Trending", "Q1 Trending", "Q2 Trending", "Residual Risk Rating"]


def grids(headers=HEADERS, rows=(), settings=None, history=None):
    sheets = {"Register": [list(headers), *map(list, rows)]}
    if settings is not None:
        sheets["Settings"] = [["Setting", "Value", "What it means"], *settings]
    if history is not None:
        sheets["History"] = history
    return sheets


def test_risks_columns_and_periods_are_read():
    register = register_from_grids(grids(rows=[
        ["CRR01", "Vulnerability", "d", "i", "c", "→", "→", "↗", "High"],
        [None] * 9,
        ["CRR02", "Demand", "d", "i", "c", "N/A", "New", "→", "Medium"],
        [None] * 9,
    ]), "reg.xlsx")
    assert [r.id for r in register.risks] == ["CRR01", "CRR02"]
    assert register.risks[1].trends == ("N/A", "New", "→")
    assert register.trend_periods == (Period(2020, 4), Period(2021, 1), Period(2021, 2))
    assert register.period.label == "2021/22 Q2"
    assert register.blank_rows == [3]  # the trailing blank row is not inside the table
    assert register.cell(register.risks[1], "rating") == "Register!I4"


def test_header_row_below_a_title_and_extra_columns_are_accepted():
    sheet = grids(headers=["Corporate Risks"])
    sheet["Register"] = [["Corporate Risks"], HEADERS + ["Notes"], ["CRR01", "A", "d", "i", "c", "→", "→", "→",
                                                                   "Low", "x"]]
    register = register_from_grids(sheet, "reg.xlsx")
    assert register.header_row == 2
    assert register.risks[0].row == 3 and register.risks[0].rating == "Low"


def test_settings_set_the_period_and_the_trend_headers_must_lead_up_to_it():
    settings = [["Reporting period", "2021/22 Q3"], ["Review cycle (days)", 30.0]]
    headers = HEADERS[:5] + ["Q1 Trending", "Q2 Trending", "Q3 Trending"] + HEADERS[8:]
    register = register_from_grids(grids(headers=headers, settings=settings), "reg.xlsx")
    assert register.period == Period(2021, 3)
    assert register.setting("review_cycle_days") == 30
    assert register.settings_rows["period"] == 2
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids(grids(settings=settings), "reg.xlsx")
    assert err.value.user_message == (
        "reg.xlsx: the trend headers on sheet 'Register' (Q4 Trending, Q1 Trending, Q2 Trending) do not lead up to "
        "the reporting period 2021/22 Q3 in sheet 'Settings'; expected Q1 Trending, Q2 Trending, Q3 Trending. "
        "Correct the reporting period in Settings, or the headers.")


def test_a_period_that_does_not_parse_names_the_settings_cell():
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids(grids(settings=[["Reporting period", "Q2"]]), "reg.xlsx")
    assert err.value.user_message == (
        "reg.xlsx: sheet 'Settings' cell B2: Period 'Q2' does not parse: write it as '2021/22 Q2' "
        "(financial year, then quarter; Q1 is April to June).")


def test_missing_register_sheet_suggests_the_closest_sheet():
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids({"Registr": [HEADERS], "Lists": []}, "reg.xlsx")
    assert err.value.user_message == (
        "reg.xlsx: no sheet named 'Register' (sheets: Registr, Lists). Is 'Registr' the register? Rename it to "
        "'Register'. Make a register with `riskreg new` or `riskreg import`.")


def test_misspelt_header_is_named_with_its_closest_match():
    headers = HEADERS[:3] + ["Impakt"] + HEADERS[4:]
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids(grids(headers=headers), "reg.xlsx")
    assert err.value.user_message.startswith(
        "reg.xlsx: sheet 'Register' row 1: missing column 'Impact' (found 'Impakt': is it misspelt?). "
        "Expected headers: ID, Risk Name, Description, Impact, Key Controls and Activities, Residual Risk Rating "
        "and 3 trend columns; found: ID, Risk Name, Description, Impakt,")


def test_duplicated_header_names_both_places():
    headers = HEADERS + ["Risk Name"]
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids(grids(headers=headers), "reg.xlsx")
    assert err.value.user_message == (
        "reg.xlsx: sheet 'Register' cell Register!J1: header 'Risk Name' appears twice (first at column B). "
        "Rename or delete one of them.")


def test_wrong_number_of_trend_columns():
    headers = HEADERS[:6] + HEADERS[8:]
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids(grids(headers=headers), "reg.xlsx")
    assert "expected 3 trend columns headed like 'Q4 Trending', found 1 (Q4 Trending)" in err.value.user_message


def test_no_header_row():
    with pytest.raises(RegisterFormatError) as err:
        register_from_grids({"Register": [["just", "text"]]}, "reg.xlsx")
    assert err.value.user_message == (
        "reg.xlsx: sheet 'Register' has no header row with 'ID' and 'Risk Name' in its first 10 rows "
        "(first row holds: just, text). Restore the header, or start again with `riskreg new` and copy the "
        "rows across.")


def test_history_rows_keep_their_sheet_rows():
    history = [["Risk ID", "Period", "Rating", "Trend", "Score"],
               ["CRR01", "2021/22 Q1", "High", "→", 12], [None] * 5, ["CRR01", "2021/22 Q2", "High", "→", None]]
    register = register_from_grids(grids(history=history), "reg.xlsx")
    assert [(h.row, h.period, h.trend, entry_score(h)) for h in register.history] == [
        (2, "2021/22 Q1", "→", 12.0), (4, "2021/22 Q2", "→", None)]


def test_sheets_of_the_users_own_named_actions_appetite_or_matrix_are_left_alone():
    grids = clean()
    grids["Actions"] = [["Owner", "What", "When"], ["ACC Crime", "Chase the audit", "Friday"]]
    grids["Appetite"] = [["Notes"], ["Board away day in May"]]
    grids["Matrix"] = [["Our 5x5 matrix, as agreed in 2019"], [None, 1, 2, 3]]
    register = register_from_grids(grids, "register.xlsx")
    assert (register.actions, register.appetite, register.matrix_sheet) == (None, None, None)


def test_riskregs_own_sheets_are_read_as_data():
    register = register_from_grids(depth_clean(), "register.xlsx")
    assert [(a.row, a.text("risk_id"), a.text("status")) for a in register.actions] == [
        (2, "CRR01", "In progress"), (3, "CRR02", "Not started"), (4, "CRR03", "Done")]
    assert register.action_columns == {"risk_id": 1, "action": 2, "owner": 3, "due": 4, "status": 5,
                                       "completed_on": 6, "update": 7}
    assert [e.text("tolerance") for e in register.appetite] == ["9", "Medium"]
    assert register.matrix_sheet[0] == ("Scoring", "Likelihood × Impact")
