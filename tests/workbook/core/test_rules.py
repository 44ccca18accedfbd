"""Each rule: a passing and a failing case, with the exact message and cell users see."""

import datetime as dt
import re
from pathlib import Path

import pytest
from support.depth_grids import depth_clean
from support.register_grids import clean, put, register

from workbook.core.checks import check
from workbook.core.model import Formula
from workbook.core.periods import parse_period
from workbook.core.record_text import QUARTER_KEY, fingerprint, record_rows
from workbook.core.rollover import risk_texts
from workbook.core.seal import entry_values, seal_fields, seal_key
from workbook.core.rules import ERROR_RULES, RULE_BY_ID, RULES, rules_markdown, suggest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def insert_row(grids, sheet, before, row):
    grids[sheet].insert(before - 1, row)
    return grids


def findings_of(rule_id, grids):
    return [(f.cell, f.message) for f in check(register(grids)) if f.rule_id == rule_id]


def apply(changes):
    grids = clean()
    for change in changes:
        if callable(change):
            change(grids)
        else:
            put(grids, *change)
    return grids


HISTORY_ROW = ["CRR01", "2021/22 Q1", "High", "→", 3, 2, 6, None, "recorded"]


def NOT_COLLECTED(grids):  # noqa: N802 - a marker: the register was imported from a source without Impact
    grids["Settings"].append(["Not collected", "Impact", ""])


def TRENDS_FROM(grids):  # noqa: N802 - a marker: the source gave no trends before 2021/22 Q2
    grids["Settings"].append(["Trends recorded from", "2021/22 Q2", ""])


def DEPTH(grids):  # noqa: N802 - reads as a marker in the case lists: start from the in-depth register
    grids.clear()
    grids.update(depth_clean())

