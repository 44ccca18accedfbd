"""Actions and appetite over several quarters: roll-overs keep the Actions sheet, and what is overdue follows the
reporting period, with the user's edits between roll-overs; expectations worked out here from the actions' dates."""

import datetime as dt

from openpyxl import load_workbook
from support.depth_register import depth_actions, depth_risks, write_depth_sample

from report_builder.content import build_content
from workbook import jobs
from workbook.core import checks, depth
from workbook.core.periods import parse_period
from workbook.xlsx.reader import read_register


def edit(path, changes):
    """Change the workbook as a user in Excel would: open, set cells, save."""
    wb = load_workbook(path)
    for sheet, cell, value in changes:
        wb[sheet][cell] = value
    wb.save(path)


def expected(actions, period_label):
    """Return (overdue, due next quarter) action rows (1-based sheet rows) for the period, from the dates alone."""
    period = parse_period(period_label)
    end, next_end = period.end_date, period.next().end_date
    overdue, upcoming = [], []
    for row, action in enumerate(actions, start=2):
        if action["status"] in ("Done", "Cancelled"):
            continue
        due = action["due"].date()
        if due < end:
            overdue.append(row)
        elif end < due <= next_end:
            upcoming.append(row)
    return overdue, upcoming


def found(path):
    register = read_register(path)
    rows = register.actions
    overdue = [a.row for a in rows if depth.overdue(register, a) is not None]
    upcoming = [a.row for a in rows if depth.due_next_quarter(register, a)]
    r042 = [f.cell for f in checks.check(register) if f.rule_id == "R042"]
    assert r042 == [f"Actions!D{row}" for row in overdue]  # the check and the paper count the same actions
    assert len(build_content(register).action_rows) == len(overdue) + len(upcoming)
    return register, overdue, upcoming


def test_three_quarters_of_actions_with_edits_between_roll_overs(tmp_path):
    path = write_depth_sample(tmp_path / "register.xlsx")
    risks, _, _ = depth_risks()
    actions = depth_actions(risks)

    register, overdue, upcoming = found(path)
    assert (overdue, upcoming) == expected(actions, "2021/22 Q2") and len(overdue) == 4

    # Between roll-overs: the first overdue action is done, and a new one is added for CRR05.
    first = overdue[0] - 2
    actions[first] |= {"status": "Done", "completed_on": dt.datetime(2021, 10, 15)}
    new = {"risk_id": "CRR05", "action": "Agree the summer demand plan", "owner": "ACC Local",
           "due": dt.datetime(2022, 2, 15), "status": "Not started", "completed_on": None, "update": None}
    actions.append(new)
    row = len(actions) + 1
    edit(path, [("Actions", f"E{first + 2}", "Done"), ("Actions", f"F{first + 2}", dt.datetime(2021, 10, 15)),
                *(("Actions", f"{col}{row}", value) for col, value in zip("ABCDEFG", new.values()))])
    jobs.roll_quarter(path, parse_period("2021/22 Q3"), close_with_errors=True)
    register, overdue, upcoming = found(path)
    assert register.period.label == "2021/22 Q3" and len(register.actions) == len(actions) == 16
    assert (overdue, upcoming) == expected(actions, "2021/22 Q3")
    assert (len(overdue), len(upcoming)) == (7, 5)  # Aug and Nov dues overdue; Feb 2022 ones due next

    # Next quarter: every November action is done; the roll-over keeps the sheet as the user left it.
    november = [i for i, a in enumerate(actions) if a["due"] == dt.datetime(2021, 11, 30)]
    for i in november:
        actions[i] |= {"status": "Done", "completed_on": dt.datetime(2021, 12, 20)}
    edit(path, [change for i in november for change in (("Actions", f"E{i + 2}", "Done"),
                                                         ("Actions", f"F{i + 2}", dt.datetime(2021, 12, 20)))])
    jobs.roll_quarter(path, parse_period("2021/22 Q4"), close_with_errors=True)
    register, overdue, upcoming = found(path)
    assert (overdue, upcoming) == expected(actions, "2021/22 Q4")
    assert (len(overdue), len(upcoming)) == (8, 0)  # three August dues left, five February ones passed
    assert [a.text("status") for a in register.actions] == [a["status"] for a in actions]
    assert len(register.appetite) == 6 and register.matrix_sheet is not None
