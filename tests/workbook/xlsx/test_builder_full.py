"""`riskreg new --full`: the in-depth columns and the Matrix, Appetite and Actions sheets, written and read back."""

import datetime as dt
import subprocess

import pytest
from openpyxl import load_workbook
from support.depth_grids import depth_clean
from support.depth_register import APPETITE, depth_actions, depth_risks, write_depth_sample
from support.register_grids import register

from workbook.core import checks, depth
from workbook.core.errors import RegisterFormatError
from workbook.core.schema import ACTION_COLUMNS, DEPTH_COLUMNS, DEPTH_LISTS
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.reader import read_register


@pytest.fixture
def full_book(tmp_path):
    path = write_workbook(tmp_path / "full.xlsx", settings={"period": "2021/22 Q2"}, full=True)
    return path, load_workbook(path)


def validations(ws) -> dict[str, tuple[str, str]]:
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def test_full_register_has_the_three_sheets_after_the_usual_four(full_book):
    _, wb = full_book
    assert wb.sheetnames == ["Register", "Lists", "History", "Settings", "Matrix", "Appetite", "Actions"]


def test_in_depth_columns_follow_the_optional_ones_with_drop_downs_and_date_validation(full_book):
    _, wb = full_book
    ws = wb["Register"]
    headers = [cell.value for cell in ws[1]]
    assert headers[16:] == ["Category", "Inherent Likelihood", "Inherent Impact", "Inherent Score",
                            "Residual Score", "Target Likelihood", "Target Impact", "Target Score", "Target Date",
                            "Proximity"]
    assert [c.header for c in DEPTH_COLUMNS] == headers[16:]
    found = validations(ws)
    assert found["Q2:Q1000"] == ("list", "Categories") and found["Z2:Z1000"] == ("list", "Proximities")
    assert found["R2:R1000"] == ("list", "Scores") and found["W2:W1000"] == ("list", "Scores")
    assert found["Y2:Y1000"] == ("date", "1")
    assert ws.print_area == "'Register'!$A$1:$I$2"  # the committee's columns only, as before


def test_lists_sheet_carries_the_in_depth_lists_as_named_ranges(full_book):
    _, wb = full_book
    ws = wb["Lists"]
    names = [cell.value for cell in ws[1]]
    for name, values in DEPTH_LISTS.items():
        column = names.index(name) + 1
        assert [ws.cell(row=r, column=column).value for r in range(2, len(values) + 2)] == list(values)
        assert name in wb.defined_names


def test_actions_sheet_is_a_table_with_status_drop_down_and_date_validation(full_book):
    _, wb = full_book
    ws = wb["Actions"]
    assert [cell.value for cell in ws[1]] == [c.header for c in ACTION_COLUMNS]
    assert ws.tables["RiskActions"].ref == "A1:G2"
    assert validations(ws) == {"D2:D1000": ("date", "1"), "E2:E1000": ("list", "ActionStatuses"),
                               "F2:F1000": ("date", "1")}
    assert wb["Appetite"].tables["RiskAppetite"].ref == "A1:D2"
    assert validations(wb["Appetite"]) == {"A2:A1000": ("list", "Categories"), "B2:B1000": ("list", "AppetiteLevels")}


def test_matrix_sheet_declares_scoring_bands_and_grid_for_the_scale(tmp_path):
    path = write_workbook(tmp_path / "five.xlsx", settings={"period": "2021/22 Q2", "score_scale": 5}, full=True)
    ws = load_workbook(path)["Matrix"]
    rows = [[c for c in row[:6]] for row in ws.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Scoring", "Likelihood × Impact"]
    assert [r[:2] for r in rows[2:7]] == [["Rating", "Lowest score"], ["Critical", 15], ["High", 9], ["Medium", 4],
                                          ["Low", 1]]
    assert rows[8] == ["Likelihood \\ Impact", 1, 2, 3, 4, 5]
    assert rows[13] == [5, 5, 10, 15, 20, 25]
    on = read_register(path)
    assert on.matrix_sheet is not None and on.actions == [] and on.appetite == []


def test_an_empty_full_register_reads_and_checks_clean(full_book):
    path, _ = full_book
    # Only the paper's settings, left as placeholders for the user (R030, issue 12b), are flagged.
    findings = checks.check(read_register(path))
    assert {f.rule_id for f in findings} == {"R030"}
    assert all(f.cell.startswith("Settings!") for f in findings)


def test_the_in_depth_sample_reads_back_every_group(tmp_path):
    path = write_depth_sample(tmp_path / "depth.xlsx")
    reg = read_register(path)
    risks, _, _ = depth_risks()
    assert len(reg.actions) == len(depth_actions(risks)) == 15
    assert [row.text("category") for row in reg.appetite] == [a["category"] for a in APPETITE]
    first = reg.by_id()["CRR18"]  # the Critical risk, first on the sheet
    assert depth.positions(reg, first) == {"inherent": 16, "residual": 12, "target": 6}
    assert first.values["target_date"] == dt.date(2021, 9, 30)  # python-calamine reads a date-only cell as a date
    assert reg.actions[0].values["due"] == dt.date(2021, 8, 31)


def test_libreoffice_opens_the_in_depth_register(tmp_path, soffice):
    path = write_depth_sample(tmp_path / "depth.xlsx")
    converted = soffice(path, "xlsx", tmp_path / "lo")
    reg = read_register(converted)  # LibreOffice's own save reads back the same
    assert len(reg.actions) == 15 and len(reg.appetite) == 6
    assert [f.rule_id for f in checks.check(reg)] == [f.rule_id for f in checks.check(read_register(path))]


@pytest.mark.parametrize("headers, missing", [
    (["Risk ID", "Action", "Owner", "Due", "Status"], "missing columns 'Due date', 'Completed on'"),
    (["Risk ID", "Action", "Owner", "Due date", "Status"], "missing column 'Completed on'"),
])
def test_an_actions_sheet_without_its_columns_is_refused_naming_them(headers, missing):
    grids = depth_clean()
    grids["Actions"][0] = headers
    with pytest.raises(RegisterFormatError) as raised:
        register(grids)
    assert raised.value.user_message == (
        f"register.xlsx: sheet 'Actions' row 1: {missing}. Its headers are Risk ID, "
        "Action, Owner, Due date, Status, Completed on, Update: restore them, or copy the sheet from a workbook made "
        "by `riskreg new --full`.")


def test_new_full_on_the_command_line(tmp_path):
    import sys

    target = tmp_path / "r.xlsx"
    done = subprocess.run([sys.executable, "-m", "addin.cli", "new", str(target), "--full", "--period", "2022/23 Q1"],
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"Created {target} (reporting period 2022/23 Q1).\n")
    assert load_workbook(target).sheetnames[-3:] == ["Matrix", "Appetite", "Actions"]
