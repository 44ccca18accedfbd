"""The planner on raw tables (no file): group values, continuations, closing, footnotes and the reconciliation."""

from support.raw_tables import raw_table
from workbook.core.periods import parse_period
from workbook.importers.planner import name_from, plan_import
from workbook.importers.table import Span

PERIOD = parse_period("2024/25 Q3")


def reconciliation(plan):
    assert plan.report[-1].kind == "rows"
    return plan.report[-1].what


def test_a_topic_merged_over_risks_of_their_own_is_a_group_value():
    table = raw_table([["Topic", "No", "Hazard", "Rating"], ["Delivery", "1", "Slip", "Medium"],
                       ["", "2", "Supplier", "High"], ["Assurance", "3", "Audit", "Low"]], [Span(1, 0, 2, 1)])
    plan = plan_import([table], PERIOD)
    assert [(r["id"], r["name"], r["portfolio"], r["rating"]) for r in plan.risks] == [
        ("1", "Slip", "Delivery", "Medium"), ("2", "Supplier", "Delivery", "High"), ("3", "Audit", "Assurance", "Low")]
    assert reconciliation(plan) == "3 source rows: 3 risks, 0 continuation rows, 0 headings, 0 footnotes/notes, " \
                                   "0 dropped"
    assert "Merged A2:A3 'Delivery': group value over 2 risks" in plan.layout


def test_rows_under_a_merged_id_are_one_risk():
    table = raw_table([["Ref", "Risk", "Rating", "Action"], ["SR1", "Flood", "High", "Sandbags"],
                       ["", "", "", "Warning"], ["SR2", "Fire", "Low", "Alarms"]],
                      [Span(1, 0, 2, 1), Span(1, 1, 2, 1), Span(1, 2, 2, 1)])
    plan = plan_import([table], PERIOD)
    assert [(r["id"], r["user:Action"]) for r in plan.risks] == [("SR1", "Sandbags\nWarning"), ("SR2", "Alarms")]
    assert reconciliation(plan) == "3 source rows: 2 risks, 1 continuation row, 0 headings, 0 footnotes/notes, " \
                                   "0 dropped"
    assert "Merged A2:A3 'SR1': one risk over 2 rows" in plan.layout


def test_a_risk_the_quarter_columns_stop_rating_is_closed_in_the_quarter_it_left():
    table = raw_table([["Ref", "Risk", "24/25 Q1", "24/25 Q2", "24/25 Q3"], ["SR1", "Flood", "R", "A", ""],
                       ["SR2", "Fire", "G", "G", "G"]], source="risks.csv", where="")
    plan = plan_import([table], None)
    assert [(r["id"], r.get("status"), r["rating"]) for r in plan.risks] == [("SR1", "Closed", "Medium"),
                                                                             ("SR2", None, "Low")]
    assert {"risk_id": "SR1", "period": "2024/25 Q3", "rating": "", "status": "Closed", "source": "imported"} \
        in plan.history


def test_text_around_the_table_and_a_footnote_reach_the_report_and_the_risk():
    table = raw_table([["Council risks", "", ""], ["Adopted 1 May 2024", "", ""], ["Ref", "Risk", "Rating"],
                       ["SR1", "Flood†", "High"], ["SR2", "Fire", "Low"], ["† Reviewed after the storm", "", ""]])
    plan = plan_import([table], PERIOD)
    assert plan.settings["title"] == "Council risks"
    assert [r.get("user:Footnotes", "") for r in plan.risks] == ["† Reviewed after the storm", ""]
    assert "Footnotes" in plan.user_columns
    notes = [(e.kind, e.value) for e in plan.report if e.kind in ("note", "footnote")]
    assert ("note", "Adopted 1 May 2024") in notes and ("footnote", "† Reviewed after the storm") in notes
    assert reconciliation(plan) == "5 source rows: 2 risks, 0 continuation rows, 0 headings, 3 footnotes/notes, " \
                                   "0 dropped"


def test_history_rows_are_in_natural_id_order():
    table = raw_table([["Ref", "Risk", "Rating"], ["12", "Flood", "High"], ["4", "Fire", "Low"]])
    plan = plan_import([table], PERIOD)
    assert [h["risk_id"] for h in plan.history] == ["4", "12"]
    assert [r["id"] for r in plan.risks] == ["12", "4"]  # the register keeps the source's order


def test_name_from_a_description():
    assert name_from("Flooding of the depot") == "Flooding of the depot"
    long = "Failure to meet the conditions of registration. " + "The regulator could impose a fine. " * 40
    assert name_from(long) == "Failure to meet the conditions of registration"
    words = "word " * 60
    assert name_from(words).endswith(" …") and len(name_from(words)) <= 102
