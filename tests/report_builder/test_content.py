"""What the paper says: title block, tables, movements, attention list, appendix order, provenance."""

import datetime as dt
import re
from pathlib import Path

import pytest

from report_builder.content import (
    Distribution,
    HeatPoint,
    Para,
    Provenance,
    build_content,
    paragraphs,
)
from report_builder.render import BLOCKS

PROVENANCE = Provenance("register.xlsx", dt.datetime(2021, 9, 14, 10, 32, tzinfo=dt.timezone.utc), "3f2a9c1b7d0e" + "0" * 52)


@pytest.fixture
def content(register, movements):
    def build(custom=None, **kwargs):
        kwargs.setdefault("movements", movements)
        kwargs.setdefault("provenance", PROVENANCE)
        return build_content(custom or register, **kwargs)

    return build


def test_title_block_comes_from_settings(content):
    block = content().title_block
    assert block.title == "Corporate Risk Register – Quarter 2 2021/22"
    assert (block.committee, block.meeting_date, block.agenda_item) == ("Joint Audit Committee", "30 September 2021", "7")
    assert (block.report_of, block.author, block.marking) == (
        "Director of Commercial Services", "Strategic Risk Manager", "OFFICIAL-SENSITIVE")


def test_meeting_date_left_empty_is_empty_for_the_template_to_word(content, register_factory):
    register = register_factory(settings=[["Setting", "Value"]])
    assert content(register).title_block.meeting_date == ""
    assert content(register).title_block.marking == ""  # no silent default: validation flags it (R030)


def test_cell_text_becomes_paragraphs_and_bullets(content):
    assert paragraphs("Intro line\n• first item\n\n•second  \n") == (
        Para("Intro line"), Para("first item", bullet=True), Para("second", bullet=True))


def test_appendix_holds_open_risks_by_rating_then_id_with_the_sheet_columns(content, headers):
    paper = content()
    assert [row.risk_id for row in paper.appendix_rows] == ["CRR18", "CRR02", "CRR05", "CRR11"]
    assert [c.header for c in paper.appendix_columns] == headers  # Status left out: every risk there is open
    crr05 = paper.appendix_rows[2]
    assert crr05.cells[4] == (Para("Daily demand meeting", True), Para("Overtime plan agreed", True))
    assert crr05.cells[2] == (Para("Demand outstrips capacity."), Para("Calls rise in summer."))
    assert paper.risk_count == 4


def test_optional_columns_settings_choose_join_the_appendix_as_details_only_when_filled_in(
        content, register_factory, headers, rows):
    rows = [row + ["ACC Crime" if row[0] == "CRR02" else None, None, dt.datetime(2021, 9, 30)] for row in rows]
    extra = ["Status", "Risk Owner", "Portfolio/Department", "Last Reviewed"]
    paper = content(register_factory(rows=rows, headers=headers + extra))  # default: Risk Owner, Last Reviewed
    assert [c.header for c in paper.appendix_columns] == headers + ["Details"]
    assert paper.appendix_rows[1].cells[-1] == (Para("Risk Owner: ACC Crime"), Para("Last Reviewed: 30 Sep 2021"))
    assert paper.appendix_rows[0].cells[-1] == (Para("Last Reviewed: 30 Sep 2021"),)


@pytest.mark.parametrize(("choice", "details"), [
    ("None", None),
    ("last reviewed", ("Last Reviewed: 30 Sep 2021",)),
    ("Portfolio/Department, Risk Owner", ("Risk Owner: ACC Crime",)),  # the sheet's order; empty ones left out
])
def test_settings_choose_the_optional_columns(content, register_factory, headers, rows, choice, details):
    rows = [row + ["ACC Crime" if row[0] == "CRR02" else None, None, "2021-09-30"] for row in rows]
    settings = [["Setting", "Value"], ["Appendix columns", choice]]
    paper = content(register_factory(rows=rows, headers=headers + ["Status", "Risk Owner", "Portfolio/Department",
                                                                    "Last Reviewed"], settings=settings))
    got = tuple(p.text for p in paper.appendix_rows[1].cells[-1]) if paper.appendix_columns[-1].key == "details" \
        else None
    assert got == details