FAILING = [
    ("R001", [("Register!B2", "  ")], "Register!B2", "Risk Name is empty. Fill it in: the board paper prints it."),
    ("R001", [("Register!H3", None)], "Register!H3",
     "Q2 Trending is empty. Choose the direction of travel from the drop-down (New, ↗, →, ↘ or N/A)."),
    ("R001", [("Register!I4", "")], "Register!I4",
     "Residual Risk Rating is empty. Choose the residual rating from the drop-down."),
    ("R002", [("Register!A3", "CRR2")], "Register!A3",
     r"ID 'CRR2' does not match the Risk ID pattern CRR\d{2} in Settings. Correct the ID, or the pattern in "
     "Settings if the register uses another scheme."),
    ("R003", [("Register!A4", "CRR01")], "Register!A4",
     "ID 'CRR01' is also used by the risk in row 2 (Register!A2). Give each risk its own ID."),
    ("R004", [("Register!B3", "vulnerability ")], "Register!B3",
     "Risk Name 'vulnerability ' is also the name of CRR01 (row 2). Give each risk a name the committee can "
     "tell apart, or merge the two."),
    ("R005", [("Register!B2", "Vulnerability.")], "Register!B2",
     "Risk Name 'Vulnerability.' ends with '.'. Remove it: a risk name is a title, and the board paper adds its "
     "own punctuation."),
    ("R005", [("Register!B2", "Vulnerability ")], "Register!B2",
     "Risk Name 'Vulnerability ' ends with a space. Remove it: a risk name is a title, and the board paper adds "
     "its own punctuation."),
    ("R006", [("Register!I2", "Hgh")], "Register!I2",
     "Residual Risk Rating 'Hgh' is not in the Ratings list (Critical, High, Medium, Low). Did you mean 'High'? "
     "Choose a value from the drop-down."),
    ("R006", [("Register!I2", "high ")], "Register!I2",
     "Residual Risk Rating 'high ' is not in the Ratings list (Critical, High, Medium, Low). Did you mean "
     "'High'? Choose a value from the drop-down."),
    ("R006", [("Register!I2", "Severe")], "Register!I2",
     "Residual Risk Rating 'Severe' is not in the Ratings list (Critical, High, Medium, Low). Choose a value "
     "from the drop-down."),
    ("R007", [("Register!G2", "->")], "Register!G2",
     "Q1 Trending '->' is not in the Trends list (New, ↗, →, ↘, N/A). Did you mean '→'? Choose a value from "
     "the drop-down."),
    ("R007", [("Register!H2", "up")], "Register!H2",
     "Q2 Trending 'up' is not in the Trends list (New, ↗, →, ↘, N/A). Did you mean '↗'? Choose a value from "
     "the drop-down."),
    ("R008", [("Register!N2", "closed ")], "Register!N2",
     "Status 'closed ' is not in the Statuses list (Open, Closed). Did you mean 'Closed'? Choose a value from "
     "the drop-down."),
    ("R009", [("Register!L2", 5)], "Register!L2",
     "Likelihood '5' is not a whole number from 1 to 4 (the likelihood and impact scale in Settings). Correct "
     "the score, or the scale in Settings."),
    ("R009", [("Register!M3", "high")], "Register!M3",
     "Impact Score 'high' is not a whole number from 1 to 4 (the likelihood and impact scale in Settings). "
     "Correct the score, or the scale in Settings."),
    ("R010", [("Register!F3", "New"), ("Register!G3", "New")], "Register!G3",
     "Q1 Trending is New, but Q4 Trending already marks the risk New. A risk is New only in the quarter it "
     "joins the register: use ↗, → or ↘ here, or correct Q4 Trending."),
    ("R011", [("Register!G2", "New")], "Register!G2",
     "Q1 Trending is New, but Q4 Trending already gives the risk a direction of travel (→). Use ↗, → or ↘ "
     "here, or correct the earlier quarter."),
    ("R011", [("Register!G2", "N/A"), ("Register!H2", "New")], "Register!H2",
     "Q2 Trending is New, but Q4 Trending already gives the risk a direction of travel (→). Use ↗, → or ↘ "
     "here, or correct the earlier quarter."),
    ("R012", [("Register!G3", "↗")], "Register!G3",
     "Q1 Trending is '↗', but Q4 Trending is N/A (not on the register). The quarter a risk joins the register "
     "is marked New: use New here, or correct Q4 Trending."),
    ("R013", [("Register!H2", "N/A")], "Register!H2",
     "Q2 Trending is N/A (not on the register), but Q1 Trending is →. Use ↗, → or ↘ for a risk that is on the "
     "register, or correct the earlier quarter."),
    ("R013", [("Register!G2", "N/A"), ("Register!H2", "New")], "Register!G2",
     "Q1 Trending is N/A (not on the register), but Q4 Trending is →. Use ↗, → or ↘ for a risk that is on the "
     "register, or correct the earlier quarter."),
    ("R014", [("Register!H2", "→")], "Register!H2",
     "Q2 Trending shows '→', but the score of CRR01 went from 6 in 2021/22 Q1 to 9 in 2021/22 Q2, which makes "
     "it ↗. Correct the arrow, or the History rows it compares."),
    ("R014", [("Register!F3", "→")], "Register!F3",
     "Q4 Trending shows '→', but History does not have CRR02 on the register in 2020/21 Q4, which makes it "
     "N/A. Correct the arrow, or the History rows it compares."),
    ("R015", [("Register!C2", "Hidden harm &amp; more")], "Register!C2",
     "Description still holds the markup '&amp;' left over from the export. Remove it, or re-import the export "
     "with `riskreg import`, which converts it to plain text."),
    ("R015", [("Register!E3", "<p>Triage</p>")], "Register!E3",
     "Key Controls and Activities still holds the markup '<p>' left over from the export. Remove it, or "
     "re-import the export with `riskreg import`, which converts it to plain text."),
    ("R016", [("Register!D2", "bad\x07bell")], "Register!D2",
     "Impact holds the control character U+0007 at character 4, which Excel and Word cannot save. Delete it."),
    ("R016", [("Register!D2", "half \ud83d")], "Register!D2",
     "Impact holds a broken character U+D83D at character 6, which Excel and Word cannot save. Delete it."),
    ("R017", [("Register!E2", "x" * 32_768)], "Register!E2",
     "Key Controls and Activities is 32,768 characters long; an Excel cell holds at most 32,767. Shorten it."),
    ("R018", [("Register!D3", Formula("=C3&B3"))], "Register!D3",
     "Impact holds the formula '=C3&B3'; riskreg and the board paper read the formula, not its result. Replace "
     "it with the value itself (Copy, then Paste Special > Values)."),
    ("R019", [("Register!I3", "#REF!")], "Register!I3",
     "Residual Risk Rating holds the error value '#REF!'. Type the value in, or mend what the formula refers "
     "to."),
    ("R020", [lambda g: insert_row(g, "Register", 3, [None] * 14)], "Register!A3",
     "Row 3 is blank inside the register. Delete the row so that sorting, filters and the board paper see one "
     "table."),
    ("R021", [("Register!K2", "soon")], "Register!K2",
     "Last Reviewed 'soon' is not a date. Enter it as a date, e.g. 30/09/2021."),
    ("R022", [("Register!K4", dt.datetime(2021, 6, 1))], "Register!K4",
     "Last Reviewed '2021-06-01' is 121 days before the end of 2021/22 Q2 (2021-09-30); the review cycle in "
     "Settings is 92 days. Review the risk and update the date."),
    ("R023", [lambda g: g["History"].append([None, "2021/22 Q1", "Low"] + [None] * 6)], "History!A9",
     "History row 9 has no Risk ID. Fill it in, or delete the row."),
    ("R024", [("History!B3", "Q5 2020")], "History!B3",
     "History period 'Q5 2020' in row 3 does not parse. Write it as '2021/22 Q2' (financial year, then quarter; "
     "Q1 is April to June)."),
    ("R025", [lambda g: g["History"].append(["CRR99", "2021/22 Q2", "High"] + [None] * 6)], "History!A9",
     "History row 9 records 'CRR99' for 2021/22 Q2, but no risk on the Register has that ID. Correct the Risk "
     "ID, or delete the row."),
    ("R026", [lambda g: g["History"].append(["CRR01", "Q1 2021/22", "High"] + [None] * 6)], "History!B9",
     "History rows 6 and 9 both record CRR01 for 2021/22 Q1. Delete one of them."),
    ("R027", [("History!C2", "Hihg")], "History!C2",
     "History Rating 'Hihg' in row 2 is not in the Ratings list (Critical, High, Medium, Low). Did you mean "
     "'High'? Correct it."),
    ("R028", [lambda g: g["History"].append(["CRR01", "2021/22 Q2", "Medium"] + [None] * 6)], "History!C9",
     "History row 9 gives CRR01 the rating 'Medium' for 2021/22 Q2, but the Register says High (Register!I2). "
     "Correct one so they agree."),
    ("R029", [("Settings!B6", "four")], "Settings!B6",
     "Settings Likelihood and impact scale 'four' must be a whole number from 2 to 10, e.g. 4 or 5; scores are "
     "checked against 4 until it is."),
    ("R029", [("Settings!B4", "CRR(")], "Settings!B4",
     "Settings Risk ID pattern 'CRR(' is not a pattern riskreg can use (missing ), unterminated subpattern at "
     r"position 3); IDs are not checked until it is corrected, e.g. CRR\d{2}."),
    ("R029", [lambda g: g["Settings"].append(["Backups to keep", 0, ""])], "Settings!B13",
     "Settings Backups to keep '0' must be a whole number from 1 to 999, e.g. 10; riskreg keeps the last 10 "
     "backups until it is."),
    ("R022", [("Settings!B5", 1), ("Register!K2", dt.datetime(2021, 9, 28)), ("Register!K3", None),
              ("Register!K4", None)], "Register!K2",
     "Last Reviewed '2021-09-28' is 2 days before the end of 2021/22 Q2 (2021-09-30); the review cycle in Settings "
     "is 1 day. Review the risk and update the date."),
    # Settings and History cells get the Register's formula, error-value and date checks (issue 12).
    ("R018", [("Settings!B8", Formula('=A1&" Police"'))], "Settings!B8",
     "Settings Organisation holds the formula '=A1&\" Police\"'; riskreg and the board paper read the formula, "
     "not its result. Replace it with the value itself (Copy, then Paste Special > Values)."),
    ("R018", [("History!G2", Formula("=E2*F2"))], "History!G2",
     "History Score holds the formula '=E2*F2'; riskreg and the board paper read the formula, not its result. "
     "Replace it with the value itself (Copy, then Paste Special > Values)."),
    ("R019", [("Settings!B9", "#REF!")], "Settings!B9",
     "Settings Committee holds the error value '#REF!'. Type the value in, or mend what the formula refers to."),
    ("R019", [("History!A3", "#N/A")], "History!A3",
     "History Risk ID holds the error value '#N/A'. Type the value in, or mend what the formula refers to."),
    ("R021", [lambda g: g["Settings"].append(["Meeting date", "next Tuesday", ""])], "Settings!B13",
     "Settings Meeting date 'next Tuesday' is not a date. Enter it as a date, e.g. 30/09/2021."),
    ("R021", [("History!H2", "last week")], "History!H2",
     "History Reviewed on 'last week' is not a date. Enter it as a date, e.g. 30/09/2021."),
    # No silent defaults: a setting the paper prints is never another body's value.
    ("R030", [("Settings!B8", None)], "Settings!B8",
     "Settings Organisation is empty, and the board paper prints it. Type it in cell B8."),
    ("R030", [("Settings!B11", "[Report of]")], "Settings!B11",
     "Settings Report of is still the placeholder '[Report of]', and the board paper prints it. Type your own in "
     "cell B11."),
    ("R030", [lambda g: g["Settings"].__delitem__(11)], "Settings!B1",
     "Settings Author is missing, and the board paper prints it. Add a row with 'Author' in column A of sheet "
     "'Settings' and the value in column B."),
    ("R031", [DEPTH, ("Register!I2", "Medium")], "Register!I2",
     "Residual Risk Rating 'Medium' disagrees with the matrix: the residual score 9 (Register!L2 and "
     "Register!M2) is rated High on the Matrix sheet. Correct the rating, or the scores."),
    ("R032", [DEPTH, ("Matrix!B4", "lots")], "Matrix!B4",
     "Matrix sheet value 'lots' must be the lowest score rated Critical, a number. Correct it; until then "
     "riskreg scores likelihood × impact, and a band it cannot read is left out."),
    ("R032", [DEPTH, ("Matrix!B1", "Grid"), ("Matrix!C12", None)], "Matrix!C12",
     "Matrix sheet value '' must be the score of likelihood 3 and impact 2. Correct it; until then riskreg "
     "scores likelihood × impact, and a band it cannot read is left out."),
    ("R033", [DEPTH, ("Register!R3", 3), ("Register!S3", 3)], "Register!R3",
     "The target score 9 (Register!R3 and Register!S3) is above the residual score 6 (Register!L3 and "
     "Register!M3). A risk's target is at most its residual, and its residual at most its inherent: correct the "
     "scores."),
    ("R034", [DEPTH, ("Register!T2", dt.datetime(2021, 9, 1))], "Register!T2",
     "Target Date '2021-09-01' has passed (the reporting period 2021/22 Q2 ends 2021-09-30), but the residual "
     "score 9 is still above the target score 4. Agree a new target date, or the actions that reach the target."),
    ("R035", [DEPTH, ("Actions!E3", "Cancelled")], "Register!L3",
     "The residual score 6 of CRR02 is above its target score 4, but the Actions sheet has no open action for "
     "it. Add the action that will bring it to target."),
    ("R036", [DEPTH, ("Appetite!C2", 8)], "Register!I2",
     "CRR01 is outside the appetite for Operations (Cautious): residual score 9 is 1 point above the tolerance "
     "of 8 (Appetite!C2). Bring it within tolerance, or to the Committee's attention as outside appetite."),
    ("R036", [DEPTH, ("Register!I4", "High"), ("Register!L4", 3), ("Register!M4", 3),
              ("Register!P4", 3), ("Register!Q4", 3)], "Register!I4",
     "CRR03 is outside the appetite for Technology (Minimal): residual High is 1 band above the tolerance of "
     "Medium (Appetite!C3). Bring it within tolerance, or to the Committee's attention as outside appetite."),
    ("R037", [DEPTH, ("Register!O2", "Ops")], "Register!O2",
     "Category 'Ops' is not in the Categories list (Strategy, Governance, Operations, Legal, Property, "
     "Financial, Commercial, People, Technology, Information, Security, Project, Reputational). Choose a value "
     "from the drop-down."),
    ("R038", [DEPTH, ("Register!U2", "Soon")], "Register!U2",
     "Proximity 'Soon' is not in the Proximities list (Imminent, Within 6 months, Within a year, Beyond a "
     "year). Choose a value from the drop-down."),
    ("R039", [DEPTH, ("Appetite!C3", "lots")], "Appetite!C3",
     "Appetite Tolerance 'lots' in row 3 is neither a score from 1 to 16 nor a rating from the Ratings list. "
     "Correct it on the Appetite sheet."),
    ("R040", [DEPTH, ("Actions!A2", "CRR09")], "Actions!A2",
     "Action in row 2 is for 'CRR09', but no risk on the Register has that ID. Correct the Risk ID, or delete "
     "the action."),
    ("R041", [DEPTH, ("Actions!E2", "Finishd")], "Actions!E2",
     "Actions Status 'Finishd' in row 2 is not in the ActionStatuses list (Not started, In progress, Done, "
     "Cancelled). Choose one from the drop-down."),
    ("R041", [DEPTH, ("Actions!D2", "soon")], "Actions!D2",
     "Actions Due date 'soon' in row 2 is not a date. Enter it as a date, e.g. 30/09/2021."),
    ("R042", [DEPTH, ("Actions!D3", dt.datetime(2021, 9, 15))], "Actions!D3",
     "Action in row 3 for CRR02 was due '2021-09-15', 15 days before the end of 2021/22 Q2 (2021-09-30), and is "
     "Not started. Complete it, or agree a new due date and say why in Update."),
    ("R042", [DEPTH, ("Actions!D3", dt.datetime(2021, 9, 15)), lambda g: close(g, "CRR02")],
     "Actions!D3", "Action in row 3 for CRR02 was due '2021-09-15', 15 days before the end of 2021/22 Q2 "
     "(2021-09-30), and is Not started. Complete it, or agree a new due date and say why in Update."),  # not moved
    ("R043", [DEPTH, ("Actions!F4", None)], "Actions!F4",
     "Action in row 4 for CRR03 is Done but has no Completed on date. Enter the date it was completed."),
    ("R044", [DEPTH, ("Actions!E2", "Done"), ("Actions!F2", dt.datetime(2021, 9, 1))], "Register!I2",
     "CRR01 is rated 'High', but the Actions sheet has no open action for it. Add the action that treats it, "
     "or record why none is needed."),
    ("R045", [lambda g: recorded_controls(g, {"fp-q4": "• Training\n• Audits", "fp-q1": "• Training\n• Audits"})],
     "Register!E2", "Key Controls and Activities unchanged since 2020/21 Q4 (2 closed quarters; Settings allows 2). "
     "Review the controls and record what has been done since."),
    ("R050", [("Register!I3", "Low")], "Register!I3",
     "Residual Risk Rating 'Low' is not the band the board paper's heat map shades its cell: likelihood × impact "
     "(Register!L3 × Register!M3) scores 4, Medium on the default bands, as the register has no Matrix sheet. Add "
     "a Matrix sheet with the register's own bands, or correct the rating or the scores."),
]


