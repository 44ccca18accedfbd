"""The `riskreg new`, `import` and `export` commands: exit codes, messages, and nothing written on error."""

import click
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from addin.cli import cli
from workbook.export.sample import sample_export_path, sample_text
from workbook.xlsx.reader import read_register

SAMPLE = str(sample_export_path())


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_new_creates_the_workbook_for_the_period(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("new", str(path), "--period", "2022/23 Q1")
    assert (result.exit_code, result.output) == (0, f"Created {path} (reporting period 2022/23 Q1).\n")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Register", "Lists", "History", "Settings"]
    assert wb["Register"]["H1"].value == "Q1 Trending"
    assert wb["Settings"]["B5"].value == "2022/23 Q1"


def test_new_with_a_bad_period(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("new", str(path), "--period", "2021 Q2")
    assert (result.exit_code, result.output) == (
        2, "Error: Period '2021 Q2' does not parse: write it as '2021/22 Q2' (financial year, then quarter; Q1 is "
           "April to June).\n")
    assert not path.exists()


def test_import_the_sample(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("import", SAMPLE, "-o", str(path), "--period", "2021/22 Q2")
    assert (result.exit_code, result.output) == (
        0, f"Imported 18 risks (1 Critical, 13 High, 4 Medium) from {SAMPLE} into {path}.\n")
    register = read_register(path)
    assert len(register.risks) == 18
    assert {h.source for h in register.history} == {"imported"}


def test_import_needs_the_period(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("import", SAMPLE, "-o", str(path))
    assert (result.exit_code, result.output) == (
        2, f'Error: {SAMPLE}: give the reporting period of the export with --period, e.g. --period "2021/22 Q2": '
           "its trend headers (Q4 Trending, Q1 Trending, Q2 Trending) name quarters, not the financial year.\n")
    assert not path.exists()


def test_import_of_a_bad_export_writes_nothing(tmp_path):
    export = tmp_path / "export.txt"
    export.write_text(sample_text().replace("CRR05\t", "CRR01\t"), encoding="utf-8")
    path = tmp_path / "register.xlsx"
    result = run("import", str(export), "-o", str(path), "--period", "2021/22 Q2")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {export} line 19: ID CRR01 appears twice, on lines 17 and 19. Give each risk its own ID, or "
        "remove the repeated row. Correct the export (or export the register again) and import it again.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.txt"]


def test_import_keeps_an_existing_register_without_force(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"theirs")
    result = run("import", SAMPLE, "-o", str(path), "--period", "2021/22 Q2")
    assert result.exit_code == 2
    assert path.read_bytes() == b"theirs"
    assert run("import", SAMPLE, "-o", str(path), "--period", "2021/22 Q2", "--force").exit_code == 0


def test_export_round_trip_through_the_commands(tmp_path, sample_workbook):
    export = tmp_path / "export.txt"
    result = run("export", str(sample_workbook), "-o", str(export))
    assert (result.exit_code, result.output) == (0, f"Exported 18 risks from {sample_workbook} to {export}.\n")
    again = tmp_path / "again.xlsx"
    assert run("import", str(export), "-o", str(again), "--period", "2021/22 Q2").exit_code == 0
    assert [r.values for r in read_register(again).risks] == [r.values for r in read_register(sample_workbook).risks]


def test_export_notes_columns_the_format_cannot_carry(tmp_path, sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["J2"] = "ACC Ops"
    wb.save(sample_workbook)
    result = run("export", str(sample_workbook), "-o", str(tmp_path / "export.txt"))
    assert result.output.splitlines()[1] == (
        "Note: the export format has no Risk Owner column; those values stay in the workbook only.")


def test_export_of_a_missing_workbook(tmp_path):
    result = run("export", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "export.txt"))
    assert (result.exit_code, result.output) == (
        2, f"Error: {tmp_path / 'nope.xlsx'}: no such file. Check the name and folder, or create one with "
           "`riskreg new` or `riskreg import`.\n")
    assert list(tmp_path.iterdir()) == []


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name, command", list(commands(cli)))
def test_every_command_has_help_text(name, command):
    assert command.help and command.help.strip(), f"`riskreg {name}` has no help text"
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"`riskreg {name}` option {parameter.opts[0]} has no help text"
    assert run(*name.split(), "--help").exit_code == 0


# ---- no silent defaults (issue 12, item 4) ----------------------------------------------------------------------

def _settings(path) -> dict[str, object]:
    ws = load_workbook(path)["Settings"]
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_new_takes_the_papers_details_and_leaves_placeholders_that_validate_flags(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("new", str(path), "--period", "2022/23 Q1", "--organisation", "Avon and Somerset Police",
                 "--committee", "Joint Audit Committee")
    assert result.exit_code == 0, result.output
    settings = _settings(path)
    assert (settings["Organisation"], settings["Committee"], settings["Report of"], settings["Author"]) == (
        "Avon and Somerset Police", "Joint Audit Committee", "[Report of]", "[Author]")
    assert "West Midlands Police" not in str(settings) and "Director of Commercial Services" not in str(settings)
    checked = run("validate", str(path), "--json")
    import json

    found = [(f["rule_id"], f["cell"], f["message"]) for f in json.loads(checked.output)["findings"]]
    assert found == [
        ("R030", "Settings!B7", "Settings Report of is still the placeholder '[Report of]', and the board paper "
                                "prints it. Type your own in cell B7."),
        ("R030", "Settings!B8", "Settings Author is still the placeholder '[Author]', and the board paper prints "
                                "it. Type your own in cell B8."),
    ]
    assert checked.exit_code == 1


def test_import_takes_the_papers_details(tmp_path):
    path = tmp_path / "register.xlsx"
    result = run("import", SAMPLE, "-o", str(path), "--period", "2021/22 Q2", "--organisation", "Kent Police",
                 "--committee", "Audit Committee", "--report-of", "Chief Finance Officer", "--author", "Risk Lead")
    assert result.exit_code == 0, result.output
    settings = _settings(path)
    assert (settings["Organisation"], settings["Committee"], settings["Report of"], settings["Author"]) == (
        "Kent Police", "Audit Committee", "Chief Finance Officer", "Risk Lead")

