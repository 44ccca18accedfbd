"""Running every rule: findings collected in order, summaries, exit codes, and no crash on any cell value."""

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.register_grids import clean, put, register

from workbook.core.checks import check, exit_code, summary
from workbook.core.findings import Finding, printable, split_address
from workbook.xlsx.reader import read_register

CELL_VALUES = st.one_of(
    st.none(), st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(), st.datetimes(), st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=("Cs", "Cc", "Co", "Zs", "Sm", "So")), max_size=20),
    st.sampled_from(["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "=SUM(A1:A3)", "=",
                     "High ", "hgh", "->", "N/A", "New", "↗", "x" * 32_768, "<p>x</p>", "&amp;", "\ud800",
                     "[", r"(a|b", "0", "-1", "1e400", "Closed", "2021/22 Q1", "Q9 2021", "CRR01", ""]),
)
# Every data cell of the clean grids (headers and the reporting period stay: the reader guards those).
REGISTER_CELLS = [f"Register!{chr(64 + c)}{r}" for r in range(2, 5) for c in range(1, 15)]
HISTORY_CELLS = [f"History!{chr(64 + c)}{r}" for r in range(2, 9) for c in range(1, 10)]
SETTINGS_CELLS = ["Settings!B4", "Settings!B5", "Settings!B6", "Settings!B7"]
LIST_CELLS = [f"Lists!{chr(64 + c)}{r}" for r in range(2, 7) for c in range(1, 7)]
CELLS = REGISTER_CELLS + HISTORY_CELLS + SETTINGS_CELLS + LIST_CELLS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CELLS), CELL_VALUES), max_size=25))
def test_checks_never_raise_and_every_finding_points_at_a_cell_of_its_sheet(changes):
    grids = clean()
    for cell, value in changes:
        put(grids, cell, value)
    findings = check(register(grids))
    for finding in findings:
        sheet, row, column = split_address(finding.cell)
        assert sheet in grids
        assert 1 <= row <= len(grids[sheet])
        assert 1 <= column <= max(len(r) for r in grids[sheet])
        assert finding.message and finding.severity in ("error", "warning", "info")
        assert printable(finding.message, 10_000) == finding.message  # safe to write into a note
    assert findings == check(register(grids))  # the same register gives the same findings, in the same order


def test_all_findings_are_collected_in_sheet_row_column_order():
    grids = clean()
    put(grids, "Register!I4", "Hgh")
    put(grids, "Register!K2", "soon")
    put(grids, "History!C3", "Hihg")
    put(grids, "Register!B3", "Demand.")
    found = [(f.rule_id, f.cell) for f in check(register(grids))]
    assert found == [("R021", "Register!K2"), ("R005", "Register!B3"), ("R006", "Register!I4"),
                     ("R027", "History!C3")]


def test_a_finding_names_rule_severity_risk_column_cell_and_value():
    grids = put(clean(), "Register!I3", "Meduim")
    [finding] = check(register(grids))
    assert finding == Finding(
        "R006", "error", "CRR02", "Residual Risk Rating", "Register!I3", "Meduim",
        "Residual Risk Rating 'Meduim' is not in the Ratings list (Critical, High, Medium, Low). Did you mean "
        "'Medium'? Choose a value from the drop-down.")
    assert json.loads(json.dumps(finding.as_dict()))["cell"] == "Register!I3"


def test_odd_values_are_shown_escaped_and_cut_short():
    grids = put(clean(), "Register!D2", "bell\x07" + "y" * 300)
    [finding] = check(register(grids))
    assert finding.value == "bell\\x07" + "y" * 195 + "…"  # 200 characters of the cell, then …


def test_summary_and_exit_codes():
    reg = register()
    assert summary([], reg) == "No problems found in 3 risks."
    assert exit_code([]) == 0
    grids = put(put(clean(), "Register!B2", "Vulnerability."), "Register!B3", "Demand ")
    reg = register(grids)
    warnings = check(reg)
    assert summary(warnings, reg) == "0 errors, 2 warnings in 3 risks"
    assert exit_code(warnings) == 0 and exit_code(warnings, strict=True) == 1
    put(grids, "Register!I2", "Hgh")
    reg = register(grids)
    mixed = check(reg)
    assert summary(mixed, reg) == "1 error, 2 warnings in 3 risks"
    assert exit_code(mixed) == 1


def test_the_sample_register_gets_what_a_risk_manager_would_find(sample_workbook):
    register_ = read_register(sample_workbook)
    findings = check(register_)
    assert [(f.rule_id, f.severity, f.risk_id, f.cell, f.message) for f in findings] == [
        ("R005", "warning", "CRR03", "Register!B3",
         "Risk Name 'Operational Training and Embedded Learning.' ends with '.'. Remove it: a risk name is a "
         "title, and the board paper adds its own punctuation."),
        ("R010", "error", "CRR03", "Register!G3",
         "Q1 Trending is New, but Q4 Trending already marks the risk New. A risk is New only in the quarter it "
         "joins the register: use ↗, → or ↘ here, or correct Q4 Trending."),
    ]
    assert summary(findings, register_) == "1 error, 1 warning in 18 risks"


def test_review_dates_count_back_from_the_period_end_not_today():
    grids = put(clean(), "Register!K2", dt.datetime(2021, 6, 29))
    assert [f.cell for f in check(register(grids))] == ["Register!K2"]
