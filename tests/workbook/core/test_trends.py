"""Trend arrows from History, closed risks, movements and rating counts."""

import pytest
from support.register_grids import HISTORY_HEADERS, clean, put, register

from workbook.core.checks import check
from workbook.core.layout import register_from_grids
from workbook.core.periods import Period
from workbook.core.trends import closed_at, closed_in, compute_trends, earlier_rows, movements, rating_distribution
from workbook.xlsx.reader import load_grids


def computed(grids):
    return {risk_id: [t.computed for t in trends] for risk_id, trends in compute_trends(register(grids)).items()}


def test_trends_from_a_consistent_history_match_the_recorded_ones():
    trends = compute_trends(register())
    assert {risk_id: [t.computed for t in ts] for risk_id, ts in trends.items()} == {
        "CRR01": ["→", "→", "↗"], "CRR02": ["N/A", "New", "→"], "CRR03": ["↘", "→", "↘"]}
    assert all(t.agrees for ts in trends.values() for t in ts)
    assert trends["CRR01"][2].reason == "the score of CRR01 went from 6 in 2021/22 Q1 to 9 in 2021/22 Q2"
    assert trends["CRR02"][1].reason == ("History first has CRR02 on the register in 2021/22 Q1, after recording "
                                         "other risks in 2020/21 Q4")


def test_the_setting_decides_between_scores_and_ratings():
    assert computed(clean())["CRR01"][2] == "↗"  # score 6 → 9, rating High both times
    assert computed(put(clean(), "Settings!B7", "rating"))["CRR01"][2] == "→"


def test_ratings_are_compared_when_scores_are_missing():
    grids = clean()
    for row in grids["Register"][1:]:
        row[11] = row[12] = None
    put(grids, "Register!I4", "Medium")  # CRR03 was Low in Q1
    trends = compute_trends(register(grids))
    assert trends["CRR03"][2].computed == "↗"
    assert trends["CRR03"][2].reason == "the rating of CRR03 went from Low in 2021/22 Q1 to Medium in 2021/22 Q2"


def test_without_history_the_recorded_arrow_is_kept_and_the_reason_given():
    grids = clean()
    grids["History"] = [HISTORY_HEADERS]
    trends = compute_trends(register(grids))
    assert [t.computed for t in trends["CRR01"]] == [None, None, None]
    assert [t.value for t in trends["CRR01"]] == ["→", "→", "↗"]
    assert trends["CRR01"][2].reason == "History has no rows for 2021/22 Q1"


def test_imported_rows_without_ratings_keep_the_recorded_arrow():
    grids = clean()
    for row in grids["History"][1:]:
        row[2] = row[4] = row[5] = row[6] = None
    trends = compute_trends(register(grids))
    assert trends["CRR01"][2].computed is None
    assert trends["CRR01"][2].reason == "History has no rating for CRR01 in 2021/22 Q1"
    assert trends["CRR02"][1].computed == "New"  # presence alone says when a risk joined


def test_a_history_row_marked_na_means_not_on_the_register():
    grids = clean()
    grids["History"].append(["CRR02", "2020/21 Q4", None, "N/A", None, None, None, None, "imported"])
    assert computed(grids)["CRR02"][:2] == ["N/A", "New"]


def test_earlier_rows_keep_the_first_row_of_each_risk_and_earlier_period():
    grids = clean()
    grids["History"].extend([
        ["CRR01", "2020/21 Q4", "Low", "↘", 1, 1, 1, None, "typed"],  # a second row for the period: the first counts
        ["CRR01", "2021/22 Q2", "High", "↗", 3, 3, 9, None, "recorded"],  # the reporting period: the Register's
        [None, "2020/21 Q4", "High", "→", 3, 3, 9, None, "recorded"],  # no risk
        ["CRR02", "Q5", "High", "→", 3, 3, 9, None, "recorded"],  # no period
    ])
    rows = earlier_rows(register(grids))
    assert {risk_id: {p.label: entry.row for p, entry in by_period.items()} for risk_id, by_period in rows.items()} == {
        "CRR01": {"2020/21 Q3": 2, "2020/21 Q4": 4, "2021/22 Q1": 6},
        "CRR03": {"2020/21 Q3": 3, "2020/21 Q4": 5, "2021/22 Q1": 8},
        "CRR02": {"2021/22 Q1": 7},
    }


def test_a_risk_is_closed_from_its_closing_quarter_until_history_has_it_open_again():
    grids = clean()
    grids["History"][0].append("Status")
    for row, status in zip(grids["History"][1:], ["Open", "Open", "Closed", "Open", "Open", "Open", "Open"]):
        row.append(status)  # CRR01 closed in 2020/21 Q4, open again in 2021/22 Q1
    grids["History"].append(["CRR03", "2021/22 Q1", "Low", "→", 2, 2, 4, None, "typed", "Closed"])  # not the first
    closed = register(grids)
    assert [closed_at(closed, "CRR01", Period(2020, q)) for q in (3, 4)] == [False, True]
    assert not closed_at(closed, "CRR01", Period(2021, 1))
    assert not closed_at(closed, "CRR03", Period(2021, 1)) and not closed_at(closed, "CRR09", Period(2021, 1))
    assert closed_in(closed) == {}