def test_an_unknown_appendix_column_is_refused_naming_the_settings_cell(content, register_factory):
    from workbook.core.errors import RegisterFormatError

    settings = [["Setting", "Value"], ["Appendix columns", "Risk Owner, Budget"]]
    with pytest.raises(RegisterFormatError) as err:
        content(register_factory(settings=settings))
    assert err.value.user_message == (
        "reg.xlsx: Settings!B2 (Appendix columns) names 'Budget', which is not an optional column the appendix can "
        "show. Use headers from: Risk Owner, Portfolio/Department, Date Raised, Last Reviewed, Likelihood, Impact "
        "Score, Category, Inherent Likelihood, Inherent Impact, Inherent Score, Residual Score, Target Likelihood, "
        "Target Impact, Target Score, Target Date, Proximity; separate them with commas, or write None.")


def test_appendix_columns_may_name_every_column_validate_accepts(content, register_factory, headers, rows):
    settings = [["Setting", "Value"], ["Register title", "R"], ["Appendix columns", "Category, Target Date"]]
    register = register_factory(rows=[row + ["Operations", dt.datetime(2022, 3, 31)] for row in rows],
                                headers=headers + ["Status", "Category", "Target Date"], settings=settings)
    paper = content(register)
    assert [p.text for p in paper.appendix_rows[0].cells[-1]] == ["Category: Operations", "Target Date: 31 Mar 2022"]


@pytest.mark.parametrize(("value", "text"), [
    (dt.datetime(2021, 9, 30), "30 Sep 2021"), (dt.date(2022, 3, 1), "1 Mar 2022"), ("2022-03-01", "1 Mar 2022"),
    ("end of March", "end of March"), (None, ""),
])
def test_appendix_dates_read_as_day_month_year(value, text):
    from report_builder.content import short_date

    assert short_date(value) == text


def test_rating_table_counts_open_risks_this_period_after_earlier_periods(content):
    paper = content(distribution=[Distribution("2021/22 Q1", {"High": 2, "Medium": 1}),
                                  Distribution("2021/22 Q2", {"High": 99})])
    assert paper.rating_periods == ("2021/22 Q1", "2021/22 Q2")
    assert [(r.rating, r.counts) for r in paper.rating_rows] == [
        ("Critical", (0, 1)), ("High", (2, 2)), ("Medium", (1, 1)), ("Low", (0, 0))]
    assert paper.rating_rows[0].fill == "8B0000"
    assert paper.distribution[-1] == Distribution("2021/22 Q2", {"Critical": 1, "High": 2, "Medium": 1, "Low": 0})


def test_movements_are_counted_named_and_told_in_sentences(content):
    paper = content()
    assert [(r.label, r.count, r.risks) for r in paper.movement_rows] == [
        ("New", 1, ("CRR18 Core Skills Resilience & Training Risk",)),
        ("Escalated", 1, ("CRR02 Serious Violence in Under 25s",)),
        ("De-escalated", 0, ()),
        ("Unchanged", 2, ("CRR05 Demand Management", "CRR11 Safeguarding - Local Policing")),
        ("Closed", 1, ("CRR09 Recruitment & Retention",)),
    ]
    assert paper.movement_sentences == (
        "CRR02 Serious Violence in Under 25s is ↗ Escalating this quarter, after → Unchanged last quarter.",
        "CRR05 Demand Management is → Unchanged this quarter, after ↗ Escalating last quarter.",
        "CRR09 Recruitment & Retention was closed this quarter.",
    )


