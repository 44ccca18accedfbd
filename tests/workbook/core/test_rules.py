"""Each rule: a passing and a failing case, with the exact message and cell users see."""

import datetime as dt
from pathlib import Path

import pytest
from support.register_grids import clean, put, register

from workbook.core.checks import check
from workbook.core.model import Formula
from workbook.core.rules import RULES, rules_markdown, suggest

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
     "it ↗. Correct the arrow, or the History row(s)."),
    ("R014", [("Register!F3", "→")], "Register!F3",
     "Q4 Trending shows '→', but History does not have CRR02 on the register in 2020/21 Q4, which makes it "
     "N/A. Correct the arrow, or the History row(s)."),
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
]

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
]


def test_the_clean_register_has_no_findings():
    assert check(register()) == []


@pytest.mark.parametrize("rule_id, changes, cell, message", FAILING,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(FAILING)])
def test_rule_fails_with_its_message_on_the_cell(rule_id, changes, cell, message):
    assert findings_of(rule_id, apply(changes)) == [(cell, message)]


@pytest.mark.parametrize("rule_id, changes", PASSING, ids=[case[0] for case in PASSING])
def test_rule_passes_near_misses(rule_id, changes):
    assert findings_of(rule_id, apply(changes)) == []


def test_every_rule_has_a_failing_and_a_passing_case():
    ids = [rule.id for rule in RULES]
    assert sorted({case[0] for case in FAILING}) == ids
    assert sorted({case[0] for case in PASSING}) == ids


def test_rule_ids_are_stable_and_unique():
    ids = [rule.id for rule in RULES]
    assert ids == [f"R{n:03d}" for n in range(1, len(RULES) + 1)]
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
