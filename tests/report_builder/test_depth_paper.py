"""The paper of a register with appetite, actions and targets: what it says, worked out here independently."""

import datetime as dt

import pytest
from support.depth_register import APPETITE, CATEGORIES, RESIDUAL, depth_actions, depth_risks, write_depth_sample

from report_builder import depth_content
from report_builder.build import build_paper
from report_builder.content import build_content
from workbook.xlsx.reader import read_register

SEVERITY = {"Critical": 4, "High": 3, "Medium": 2, "Low": 1}


@pytest.fixture(scope="module")
def depth_paper(tmp_path_factory):
    folder = tmp_path_factory.mktemp("depth")
    register_path = write_depth_sample(folder / "depth.xlsx")
    paper = folder / "depth.docx"
    build_paper(register_path, paper, force=True)
    return register_path, paper


def expected_outside() -> list[tuple]:
    """Each risk against its category's tolerance, from the sample's rows: (category, risk ID, residual, beyond)."""
    risks, _, _ = depth_risks()
    appetite = {a["category"]: a["tolerance"] for a in APPETITE}
    found = []
    for index, risk in enumerate(risks):
        category = CATEGORIES[index % len(CATEGORIES)]
        limit = appetite[category]
        likelihood, impact = RESIDUAL[risk["rating"]]
        if isinstance(limit, int) and likelihood * impact > limit:
            found.append((category, risk["id"], f"score {likelihood * impact}", f"{likelihood * impact - limit} "
                          f"point{'s' if likelihood * impact - limit != 1 else ''} above"))
        elif isinstance(limit, str) and SEVERITY[risk["rating"]] > SEVERITY[limit]:
            bands = SEVERITY[risk["rating"]] - SEVERITY[limit]
            found.append((category, risk["id"], risk["rating"], f"{bands} band{'s' if bands != 1 else ''} above"))
    return sorted(found, key=lambda f: (f[0].casefold(), f[1]))


def test_the_paper_lists_the_risks_outside_appetite_by_category(depth_paper):
    register_path, _ = depth_paper
    content = build_content(read_register(register_path))
    # which risks, worked out here by each tolerance's own measure; the paper gives them all as scores (its
    # register scores its risks), a rating tolerance as its band's top score
    assert [(r.category, r.risk.split()[0]) for r in content.appetite_rows] == [f[:2] for f in expected_outside()]
    scores = {risk["id"]: RESIDUAL[risk["rating"]][0] * RESIDUAL[risk["rating"]][1] for risk in depth_risks()[0]}
    assert [r.residual for r in content.appetite_rows] == [str(scores[f[1]]) for f in expected_outside()]
    assert all(r.measure == "score" and r.beyond.endswith("points above") for r in content.appetite_rows)
    assert len(content.appetite_rows) == 5  # the test's own count: a change to the sample shows here


def test_the_paper_lists_overdue_actions_then_those_due_next_quarter(depth_paper):
    register_path, _ = depth_paper
    content = build_content(read_register(register_path))
    risks, _, _ = depth_risks()
    actions = depth_actions(risks)
    end, next_end = dt.datetime(2021, 9, 30), dt.datetime(2021, 12, 31)
    overdue = sorted((a["due"], a["risk_id"]) for a in actions if a["status"] != "Done" and a["due"] < end)
    upcoming = sorted((a["due"], a["risk_id"]) for a in actions if a["status"] != "Done" and end < a["due"] <= next_end)
    assert [(r.risk_id, r.state) for r in content.action_rows] == (
        [(risk_id, f"Overdue by {(end - due).days} days") for due, risk_id in overdue]
        + [(risk_id, "Due next quarter") for _, risk_id in upcoming])
    assert (len(overdue), len(upcoming)) == (4, 4)


def test_outside_appetite_is_a_reason_for_the_committees_attention(depth_paper):
    register_path, _ = depth_paper
    content = build_content(read_register(register_path))
    reasons = {item.risk_id: item.reasons for item in content.attention}
    for _, risk_id, _, _ in expected_outside():
        assert "Outside appetite" in reasons[risk_id]
    crr18 = next(item for item in content.attention if item.risk_id == "CRR18")
    assert crr18.details == ("Scores: Inherent 16 → residual 12 → target 6 by 30 September 2021.",
                             "Proximity: Imminent.")


