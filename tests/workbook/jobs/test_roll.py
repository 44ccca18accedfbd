"""The roll-over job on real register workbooks: History and the Record sheet keep the quarter, the trends move on,
only the next quarter and only a register without errors (unless forced); nothing else changes."""

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.xlsx_snapshots import edit, structure, values

from workbook import jobs
from workbook.core.checks import check
from workbook.core.errors import PeriodError, RegisterErrorsError
from workbook.core.periods import parse_period
from workbook.core.trends import compute_trends
from workbook.jobs import refresh_trends as refresh
from workbook.xlsx.reader import read_register


def roll_quarter(path, period, **options):
    """Roll the workbook at `path` to `period` as `roll-quarter --force` does."""
    return jobs.roll_quarter(Path(path), parse_period(period), close_with_errors=True, **options)


def validate_write(path):
    register = read_register(path)
    findings = check(register)
    return jobs.write_validation(path, jobs.validate(register)), findings


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
    result = jobs.write_trends(sample_workbook, refresh(register))
    assert len(result.cells) == 18
    assert check(read_register(sample_workbook))[0].rule_id == "R005"
    assert [f.rule_id for f in check(read_register(sample_workbook))] == ["R005"]


def test_roll_quarter_keeps_scores_and_review_dates(tmp_path):
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


# ---- the plan, worked out from the register alone ------------------------------------------------------------

def test_the_plan_moves_the_trends_records_history_and_the_period_without_the_file():
    from support.register_grids import register as from_grids

    roll = jobs.plan_quarter(from_grids(), parse_period("2021/22 Q3"))
    edit = roll.edit
    assert edit.clear_finding_marks and edit.remove_sheets == ("Validation", "Summary")
    added = [(c.address, c.value) for c in edit.cells if c.sheet == "History"]
    assert added == [("History!J1", "Status"), ("History!K1", "Owner"), ("History!L1", "Text fingerprint")]
    on_register = [c for c in edit.cells if c.sheet == "Register"]
    assert [(c.address, getattr(c, "value", None)) for c in on_register[:3]] == [
        ("Register!F1", "Q1 Trending"), ("Register!G1", "Q2 Trending"), ("Register!H1", "Q3 Trending")]
    assert [type(c).__name__ for c in on_register[3:6]] == ["MoveCell", "MoveCell", "ClearCell"]
    assert edit.cells[-1].address == "Settings!B3" and edit.cells[-1].value == "2021/22 Q3"
    history, record = edit.appends
    assert history.new_headers == ("Status", "Owner", "Text fingerprint")  # the History table grows across them
    assert [row["risk_id"] for row in history.rows] == ["CRR01", "CRR02", "CRR03"]
    assert (record.sheet, record.create_headers, record.create_state) == ("Record", ("Key", "Field", "Text"),
                                                                          "veryHidden")
    assert [r.name for r in edit.renames] == ["Q1 Trending", "Q2 Trending", "Q3 Trending"]
    assert roll.written is None and roll.history_line() == "History: 3 2021/22 Q2 rows recorded (Source 'rolled')."


def test_a_duplicate_id_is_refused_and_closed_anyway_it_is_named_not_dropped():
    from support.register_grids import clean, put, register as from_grids

    grids = put(clean(), "Register!A4", "CRR01")
    with pytest.raises(RegisterErrorsError) as err:
        jobs.plan_quarter(from_grids(grids), parse_period("2021/22 Q3"))
    assert "the register has 1 error (Register!A4), so the quarter 2021/22 Q2 was not closed" in err.value.user_message
    roll = jobs.plan_quarter(from_grids(grids), parse_period("2021/22 Q3"), force=True)
    assert roll.notes[0] == ("CRR01 is on Register rows 2 and 4: only row 2 was recorded for 2021/22 Q2. Give the "
                             "risk on row 4 its own ID.")
    assert roll.notes[-1].startswith("Closed despite 1 error (Register!A4): the Record sheet keeps that 2021/22 Q2")


def test_a_date_typed_as_a_likelihood_is_recorded_as_the_date_it_is():
    from support.register_grids import clean, put, register as from_grids

    grids = put(clean(), "Register!L3", dt.datetime(2021, 3, 4))  # CRR02's likelihood, typed as a date
    roll = jobs.plan_quarter(from_grids(grids), parse_period("2021/22 Q3"), force=True)
    history = roll.edit.appends[0]
    assert history.rows[1]["likelihood"] == dt.datetime(2021, 3, 4) and history.styles["likelihood"] == "date"
