"""The validate, trends, roll-quarter and rules commands: output, exit codes and files written."""

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from addin.cli import cli
from workbook.core.rules import rules_markdown
from workbook.xlsx.reader import read_register


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_validate_prints_a_table_and_the_summary_and_exits_1_on_errors(sample_workbook):
    result = run("validate", sample_workbook)
    assert result.exit_code == 1
    assert "Register!G3" in result.output and "R010" in result.output
    assert result.output.rstrip().endswith("1 error, 1 warning in 18 risks")


def test_validate_json_is_for_scripts(sample_workbook):
    result = run("validate", sample_workbook, "--json")
    data = json.loads(result.output)
    assert data["summary"] == "1 error, 1 warning in 18 risks" and data["period"] == "2021/22 Q2"
    assert [(f["rule_id"], f["cell"]) for f in data["findings"]] == [("R005", "Register!B3"), ("R010", "Register!G3")]


def test_warnings_alone_exit_0_unless_strict(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["G3"] = "→"
    wb.save(sample_workbook)
    assert run("validate", sample_workbook).exit_code == 0
    assert run("validate", sample_workbook, "--strict").exit_code == 1
    wb["Register"]["B3"] = "Operational Training and Embedded Learning"
    wb.save(sample_workbook)
    result = run("validate", sample_workbook, "--strict")
    assert result.exit_code == 0 and result.output == "No problems found in 18 risks.\n"


def test_unreadable_input_exits_2_with_the_reason(tmp_path):
    bad = tmp_path / "register.xlsx"
    bad.write_text("not a workbook")
    result = run("validate", bad)
    assert result.exit_code == 2
    # The wording is the reader's (workbook/xlsx/reader.py, tested there); here: named file, no traceback, exit 2.
    assert result.output.startswith(f"Error: {bad}: ") and "save it as an Excel Workbook (.xlsx)" in result.output
    assert "Traceback" not in result.output


def test_validate_write_says_where_it_wrote_and_where_the_backup_is(sample_workbook):
    result = CliRunner().invoke(cli, ["validate", str(sample_workbook), "--write"])
    assert result.exit_code == 1
    assert f"Wrote the Validation sheet to {sample_workbook}." in result.output
    assert "Backup of the workbook before this change: " in result.output
    assert "Validation" in load_workbook(sample_workbook).sheetnames


def test_trends_lists_arrows_movements_and_counts(sample_workbook):
    result = run("trends", sample_workbook)
    assert result.exit_code == 0
    assert "New (6): CRR18 Core Skills Resilience & Training Risk; CRR15 S22 Governance;" in result.output
    assert "2021/22 Q2: 1 Critical, 13 High, 4 Medium, 0 Low" in result.output
    assert "Summary" not in load_workbook(sample_workbook).sheetnames  # nothing written without --write
    result = run("trends", sample_workbook, "--write")
    assert "Wrote the Summary sheet" in result.output
    assert "Summary" in load_workbook(sample_workbook).sheetnames


def test_roll_quarter_refuses_a_register_with_errors_and_leaves_the_file_as_it_was(sample_workbook):
    before = sample_workbook.read_bytes()
    result = run("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {sample_workbook}: the register has 1 error (Register!G3), so the quarter 2021/22 Q2 was not "
        f"closed: History would keep it for ever. Run riskreg validate {sample_workbook} to see every finding and "
        "correct it, or pass --force to close the quarter anyway (the Record sheet then says it was closed with "
        "errors).\n")
    assert sample_workbook.read_bytes() == before
    assert sorted(p.name for p in sample_workbook.parent.iterdir()) == [sample_workbook.name]  # no backup either


def test_roll_quarter_with_force_closes_with_the_errors_on_record_and_refuses_a_second_run(sample_workbook):
    result = run("roll-quarter", sample_workbook, "--period", "2021/22 Q3", "--force")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:6] == [
        f"Rolled {sample_workbook} from 2021/22 Q2 to 2021/22 Q3.",
        "History: 0 2021/22 Q2 rows recorded (Source 'rolled'); 18 risks already had a 2021/22 Q2 row, brought "
        "up to date from the Register: none had a value changed.",
        "Trend columns: Q1 Trending, Q2 Trending, Q3 Trending; Q3 Trending is empty until the ratings are reviewed "
        "and `riskreg trends --write` fills it.",
        "Settings: reporting period 2021/22 Q3.",
        "Note: Sealed 2021/22 Q2: from now on a change to a closed quarter shows in validate. 2020/21 Q4 to "
        "2021/22 Q1 were closed before riskreg sealed quarters and stay unsealed.",
        "Note: Closed despite 1 error (Register!G3): the Record sheet keeps that 2021/22 Q2 was closed "
        "with 1 error.",
    ]
    record = read_register(sample_workbook).recorded_text["quarter 2021/22 Q2"]
    assert record["closed with errors"].startswith("Register!G3: Q1 Trending is New, but Q4 Trending already marks")
    again = run("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    assert again.exit_code == 2
    assert again.output.startswith(f"Error: {sample_workbook}: already reports 2021/22 Q3 (Settings!B5)")


def test_roll_quarter_counts_the_history_rows_it_adds_apart_from_those_it_brings_up_to_date(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["G3"] = "→"  # the sample's one error
    history = wb["History"]
    closing = [row for row in range(2, history.max_row + 1) if history.cell(row, 2).value == "2021/22 Q2"]
    for row in sorted(closing[:3], reverse=True):  # three risks have no row for the closing quarter yet
        history.delete_rows(row)
    table = history.tables["RatingHistory"]
    table.ref = f"A1:{table.ref.split(':')[1].rstrip('0123456789')}{history.max_row}"
    wb.save(sample_workbook)
    result = run("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "History: 3 2021/22 Q2 rows recorded (Source 'rolled'); 15 risks already had a 2021/22 Q2 row, brought up "
        "to date from the Register: none had a value changed.")


def test_roll_quarter_needs_a_period_that_parses(sample_workbook):
    result = run("roll-quarter", sample_workbook, "--period", "Q3")
    assert result.exit_code == 2
    assert result.output == ("Error: Period 'Q3' does not parse: write it as '2021/22 Q2' (financial year, then "
                             "quarter; Q1 is April to June).\n")


def test_rules_prints_or_writes_the_generated_list(tmp_path):
    assert run("rules").output == rules_markdown()
    target = tmp_path / "rules.md"
    assert run("rules", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == rules_markdown()


@pytest.mark.parametrize("command", ["validate", "trends", "roll-quarter", "rules"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and len(result.output.splitlines()) > 5


def test_square_brackets_in_the_register_are_printed_as_typed(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["B2"] = "Core Skills [/bold] Risk."
    wb.save(sample_workbook)
    assert "Core Skills [/bold] Risk." in run("validate", sample_workbook).output.replace("\n", " ")
    assert "Core Skills [/bold] Risk." in run("trends", sample_workbook).output


# ---- output for people and for pipes ------------------------------------------------------------------------

def at_a_terminal(*args) -> str:
    """Run riskreg in a real pseudo-terminal (util-linux `script`), as a person at a terminal would."""
    import shlex
    import subprocess
    import sys

    command = shlex.join([sys.executable, "-m", "addin", *map(str, args)])
    result = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "COLUMNS": "160", "LINES": "50", "TERM": "dumb"})
    return result.stdout.replace("\r\n", "\n")


def test_validate_piped_prints_one_plain_line_per_finding_and_the_count(sample_workbook):
    result = run("validate", sample_workbook)
    assert result.output.splitlines() == [
        "warning\tR005\tRegister!B3\tCRR03\tRisk Name 'Operational Training and Embedded Learning.' ends with '.'. "
        "Remove it: a risk name is a title, and the board paper adds its own punctuation.",
        "error\tR010\tRegister!G3\tCRR03\tQ1 Trending is New, but Q4 Trending already marks the risk New. A risk is "
        "New only in the quarter it joins the register: use ↗, → or ↘ here, or correct Q4 Trending.",
        "1 error, 1 warning in 18 risks"]


def test_validate_at_a_terminal_draws_a_table_for_a_handful_of_findings(sample_workbook):
    output = at_a_terminal("validate", sample_workbook)
    assert "│ R010 │ Register!G3 │ CRR03 │" in output  # a rich table's row
    assert "\tR010\t" not in output and output.rstrip().endswith("1 error, 1 warning in 18 risks")


def test_validate_at_a_terminal_prints_plain_lines_for_many_findings(tmp_path):
    from workbook.xlsx.builder import write_workbook

    path = tmp_path / "many.xlsx"
    risks = [{"id": f"CRR{n:02d}", "name": f"Risk {n}.", "description": "d", "impact": "i", "controls": "c",
              "trend1": "→", "trend2": "→", "trend3": "→", "rating": "High"} for n in range(1, 41)]
    write_workbook(path, risks=risks, settings={"period": "2021/22 Q2", "organisation": "Any Council",
                                                "committee": "Audit Committee", "author": "Chief Executive",
                                                "contact": "Risk Manager"})
    lines = at_a_terminal("validate", path).splitlines()
    assert lines[-1] == "0 errors, 40 warnings in 40 risks"
    assert [line.split("\t")[:3] for line in lines[:-1]] == [["warning", "R005", f"Register!B{row}"]
                                                            for row in range(2, 42)]