def test_the_rendered_paper_shows_both_tables_and_each_risks_actions(depth_paper, read_paper):
    _, paper = depth_paper
    lines = read_paper(paper)
    start = lines.index("Heading 2: Risks outside appetite")
    # one measure, the register's own (it scores its risks): a tolerance set as a rating is its band's top score
    assert lines[start + 1] == ("Normal: Residual positions and tolerances are scores on the register's matrix; a "
                                "tolerance set as a rating is the highest score of its band.")
    assert lines[start + 2] == ("| Category | Appetite | Tolerance (score) | Risk | Residual score | Outside by |")
    assert lines[start + 3] == "| Financial | Averse | 4 (Medium) | CRR05 Demand Management | 9 | 5 points above |"
    assert lines[start + 5] == ("| Operations | Cautious | 9 | CRR18 Core Skills Resilience & Training Risk | 12 | "
                                "3 points above |")
    table = lines[start + 3:lines.index("Heading 2: Actions overdue or due next quarter")]
    assert not [line for line in table if "band" in line or "High" in line]
    actions = lines.index("Heading 2: Actions overdue or due next quarter")
    assert lines[actions + 1] == "| Risk | Action | Owner | Due | Status | State |"
    assert lines[actions + 2] == ("| CRR02 | Review the controls of Serious Violence in Under 25s | Strategic Risk "
                                  "Manager | 31 August 2021 | In progress | Overdue by 30 days |")
    item = lines.index("Heading 2: CRR18 Core Skills Resilience & Training Risk")  # issue-15: risks are Heading 2
    assert lines[item + 1] == ("Normal: Residual risk rating: Critical. Brought to the Committee for: Critical rating, "
                               "New this quarter, Outside appetite.")
    assert lines[item + 2] == "Normal: Scores: Inherent 16 → residual 12 → target 6 by 30 September 2021."
    label = lines.index("Field Label: Actions overdue or due next quarter", item)
    assert lines[label + 1] == ("List Bullet: Review the controls of Core Skills Resilience & Training Risk (Strategic "
                                "Risk Manager): due 31 August 2021, In progress. Overdue by 30 days.")


def test_a_register_that_compares_ratings_gives_every_tolerance_as_a_band(tmp_path):
    import openpyxl

    from workbook.core.schema import SETTING_BY_KEY

    register_path = write_depth_sample(tmp_path / "depth.xlsx")
    book = openpyxl.load_workbook(register_path)
    sheet = book["Settings"]
    label = SETTING_BY_KEY["trend_basis"].label
    row = next(r for r in range(1, sheet.max_row + 2) if sheet.cell(r, 1).value in (label, None))
    sheet.cell(row, 1, label)
    sheet.cell(row, 2, "rating")
    book.save(register_path)
    rows = build_content(read_register(register_path)).appetite_rows
    assert {row.measure for row in rows} == {"rating"}
    assert [(row.risk.split()[0], row.tolerance, row.residual, row.beyond) for row in rows] == [
        ("CRR05", "Medium", "High", "1 band above"), ("CRR09", "Medium", "High", "1 band above"),
        ("CRR18", "High (score 9)", "Critical", "1 band above"),
        # rated High as its tolerance's band is: outside by its score alone, said so
        ("CRR02", "High (score 6)", "High", "score 9, above 6"), ("CRR15", "High (score 6)", "High", "score 9, above 6")]


def test_a_register_without_appetite_or_actions_says_nothing_of_them(sample_workbook):
    content = build_content(read_register(sample_workbook))
    assert (content.has_appetite, content.has_actions, content.appetite_rows, content.action_rows) == (
        False, False, (), ())
    assert all(item.details == () and item.actions == () for item in content.attention)