def recorded_controls(grids: dict, texts: dict[str, str]) -> None:
    """Give CRR01's History rows of 2020/21 Q4 and 2021/22 Q1 the recorded controls `texts` (by fingerprint)."""
    history = grids["History"]
    history[0] = history[0] + ["Status", "Owner", "Text fingerprint"]
    for index, row in enumerate(history[1:], start=1):
        fingerprint = {("CRR01", "2020/21 Q4"): "fp-q4", ("CRR01", "2021/22 Q1"): "fp-q1"}.get((row[0], row[1]))
        history[index] = row + ["Open", "ACC Crime", fingerprint]
    grids["Record"] = [["Key", "Field", "Text"], *([key, "controls", text] for key, text in texts.items())]

def close(grids: dict, risk_id: str) -> None:
    """Set the risk's Status to Closed."""
    status = grids["Register"][0].index("Status")
    next(row for row in grids["Register"][1:] if row[0] == risk_id)[status] = "Closed"


def moved_out(grids: dict, risk_id: str) -> None:
    """Close `risk_id` and record its escalation to another register, as `riskreg escalate` does."""
    from workbook.core.escalation import ESCALATED, OUT, Move, _move_rows

    close(grids, risk_id)
    move = Move(OUT, ESCALATED, risk_id, risk_id, "Corporate Risk Register", parse_period("2021/22 Q2"))
    record = grids.setdefault("Record", [["Key", "Field", "Text"]])
    record.extend(list(fields) for fields in _move_rows(register(grids), move, dt.date(2021, 9, 20)))


