"""The roll-over plan: the texts and values a close records, and the seal over the closing quarter's rows."""

import datetime as dt
import json

from support.register_grids import clean, put, register

from workbook.core import rollover, seal, trends
from workbook.core.model import Risk


def test_recorded_texts_are_trimmed_and_keep_one_newline_per_line():
    risk = Risk(2, {"name": "  One line \t", "description": " First  \r\nSecond\u00a0\rThird\n\n", "impact": None,
                    "controls": "• Training\n• Audits", "portfolio": 7, "date_raised": dt.date(2021, 4, 1)})
    assert rollover.risk_texts(risk) == {"name": "One line", "description": "First\nSecond\nThird", "impact": "",
                                         "controls": "• Training\n• Audits", "portfolio": "7",
                                         "date_raised": "2021-04-01"}


def test_a_history_value_typed_another_way_is_the_same_value():
    same = [("3", "3.0"), (" High ", "High"), (None, ""), (3, "3"), (3.0, 3),
            (dt.datetime(2021, 6, 30), dt.date(2021, 6, 30))]
    different = [("", "High"), ("High", "Low"), ("  ", "x"), ("3", "4"), ("abc", "abd"),
                 (dt.date(2021, 6, 30), dt.date(2021, 7, 1)), (dt.date(2021, 6, 30), "2021-06-30x")]
    assert [rollover._same(old, new) for old, new in same] == [True] * len(same)
    assert [rollover._same(old, new) for old, new in different] == [False] * len(different)


def test_whole_numbers_are_recorded_as_whole_numbers_and_other_values_as_typed():
    values = [3, 3.0, "4", 2.5, True, "", None, "high"]
    assert [rollover._number(v) for v in values] == [3, 3, 4, 2.5, True, None, None, "high"]
    assert type(rollover._number(3.0)) is int


def test_the_computed_trend_stands_in_only_for_a_blank_trend_cell():
    typed = register()
    blank = register(put(clean(), "Register!H2", None))  # CRR01's Q2 trend
    computed = trends.latest_trends(register())["CRR01"].computed
    assert rollover.risk_state(typed, typed.by_id()["CRR01"], "f")["trend"] == "↗"
    assert rollover.risk_state(blank, blank.by_id()["CRR01"], "f")["trend"] == computed == "↗"
    assert rollover.risk_state(typed, typed.by_id()["CRR02"], "f")["trend"] == "→"


def seal_lines(plan):
    rows = next(text for key, field, text in plan.record if key.startswith("seal ") and field == "rows")
    return {line[0]: line[1:] for line in map(json.loads, rows.split("\n"))}


def test_a_closing_row_history_has_is_brought_up_to_date_and_sealed_as_it_will_stand():
    grids = clean()
    grids["History"].append(["CRR01", "2021/22 Q2", "Medium", "↗", 3, 3, 9, None, "imported"])  # rating differs
    grids["History"].append(["CRR03", "2021/22 Q2", "Low", "↘", 1, 2, 2, dt.datetime(2021, 7, 20), "imported"])
    on = register(grids)
    plan = rollover.plan_roll(on)
    sealed = seal_lines(plan)
    assert (plan.added, plan.updated, plan.kept) == (1, 1, 1)
    assert [(c.address, c.value) for c in plan.updates if c.row == 9][:1] == [("History!C9", "High")]
    assert sealed["CRR01"][:2] == ["High", "↗"]  # the value the close wrote, not the one History had
    assert sealed["CRR03"] == list(seal.entry_values(on.history[-1]))[:6] + sealed["CRR03"][6:]
    assert sealed["CRR03"][:6] == ["Low", "↘", "1", "2", "2", "2021-07-20"]  # unchanged: as History has it
    assert list(sealed) == ["CRR01", "CRR03", "CRR02"]  # History's rows first, then the rows added


def test_a_risk_history_has_closed_already_is_not_recorded_again_and_one_closed_now_is():
    grids = put(put(clean(), "Register!N4", "Closed"), "Register!N2", "Closed")  # CRR03, CRR01
    grids["History"][0].append("Status")
    grids["History"][-1].append("Closed")  # CRR03 closed in 2021/22 Q1
    plan = rollover.plan_roll(register(grids))
    assert [(row["risk_id"], row["status"]) for row in plan.rows] == [("CRR01", "Closed"), ("CRR02", "Open")]
    assert "CRR03 was closed in 2021/22 Q1 and is still closed: not recorded for 2021/22 Q2." in plan.notes
    assert list(seal_lines(plan)) == ["CRR01", "CRR02"]