def test_a_long_list_of_open_risks_is_left_to_the_appendix_but_every_closed_risk_is_named():
    from report_builder.content import UNCHANGED_NAMED_UP_TO, movement_rows
    from support.movements import movement

    def moved(kind, count):
        return [movement(kind, f"CRR{n:03}", f"Risk {n}", "→", "→") for n in range(count)]

    few = {r.kind: r.which for r in movement_rows(moved("unchanged", UNCHANGED_NAMED_UP_TO))}
    assert few["unchanged"].startswith("CRR000 Risk 0; CRR001 Risk 1;") and few["closed"] == "None"
    many = {r.kind: r for r in movement_rows(moved("unchanged", 795) + moved("escalated", 115)
                                               + moved("new", UNCHANGED_NAMED_UP_TO) + moved("closed", 30))}
    assert many["unchanged"].count == 795
    assert many["unchanged"].which == "Every other open risk (each is in the appendix)"
    assert many["escalated"].count == 115
    assert many["escalated"].which == "Each is in the appendix, with its trend arrows"
    assert many["new"].which.count("; ") == UNCHANGED_NAMED_UP_TO - 1  # short enough to name
    assert many["closed"].which.count("; ") == 29  # a closed risk has no appendix row: always named


def test_attention_lists_every_critical_new_and_escalated_risk_with_its_text(content):
    paper = content()
    assert [(a.heading, a.reasons) for a in paper.attention] == [
        ("CRR18 Core Skills Resilience & Training Risk", ("Critical rating", "New this quarter")),
        ("CRR02 Serious Violence in Under 25s", ("Escalating this quarter",)),
    ]
    labels = [label for label, _ in paper.attention[1].sections]
    assert labels == ["Description", "Impact", "Key Controls and Activities"]
    assert paper.attention[1].sections[2][1] == (Para("Violence Reduction Unit", True), Para("Knife crime taskforce", True))


def test_heat_points_take_last_period_cells_from_history(content, register_factory, headers, rows):
    headers = headers + ["Status", "Likelihood", "Impact Score"]
    rows = [row + [3, 4] if row[0] == "CRR05" else row + [2, 2] for row in rows]
    history = [["Risk ID", "Period", "Rating", "Trend", "Likelihood", "Impact"],
               ["CRR05", "2021/22 Q1", "High", "↗", 2, 4],
               ["CRR05", "2020/21 Q4", "High", "↘", 1, 1]]
    paper = content(register_factory(rows=rows, headers=headers, history=history))
    assert paper.heat_points == (HeatPoint("CRR02", (2, 2)), HeatPoint("CRR05", (3, 4), (2, 4)),
                                 HeatPoint("CRR11", (2, 2)), HeatPoint("CRR18", (2, 2)))
    assert content().heat_points == ()  # no score columns, no heat map


def test_provenance_and_forced_data_quality_note(content):
    class Finding:
        cell, message = "Register!B3", "Risk name ends with '.'; remove it."

    paper = content(forced_errors=[Finding()])
    assert paper.provenance.sentence == ("Built from register file register.xlsx, last modified 14 September 2021 "
                                         "10:32 UTC, SHA-256 3f2a9c1b7d0e.")
    assert paper.identifier == "riskreg:board-paper:3f2a9c1b7d0e"
    assert paper.data_quality == (
        "Data quality: this paper was built although the register has 1 error that should be corrected "
        "before it is relied on:", "Register!B3: Risk name ends with '.'; remove it.")
    assert content().data_quality == ()


def test_same_register_gives_the_same_content_twice(content):
    first, second = content(), content()
    assert first == second
    assert first.placeholders() == second.placeholders()


def test_every_placeholder_is_documented(content):
    text = (Path(__file__).parents[2] / "templates" / "PLACEHOLDERS.md").read_text(encoding="utf-8")
    table_rows = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    documented = {name for cell in table_rows for name in re.findall(r"`\{\{ (\w+) \}\}`", cell)}
    assert documented == set(content().placeholders()) | set(BLOCKS)
    assert content().placeholders()["critical_count"] == 1
    assert content().placeholders()["closed_count"] == 1