def test_closed_risks_and_movements():
    grids = clean()
    grids["History"].append(["CRR09", "2021/22 Q1", "High", "→", 3, 3, 9, None, "recorded"])  # gone now
    put(grids, "Register!N4", "Closed")
    result = movements(register(grids))
    assert result.period == Period(2021, 2)
    assert [(m.risk_id, m.name, m.trend, m.previous_rating) for m in result.escalated] == [
        ("CRR01", "Vulnerability", "↗", "High")]
    assert [(m.risk_id, m.name) for m in result.unchanged] == [("CRR02", "Demand")]
    assert [(m.risk_id, m.name, m.rating, m.previous_rating) for m in result.closed] == [
        ("CRR03", "Cybersecurity", "Low", "Low"), ("CRR09", "", "", "High")]
    assert result.new == () and result.de_escalated == ()
    assert [label for label, _ in result.groups()] == ["New", "Escalated", "De-escalated", "Unchanged", "Closed"]


def test_movements_say_when_the_recorded_arrow_was_used():
    grids = clean()
    grids["History"] = [HISTORY_HEADERS]
    result = movements(register(grids))
    assert [m.risk_id for m in result.escalated] == ["CRR01"] and not result.escalated[0].from_history
    assert result.notes[0] == "CRR01: recorded arrow kept: History has no rows for 2021/22 Q1."


def test_rating_distribution_per_period_with_data():
    assert rating_distribution(register()) == {
        "2020/21 Q4": {"Critical": 0, "High": 1, "Medium": 0, "Low": 1},
        "2021/22 Q1": {"Critical": 0, "High": 1, "Medium": 1, "Low": 1},
        "2021/22 Q2": {"Critical": 0, "High": 1, "Medium": 1, "Low": 1},
    }


# ---- the sample, with a History built from its own recorded arrows ---------------------------------------

RATINGS = ["Low", "Medium", "High", "Critical"]
STEP = {"↗": 1, "↘": -1, "→": 0, "New": 0}


def history_from_arrows(register_):
    """Return History rows that tell the story the recorded arrows tell (the first New is when a risk joined)."""
    periods = [register_.period.shifted(-3), *register_.trend_periods]
    rows = [HISTORY_HEADERS]
    for risk in register_.risks:
        trends = list(risk.trends)
        joined = next((i for i, t in enumerate(trends) if t != "N/A"), len(trends))
        first = joined + 1 if trends[joined] == "New" else 0  # index into periods
        level = RATINGS.index(risk.rating)
        levels = {len(periods) - 1: level}
        for index in range(len(periods) - 1, first, -1):
            level -= STEP[trends[index - 1]]
            levels[index - 1] = level
        for index in range(first, len(periods) - 1):
            rows.append([risk.id, periods[index].label, RATINGS[levels[index]], None, None, None, None, None,
                         "recorded"])
    return rows


@pytest.fixture
def sample_grids(sample_workbook):
    grids = load_grids(sample_workbook)
    return {name: [list(row) for row in grid] for name, grid in grids.items()}


def test_sample_trends_from_history_reproduce_the_recorded_arrows_and_flag_crr03(sample_grids, sample_workbook):
    original = register_from_grids(sample_grids, str(sample_workbook))
    sample_grids["History"] = history_from_arrows(original)
    rebuilt = register_from_grids(sample_grids, str(sample_workbook))
    trends = compute_trends(rebuilt)
    assert len(trends) == 18
    disagreements = [(t.risk_id, t.period.label, t.recorded, t.computed)
                     for ts in trends.values() for t in ts if not t.agrees]
    assert disagreements == [("CRR03", "2021/22 Q1", "New", "→")]
    assert all(t.computed is not None for ts in trends.values() for t in ts)
    assert [(f.rule_id, f.cell) for f in check(rebuilt) if f.rule_id == "R014"] == [("R014", "Register!G3")]


def test_sample_movements_and_distribution(sample_workbook):
    from workbook.xlsx.reader import read_register

    sample = read_register(sample_workbook)
    result = movements(sample)
    assert [m.risk_id for m in result.new] == ["CRR18", "CRR15", "CRR13", "CRR16", "CRR17", "CRR14"]
    assert len(result.unchanged) == 12 and not result.escalated and not result.closed
    assert rating_distribution(sample) == {"2021/22 Q2": {"Critical": 1, "High": 13, "Medium": 4, "Low": 0}}


def _scale_recorded(grids, period, scale):
    """Record `period`'s close as scored on a `scale`×`scale` matrix, as a roll-over does."""
    grids.setdefault("Record", [["Key", "Field", "Text"]]).append([f"quarter {period}", "score_scale", str(scale)])
    return grids


def test_a_change_of_scale_compares_ratings_never_scores_of_different_scales():
    grids = _scale_recorded(put(clean(), "Settings!B6", 5), "2021/22 Q1", 4)
    trends = compute_trends(register(grids))
    assert trends["CRR01"][2].computed == "→"  # rescored 6 of 16 → 9 of 25, High both times: unchanged
    assert trends["CRR01"][2].reason == (
        "the rating of CRR01 went from High in 2021/22 Q1 to High in 2021/22 Q2; the score scale changed in "
        "2021/22 Q2 (4×4 to 5×5), so ratings are compared, not scores")
    assert trends["CRR03"][2].computed == "→"  # score 4 → 2, but Low both times: a rescoring, not a movement
    assert movements(register(grids)).notes[-1] == (
        "The score scale changed in 2021/22 Q2 (4×4 to 5×5): arrows compare ratings (or positions within the "
        "scale), never scores of different scales.")


def test_the_same_scale_recorded_compares_scores_as_before():
    grids = _scale_recorded(clean(), "2021/22 Q1", 4)
    assert computed(grids)["CRR01"][2] == "↗"
    assert not any("scale" in note for note in movements(register(grids)).notes)