def seal_q1(grids):
    """Seal 2021/22 Q1 as the grids' History has it, with one field of its quarter record, as a roll-over does."""
    period = parse_period("2021/22 Q1")
    rows = [(e.risk_id, entry_values(e)) for e in register(grids).history if e.period == period.label]
    quarter = {"committee": "Joint Audit Committee"}
    record = grids.setdefault("Record", [["Key", "Field", "Text"]])
    record.extend([QUARTER_KEY.format(label=period.label), name, text] for name, text in quarter.items())
    record.extend([seal_key(period), name, text] for name, text in seal_fields(period, rows, quarter, None))


def drop_row(sheet, row):
    return lambda grids: grids[sheet].pop(row - 1)


SEAL_FAILING = [
    ("R100", [seal_q1, ("History!C7", "Critical")], "History!C7",
     "History Rating of CRR02 for 2021/22 Q1 is 'Critical', but the seal of 2021/22 Q1 recorded 'Medium': the "
     "cell was changed after the quarter was closed. Put back 'Medium', or record the correction with "
     "`riskreg correct-history --period \"2021/22 Q1\" --reason \"…\"`."),
    ("R101", [seal_q1, drop_row("History", 8)], "History!A1",
     "History has no row for CRR03 in 2021/22 Q1, but the seal of 2021/22 Q1 recorded Rating 'Low', Trend '→', "
     "Likelihood '2', Impact '2', Score '4', Source 'recorded': the row was deleted after the quarter was closed. "
     "Restore the row, or record the correction with `riskreg correct-history --period \"2021/22 Q1\" --reason "
     "\"…\"`."),
    ("R101", [seal_q1, lambda g: g["History"].append(["CRR04", "2021/22 Q1", "Low", "New", 1, 1, 1, None,
                                                       "recorded"])], "History!A9",
     "History has row 9 for CRR04 in 2021/22 Q1, but the seal of 2021/22 Q1 recorded no row for it: the row was "
     "added after the quarter was closed. Delete the row, or record the correction with `riskreg correct-history "
     "--period \"2021/22 Q1\" --reason \"…\"`."),
    ("R102", [seal_q1, ("Record!C2", "Audit Committee")], "Record!A1",
     "On the Record sheet, the 'committee' field of 2021/22 Q1 was changed after the quarter was closed: its "
     "digest no longer matches the seal. Restore the workbook from a backup, or record the correction with "
     "`riskreg correct-history --period \"2021/22 Q1\" --reason \"…\"`."),
    ("R102", [seal_q1, ("Record!C3", "[\"CRR01\", \"High\"]")], "Record!A1",
     "On the Record sheet, the seal of 2021/22 Q1 was changed after the quarter was closed: its digest no longer "
     "matches the seal. Restore the workbook from a backup, or record the correction with `riskreg "
     "correct-history --period \"2021/22 Q1\" --reason \"…\"`."),
    ("R103", [drop_row("Register", 4)], "Register!A1",
     "CRR03 was on the Register in 2021/22 Q1 and is not on it now, but it was never closed: the board paper "
     "says it was removed. To close it, put its row back with Status Closed."),
]