def test_heat_map_finds_last_quarter_however_its_period_label_is_typed():
    """History typed '2021-22 Q1' is the quarter before 2021/22 Q2 for the heat map, as it is for the trends."""
    from support.register_grids import clean, put, register

    grids = clean()
    for row in range(2, 9):
        if grids["History"][row - 1][1] == "2021/22 Q1":
            put(grids, f"History!B{row}", "2021-22 Q1")
    points = {p.risk_id: p for p in build_content(register(grids)).heat_points}
    assert points["CRR01"].after == (3, 3) and points["CRR01"].before == (3, 2)
    assert points["CRR03"].before == (2, 2)


@pytest.mark.parametrize(("typed", "drawn"), [(5, 5), (12, 4), ("text", 4), (1, 4)])
def test_heat_map_uses_the_scale_the_checks_use(typed, drawn):
    """A scale the checks refuse (out of 2–10, not a number) falls back to the same default for the paper."""
    from support.register_grids import clean, put, register

    from workbook.core.checks import check

    grids = put(clean(), "Settings!B6", typed)
    content = build_content(register(grids))
    assert content.score_scale == drawn
    scale_findings = [f for f in check(register(grids)) if f.cell == "Settings!B6"]
    assert bool(scale_findings) == (typed != 5)


def test_above_twenty_moves_the_summary_groups_them_by_rating_and_change_with_counts():
    from report_builder.content import SENTENCES_NAMED_UP_TO, movement_sentences
    from support.movements import movement

    moves = [movement("escalated", f"CRR{n:03}", f"Risk {n}", "→", "↗") for n in range(15)]
    moves += [movement("unchanged", f"CRR{n:03}", f"Risk {n}", "↗", "→") for n in range(15, 21)]
    moves += [movement("closed", "CRR099", "Gone", "High", "")]
    ratings = {f"CRR{n:03}": ("High" if n < 10 else "Medium") for n in range(21)} | {"CRR020": ""}
    assert len(moves) > SENTENCES_NAMED_UP_TO
    assert movement_sentences(moves, ratings) == (
        "10 High risks are ↗ Escalating this quarter, after → Unchanged last quarter.",
        "5 Medium risks are ↗ Escalating this quarter, after → Unchanged last quarter.",
        "5 Medium risks are → Unchanged this quarter, after ↗ Escalating last quarter.",
        "1 Not rated risk is → Unchanged this quarter, after ↗ Escalating last quarter.",
        "1 risk was closed this quarter.",
        "The appendix lists every open risk with its trend arrows.",
    )
    assert movement_sentences(moves[:3], ratings) == tuple(
        f"CRR00{n} Risk {n} is ↗ Escalating this quarter, after → Unchanged last quarter." for n in range(3))


def test_a_name_ending_in_a_full_stop_is_not_followed_by_more_sentence():
    from report_builder.content import movement_sentences
    from support.movements import movement

    assert movement_sentences([movement("closed", "CRR03", "Operational Training.", "High", "")]) == (
        "CRR03 Operational Training was closed this quarter.",)


def test_risk_ids_with_numbers_are_in_the_order_people_read_them(content, register_factory, rows):
    """R2 before R10: the appendix, the movement table and sentences, and the heat map's cells sort IDs naturally."""
    from report_builder.charts import heat_cells
    from support.movements import movement

    ids = [f"R{n}" for n in (12, 10, 2, 11, 1, 9, 3, 8, 4, 7, 5, 6)]
    risks = [[risk_id, f"Risk {risk_id}", *rows[3][2:5], "→", "→", "→", "Medium", "Open"] for risk_id in ids]
    moves = [movement("unchanged", i, f"Risk {i}", "↗", "→") for i in ids]
    paper = content(register_factory(rows=risks), movements=moves)
    natural = [f"R{n}" for n in range(1, 13)]
    assert [row.risk_id for row in paper.appendix_rows] == natural
    unchanged = next(r for r in paper.movement_rows if r.kind == "unchanged")
    assert unchanged.risks == tuple(f"{i} Risk {i}" for i in natural)
    assert [s.split(" ")[0] for s in paper.movement_sentences] == natural
    cells = [c for row in heat_cells([HeatPoint(i, (2, 2)) for i in ids], 4) for c in row if c.lines]
    assert [c.lines for c in cells] == [tuple(natural)]