def test_positions_on_request_list_each_risks_inherent_residual_and_target(depth_paper, tmp_path, read_paper):
    register_path, plain = depth_paper
    assert "Heading 1: 6. Inherent, residual and target positions" not in read_paper(plain)  # only when asked
    paper = tmp_path / "positions.docx"
    result = build_paper(register_path, paper, force=True, positions=True)
    risks, _, _ = depth_risks()
    assert len(result.content.position_rows) == len(risks)  # every risk has all three positions
    lines = read_paper(paper)
    start = lines.index("Heading 1: 6. Inherent, residual and target positions")
    assert lines[start + 2] == "| Risk | Inherent | Residual | Target | Target date |"
    crr18 = next(r for r in risks if r["id"] == "CRR18")
    l, i = RESIDUAL[crr18["rating"]]
    inherent = min(4, l + 1)  # the sample's inherent likelihood is one above the residual, on a 4×4 matrix
    assert lines[start + 3] == (f"| CRR18 {crr18['name']} | {inherent} × 4 = {inherent * 4} | {l} × {i} = {l * i} | "
                                f"{l - 1} × {i - 1} = {(l - 1) * (i - 1)} | 30 September 2021 |")


def test_a_past_papers_actions_appetite_and_positions_are_those_at_its_close(depth_paper, tmp_path):
    """Roll the quarter, then finish every action: the closed quarter's paper still lists what was overdue."""
    import shutil

    from openpyxl import load_workbook

    from workbook import jobs
    from workbook.core.periods import parse_period

    register_path, _ = depth_paper
    path = shutil.copyfile(register_path, tmp_path / "depth.xlsx")
    closing = build_content(read_register(path), positions=True)
    at_close = closing.action_rows
    jobs.roll_quarter(path, parse_period("2021/22 Q3"), close_with_errors=True)  # the in-depth sample's errors
    book = load_workbook(path)
    sheet = book["Actions"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, 5).value, sheet.cell(row, 6).value = "Done", dt.datetime(2021, 10, 4)
    for row in range(2, book["Appetite"].max_row + 1):  # the committee raises every tolerance next quarter
        if book["Appetite"].cell(row, 1).value:
            book["Appetite"].cell(row, 3).value = 16
    header = [c.value for c in book["Register"][1]]
    for row in range(2, book["Register"].max_row + 1):  # and every target is moved
        book["Register"].cell(row, header.index("Target Likelihood") + 1).value = 1
    book.save(path)
    now = build_content(read_register(path), positions=True)
    assert now.appetite_rows == () and now.position_rows != closing.position_rows

    assert build_content(read_register(path)).action_rows == ()  # this quarter: nothing overdue or due
    past = build_paper(path, tmp_path / "q2.docx", force=True, period=parse_period("2021/22 Q2"),
                       positions=True).content
    assert past.action_rows == at_close and len(at_close) == 8  # 4 overdue, 4 due next quarter, as worked out above
    # Its appetite, positions and matrix are the quarter's too: the risks outside appetite as worked out above.
    assert [(r.category, r.risk.split()[0]) for r in past.appetite_rows] == [f[:2] for f in expected_outside()]
    assert past.position_rows == closing.position_rows and past.cell_ratings == closing.cell_ratings
MOVEMENT_CAPTION = "Inherent, residual and target positions on the matrix"