def crr03_renamed_crr09(grids, recorded=False):
    """CRR03's row given the ID CRR09 by hand (its words recorded in History), or through a recorded rename."""
    mark = fingerprint(risk_texts(register(grids).by_id()["CRR03"]))
    history = grids["History"]
    history[0] = history[0] + ["Status", "Owner", "Text fingerprint"]
    for index, row in enumerate(history[1:], start=1):
        history[index] = row + ["Open", None, mark if row[0] == "CRR03" else None]
    put(grids, "Register!A4", "CRR09")
    if recorded:
        grids["Record"] = [["Key", "Field", "Text"], *(
            [plan_row[0], plan_row[1], plan_row[2]] for plan_row in record_rows("rename risk CRR03 2021/22 Q2", (
                ("kind", "risk"), ("old", "CRR03"), ("new", "CRR09"), ("period", "2021/22 Q2"))))]


SEAL_FAILING.append(
    ("R104", [crr03_renamed_crr09], "Register!A4",
     "CRR09 is new but has the same words as CRR03, which was on the Register last quarter and is not on it now. "
     "If CRR03 was renamed, run `riskreg rename-risk CRR03 CRR09` so that its History, trends and actions carry "
     "over."))


def medium_renamed_moderate(grids, recorded=False):
    """The Ratings list's Medium typed over as Moderate (and on the Register) after 2021/22 Q1 closed with it."""
    grids.setdefault("Record", [["Key", "Field", "Text"]]).append(
        [QUARTER_KEY.format(label="2021/22 Q1"), "ratings", "Critical\nHigh\nMedium\nLow"])
    put(grids, "Lists!A4", "Moderate")
    for row in grids["Register"][1:]:
        if row[8] == "Medium":
            row[8] = "Moderate"
    if recorded:
        grids["Record"].extend([key, name, text] for key, name, text in record_rows(
            "rename band Medium 2021/22 Q2", (("kind", "band"), ("old", "Medium"), ("new", "Moderate"),
                                              ("period", "2021/22 Q2"))))


