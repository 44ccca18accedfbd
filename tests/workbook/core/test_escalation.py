"""Escalation decided as data: the two edits, what is refused, the paper's sentences and the consolidated view's
counts, on small registers built from grids (R120, the mark for escalation, is with the other rules)."""

import datetime as dt

import pytest
from support.register_grids import clean, register

from workbook.core.edit import AppendRows, SetCell
from workbook.core.errors import PeriodError, RegisterFormatError
from workbook.core.escalation import ESCALATED, escalation_sentences, overview, plan_escalation, register_name
from workbook.core.record_text import read_record

TODAY = dt.date(2021, 9, 20)


def named(title: str, source: str, grids=None):
    grids = grids or clean()
    for row in grids["Settings"]:
        if row[0] == "Register title":
            row[1] = title
    return register(grids) if source == "" else _with_source(register(grids), source)


def _with_source(reg, source):
    from dataclasses import replace

    return replace(reg, source=source, derived={})


def empty_target():
    grids = clean()
    grids["Register"] = grids["Register"][:1]
    grids["History"] = grids["History"][:1]
    return named("Corporate Risk Register", "corporate.xlsx", grids)


def test_the_plan_closes_the_risk_on_the_source_and_adds_it_with_its_history_to_the_target():
    source = named("Adults Directorate Risk Register", "dept.xlsx")
    target = empty_target()
    plan = plan_escalation(source, target, "crr01", kind=ESCALATED, today=TODAY)
    risk = next(r for r in source.risks if r.id == "CRR01")
    assert plan.source_edit.cells == (SetCell("Register", risk.row, source.columns["status"], "Closed"),)
    register_rows, history_rows = (a for a in plan.target_edit.appends if isinstance(a, AppendRows))
    assert register_rows.rows[0]["id"] == "CRR01" and register_rows.rows[0]["name"] == "Vulnerability"
    periods = [e.period for e in source.history if e.risk_id == "CRR01"]
    assert [row["period"] for row in history_rows.rows] == periods and plan.history_rows == len(periods)
    assert [record["risk"] for record in read_record(plan.source_record).values()] == ["CRR01"]
    moved_in = next(v for k, v in read_record(plan.target_record).items() if k.startswith("escalation in"))
    assert (moved_in["other"], moved_in["period"], moved_in["on"]) == ("Adults Directorate Risk Register",
                                                                       source.period.label, "2021-09-20")


def test_a_taken_id_a_closed_risk_and_registers_of_different_quarters_are_refused():
    source = named("Adults", "dept.xlsx")
    with pytest.raises(RegisterFormatError, match=r"the ID CRR01 is already a risk here, so nothing was moved\. "
                                                  r"Give CRR01 an ID of its own on this register with --as NEWID\."):
        plan_escalation(source, named("Corporate", "corporate.xlsx"), "CRR01", today=TODAY)
    closed = clean()
    closed["Register"][1][-1] = "Closed"
    with pytest.raises(RegisterFormatError, match="CRR01 is closed, so there is nothing to move"):
        plan_escalation(named("Adults", "dept.xlsx", closed), empty_target(), "CRR01", today=TODAY)
    with pytest.raises(RegisterFormatError, match=r"corporate.xlsx: CRR-D01 does not match the Risk ID pattern "
                                                  r"CRR\\d\{2\} in its Settings, so nothing was moved\. Give CRR01 an "
                                                  r"ID that fits there with --as NEWID\."):
        plan_escalation(source, empty_target(), "CRR01", new_id="CRR-D01", today=TODAY)
    with pytest.raises(RegisterFormatError, match="no risk has the ID 'CRR99'"):
        plan_escalation(source, empty_target(), "CRR99", today=TODAY)
    later = clean()
    for row in later["Settings"]:
        if row[0] == "Reporting period":
            row[1] = "2021/22 Q3"
    later["Register"][0][5:8] = ["Q1 Trending", "Q2 Trending", "Q3 Trending"]
    with pytest.raises(PeriodError, match="Roll the register that is behind to the same quarter first"):
        plan_escalation(source, named("Corporate", "corporate.xlsx", later), "CRR02", today=TODAY)


def test_each_register_says_the_move_in_its_quarter():
    from dataclasses import replace

    source = named("Adults Directorate Risk Register", "dept.xlsx")
    target = empty_target()
    plan = plan_escalation(source, target, "CRR01", new_id="CRR21", today=TODAY)
    after_source = replace(source, recorded_text=read_record(plan.source_record), derived={})
    after_target = replace(target, recorded_text=read_record(plan.target_record), derived={})
    assert escalation_sentences(after_source) == (
        "CRR01 was escalated to the Corporate Risk Register (as CRR21).",)
    assert escalation_sentences(after_target) == (
        "CRR21 was escalated from the Adults Directorate Risk Register (where it was CRR01).",)