def matrix_table(paper, caption: str):
    """Return the paper's matrix table with that alternative-text caption, as {(impact, likelihood): lines}."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(paper))
    (table,) = [t for t in document.tables if (t._tbl.tblPr.find(qn("w:tblCaption")) is not None and
                                               t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) == caption)]
    cells = {(int(row.cells[0].text.split()[-1]), n): [p.text for p in cell.paragraphs]
             for row in table.rows[1:] for n, cell in enumerate(row.cells[1:], start=1)}
    fills = {(int(row.cells[0].text.split()[-1]), n): cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
             for row in table.rows[1:] for n, cell in enumerate(row.cells[1:], start=1)}
    return table, cells, fills


def test_positions_on_request_draw_each_risks_movement_on_the_matrix(depth_paper, tmp_path, read_paper):
    from docx.oxml.ns import qn

    from workbook.core.palette import MIN_CONTRAST, contrast
    from workbook.core.schema import RATINGS

    register_path, plain = depth_paper
    assert f"Caption: Figure 3: {MOVEMENT_CAPTION}" not in read_paper(plain)  # only when asked
    paper = tmp_path / "positions.docx"
    build_paper(register_path, paper, force=True, positions=True)
    table, cells, fills = matrix_table(paper, MOVEMENT_CAPTION)
    # where the sample puts each position, worked out from its rows: (impact, likelihood) -> "ID marks"
    risks, _, _ = depth_risks()
    expected: dict[tuple[int, int], dict[str, list[str]]] = {}
    for risk in risks:
        l, i = RESIDUAL[risk["rating"]]
        for mark, (likelihood, impact) in (("I", (min(4, l + 1), 4)), ("R", (l, i)),
                                           ("T", (max(1, l - 1), max(1, i - 1)))):
            expected.setdefault((impact, likelihood), {}).setdefault(risk["id"], []).append(mark)
    bands = {(4, 4): "Critical", (3, 4): "Critical", (3, 3): "High", (2, 3): "High", (2, 2): "Medium",
             (1, 3): "Medium", (1, 1): "Low"}  # (impact, likelihood) on the default 4×4 bands
    for (impact, likelihood), band in bands.items():
        named = sorted(f"{rid} {' '.join(marks)}" for rid, marks in expected.get((impact, likelihood), {}).items())
        assert cells[(impact, likelihood)] == [band, *named], (impact, likelihood)  # every risk: no "+N more"
    header = table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader"))
    assert header is not None and [c.text for c in table.rows[0].cells][:2] == ["Impact", "Likelihood 1"]
    look = {r.fill: r.font for r in RATINGS}
    assert all(contrast(look[fill], fill) >= MIN_CONTRAST for fill in fills.values())
    description = table._tbl.tblPr.find(qn("w:tblDescription")).get(qn("w:val"))
    assert description.startswith(f"Likelihood by impact matrix of the inherent, residual and target positions of "
                                   f"{len(risks)} open risks on a 4 by 4 scale, by score band. Inherent: ")
    lines = read_paper(paper)
    at = lines.index(f"Caption: Figure 3: {MOVEMENT_CAPTION}")
    key = next(line for line in lines[at:] if line.startswith("Caption: Key:"))
    assert key == ("Caption: Key: I = inherent (before controls), R = residual (now), T = target (after the planned "
                   "actions).")


def test_a_register_with_scores_only_gets_the_table_but_no_movement_grid(tmp_path, read_paper):
    from workbook.xlsx.builder import build_workbook, save

    risks, history, settings = depth_risks()
    for risk in risks:  # positions as scores: nothing to place on the matrix but the residual
        for key in ("inherent", "target"):
            risk[f"{key}_score"] = risk.pop(f"{key}_likelihood") * risk.pop(f"{key}_impact")
    register_path = save(build_workbook(risks, history, settings, full=True), tmp_path / "scores.xlsx")
    result = build_paper(register_path, tmp_path / "paper.docx", force=True, positions=True)
    assert result.content.position_rows and result.content.movement_points == ()
    assert f"Caption: Figure 3: {MOVEMENT_CAPTION}" not in read_paper(tmp_path / "paper.docx")


def test_the_heat_map_is_shaded_by_the_matrix_sheets_bands(tmp_path):
    """A 5×5 matrix whose bands are not the default shares: the heat map's words and fills follow the Matrix sheet."""
    from openpyxl import load_workbook

    from workbook.core.schema import RATING_BY_NAME
    from workbook.xlsx.builder import build_workbook, save

    risks, history, settings = depth_risks()
    register_path = save(build_workbook(risks, history, {**settings, "score_scale": 5}, full=True),
                         tmp_path / "five.xlsx")
    wb = load_workbook(register_path)
    matrix = wb["Matrix"]
    assert [matrix.cell(row, 1).value for row in range(4, 8)] == ["Critical", "High", "Medium", "Low"]
    for row, lowest in zip(range(4, 8), (20, 12, 5, 1)):  # default 5×5: 15, 9, 4, 1
        matrix.cell(row, 2).value = lowest
    wb.save(register_path)
    build_paper(register_path, tmp_path / "paper.docx", force=True)
    _, cells, fills = matrix_table(tmp_path / "paper.docx", "Likelihood and impact of open risks")
    for (impact, likelihood), band in {(4, 4): "High", (5, 4): "Critical", (3, 4): "High", (3, 3): "Medium",
                                       (2, 2): "Low", (1, 5): "Medium", (5, 3): "High"}.items():
        assert cells[(impact, likelihood)][0] == band, (impact, likelihood)
        assert fills[(impact, likelihood)] == RATING_BY_NAME[band].fill
    assert len(cells) == 25  # sized from the 5×5 matrix


