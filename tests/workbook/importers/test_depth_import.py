"""Importing the in-depth columns other layouts carry: positions, target date, category, proximity, then validate."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from support.riskreg_testing import run_cli as run
from support.register_layouts import DEPTH_RISKS, council_depth_workbook, county_summary, force_depth_csv
from workbook.core import checks
from workbook.core.schema import COLUMNS, DEPTH_COLUMNS, DEPTH_LISTS
from workbook.xlsx.reader import read_register

PERIOD = "2024/25 Q3"  # ends 31 December 2024: SR03's target date (30 September 2024) has passed


def imported(tmp_path, build, name, *extra):
    source = tmp_path / name
    headers = build(source)
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, "--period", PERIOD, *extra)
    assert result.exit_code == 0, result.output
    return headers, out, result.output


def scores(pair):
    return pair[0] * pair[1]


@pytest.mark.parametrize("build, name, mapped", [
    (council_depth_workbook, "council.xlsx", {
        "Risk Category": "Category", "Inherent Likelihood": "Inherent Likelihood",
        "Inherent Impact": "Inherent Impact", "Inherent Risk Score": "Inherent Score",
        "Residual Score": "Residual Score; rates the risk by its band", "Target Likelihood": "Target Likelihood",
        "Target Impact": "Target Impact", "Target Score": "Target Score", "Target Date": "Target Date",
        "Proximity": "Proximity"}),
    (force_depth_csv, "force.csv", {
        "Gross Likelihood": "Inherent Likelihood", "Gross Impact": "Inherent Impact", "Gross Score": "Inherent Score",
        "Current Score": "Residual Score; rates the risk by its band", "Target Score": "Target Score",
        "Target Date": "Target Date", "Category": "Category", "Proximity": "Proximity"}),
])
def test_in_depth_columns_land_in_the_registers_own(tmp_path, build, name, mapped):
    headers, out, output = imported(tmp_path, build, name)
    register = read_register(out)
    for risk, (ref, _, category, inherent, residual, target, when, proximity) in zip(register.risks, DEPTH_RISKS):
        assert risk.id == ref
        assert risk.values["category"] == category
        assert (risk.values["inherent_likelihood"], risk.values["inherent_impact"]) == inherent
        assert risk.values["inherent_score"] == scores(inherent)
        assert (risk.values["likelihood"], risk.values["impact_score"]) == residual
        assert risk.values["residual_score"] == scores(residual)
        assert risk.values["target_score"] == scores(target)
        assert risk.values["target_date"] == when
        assert risk.values["proximity"] == proximity
    if "Target Likelihood" in headers:
        assert [(r.values["target_likelihood"], r.values["target_impact"]) for r in register.risks] == \
               [t for *_, t, _, _ in DEPTH_RISKS]
    sheet = load_workbook(out)["Register"]
    written = [c.value for c in sheet[1]]
    assert written[len(COLUMNS):] == [c.header for c in DEPTH_COLUMNS]  # as `riskreg new --full` has them
    assert sheet.cell(2, written.index("Target Date") + 1).number_format == "dd/mm/yyyy"
    # Finance is not one of riskreg's categories: the list is the source's own, so R037 has nothing to say
    assert register.lists["Categories"] == ("Finance", "People")
    assert register.lists["Proximities"] == DEPTH_LISTS["Proximities"]
    report = [row for row in load_workbook(out)["Import report"].iter_rows(min_row=2, values_only=True)
              if row[0] == "mapped" and str(row[3]).startswith("in-depth column")]
    assert {row[2]: row[3] for row in report} == {h: f"in-depth column {c}" for h, c in mapped.items()}
    assert "note: " in output and "'Finance, People': the source's own categories" in output

    column = {c.value: c.column_letter for c in sheet[1]}
    found = {f.rule_id: (f.risk_id, f.cell, f.message) for f in checks.check(register)
             if f.rule_id in ("R033", "R034", "R037", "R038")}
    assert sorted(found) == ["R033", "R034", "R038"]
    target = column["Target Likelihood" if "Target Likelihood" in headers else "Target Score"]  # where 12 comes from
    assert found["R033"][:2] == ("SR02", f"Register!{target}3")
    assert found["R033"][2].startswith("The target score 12 (Register!") and "above the residual score 9" in \
        found["R033"][2]
    assert found["R034"] == ("SR03", f"Register!{column['Target Date']}4", "Target Date '2024-09-30' has passed "
                             "(the reporting period 2024/25 Q3 ends 2024-12-31), but the residual score 6 is still "
                             "above the target score 2. Agree a new target date, or the actions that reach the target.")
    assert found["R038"][:2] == ("SR03", f"Register!{column['Proximity']}4")


def test_dry_run_shows_the_in_depth_mapping_and_writes_nothing(tmp_path):
    source = tmp_path / "force.csv"
    force_depth_csv(source)
    result = run("import", source, "-o", tmp_path / "register.xlsx", "--period", PERIOD, "--dry-run")
    assert result.exit_code == 0, result.output
    mapping = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert mapping == ["  A 'Risk Ref' -> ID (synonym 'risk ref')",
                       "  B 'Risk' -> Risk Name (synonym 'risk')",
                       "  C 'Gross Likelihood' -> Inherent Likelihood (gross: synonym 'likelihood')",
                       "  D 'Gross Impact' -> Inherent Impact (gross: synonym 'impact'; its values are numbers)",
                       "  E 'Gross Score' -> Inherent Score (gross: synonym 'score')",
                       "  F 'Current Likelihood' -> Likelihood (synonym 'likelihood')",
                       "  G 'Current Impact' -> Impact Score (synonym 'impact'; its values are numbers)",
                       "  H 'Current Score' -> Residual Score; rates the risk by its band (synonym 'score')",
                       "  I 'Target Score' -> Target Score (target: synonym 'score')",
                       "  J 'Target Date' -> Target Date (synonym 'target date')",
                       "  K 'Category' -> Category (synonym 'category')",
                       "  L 'Proximity' -> Proximity (synonym 'proximity')"]
    assert not (tmp_path / "register.xlsx").exists()


def test_a_mapping_file_names_an_in_depth_column_riskreg_cannot_guess(tmp_path):
    source = tmp_path / "r.csv"
    source.write_text("Ref,Risk,Pre-control L,L,I,Score,Due by\nR1,Flood,5,3,4,12,31/03/2025\n", encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"Pre-control L" = "inherent_likelihood"\n"Due by" = "target_date"\n',
                       encoding="utf-8")
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, "--period", PERIOD, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert "  C 'Pre-control L' -> Inherent Likelihood (mapping file)" in result.output
    risk = read_register(out).risks[0]
    assert (risk.values["inherent_likelihood"], risk.values["residual_score"]) == (5, 12)
    assert risk.values["target_date"] == dt.date(2025, 3, 31)


def test_a_target_date_that_is_no_date_is_kept_as_typed_and_said(tmp_path):
    source = tmp_path / "r.csv"
    source.write_text("Ref,Risk,Target Score,Target Date\nR1,Flood,4,next spring\n", encoding="utf-8")
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, "--period", PERIOD)
    assert f"not understood: {source} row 2 column D 'next spring': not a date (31/03/2025 or 2025-03-31): " \
           "kept as typed" in result.output
    assert read_register(out).risks[0].values["target_date"] == "next spring"


def test_a_register_without_in_depth_headers_is_imported_as_before(tmp_path):
    source = tmp_path / "county.xlsx"
    county_summary(source)
    out = tmp_path / "register.xlsx"
    assert run("import", source, "-o", out).exit_code == 0
    register = read_register(out)
    headers = [c.value for c in load_workbook(out)["Register"][1]]
    assert not set(headers) & {c.header for c in DEPTH_COLUMNS}
    assert not any(register.has_column(c.key) for c in DEPTH_COLUMNS)
    assert "Categories" not in register.lists
    assert not [f for f in checks.check(register) if f.rule_id in ("R033", "R034", "R037", "R038")]
