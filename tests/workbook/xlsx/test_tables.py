"""Excel's table features read as Excel means them: real workbooks with a Total Row, filters, hidden rows, sorting,
a resized table and columns the user added (openpyxl-made, and re-saved by LibreOffice)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner
from support.excel_tables import with_total_row as _with_total_row

from addin.cli import cli
from workbook import jobs
from workbook.core.schema import REGISTER_SHEET, REGISTER_TABLE
from workbook.xlsx.reader import read_register
from workbook.xlsx.tables import TableRows, register_table

SAMPLE_FINDINGS = [("R005", "Register!B3"), ("R010", "Register!G3")]  # the sample's own two findings


def _findings(path) -> list[tuple[str, str]]:
    return [(f.rule_id, f.cell) for f in jobs.validate_file(path).findings]


def test_the_register_table_is_found_with_its_rows(sample_workbook):
    assert register_table(sample_workbook) == TableRows(header_row=1, last_row=19, totals_rows=0)


def test_a_total_row_is_part_of_the_table_but_not_a_risk(sample_workbook):
    total_row = _with_total_row(sample_workbook)
    assert register_table(sample_workbook) == TableRows(1, total_row, 1)
    register = read_register(sample_workbook)
    assert len(register.risks) == 18 and total_row not in [risk.row for risk in register.risks]
    assert _findings(sample_workbook) == SAMPLE_FINDINGS


def test_a_total_row_survives_validate_write_and_roll_quarter(sample_workbook):
    total_row = _with_total_row(sample_workbook)
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(sample_workbook), "--write"]).exit_code == 1
    rolled = runner.invoke(cli, ["roll-quarter", str(sample_workbook), "--period", "2021/22 Q3", "--force"])
    assert rolled.exit_code == 0, rolled.output
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert ws.cell(row=total_row, column=1).value == "Total"
    assert ws.tables[REGISTER_TABLE].totalsRowCount == 1
    assert len(read_register(sample_workbook).risks) == 18


def test_a_total_row_in_a_workbook_libreoffice_saved_is_not_a_risk(sample_workbook, soffice, tmp_path):
    _with_total_row(sample_workbook)
    out = tmp_path / "resaved"
    out.mkdir()
    resaved = soffice(sample_workbook, "xlsx", out)
    table = register_table(resaved)
    assert table is not None and table.totals_rows == 1
    assert len(read_register(resaved).risks) == 18
    assert ("R010", "Register!G3") in _findings(resaved)
    assert not [cell for _, cell in _findings(resaved) if cell.endswith(f"{table.last_row}")]


def test_filtered_and_hidden_rows_are_still_risks(sample_workbook):
    book = openpyxl.load_workbook(sample_workbook)
    ws = book[REGISTER_SHEET]
    ws.tables[REGISTER_TABLE].autoFilter.ref = ws.tables[REGISTER_TABLE].ref
    for row in (4, 5, 12):
        ws.row_dimensions[row].hidden = True  # as a filter on Residual Risk Rating leaves them
    book.save(sample_workbook)
    register = read_register(sample_workbook)
    assert [risk.row for risk in register.risks] == list(range(2, 20))
    assert _findings(sample_workbook) == SAMPLE_FINDINGS
    result = CliRunner().invoke(cli, ["paper", str(sample_workbook), "--force", "-o",
                                      str(sample_workbook.with_name("paper.docx"))])
    assert result.exit_code == 0 and ", 18 risks," in result.output


def test_a_sorted_table_holds_the_same_risks(sample_workbook):
    original = read_register(sample_workbook).risks
    before = {risk.id: risk.values for risk in original}
    book = openpyxl.load_workbook(sample_workbook)
    ws = book[REGISTER_SHEET]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2, max_row=19)]
    for index, values in enumerate(reversed(rows), start=2):  # Sort > Reverse, as a user sorts a table
        for column, value in enumerate(values, start=1):
            ws.cell(row=index, column=column, value=value)
    book.save(sample_workbook)
    register = read_register(sample_workbook)
    assert [risk.id for risk in register.risks] == [risk.id for risk in reversed(original)]
    assert {risk.id: risk.values for risk in register.risks} == before
    assert sorted(f.rule_id for f in jobs.validate(register).findings) == ["R005", "R010"]


def test_rows_typed_below_the_table_and_a_column_the_user_added_are_kept(sample_workbook):
    book = openpyxl.load_workbook(sample_workbook)
    ws = book[REGISTER_SHEET]
    extra = ws.max_column + 1
    ws.cell(row=1, column=extra, value="Comments")  # beside the table: the user's own column
    ws.cell(row=2, column=extra, value="Raised at the March meeting")
    for column, cell in enumerate(ws[19], start=1):
        ws.cell(row=20, column=column, value=cell.value)  # a copy of the last risk, typed below the table
    ws.cell(row=20, column=1, value="CRR19")
    ws.cell(row=20, column=2, value="A risk typed below the table")
    for column, trend in zip((6, 7, 8), ("N/A", "N/A", "New")):  # new this quarter
        ws.cell(row=20, column=column, value=trend)
    book.save(sample_workbook)
    assert register_table(sample_workbook).last_row == 19  # Excel would grow it; the file says it ends at 19
    register = read_register(sample_workbook)
    assert [risk.id for risk in register.risks][-1] == "CRR19"
    assert _findings(sample_workbook) == SAMPLE_FINDINGS  # the user's column is no error

    result = CliRunner().invoke(cli, ["validate", str(sample_workbook), "--write", "--json"])
    assert json.loads(result.output.split("\nWrote")[0])["summary"] == "1 error, 1 warning in 19 risks"
    rolled = CliRunner().invoke(cli, ["roll-quarter", str(sample_workbook), "--period", "2021/22 Q3", "--force"])
    assert rolled.exit_code == 0, rolled.output
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert (ws.cell(row=1, column=extra).value, ws.cell(row=2, column=extra).value) == (
        "Comments", "Raised at the March meeting")
    assert ws.cell(row=20, column=1).value == "CRR19"


@pytest.mark.parametrize("ref", ["A1:O10", "A1:O30"])
def test_a_table_the_user_resized_reads_every_typed_row(sample_workbook, ref):
    book = openpyxl.load_workbook(sample_workbook)
    table = book[REGISTER_SHEET].tables[REGISTER_TABLE]
    columns = table.ref.split(":")[1].rstrip("0123456789")
    table.ref = ref.replace("O", columns)
    table.autoFilter.ref = table.ref
    book.save(sample_workbook)
    assert len(read_register(sample_workbook).risks) == 18
    assert _findings(sample_workbook) == SAMPLE_FINDINGS
