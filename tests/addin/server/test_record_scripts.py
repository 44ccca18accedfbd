"""The record over a real server: Roll quarter refused with errors until Close anyway, and Rename band, Rename risk
and Correct history giving the workbook the CLI gives."""

from __future__ import annotations

import json
import shutil

import httpx
from click.testing import CliRunner
from openpyxl import load_workbook
from support.entra_tokens import API_KEY
from support.remote_actions import apply_actions, values
from support.remote_payload import payload_from_xlsx

from addin.cli import cli
from addin.server.config import ROLL_ROLE


def answer(server, script, payload, args, auth=API_KEY) -> tuple[list[dict], list[str]]:
    """Return the actions of `script` over HTTP and the texts of its alerts."""
    response = httpx.post(f"{server.url}/xlwings/custom-scripts-call/{script}", timeout=120,
                          content=json.dumps({**payload, "args": args}).encode(), headers={"Authorization": auth})
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    return actions, [a["args"][0] for a in actions if a["func"] == "alert"]


def riskreg(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def cells(payload, sheet) -> list[list[object]]:
    """Return a sheet's values as Excel shows them (4.0 is 4, trailing empty rows and cells dropped)."""
    rows = [[int(v) if isinstance(v, float) and v.is_integer() else ("" if v is None else v) for v in row]
            for row in values(payload, sheet)]
    rows = [row[:max((i + 1 for i, v in enumerate(row) if v != ""), default=0)] for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def test_roll_quarter_refuses_errors_as_the_cli_and_close_anyway_closes_with_them_recorded(server, sample_workbook,
                                                                                          tokens):
    auth = tokens.token([ROLL_ROLE])
    payload = payload_from_xlsx(sample_workbook)
    refused = CliRunner().invoke(cli, ["roll-quarter", str(sample_workbook), "--period", "2021/22 Q3"])
    actions, said = answer(server, "roll_quarter", payload, ["2021/22 Q3"], auth)
    assert [a["func"] for a in actions] == ["alert"]  # nothing written
    listing = ("register.xlsx: the register has 1 error (Register!G3), so the quarter 2021/22 Q2 was not closed: "
               "History would keep it for ever.")
    assert listing in refused.output
    assert said == [listing + "\n\nRun Validate to see every finding and correct them, or press 'Close anyway' in "
                    "the Risk Register task pane to close the quarter with them (the Record sheet then says it was "
                    "closed with errors)."]
    actions, said = answer(server, "roll_quarter", payload, ["2021/22 Q3", True], auth)
    assert said[0].startswith("Rolled register.xlsx from 2021/22 Q2 to 2021/22 Q3")
    assert "Closed despite 1 error (Register!G3)" in said[0]
    record = cells(apply_actions(payload, actions), "Record")
    assert ["quarter 2021/22 Q2", "closed with errors"] in [row[:2] for row in record]


def test_rename_band_and_rename_risk_give_the_workbook_the_cli_gives(server, sample_workbook, tokens, tmp_path):
    auth = tokens.token([ROLL_ROLE])
    on_file = tmp_path / "cli.xlsx"
    shutil.copyfile(sample_workbook, on_file)
    payload = payload_from_xlsx(sample_workbook)
    actions, said = answer(server, "rename_band", payload, ["Medium", "Moderate"], auth)
    assert said == ["Band Medium is now Moderate in register.xlsx from 2021/22 Q2: 5 cells set; History keeps the "
                    "closed quarters' words, and the rename is recorded."]
    payload = apply_actions(payload, actions)
    riskreg("rename-band", on_file, "Medium", "Moderate")
    actions, said = answer(server, "rename_risk", payload, ["CRR05", "CRR07"], auth)
    assert said == ["register.xlsx: sheet 'Register': 'CRR07' is the ID of another risk. Give the risk an ID of its "
                    "own."]
    actions, said = answer(server, "rename_risk", payload, ["CRR05", "CRR30"], auth)
    assert said[0].startswith("Risk CRR05 is now CRR30 in register.xlsx from 2021/22 Q2: 1 cell set")
    payload = apply_actions(payload, actions)
    riskreg("rename-risk", on_file, "CRR05", "CRR30")
    expected = payload_from_xlsx(on_file)
    for sheet in ("Register", "Lists", "Record"):
        assert cells(payload, sheet) == cells(expected, sheet), sheet
    _, said = answer(server, "rename_band", payload, ["High", ""], auth)
    assert said == ["Rename band needs the new name: fill in both Record boxes of the Risk Register task pane and "
                    "press the button again."]
    denied = httpx.post(f"{server.url}/xlwings/custom-scripts-call/rename_band", timeout=120,
                        json={**payload, "args": ["High", "Major"]}, headers={"Authorization": API_KEY})
    assert (denied.status_code, denied.json()["detail"]) == (403, (
        "Access Denied. API key user is missing the following roles: RiskRegister.RollQuarter. Ask whoever runs the "
        "Risk Register server to give you the role."))  # it changes the record, as Roll quarter does


def test_correct_history_accepts_a_hand_correction_and_seals_again(server, sample_workbook, tokens, tmp_path):
    auth = tokens.token([ROLL_ROLE])
    book = load_workbook(sample_workbook)
    book["Register"]["G3"] = "→"
    book.save(sample_workbook)
    riskreg("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    sheet = load_workbook(sample_workbook)["History"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("CRR09", "2021/22 Q2"))
    book = load_workbook(sample_workbook)
    book["History"].cell(row=row, column=3).value = "Critical"
    book.save(sample_workbook)
    payload = payload_from_xlsx(sample_workbook)
    _, said = answer(server, "validate", payload, [])  # the new quarter's empty trend cells, and the altered one
    assert said == ["19 errors, 1 warning in 18 risks — see the Validation sheet."]
    actions, said = answer(server, "correct_history", payload, ["2021/22 Q2", "rated Critical at the meeting"], auth)
    assert said == ["Corrected 2021/22 Q2 in register.xlsx: 1 change accepted and recorded with the reason.\n"
                    f"History row {row}: CRR09 Rating 'High' → 'Critical'\nSealed 2021/22 Q2 again."]
    payload = apply_actions(payload, actions)
    _, said = answer(server, "validate", payload, [])
    assert said == ["18 errors, 1 warning in 18 risks — see the Validation sheet."]  # R100 gone: sealed again
    on_file = tmp_path / "cli.xlsx"
    shutil.copyfile(sample_workbook, on_file)
    riskreg("correct-history", on_file, "--period", "2021/22 Q2", "--reason", "rated Critical at the meeting")
    assert cells(payload, "Record") == cells(payload_from_xlsx(on_file), "Record")
