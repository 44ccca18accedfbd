"""The ribbon's Record group (Rename band, Rename risk, Correct history) on xlwings' remote engine: the saved file
changed as the CLI changes it, the answer in a message box."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from addin.cli import cli
from addin.ribbon import dispatch, entry


def alerts(book) -> list[str]:
    return [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]


def riskreg(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def sheet_values(path, sheet):
    return [[c.value for c in row] for row in load_workbook(path)[sheet].iter_rows()]


def test_rename_band_and_rename_risk_change_the_saved_file_as_the_cli_does(sample_workbook, remote, tmp_path):
    on_cli = tmp_path / "cli.xlsx"
    shutil.copyfile(sample_workbook, on_cli)
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    entry.rename_band(book, "Medium", "Moderate", register_path=sample_workbook)
    entry.rename_risk(book, "CRR05", "CRR30", register_path=sample_workbook)
    riskreg("rename-band", on_cli, "Medium", "Moderate")
    riskreg("rename-risk", on_cli, "CRR05", "CRR30")
    for sheet in ("Register", "Lists", "Record"):
        assert sheet_values(sample_workbook, sheet) == sheet_values(on_cli, sheet), sheet
    band, risk = alerts(book)
    said, backup, reopen = band.split("\n\n")
    assert said == ("Band Medium is now Moderate in register.xlsx from 2021/22 Q2: 5 cells set; History keeps the "
                    "closed quarters' words, and the rename is recorded.")
    prefix = "A copy of the workbook before the change is in "
    assert backup.startswith(prefix) and load_workbook(backup.removeprefix(prefix).rstrip("."))["Lists"]["A4"].value \
        == "Medium"  # the backup is the workbook before the rename
    assert reopen == f"Open {sample_workbook} again to see the changes."
    assert risk.startswith("Risk CRR05 is now CRR30 in register.xlsx from 2021/22 Q2: 1 cell set;")


def test_a_rename_the_register_refuses_is_a_message_and_the_file_is_unchanged(sample_workbook, remote):
    before = sample_workbook.read_bytes()
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("rename_band", book, old="Amber", new="Moderate", register_path=sample_workbook)
    dispatch.run("rename_risk", book, register_path=sample_workbook)  # no answers, and this Excel cannot ask
    assert alerts(book) == [
        f"{sample_workbook}: sheet 'Lists': 'Amber' is not in the Ratings list (Critical, High, Medium, Low). Give "
        "the band's name as the list has it.",
        "Rename risk needs two answers, and this Excel cannot ask for them: run `riskreg rename-risk REGISTER OLD "
        "NEW` in a terminal, or use the Risk Register task pane."]
    assert sample_workbook.read_bytes() == before


def test_correct_history_reseals_the_saved_file_as_the_cli_does(sample_workbook, remote, tmp_path):
    book = load_workbook(sample_workbook)
    book["Register"]["G3"] = "→"
    book.save(sample_workbook)
    riskreg("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    book = load_workbook(sample_workbook)
    history = book["History"]
    row = next(r[0].row for r in history.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("CRR09", "2021/22 Q2"))
    history.cell(row=row, column=3).value = "Critical"
    book.save(sample_workbook)
    on_cli = tmp_path / "cli.xlsx"
    shutil.copyfile(sample_workbook, on_cli)
    live = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("correct_history", live, period="2021/22 Q2", reason="rated Critical at the meeting",
                 register_path=sample_workbook)
    riskreg("correct-history", on_cli, "--period", "2021/22 Q2", "--reason", "rated Critical at the meeting")
    assert sheet_values(sample_workbook, "Record") == sheet_values(on_cli, "Record")
    [said] = alerts(live)
    assert said.startswith("Corrected 2021/22 Q2 in register.xlsx: 1 change accepted and recorded with the reason.\n"
                           f"History row {row}: CRR09 Rating 'High' → 'Critical'\nSealed 2021/22 Q2 again.\n\n")
    assert "R100" not in CliRunner().invoke(cli, ["validate", str(sample_workbook)]).output