SEAL_FAILING.append(
    ("R105", [medium_renamed_moderate], "Lists!A1",
     "The Ratings list has 'Moderate' where 2021/22 Q1 had 'Medium', which History rates risks with. If Medium was "
     "renamed, run `riskreg rename-band Medium Moderate` so that History keeps the closed quarters' words and the "
     "trends carry over."))
FAILING += SEAL_FAILING
FAILING += [
    # An imported register's source had no Impact column, nor trends before 2021/22 Q2: one warning for each.
    ("R060", [NOT_COLLECTED, ("Register!D2", None), ("Register!D3", " ")], "Settings!B13",
     "Impact not collected: the source this register was imported from had no Impact column, so its 2 blank cells "
     "are not errors. To start collecting it, fill them in and take 'Impact' out of Settings' Not collected."),
    ("R060", [TRENDS_FROM, ("Register!F2", None), ("Register!G3", None)], "Settings!B13",
     "Trends before 2021/22 Q2 not collected: the source this register was imported from had no trends for those "
     "quarters, so its 2 blank trend cells are not errors. Trends are collected from 2021/22 Q2 on; to fill the "
     "earlier ones too, choose them from the drop-down and clear Settings' Trends recorded from."),
    # Not collected is that column only; Trends recorded from leaves its own quarter's blank trends errors.
    ("R001", [NOT_COLLECTED, ("Register!D2", None), ("Register!C2", None)], "Register!C2",
     "Description is empty. Fill it in: the board paper prints it."),
    ("R001", [TRENDS_FROM, ("Register!H3", None)], "Register!H3",
     "Q2 Trending is empty. Choose the direction of travel from the drop-down (New, ↗, →, ↘ or N/A)."),
    ("R061", [lambda g: g["Settings"].append(["Trends recorded from", "since the import", ""])], "Settings!B13",
     "Trends recorded from 'since the import' is not a quarter, so every quarter's blank trend cells are checked. "
     "Write the first quarter the register records trends for as the Current Period is written (e.g. 2024/25 Q3), "
     "or clear it."),
]


def exempt_column(*values):
    """Return a change giving the Register an Exempt column (issue 28) holding `values` from row 2 on."""
    def change(grids):
        rows = grids["Register"]
        rows[0].append("Exempt")
        for row, value in zip(rows[1:], [*values, *[None] * len(rows)]):
            row.append(value)
    return change


FAILING += [
    ("R115", [exempt_column(None, "7")], "Register!O3",
     "Exempt '7' is not a paragraph of Schedule 12A in the Exempt list (Para 1, Para 2, Para 3, Para 4, Para 5, "
     "Para 6, Para 7). Did you mean 'Para 7'? Leave it blank for a risk the public paper may show, or choose the "
     "paragraph from the drop-down: an exempt risk goes in the exempt appendix only."),
    ("R115", [exempt_column("Para 9")], "Register!O2",
     "Exempt 'Para 9' is not a paragraph of Schedule 12A in the Exempt list (Para 1, Para 2, Para 3, Para 4, "
     "Para 5, Para 6, Para 7). Leave it blank for a risk the public paper may show, or choose the paragraph from "
     "the drop-down: an exempt risk goes in the exempt appendix only."),
]


def marked_for_escalation(grids, status="Open"):
    grids["Register"][0].append("Escalate to")
    grids["Register"][1] += ["Corporate Risk Register"]
    grids["Register"][1][13] = status


