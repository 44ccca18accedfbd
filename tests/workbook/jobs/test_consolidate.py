"""The consolidated view on real registers: its table read back, counts worked out here, valid parts, read-only,
opened by LibreOffice, and an output that is one of the inputs refused."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.ooxml_schema import changed_parts, invalid_parts, package_parts
from support.riskreg_testing import run_cli

from workbook import jobs
from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
from workbook.xlsx.builder import import_export
from workbook.xlsx.reader import read_register


@pytest.fixture
def two_registers(tmp_path: Path) -> list[Path]:
    """Return two directorate registers: the sample, and the sample with CRR05 moved to the first's neighbour."""
    first, second = tmp_path / "adults.xlsx", tmp_path / "children.xlsx"
    import_export(sample_export_path(), first, parse_period(SAMPLE_PERIOD),
                  settings={**SAMPLE_SETTINGS, "title": "Adults Risk Register"})
    jobs.new_register(second, parse_period(SAMPLE_PERIOD), settings={"title": "Children Risk Register"})
    assert run_cli("escalate", first, "CRR05", "--to", second).exit_code == 0
    return [first, second]


def test_the_view_lists_every_risk_with_its_register_and_counts_open_risks(two_registers, tmp_path):
    view = tmp_path / "view.xlsx"
    result = run_cli("consolidate", *two_registers, "-o", view)
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {view}: 19 risks from 2 registers (18 open), read-only.\n"

    book = load_workbook(view)
    assert book.sheetnames == ["Overview", "Risks"]
    risks = book["Risks"]
    table = risks.tables["AllRisks"]
    assert table.autoFilter is not None and table.ref == "A1:I20"
    rows = list(risks.iter_rows(min_row=2, values_only=True))
    expected = []
    counts: Counter = Counter()
    for path in two_registers:
        register = read_register(path)
        for risk in register.risks:
            if risk.id:
                expected.append((register.settings["title"], path.name, risk.id))
                if not risk.is_closed:
                    counts[(register.settings["title"], risk.rating)] += 1
    assert [row[:3] for row in rows] == expected
    assert ("Adults Risk Register", "adults.xlsx", "CRR05") in [r[:3] for r in rows]  # closed there, still listed
    assert [r[5] for r in rows if r[2] == "CRR05"] == ["Closed", "Open"]

    first = book["Overview"]
    assert first["A2"].value == "This workbook is read-only: it is protected, and Excel suggests opening it read-only."
    header_row = next(row for row in first.iter_rows(values_only=True) if row[0] == "Register" and row[1])
    ratings = [value for value in header_row[1:] if value and value != "Total"]
    found = {}
    for row in first.iter_rows(values_only=True):
        if row[0] in ("Adults Risk Register", "Children Risk Register"):
            found.update({(row[0], rating): row[i + 1] for i, rating in enumerate(ratings) if row[i + 1]})
    assert found == dict(counts)
    assert first.protection.sheet and risks.protection.sheet and risks.protection.autoFilter is False

    parts = package_parts(view)
    assert b"readOnlyRecommended" in parts["xl/workbook.xml"]
    assert invalid_parts(changed_parts(parts)) == []


def test_libreoffice_opens_the_view(two_registers, tmp_path, soffice):
    view = tmp_path / "view.xlsx"
    assert run_cli("consolidate", *two_registers, "-o", view).exit_code == 0
    text = soffice(view, "csv").read_text(encoding="utf-8")  # the first sheet
    lines = list(csv.reader(text.splitlines()))
    assert lines[0][0] == "Consolidated risk view"
    assert ["Total"] == [line[0] for line in lines if line and line[0] == "Total"]


def test_an_output_that_is_one_of_the_registers_is_refused(two_registers):
    before = two_registers[0].read_bytes()
    result = run_cli("consolidate", *two_registers, "-o", two_registers[0])
    assert result.exit_code == 2
    assert result.output == (f"Error: {two_registers[0]}: is one of the registers being consolidated, so nothing "
                             "was written. Give the view a file name of its own (-o view.xlsx).\n")
    assert two_registers[0].read_bytes() == before