def test_matrix_bands_of_a_five_level_scale_have_its_words_and_colours():
    """A Ratings list of five words banded on the Matrix sheet: each cell is its band's, coloured as the scale is."""
    from support.depth_grids import depth_clean
    from support.register_grids import register

    from report_builder import charts
    from report_builder.depth_content import cell_ratings
    from workbook.core.ratings import rating_scale

    grids = depth_clean()
    names = ["Very High", "High", "Medium", "Low", "Very Low"]
    lists = grids["Lists"]
    for row, name in zip(lists[1:], names):
        row[0] = name
    lists += [[name] + [None] * (len(lists[0]) - 1) for name in names[len(lists) - 1:]]
    grids["Matrix"][3:7] = [["Very High", 12], ["High", 8], ["Medium", 4], ["Low", 2], ["Very Low", 1]]
    reg = register(grids)
    bands = dict(cell_ratings(reg))
    scale = {r.name: r for r in rating_scale(reg)}
    assert [bands[cell].name for cell in ((4, 4), (2, 4), (2, 2), (1, 2), (1, 1))] == names
    assert all(bands[cell] == scale[bands[cell].name] for cell in bands)
    assert charts.zone(1, 1, 4, bands).fill == scale["Very Low"].fill


def test_without_a_matrix_sheet_a_five_band_registers_heat_map_speaks_its_words(tmp_path):
    """Imported from a five-level CSV, no Matrix sheet: the heat map's cells say Very High … Very Low, each band
    from its share of the highest score (80 %, 60 %, 40 %, 20 %; worked out here), never Critical."""
    import docx

    from workbook import jobs

    source = tmp_path / "risks.csv"
    source.write_text("Ref,Risk,Likelihood,Impact,Rating\nSR1,Funding gap,5,5,Very High\nSR2,Cyber,4,4,High\n"
                      "SR3,Posts,3,3,Medium\nSR4,Flood,2,2,Low\nSR5,Claims,1,1,Very Low\n", encoding="utf-8")
    register = tmp_path / "register.xlsx"
    jobs.import_register(source, register, jobs.period_or_none("2024/25 Q3"))
    paper = build_paper(register, tmp_path / "paper.docx", force=True).paper
    table = next(t for t in docx.Document(paper).tables if t.rows[0].cells[0].text == "Impact")
    words = {}
    for row in table.rows[1:]:
        impact = int(row.cells[0].text.split()[1])
        for likelihood, cell in enumerate(row.cells[1:], start=1):
            words[(likelihood, impact)] = cell.paragraphs[0].text

    def expected(score: int) -> str:
        for name, lowest in (("Very High", 20), ("High", 15), ("Medium", 10), ("Low", 5)):
            if score >= lowest:
                return name
        return "Very Low"

    assert words == {(l, i): expected(l * i) for l in range(1, 6) for i in range(1, 6)}
    assert ("Every Very High risk and every risk that is new or escalating this quarter (1 risk), with its "
            "description, impact and key controls.") in [p.text for p in docx.Document(paper).paragraphs]