FAILING.append(
    ("R120", [marked_for_escalation], "Register!O2",
     "CRR01 is marked for escalation to 'Corporate Risk Register' but is still open on this register. Move it with "
     "`riskreg escalate REGISTER CRR01 --to OTHER.xlsx`, or clear Escalate to if it stays here."))

# Near misses each rule must let through.
PASSING = [
    ("R001", [("Register!J2", None)]),  # Risk Owner is optional
    ("R002", [("Settings!B4", r"[A-Z]{3}\d{2,3}"), ("Register!A2", "ABC123")]),
    ("R003", [("Register!A4", "CRR04")]),
    ("R004", [("Register!B3", "Vulnerability (Online)")]),
    ("R005", [("Register!B2", "Serious Violence in Under 25s"), ("Register!B3", "Demand (999)")]),
    ("R006", [lambda g: g["Lists"][5].__setitem__(0, "Very Low"), ("Register!I2", "Very Low")]),
    ("R007", [("Register!F2", "N/A"), ("Register!G2", "New")]),
    ("R008", [("Register!N2", "Closed")]),
    ("R009", [("Settings!B6", 5), ("Register!L2", 5), ("Register!M2", 5.0)]),
    ("R010", [("Register!F3", "New"), ("Register!G3", "→")]),
    ("R011", [("Register!F2", "N/A"), ("Register!G2", "New")]),
    ("R012", [("Register!F4", "↘")]),  # an arrow in the oldest column: on the register before the window
    ("R013", [("Register!F3", "N/A")]),
    ("R014", [("Register!H2", "→"), lambda g: g["History"].__delitem__(slice(1, None))]),  # no History: kept
    ("R015", [("Register!C2", "IT&D < 5 years & rising"), ("Register!D2", "Data- Significant")]),
    ("R016", [("Register!D2", "Line one\nLine two\ttabbed, café, ✓ →")]),
    ("R017", [("Register!E2", "x" * 32_767)]),
    ("R018", [("Register!D3", "Cost = £5m a year"), ("Register!G2", "="), ("Register!C2", "=typed as text")]),
    ("R019", [("Register!D3", "N/A at #REF! time")]),
    ("R020", [lambda g: g["Register"].append([None] * 14)]),  # trailing blank rows are not inside the table
    ("R021", [("Register!K2", "15/09/2021")]),
    ("R022", [("Register!K4", dt.date(2021, 6, 30)), ("Register!K3", None)]),  # exactly 92 days
    ("R023", []),
    ("R024", [("History!B3", "Q3 2020/21")]),
    ("R025", [lambda g: g["History"].append(["CRR09", "2021/22 Q1", "High"] + [None] * 6)]),  # closed earlier
    ("R026", [lambda g: g["History"].append(["CRR01", "2021/22 Q2", "High"] + [None] * 6)]),
    ("R027", [("History!C2", "High"), ("History!D2", "")]),
    ("R028", [lambda g: g["History"].append(["CRR01", "2021/22 Q2", "high"] + [None] * 6)]),
    ("R029", [("Settings!B5", 30.0), ("Settings!B7", "rating")]),
    ("R029", [lambda g: g["Settings"].append(["Backups to keep", "3", ""])]),  # blank or absent: the default
    ("R030", [("Settings!B8", "Avon and Somerset Police"), ("Settings!B10", "OFFICIAL-SENSITIVE")]),
    # A date stored as Excel's day number (the cell lost its date format) is a date.
    ("R021", [lambda g: g["Settings"].append(["Meeting date", 44469, ""]), ("History!H2", 44400)]),
    ("R031", [DEPTH, ("Register!L2", 2), ("Register!M2", 4)]),  # 8: the lowest score rated High
    ("R031", [("Register!I2", "Medium")]),  # no Matrix sheet: the bands are not the register's own
    ("R032", [DEPTH, ("Matrix!B1", "grid"), ("Matrix!C12", 5)]),  # a full grid, any scores
    ("R033", [DEPTH, ("Register!R2", 3), ("Register!S2", 3)]),  # target at the residual score
    ("R034", []),  # in DEPTH, CRR03's target date has passed, but it stands at its target
    ("R034", [DEPTH, ("Register!T2", dt.datetime(2021, 10, 1))]),  # the day after the period ends
    ("R035", [DEPTH, ("Actions!E3", "In progress")]),
    ("R036", [DEPTH, ("Appetite!C3", "low"), ("Register!O2", "")]),  # at tolerance; no category, no appetite
    ("R037", [DEPTH, ("Register!O3", None)]),
    ("R038", [DEPTH, ("Register!U3", None)]),
    ("R039", [DEPTH, ("Appetite!C2", "high"), ("Appetite!B2", None)]),
    ("R040", [DEPTH, ("Actions!A2", "crr01")]),
    ("R041", [DEPTH, ("Actions!E2", "Cancelled"), ("Actions!D2", "31/12/2021")]),
    ("R042", [DEPTH, ("Actions!D3", dt.datetime(2021, 9, 30))]),  # due on the period's last day
    ("R042", [DEPTH, ("Actions!D3", dt.datetime(2021, 9, 15)), lambda g: moved_out(g, "CRR02")]),  # followed there
    ("R043", [DEPTH, ("Actions!E2", "Cancelled")]),  # cancelled, not done: no date needed
    ("R044", [("Register!I2", "Critical")]),  # no Actions sheet: nothing to say about actions
    ("R044", [DEPTH, ("Actions!E3", "Done"), ("Actions!F3", dt.datetime(2021, 9, 1))]),  # CRR02 is Medium
    ("R045", [lambda g: recorded_controls(g, {"fp-q4": "• Training", "fp-q1": "• Training\n• Audits"})]),  # 1 quarter
    ("R050", [DEPTH, ("Register!I2", "Critical")]),  # a Matrix sheet: R031 compares with its bands instead
    ("R050", [("Register!I3", "Severe"), ("Register!N3", "Closed")]),  # closed, and not on the scale
    ("R100", [seal_q1, ("History!C2", "Critical")]),  # 2020/21 Q3 was closed before seals: it stays unsealed
    ("R101", [seal_q1, ("History!C8", "Low")]),  # the same value typed again
    ("R102", [seal_q1]),
    ("R103", [("Register!N4", "Closed")]),  # closed, not deleted
    ("R104", [lambda g: crr03_renamed_crr09(g, recorded=True)]),  # renamed with riskreg rename-risk
    ("R060", [NOT_COLLECTED]),  # not collected, but every cell filled in
    ("R061", [TRENDS_FROM]),  # a quarter
    ("R060", [("Register!D2", None)]),  # a register from `riskreg new`: a blank Impact is R001's error
    ("R001", [NOT_COLLECTED, ("Register!D2", None), TRENDS_FROM, ("Register!F2", None)]),
    ("R115", [exempt_column("Para 7", None, " ", "Para 3")]),  # blank is a public risk
    ("R120", [lambda g: marked_for_escalation(g, "Closed")]),  # moved: closed on this register
    ("R105", [lambda g: medium_renamed_moderate(g, recorded=True)]),  # renamed with riskreg rename-band
]


