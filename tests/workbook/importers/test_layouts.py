"""Importing the layouts public bodies publish: the right risks, ratings and History, through the real command."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from support.riskreg_testing import run_cli as run
from support.register_layouts import (
    PARISH_ROWS,
    PCC_RISKS,
    county_summary,
    district_table,
    parish_register,
    pcc_register,
    pcc_workbook,
)
from workbook.xlsx.reader import read_register


def imported(tmp_path, build, name, *extra):
    source = tmp_path / name
    expected = build(source)
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return expected, read_register(out), result.output, out


def history_of(register):
    return {(h.risk_id, h.period, h.rating) for h in register.history if h.rating}


def test_county_summary_with_twelve_quarters_of_rag(tmp_path):
    expected, register, output, out = imported(tmp_path, county_summary, "county.xlsx")
    assert [r.id for r in register.risks] == expected.ids
    assert [r.rating for r in register.risks] == expected.ratings
    assert history_of(register) == expected.history
    assert len(register.history) == len(expected.history) == 70
    assert register.period.label == expected.period == "2024/25 Q4"
    assert register.risks[1].name == "Cyber attack"  # footnote marker taken off, and said
    assert "changed: " + str(tmp_path / "county.xlsx") + " sheet 'Summary' row 5 column B 'Cyber attack*': " \
           "footnote marker '*' taken off" in output
    assert register.lists["Ratings"] == ("High", "High/Medium", "Medium", "Low")
    assert register.risks[0].trends == ("→", "→", "→")  # worked out from History
    assert register.risks[2].trends == ("↘", "→", "→")
    assert "Imported 7 risks (2 High, 2 High/Medium, 2 Medium, 1 Low), 70 History rows" in output
    report = load_workbook(out)["Import report"]
    assert report["A1"].value == "What" and report.max_row > 5


def test_county_summary_dry_run_shows_the_mapping_and_writes_nothing(tmp_path):
    source = tmp_path / "county.xlsx"
    county_summary(source)
    result = run("import", source, "-o", tmp_path / "register.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Source: {source} sheet 'Summary', header row 3; reporting period 2024/25 Q4."
    assert lines[1:5] == ["  A 'Ref' -> ID (synonym 'ref')",
                          "  B 'Strategic Risks' -> Risk Name (synonym 'strategic risks')",
                          "  C 'Risk Owner' -> Risk Owner (synonym 'risk owner')",
                          "  D '22/23 Q1' -> History: ratings of 2022/23 Q1 (quarter)"]
    assert lines[-1].startswith("Would import 7 risks")
    assert not (tmp_path / "register.xlsx").exists()


def test_district_table_with_band_headings_and_last_quarters_score(tmp_path):
    expected, register, output, _ = imported(tmp_path, district_table, "district.xlsx", "--period", "2024/25 Q3")
    assert [r.id for r in register.risks] == expected.ids
    assert [r.rating for r in register.risks] == expected.ratings
    assert history_of(register) == expected.history
    assert len(register.history) == 15
    assert register.lists["Ratings"] == ("Very High", "High", "High/Medium", "Medium", "Medium/Low", "Low",
                                         "Very Low")
    assert [r.text("likelihood") for r in register.risks][:2] == ["4", "4"]
    assert [r.trends[-1] for r in register.risks] == ["↗", "→", "→", "↘", "→", "New", "→", "→"]
    assert "band heading: the risks below are rated High; scores 16–20" in output
    assert "repeated header row" in output and "page furniture" in output
    assert register.setting("score_scale") == 5
    mapping = [line for line in output.splitlines() if line.startswith("  ")]
    assert mapping == ["  A 'Risk No' -> ID (synonym 'risk no')",
                       "  B 'Risk' -> Risk Name (synonym 'risk')",
                       "  C 'Consequence' -> Impact (synonym 'consequence')",
                       "  D 'Risk Management and Control' -> Key Controls and Activities "
                       "(synonym 'risk management and control')",
                       "  E 'Responsible' -> Risk Owner (synonym 'responsible')",
                       "  F 'L' -> Likelihood (synonym 'l')",
                       "  G 'I' -> Impact Score (synonym 'i')",
                       "  H 'Score' -> score: rates the risk by its band (synonym 'score')",
                       "  I 'Last Qrt' -> History: last quarter's rating/score (synonym 'last qrt')",
                       "  J 'Direction of Travel' -> this quarter's trend arrow (synonym 'direction of travel')"]


def test_parish_register_with_merged_subjects_and_one_word_ratings(tmp_path):
    expected, register, output, out = imported(tmp_path, parish_register, "parish.xlsx", "--period", "2021/22 Q1")
    assert [r.id for r in register.risks] == expected.ids
    assert [r.rating for r in register.risks] == expected.ratings
    # the Subject merged down over risks of their own is a group value on each, never a reason to join them
    assert [r.name for r in register.risks] == [risk for _, risk, _ in PARISH_ROWS]
    assert [r.text("portfolio") for r in register.risks] == ["Finance"] * 3 + ["Assets"] * 2 + ["Employees"]
    assert history_of(register) == expected.history
    assert "row 3 column A 'Finance': merged cell over 3 rows (rows 3–5): a group value repeated on each risk" \
        in output
    assert "row 6 column A 'Assets': merged cell over 2 rows (rows 6–7): a group value repeated on each risk" \
        in output
    assert "group: " in output and "'Subject': merged down over rows that are each a risk of their own: a group " \
        "value, repeated on each risk as Portfolio/Department" in output
    assert "6 risks had no ID: given R01–R06" in output
    assert load_workbook(out)["Register"].cell(1, 17).value == "Review and Action"  # kept as the user's column


@pytest.mark.parametrize("build, name", [(pcc_register, "pcc.csv"), (pcc_workbook, "pcc.xlsx")])
def test_pcc_register_with_original_current_target_and_several_actions(tmp_path, build, name):
    expected, register, output, out = imported(tmp_path, build, name, "--period", "2024/25 Q3")
    assert [r.id for r in register.risks] == expected.ids
    assert [r.rating for r in register.risks] == expected.ratings
    assert history_of(register) == expected.history
    assert [(r.text("likelihood"), r.text("impact_score")) for r in register.risks] == \
           [(str(c[0]), str(c[1])) for _, _, _, c, _, _ in PCC_RISKS]
    sheet = load_workbook(out)["Register"]
    headers = [c.value for c in sheet[1]]
    actions = headers.index("Mitigating Actions") + 1
    assert sheet.cell(2, actions).value == "\n".join(PCC_RISKS[0][5])
    assert {"Inherent Likelihood", "Target Score", "Target Date", "Action Status (RAG)"} <= set(headers)
    assert "Original Likelihood" not in headers  # its values are in the in-depth column
    assert [(r.values["inherent_likelihood"], r.values["target_score"]) for r in register.risks] == \
           [(o[0], t[0] * t[1]) for _, _, o, _, t, _ in PCC_RISKS]
    assert "score bands: 17–25 High, 9–16 Medium, 1–8 Low" in output
    assert "  E 'Original Likelihood' -> Inherent Likelihood (original: synonym 'likelihood')" in output
    assert "  H 'Current Likelihood' -> Likelihood (synonym 'likelihood')" in output
    assert "  I 'Current Impact' -> Impact Score (synonym 'impact'; its values are numbers)" in output
    assert "  J 'Current Score' -> Residual Score; rates the risk by its band (synonym 'score')" in output


def test_board_paper_appendix_imports_as_the_register_it_came_from(tmp_path, sample_workbook):
    paper = tmp_path / "paper.docx"
    assert run("paper", sample_workbook, "-o", paper, "--force").exit_code == 0
    out = tmp_path / "again.xlsx"
    result = run("import", paper, "-o", out, "--period", "2021/22 Q2")
    assert result.exit_code == 0, result.output
    original, again = read_register(sample_workbook), read_register(out)
    keys = ("name", "description", "impact", "controls", "rating", "trend1", "trend2", "trend3")  # severest first
    assert {r.id: [r.text(k) for k in keys] for r in again.risks} == {r.id: [r.text(k) for k in keys]
                                                                      for r in original.risks}
    assert len(again.risks) == 18
    assert {(h.risk_id, h.period, h.rating, h.trend) for h in again.history} == \
           {(h.risk_id, h.period, h.rating, h.trend) for h in original.history}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_export_format_round_trips(tmp_path, sample_workbook, fmt):
    flat = tmp_path / f"flat.{fmt}"
    result = run("export", sample_workbook, "-o", flat, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == ("Note: a flat table does not carry History rows without a rating "
                                              "(their trend arrows and scores); those stay in the workbook only.")
    out = tmp_path / "again.xlsx"
    assert run("import", flat, "-o", out, "--period", "2021/22 Q2").exit_code == 0
    original, again = read_register(sample_workbook), read_register(out)
    keys = [c for c in ("id", "name", "description", "impact", "controls", "trend1", "trend2", "trend3", "rating")]
    assert [[r.text(k) for k in keys] for r in again.risks] == [[r.text(k) for k in keys] for r in original.risks]
    assert history_of(again) == history_of(original)
    assert again.period == original.period