def test_the_overview_counts_open_risks_by_register_and_rating():
    adults = named("Adults", "adults.xlsx")
    closed = clean()
    closed["Register"][1][-1] = "Closed"
    children = named("Children", "children.xlsx", closed)
    view = overview([adults, children])
    assert [row[:3] for row in view.rows] == [("Adults", "adults.xlsx", f"CRR0{i}") for i in (1, 2, 3)] + [
        ("Children", "children.xlsx", f"CRR0{i}") for i in (1, 2, 3)]
    counts = dict(view.counts)
    high, medium, low = (view.ratings.index(name) for name in ("High", "Medium", "Low"))
    assert (counts["Adults"][high], counts["Adults"][medium], counts["Adults"][low]) == (1, 1, 1)
    assert (counts["Children"][high], counts["Children"][medium], counts["Children"][low]) == (0, 1, 1)
    assert register_name(_with_source(named("", "x.xlsx"), "folder/x.xlsx")) == "x"
    twice = overview([adults, named("Adults", "adults-2.xlsx")])  # one title twice: told apart by their files
    assert [name for name, _ in twice.counts] == ["Adults (adults.xlsx)", "Adults (adults-2.xlsx)"]


ACTION_HEADERS = ["Risk ID", "Action", "Owner", "Due date", "Status", "Completed on", "Update"]


def test_actions_coming_back_take_the_risks_earlier_rows_and_the_rows_the_other_register_dropped_are_emptied():
    from dataclasses import replace

    from workbook.core.edit import ClearCell
    from workbook.core.escalation import OUT, ActionsCarried, Move, _move_rows
    from workbook.core.record_text import read_record

    corporate = clean()  # holds CRR01 now, with one action (the other was dropped there)
    corporate["Actions"] = [ACTION_HEADERS, ["CRR01", "Agree the rota", "Head of Service", dt.date(2021, 12, 1),
                                             "In progress", None, "Half done."]]
    source = named("Corporate Risk Register", "corporate.xlsx", corporate)
    dept = clean()  # CRR01 left it for the corporate, with two actions; its Actions sheet has no Update column
    dept["Register"] = dept["Register"][:2]
    dept["Register"][1][-1] = "Closed"
    dept["Actions"] = [ACTION_HEADERS[:6], ["CRR01", "Agree the rota", None, dt.date(2021, 9, 1), "Not started", None],
                       ["CRR01", "Brief the board", "Chief Executive", None, "Not started", None]]
    target = named("Adults", "dept.xlsx", dept)
    left = _move_rows(target, Move(OUT, ESCALATED, "CRR01", "CRR01", "Corporate Risk Register", target.period), TODAY)
    target = replace(target, recorded_text=read_record(left), derived={})

    plan = plan_escalation(source, target, "CRR01", kind="de-escalated", today=TODAY)
    assert plan.reopened and plan.actions == ActionsCarried(1, reused=1, cleared=1, marked=True)
    actions = [c for c in plan.target_edit.cells if c.sheet == "Actions"]
    assert actions == [
        SetCell("Actions", 1, 7, "Update"),  # the column the target lacked, so the update is not lost
        SetCell("Actions", 2, 1, "CRR01"), SetCell("Actions", 2, 2, "Agree the rota"),
        SetCell("Actions", 2, 3, "Head of Service"), SetCell("Actions", 2, 4, dt.date(2021, 12, 1), "date"),
        SetCell("Actions", 2, 5, "In progress"), SetCell("Actions", 2, 7, "Half done."),
        *(ClearCell("Actions", 3, column) for column in range(1, 7))]
    grown = next(a for a in plan.target_edit.appends if a.sheet == "Actions")
    assert (grown.rows, grown.new_headers, grown.table) == ((), ("Update",), "RiskActions")
    assert [c for c in plan.source_edit.cells if c.sheet == "Actions"] == [SetCell(
        "Actions", 2, 7, "De-escalated with CRR01 to the Adults in 2021/22 Q2: followed there.\nHalf done.")]
    assert plan.sentence("corporate.xlsx", "dept.xlsx").endswith(
        ", 1 action carried with it into 1 earlier row of it there, 1 earlier action of it there emptied, as "
        "corporate.xlsx no longer has it (kept on corporate.xlsx and marked in Update); the move is recorded in both "
        "registers.")


def test_a_risk_without_actions_moves_no_action_and_says_nothing_of_them():
    source = named("Adults Directorate Risk Register", "dept.xlsx")
    plan = plan_escalation(source, empty_target(), "CRR01", today=TODAY)
    assert plan.target_edit.table_sheets == () and "action" not in plan.sentence("dept.xlsx", "corporate.xlsx")