def test_the_clean_register_has_no_findings():
    assert check(register()) == []


@pytest.mark.parametrize("rule_id, changes, cell, message", FAILING,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(FAILING)])
def test_rule_fails_with_its_message_on_the_cell(rule_id, changes, cell, message):
    assert findings_of(rule_id, apply(changes)) == [(cell, message)]


@pytest.mark.parametrize("rule_id, changes, cell, message", FAILING,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(FAILING)])
def test_the_error_rules_alone_find_every_error(rule_id, changes, cell, message):
    """The board paper runs only ERROR_RULES: on every failing case they find exactly the checks' errors."""
    checked = register(apply(changes))
    errors = [f for f in check(checked) if f.severity == "error"]
    assert check(checked, ERROR_RULES) == errors
    assert bool(errors) >= (RULE_BY_ID[rule_id].severity == "error")


@pytest.mark.parametrize("rule_id, changes", PASSING, ids=[case[0] for case in PASSING])
def test_rule_passes_near_misses(rule_id, changes):
    assert findings_of(rule_id, apply(changes)) == []


def test_every_rule_has_a_failing_and_a_passing_case():
    ids = [rule.id for rule in RULES]
    assert sorted({case[0] for case in FAILING}) == ids
    assert sorted({case[0] for case in PASSING}) == ids


def test_rule_ids_are_stable_and_unique():
    ids = [rule.id for rule in RULES]
    assert ids == sorted(set(ids)) and all(re.fullmatch(r"R\d{3}", rule_id) for rule_id in ids)
    assert ids[:45] == [f"R{n:03d}" for n in range(1, 46)]  # each feature's rules in the range it was given
    assert all(rule.severity in ("error", "warning", "info") and rule.columns and rule.description
               for rule in RULES)


@pytest.mark.parametrize("typed, meant", [
    ("high ", "High"), ("HIGH", "High"), ("Hgh", "High"), ("Meduim", "Medium"), ("->", "→"), ("-->", "→"),
    ("up", "↗"), ("Down", "↘"), ("new", "New"), ("n/a", "N/A"), ("NA", "N/A"), ("no change", "→"),
])
def test_suggest_finds_what_was_meant(typed, meant):
    choices = ("Critical", "High", "Medium", "Low", "New", "↗", "→", "↘", "N/A")
    from workbook.core.rules import TREND_ALIASES

    assert suggest(typed, choices, TREND_ALIASES) == meant


def test_suggest_gives_nothing_for_unrelated_words():
    assert suggest("Banana", ("Critical", "High", "Medium", "Low")) is None


def test_docs_rules_md_is_generated_from_the_registry():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `riskreg rules -o docs/rules.md` and review the diff.")
    for rule in RULES:
        assert f"| {rule.id} | {rule.severity} |" in DOCS.read_text(encoding="utf-8")
