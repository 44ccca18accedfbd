"""The corpus of published layouts: each imports with its risks, ratings, History and a reconciliation with 0
dropped, and the workbook it makes passes `riskreg validate` (what the source never had is one "not collected"
warning each) and builds its paper without --force."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from support.published_registers import CORPUS, LONG
from support.riskreg_testing import run_cli as run
from workbook.xlsx.reader import read_register


def imported(tmp_path, name):
    build, period = CORPUS[name]
    source = tmp_path / name
    truth = build(source)
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, *(("--period", period) if period else ()), *SETTINGS)
    assert result.exit_code == 0, result.output
    return truth, read_register(out), result.output, out


SETTINGS = ("--organisation", "Council", "--committee", "Audit Committee", "--report-of", "Chief Executive",
            "--author", "Risk Manager")
# What a source never had (an Impact column, earlier quarters' trends) is "not collected": one warning each.
NOT_COLLECTED = "R060"


def rated_history(register):
    return {(h.risk_id, h.period, h.rating) for h in register.history if h.rating}


@pytest.mark.parametrize("name", list(CORPUS))
def test_each_published_layout_imports_as_its_author_drew_it(tmp_path, name):
    truth, register, output, out = imported(tmp_path, name)
    assert [r.id for r in register.risks] == truth.ids
    assert [r.rating for r in register.risks] == truth.ratings
    assert rated_history(register) == truth.history
    assert register.period.label == truth.period
    assert register.lists["Ratings"] == truth.scale  # the source's own bands: no Critical it never had
    lines = output.splitlines()
    assert lines[-2] == f"rows: {out.parent / name}: {truth.rows}"  # the report ends with the reconciliation
    report = load_workbook(out, read_only=True)["Import report"]
    assert list(report.iter_rows(values_only=True))[-1][3] == truth.rows
    validation = run("validate", out, "--json")
    assert validation.exit_code == 0, validation.output  # never a workbook that riskreg itself then refuses
    findings = json.loads(validation.output)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    uncollected = [f["column"] for f in findings if f["rule_id"] == NOT_COLLECTED]
    assert uncollected == [*truth.not_collected, *([f"Trends before {truth.trends_from}"] * bool(truth.trends_from))]
    paper = run("paper", out, "-o", tmp_path / "paper.docx")  # no --force: the register has no errors
    assert paper.exit_code == 0, paper.output
    assert paper.output.startswith(f"Wrote {tmp_path / 'paper.docx'}: ")


def test_parish_subjects_merged_down_are_group_values_and_section_rows_headings(tmp_path):
    truth, register, output, _ = imported(tmp_path, "parish.docx")
    assert [r.text("portfolio") for r in register.risks] == truth.extra["portfolio"]
    assert "heading: " in output and "'Management': section heading" in output
    assert "'Subject': merged down over rows that are each a risk of their own: a group value" in output
    assert "'Risk Assessment Schedule – adopted 25/05/23': text above the table in the document" in output


def test_district_two_row_header_reads_inherent_and_residual(tmp_path):
    _, register, output, out = imported(tmp_path, "district.xlsx")
    assert [r.values.get("inherent_score") for r in register.risks] == [25, 20, 16, 12, 9, 12]
    assert [r.text("likelihood") for r in register.risks] == ["4", "3", "2", "3", "2", "1"]
    dry = run("import", out.parent / "district.xlsx", "-o", out.parent / "again.xlsx", "--period", "2024/25 Q3",
              "--dry-run").output.splitlines()
    assert "  D 'Inherent risk – L' -> Inherent Likelihood (inherent: synonym 'l' under 'Inherent risk')" in dry
    assert "Header: rows 3–4 (group headers over sub-headers)" in dry
    assert "Merged D3:F3 'Inherent risk': group header" in dry
    assert "footnote: " in output and "'* Scores are likelihood × impact" in output
    assert register.risks[1].name == "Cyber attack"
    sheet = load_workbook(out)["Register"]
    footnotes = [c.value for c in sheet[1]].index("Footnotes") + 1
    assert [sheet.cell(r, footnotes).value for r in (2, 3)] == [
        None, "* Scores are likelihood × impact on a 5 × 5 matrix; see the Risk Management Strategy."]
    assert "row 11 '* Scores are likelihood × impact on a 5 × 5 matrix; see the Risk Management Strategy.': " \
           "footnote of 4: in their Footnotes column" in output
    assert register.setting("id_pattern") == r"\d+"


def test_county_risk_blank_for_the_latest_quarters_is_closed_in_the_quarter_it_left(tmp_path):
    truth, register, output, _ = imported(tmp_path, "county.xlsx")
    closed = {r.id: r.text("status") for r in register.risks}
    assert closed["CRR09"] == "Closed" and closed["CRR01"] != "Closed"
    left = [h for h in register.history if h.risk_id == "CRR09" and h.period == "2024/25 Q3"]
    assert [(h.status, h.rating) for h in left] == [("Closed", "")]
    assert "closed: " in output and "closed in 2024/25 Q3 (Status and History)" in output
    assert register.setting("id_pattern") == r"CRR\d+"  # fits CRR01 … CRR100


def test_unitary_unlabelled_groups_are_inherent_residual_target_in_order(tmp_path):
    _, register, output, _ = imported(tmp_path, "unitary.csv")
    assert [r.values.get("inherent_score") for r in register.risks] == [20, 25, 16, 12]
    assert [r.values.get("target_score") for r in register.risks] == [9, 12, 6, 4]
    assert [r.text("owner") for r in register.risks] == ["S151 Officer"] * 4  # "Resp."
    assert [r.trends[-1] for r in register.risks] == ["→", "↗", "↘", "→"]  # the arrow column with no header
    assert "read in order as the inherent, residual and target assessments" in output


def test_fire_header_spanning_a_score_and_an_arrow_reads_both(tmp_path):
    truth, register, output, _ = imported(tmp_path, "fire.docx")
    assert [r.trends[-1] for r in register.risks] == truth.extra["trends"]
    assert [r.text("controls") for r in register.risks] == ["Medium-term financial plan reviewed monthly"] * 4
    assert "the header cell spans columns E–F" in output


def test_police_actions_under_merged_risk_cells_are_continuations(tmp_path):
    truth, register, output, out = imported(tmp_path, "police.xlsx")
    sheet = load_workbook(out)["Register"]
    headers = [c.value for c in sheet[1]]
    actions = headers.index("Mitigating Actions") + 1
    assert [sheet.cell(r, actions).value for r in (2, 3, 4)] == truth.extra["actions"]
    assert "column H '(Corporate) Action Owners': no register column for it (action_owner)" in output
    assert "continued: " in output


def test_nhs_baf_two_row_header_of_three_assessments(tmp_path):
    truth, register, _, _ = imported(tmp_path, "nhs-baf.docx")
    assert [r.values.get("inherent_score") for r in register.risks] == truth.extra["inherent"]
    assert [r.values.get("target_score") for r in register.risks] == truth.extra["target"]


def test_university_long_description_does_not_become_the_name(tmp_path):
    _, register, output, out = imported(tmp_path, "university.xlsx")
    assert register.risks[1].text("description") == LONG
    assert len(register.risks[1].name) <= 100 and LONG.startswith(register.risks[1].name.removesuffix(" …"))
    assert register.risks[0].name == "Fall of a student or visitor from the library mezzanine"
    headers = [c.value for c in load_workbook(out)["Register"][1]]
    assert "Who might be harmed?" in headers  # the user's own column, not the Impact
    assert "3 risks named from the start of their description" in output


def test_charity_rows_copied_one_cell_short_are_realigned_and_said(tmp_path):
    truth, register, output, _ = imported(tmp_path, "charity.csv")
    assert output.count("realigned: ") == truth.extra["realigned"]
    assert [r.text("owner") for r in register.risks][1] == "Treasurer"


def test_alb_topic_merged_over_risks_of_their_own_never_joins_them(tmp_path):
    truth, register, output, _ = imported(tmp_path, "alb.xlsx")
    assert [r.text("portfolio") for r in register.risks] == truth.extra["portfolio"]
    assert [r.name for r in register.risks] == truth.extra["names"]
    assert "conflict" not in output
    assert "'Source: Annual Report and Accounts 2023-24, governance statement.'" in output


def test_a_register_from_riskreg_new_collects_every_column(tmp_path):
    """Not collected and Trends recorded from are the import's to fill: `riskreg new` leaves them blank (every
    blank required cell of its register is an error, R001)."""
    path = tmp_path / "new.xlsx"
    assert run("new", path, "--period", "2024/25 Q3").exit_code == 0
    settings = {row[0]: row[1] for row in load_workbook(path)["Settings"].iter_rows(values_only=True)}
    assert (settings["Not collected"], settings["Trends recorded from"]) == (None, None)
    assert read_register(path).setting("not_collected") == ""


def test_town_council_notes_to_the_right_of_the_table_go_on_the_import_report(tmp_path):
    truth, register, output, out = imported(tmp_path, "town.xlsx")
    report = [row for row in load_workbook(out, read_only=True)["Import report"].iter_rows(values_only=True)]
    beside = [(where, value) for kind, where, value, what in report
              if kind == "note" and what.startswith("text to the right of the table")]
    assert beside == truth.extra["notes"]  # each note beside the table, cell by cell: never lost, never a column
    sheet = load_workbook(out)["Register"]
    headers = [c.value for c in sheet[1]]
    assert "Column H" not in headers
    review = headers.index("Review date") + 1  # 'Mar 2020' is not a date: the user's own column, as typed
    assert [sheet.cell(r, review).value for r in range(2, 6)] == truth.extra["review"]
    assert "'Review date': no register column for it (synonym 'review date', but none of its values is a " \
           "date): kept as your own column" in output
    assert "Merged A1:F1 'Financial Risk Management 2024-2025': text above the table" in run(
        "import", out.parent / "town.xlsx", "-o", tmp_path / "again.xlsx", "--period", "2024/25 Q1",
        "--dry-run").output


def test_tracker_scores_in_quarter_columns_are_history_on_the_scale_the_scores_need(tmp_path):
    truth, register, output, _ = imported(tmp_path, "tracker.xlsx")
    assert register.setting("score_scale") == 5  # a score of 20 is beyond a 4 × 4 matrix
    assert {r.id: r.trends[-1] for r in register.risks} == truth.extra["trends"]
    assert "score bands: 17–25 High, 9–16 Medium, 1–8 Low (riskreg's default for a 5×5 matrix" in output
    assert [r.trends[0] for r in register.risks] == ["", "", "", "N/A"]  # Q1: no quarter before it to compare
