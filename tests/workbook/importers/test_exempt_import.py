"""An imported register keeps its exempt information column (Schedule 12A) as the Register's Exempt column."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from addin.cli import cli
from workbook.xlsx.reader import read_register


def test_an_exempt_information_column_becomes_the_exempt_column(tmp_path):
    source = tmp_path / "register.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([
            ["Ref", "Risk", "Description", "Impact", "Controls", "Rating", "Exempt information"],
            ["CRR01", "Flooding", "Rivers rise.", "Homes lost.", "Flood plan.", "High", ""],
            ["CRR02", "Fraud", "Payments diverted.", "Money lost.", "Audit.", "Medium", "Para 7"]])
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(tmp_path / "r.xlsx"), "--period", "2021/22 Q2"])
    assert result.exit_code == 0, result.output
    assert "  G 'Exempt information' -> Exempt (synonym 'exempt information')" in result.output.splitlines()
    register = read_register(tmp_path / "r.xlsx")
    assert {risk.id: risk.values.get("exempt") for risk in register.risks} == {"CRR01": None, "CRR02": "Para 7"}
    assert register.lists["Exempt"][-1] == "Para 7"
