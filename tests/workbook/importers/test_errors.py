"""Bad input to `riskreg import`: one Error line naming the file, sheet, row and column; nothing written."""

from __future__ import annotations

import csv

from click.testing import CliRunner
from openpyxl import Workbook

from addin.cli import cli
from support.register_layouts import county_summary, pcc_register
from workbook.xlsx.reader import read_register


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def refused(tmp_path, source, *extra) -> str:
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, *extra)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists()
    return result.output.removeprefix("Error: ").rstrip("\n")


def write_csv(path, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_wrong_file_type(tmp_path):
    source = tmp_path / "register.pdf"
    source.write_bytes(b"%PDF-1.7")
    assert refused(tmp_path, source) == (
        f"{source}: riskreg imports .xlsx, .xlsm, .csv, .tsv, .txt and .docx files, not '.pdf'. Save the register "
        "in one of those formats (an old .xls as .xlsx) and import that.")


def test_a_workbook_named_csv(tmp_path):
    source = tmp_path / "register.csv"
    wb = Workbook()
    wb.save(source)
    assert refused(tmp_path, source, "--period", "2024/25 Q1") == (
        f"{source}: is a zip package (an .xlsx workbook or .docx document?), not a text table. Give it its real "
        "extension, or save the register as CSV.")


def test_no_header_found(tmp_path):
    source = write_csv(tmp_path / "notes.csv", [["Minutes of the meeting"], ["Apologies were received"]])
    assert refused(tmp_path, source, "--period", "2024/25 Q1") == (
        f"{source}: no header row found in the file: riskreg looks in the first 40 rows for headers such as Ref, "
        "Risk, Description, Owner, Likelihood, Impact, Rating. Add a header row, or name the columns in a mapping "
        "file (--mapping).")


def test_header_without_risks(tmp_path):
    source = write_csv(tmp_path / "empty.csv", [["Ref", "Risk", "Owner", "Rating"]])
    assert refused(tmp_path, source, "--period", "2024/25 Q1") == (
        f"{source} row 1: the table has a header row but no risks under it. Check you picked the right sheet "
        "(--sheet) or file.")


def test_two_columns_read_as_one_field(tmp_path):
    source = write_csv(tmp_path / "two.csv", [["Ref", "Risk", "Owner", "Responsible", "Rating"],
                                              ["1", "Flood", "Clerk", "Chair", "High"]], delimiter=";")
    assert refused(tmp_path, source, "--period", "2024/25 Q1") == (
        f"{source} row 1 column D: 'Responsible' and column C ('Owner') both read as Risk Owner. Say which is which "
        "in a mapping file (--mapping; `riskreg import --dry-run` shows the mapping), e.g. \"Responsible\" = \"keep\".")


def test_a_mapping_file_settles_it(tmp_path):
    source = write_csv(tmp_path / "two.csv", [["Ref", "Risk", "Owner", "Responsible", "Rating"],
                                              ["1", "Flood", "Clerk", "Chair", "High"]])
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('bands = "10-25 High, 1-9 Low"\n[columns]\n"Responsible" = "keep"\n', encoding="utf-8")
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, "--period", "2024/25 Q1", "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert "  D 'Responsible' -> kept as your own column 'Responsible' (mapping file)" in result.output
    assert read_register(out).risks[0].text("owner") == "Clerk"


def test_a_mapping_file_with_an_unknown_field(tmp_path):
    source = write_csv(tmp_path / "r.csv", [["Ref", "Risk"], ["1", "Flood"]])
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"Risk" = "title"\n', encoding="utf-8")
    message = refused(tmp_path, source, "--period", "2024/25 Q1", "--mapping", mapping)
    assert message.startswith(f"{mapping}: column 'Risk' = 'title': not a field. Use one of action_due, "
                              "action_owner, action_status, actions, category, controls, date_raised, description, "
                              "exempt, id, ignore, impact, impact_score, inherent_impact, inherent_likelihood, ")


def test_no_sheet_of_that_name(tmp_path):
    source = tmp_path / "county.xlsx"
    county_summary(source)
    assert refused(tmp_path, source, "--sheet", "Risks") == (
        f"{source}: no sheet named 'Risks' (sheets: Key, Summary). Give one of those with --sheet.")


def test_period_needed_without_quarter_columns(tmp_path):
    source = tmp_path / "pcc.csv"
    pcc_register(source)
    assert refused(tmp_path, source) == (
        f"{source}: give the reporting period with --period, e.g. --period \"2024/25 Q4\": the table has no "
        "quarter columns to tell it.")


def test_strict_refuses_a_changed_value(tmp_path):
    source = tmp_path / "county.xlsx"
    county_summary(source)
    assert refused(tmp_path, source, "--strict") == (
        f"{source} sheet 'Summary' row 5 column B: footnote marker '*' taken off ('Cyber attack*'); with --strict "
        "nothing may change on the way in (1 value would). Run with --dry-run to see them all, fix the source "
        "or drop --strict.")


def test_strict_accepts_a_clean_source(tmp_path):
    source = tmp_path / "pcc.csv"
    pcc_register(source)
    result = run("import", source, "-o", tmp_path / "register.xlsx", "--period", "2024/25 Q3", "--strict")
    assert result.exit_code == 0, result.output


def test_the_export_keeps_its_own_reader(tmp_path, sample_export):
    message = refused(tmp_path, sample_export, "--period", "2021/22 Q2", "--dry-run")
    assert message == (f"{sample_export}: is the tab-separated register export, read exactly by its headers: "
                       "--dry-run and --strict are for other layouts. Import it without them.")


def test_a_table_number_the_document_does_not_have(tmp_path):
    from docx import Document

    source = tmp_path / "paper.docx"
    document = Document()
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("Ref", "Risk", "1", "Flood")):
        cell.text = text
    document.save(source)
    assert refused(tmp_path, source, "--sheet", "3", "--period", "2024/25 Q1") == (
        f"{source}: no table '3': the document has 1 table; give --sheet 1.")
    result = run("import", source, "-o", tmp_path / "register.xlsx", "--sheet", "1", "--period", "2024/25 Q1")
    assert result.exit_code == 0, result.output
    assert read_register(tmp_path / "register.xlsx").risks[0].name == "Flood"


def test_sheets_left_out_are_named(tmp_path):
    source = tmp_path / "county.xlsx"
    county_summary(source)
    result = run("import", source, "-o", tmp_path / "register.xlsx", "--dry-run")
    assert f"not read: {source}: sheet 'Key' not imported: only the register's table is read; give --sheet to " \
           "import another" in result.output
