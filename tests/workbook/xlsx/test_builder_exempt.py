"""`riskreg new --exempt`: the Exempt column with its drop-down of Schedule 12A paragraphs, and Exempt marking."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner

from addin.cli import cli
from workbook.core.checks import check
from workbook.xlsx.reader import read_register


def test_new_with_exempt_adds_the_column_its_dropdown_and_the_list_of_paragraphs(tmp_path):
    path = tmp_path / "register.xlsx"
    result = CliRunner().invoke(cli, ["new", str(path), "--exempt", "--period", "2021/22 Q2"])
    assert (result.exit_code, result.output) == (0, f"Created {path} (reporting period 2021/22 Q2).\n")
    book = openpyxl.load_workbook(path)
    register = book["Register"]
    assert register["Q1"].value == "Exempt"
    assert ("Q2:Q1000", "Exempt") in [(str(v.sqref), v.formula1) for v in register.data_validations.dataValidation]
    assert book.defined_names["Exempt"].attr_text == "Lists!$G$2:$G$200"
    assert [row[6].value for row in book["Lists"].iter_rows(min_row=1, max_row=8)] == [
        "Exempt", "Para 1", "Para 2", "Para 3", "Para 4", "Para 5", "Para 6", "Para 7"]
    settings = {row[0].value: row[1].value for row in book["Settings"].iter_rows(min_row=2)}
    assert "Exempt marking" in settings and settings["Exempt marking"] is None  # never a made-up marking
    read = read_register(path)
    assert read.has_column("exempt") and read.lists["Exempt"] == tuple(f"Para {n}" for n in range(1, 8))
    assert [f.rule_id for f in check(read) if f.rule_id == "R115"] == []


def test_new_without_exempt_has_no_exempt_column(tmp_path):
    path = tmp_path / "register.xlsx"
    assert CliRunner().invoke(cli, ["new", str(path)]).exit_code == 0
    assert "Exempt" not in [c.value for c in openpyxl.load_workbook(path)["Register"][1]]