def test_the_attention_section_says_outside_appetite_is_a_reason_when_there_is_an_appetite(depth_paper, read_paper):
    _, paper = depth_paper
    assert ("Normal: Every Critical risk and every risk that is new or escalating this quarter or outside its "
            "category's appetite (9 risks), with its description, impact and key controls.") in read_paper(paper)


@pytest.fixture(scope="module")
def thousand_depth_paper(tmp_path_factory):
    """A 1,000-risk register with every in-depth group (tests/support/synthetic_register.add_depth) as a real
    workbook, and its paper with positions."""
    from support.large_register import write_large_register
    from support.synthetic_register import add_depth

    from workbook.xlsx.builder import build_workbook, register_rows, save

    folder = tmp_path_factory.mktemp("depth1000")
    register = add_depth(read_register(write_large_register(folder / "plain.xlsx", 1000)))
    risks, history, settings = register_rows(register)
    wb = build_workbook(risks, history, settings, full=True, actions=[a.values for a in register.actions],
                        appetite=[a.values for a in register.appetite])
    path = save(wb, folder / "depth1000.xlsx")
    paper = folder / "depth1000.docx"
    result = build_paper(path, paper, force=True, positions=True)
    return read_register(path), result.content, paper


def test_a_thousand_risk_in_depth_paper_counts_its_risks_outside_appetite_by_category(thousand_depth_paper,
                                                                                     read_paper):
    register, content, paper = thousand_depth_paper
    open_risks = [risk for risk in register.risks if not risk.is_closed]
    outside = depth_content.appetite_rows(register)
    assert len(outside) > depth_content.NAMED_UP_TO and len(open_risks) == 1000
    by_category = {}
    for row in outside:
        by_category[row.category] = by_category.get(row.category, 0) + 1
    lines = read_paper(paper)
    start = lines.index("Heading 2: Risks outside appetite")
    assert lines[start + 1] == (f"Normal: {len(outside)} open risks of 1,000 are outside their category's appetite: "
                                "the table counts them by category, and the appendix gives each with its rating.")
    assert lines[start + 2] == "Normal: " + depth_content.APPETITE_NOTES[outside[0].measure]
    assert lines[start + 3] == ("| Category | Appetite | " + depth_content.APPETITE_HEADERS[outside[0].measure][0]
                                + " | Outside appetite | Open risks |")
    table = [line.split(" | ") for line in lines[start + 4:start + 4 + len(content.appetite_counted.rows)]]
    assert {cells[0].lstrip("| "): int(cells[3]) for cells in table[:-1] if int(cells[3])} == by_category
    assert table[-1] == ["| Total", "", "", str(len(outside)), "1,000 |"]  # every open risk, counted once
    assert sum(int(cells[4].rstrip(" |").replace(",", "")) for cells in table[:-1]) == 1000
    assert not any(row.risk in line for row in outside for line in lines[start:start + 30])  # names: the appendix


def test_a_thousand_risk_in_depth_paper_counts_its_actions_by_state_and_every_open_risk(thousand_depth_paper,
                                                                                      read_paper):
    register, content, paper = thousand_depth_paper
    actions = depth_content.action_rows(register, [risk for risk in register.risks if not risk.is_closed])
    overdue = [a for a in actions if a.state.startswith("Overdue")]
    due = [a for a in actions if a.state == "Due next quarter"]
    late = {a.risk_id for a in overdue}
    soon = {a.risk_id for a in due} - late
    lines = read_paper(paper)
    start = lines.index("Heading 2: Actions overdue or due next quarter")
    assert lines[start + 1:start + 7] == [
        f"Normal: {len(actions)} actions of open risks are overdue or due next quarter: the table counts them by "
        "state, with the open risks they belong to (a risk with both, under Overdue); the register's Actions sheet "
        "names each.",
        "| State | Actions | Open risks |",
        f"| Overdue | {len(overdue)} | {len(late)} |",
        f"| Due next quarter | {len(due)} | {len(soon)} |",
        f"| No action overdue or due next quarter |  | {1000 - len(late) - len(soon)} |",
        f"| Total | {len(actions)} | 1,000 |",
    ]
