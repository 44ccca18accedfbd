"""The ribbon entry points, run through xlwings' remote engine on payloads built from real workbook files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from addin.ribbon import dispatch, entry, live_io
from workbook.core import checks
from workbook.core.periods import parse_period
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.reader import read_register

# Excel round trips of Validate, whatever the number of findings: add (or clear) the Validation sheet, write it,
# colour the Register (one block per 10,000 cells: at most 2 for 1,000 risks), show the message box.
# Stated in the guide, docs/it/addin.md, "How many Excel calls a click makes".
VALIDATE_ACTION_BOUND = 5


def file_findings(path: Path):
    """Return the findings and summary the CLI computes from the saved file: the expectation for the live path."""
    register = read_register(path)
    findings = checks.check(register)
    return findings, checks.summary(findings, register)


def alerts(actions) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def test_validate_writes_the_validation_sheet_marks_the_cells_and_says_how_many(sample_workbook, remote):
    payload = remote.payload_from_xlsx(sample_workbook)
    book = remote.open(payload)
    entry.validate(book)
    actions = book.json()["actions"]

    findings, summary = file_findings(sample_workbook)
    assert summary == "1 error, 1 warning in 18 risks"  # the sample's two real quirks, both on CRR03
    assert alerts(actions) == ["1 error, 1 warning in 18 risks — see the Validation sheet."]
    assert [a["args"] for a in actions if a["func"] == "addSheet"] == [[1, "Validation"]]  # after Register
    values = remote.written(payload, actions)
    assert list(values) == ["Validation"]  # nothing written to Register, Lists, History or Settings
    rows = values["Validation"]["values"]
    # The layout of `riskreg validate --write`: title, note, blank, header in row 4, one row per finding.
    assert rows[0][0] == "Validation: 1 error, 1 warning in 18 risks"
    assert rows[1][0].startswith("Checked by riskreg (Excel add-in) on ")
    assert rows[3] == ["Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message", "Fill before"]
    assert [r[:5] for r in rows[4:]] == [["warning", "R005", "CRR03", "Risk Name", "Register!B3"],
                                         ["error", "R010", "CRR03", "Q1 Trending", "Register!G3"]]
    assert [r[6] for r in rows[4:]] == [f.message for f in findings]
    assert [r[7] for r in rows[4:]] == ["none", "none"]
    assert remote.colours(payload, actions) == {"Register!B3": "#ffeb9c", "Register!G3": "#ffc7ce"}


def test_validate_clears_the_marks_of_the_last_run_it_no_longer_finds(sample_workbook, remote):
    first = remote.open(remote.payload_from_xlsx(sample_workbook))
    entry.validate(first)
    previous = remote.written(remote.payload_from_xlsx(sample_workbook), first.json()["actions"])["Validation"]
    # The user fixes CRR03's name; the first run's Validation sheet is still there, and says G3 had a green fill.
    sheet = [list(row) for row in previous["values"]]
    sheet[5][7] = "rgb:FF00B050"
    payload = remote.payload_from_xlsx(sample_workbook, {"Validation": sheet})
    register = payload["sheets"][0]["values"]
    register[2][1] = register[2][1].rstrip(".")
    book = remote.open(payload)
    entry.validate(book)
    actions = book.json()["actions"]
    assert remote.colours(payload, actions) == {"Register!B3": None, "Register!G3": "#ffc7ce"}
    assert [a["func"] for a in actions if a["func"] in ("addSheet", "sheetClear")] == ["sheetClear"]
    assert alerts(actions) == ["1 error, 0 warnings in 18 risks — see the Validation sheet."]
    rows = remote.written(payload, actions)["Validation"]["values"]
    assert [(r[4], r[7]) for r in rows[4:]] == [("Register!G3", "rgb:FF00B050")]  # the fill before, kept


def test_validate_puts_back_a_fill_the_cli_recorded(sample_workbook, remote):
    # `riskreg validate --write` recorded that B3 was yellow-green before it marked it; B3 is fine now.
    sheet = [["Validation: …"], [], [], ["Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message",
                                         "Fill before"],
             ["warning", "R005", "CRR03", "Risk Name", "Register!B3", "x", "y", "rgb:FF92D050"]]
    payload = remote.payload_from_xlsx(sample_workbook, {"Validation": sheet})
    payload["sheets"][0]["values"][2][1] = payload["sheets"][0]["values"][2][1].rstrip(".")
    book = remote.open(payload)
    entry.validate(book)
    assert remote.colours(payload, book.json()["actions"]) == {"Register!B3": "#92d050", "Register!G3": "#ffc7ce"}


def big_register(path: Path, count: int = 1000) -> Path:
    """Write a register of `count` risks where about every other risk breaks a rule."""
    risks = []
    for i in range(1, count + 1):
        risks.append({
            "id": f"CRR{i:04d}" if i % 7 else f"CR{i}",  # wrong ID pattern (default CRR\d{2} fails too)
            "name": f"Risk number {i}" + ("." if i % 4 == 0 else ""),
            "description": "What could happen.", "impact": "What it would mean.", "controls": "What we do.",
            "trend1": "N/A", "trend2": "New", "trend3": "→",
            "rating": "High" if i % 5 else "Hgh",
        })
    write_workbook(path, risks, settings={"period": "2021/22 Q2", "id_pattern": r"CRR\d{4}"})
    return path


def test_validate_on_1000_risks_stays_within_a_constant_number_of_excel_calls(tmp_path, remote):
    path = big_register(tmp_path / "big.xlsx")
    payload = remote.payload_from_xlsx(path)
    book = remote.open(payload)
    entry.validate(book)
    actions = book.json()["actions"]

    findings, _ = file_findings(path)
    assert len(findings) > 300
    assert len(actions) <= VALIDATE_ACTION_BOUND
    marked = remote.colours(payload, actions)
    assert set(marked) == {f.cell for f in findings}
    columns = len(payload["sheets"][0]["values"][0])
    colour_calls = sum(a["func"] == "setRangeColors" for a in actions)
    assert colour_calls <= math.ceil(1001 * columns / live_io.MAX_COLOUR_CELLS)
    assert len(remote.written(payload, actions)["Validation"]["values"]) == len(findings) + 4


def test_a_missing_register_sheet_is_a_plain_message_naming_the_sheets(tmp_path, remote):
    import openpyxl

    path = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Registr"
    wb.save(path)
    book = remote.open(remote.payload_from_xlsx(path))
    dispatch.run("validate", book)
    actions = book.json()["actions"]
    assert [(a["func"], a["args"][3]) for a in actions] == [("alert", "critical")]
    assert alerts(actions) == [
        "notes.xlsx: no sheet named 'Register' (sheets: Registr). Is 'Registr' the register? Rename it to "
        "'Register'. Make a register with `riskreg new` or `riskreg import`. Is the register workbook the active "
        "one? Click into it and press the button again."]


def test_unknown_button_is_refused(sample_workbook, remote):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("format_c_drive", book)
    assert alerts(book.json()["actions"]) == [
        "The Risk Register add-in has no button 'format_c_drive'. Rebuild and reinstall the add-in with "
        "`riskreg addin build` and `riskreg addin install`."]


def test_a_bug_is_logged_with_its_traceback_and_the_message_says_where(sample_workbook, remote, monkeypatch,
                                                                       tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def broken(register):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(checks, "check", broken)
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("validate", book)
    logs = list(tmp_path.glob("riskreg-error-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "'Validate' failed" in text and "ZeroDivisionError: division by zero" in text and "Traceback" in text
    assert alerts(book.json()["actions"]) == [
        f"'Validate' stopped because of a fault in riskreg, not in your register. The details are in {logs[0]}. "
        "Please send that file to whoever supports riskreg."]


def test_build_paper_writes_beside_the_register_and_never_over_an_edited_paper(sample_workbook, remote):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    with pytest.raises(Exception) as refused:
        entry.build_paper(book, register_path=sample_workbook)
    assert "the register has 1 error, so the board paper was not built" in str(refused.value)

    paper = entry.build_paper(book, register_path=sample_workbook, force=True)
    assert paper == sample_workbook.with_name("register board paper.docx")
    assert alerts(book.json()["actions"])[-1] == (
        f"Board paper written to {paper}. It carries a data-quality note listing 1 register error.")
    again = entry.build_paper(book, register_path=sample_workbook, force=True)
    assert again == paper  # our own untouched paper is replaced, as the CLI does
    import docx

    document = docx.Document(paper)
    document.add_paragraph("The secretary's edit.")
    document.core_properties.revision = 2  # as Word does on save
    document.save(paper)
    edited = entry.build_paper(book, register_path=sample_workbook, force=True)
    assert edited == sample_workbook.with_name("register board paper (2).docx")
    assert "The secretary's edit." in [p.text for p in docx.Document(paper).paragraphs]
    assert alerts(book.json()["actions"])[-1] == (
        f"Board paper written to {edited}. It carries a data-quality note listing 1 register error. The paper "
        "register board paper.docx was changed since riskreg wrote it, so it was kept as it is.")


def test_build_paper_through_the_dispatcher_shows_the_clis_refusal(sample_workbook, remote):
    from report_builder.build import RegisterErrorsError, build_paper

    with pytest.raises(RegisterErrorsError) as cli_refusal:
        build_paper(sample_workbook, sample_workbook.with_name("cli.docx"))
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("build_paper", book, register_path=sample_workbook)
    assert alerts(book.json()["actions"]) == [cli_refusal.value.user_message]
    assert "Register!G3: Q1 Trending is New" in cli_refusal.value.user_message


def test_the_ribbon_asks_instead_of_suggesting_force(sample_workbook):
    from report_builder.build import RegisterErrorsError, build_paper

    with pytest.raises(RegisterErrorsError) as refusal:
        build_paper(sample_workbook, sample_workbook.with_name("cli.docx"))
    question = entry._anyway(refusal.value)
    assert question.startswith("register.xlsx: the register has 1 error, so the board paper was not built: "
                               "Register!G3: Q1 Trending is New")
    assert "--force" not in question
    assert question.endswith("\n\nBuild the paper anyway, with a data-quality note listing them? "
                             "(Validate marks them in the workbook.)")


def test_build_paper_needs_a_saved_workbook(sample_workbook, remote):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("build_paper", book)
    assert alerts(book.json()["actions"]) == [
        "register.xlsx is not saved on this computer, and the board paper is built from the saved file. Save the "
        "workbook (File > Save As) and click the button again."]


def test_new_register_creates_a_register_that_reads_back(sample_workbook, remote, tmp_path):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    made = entry.new_register(book, folder=tmp_path, period="2022/23 Q1")
    assert made == tmp_path / "Risk register 2022-23 Q1.xlsx"
    register = read_register(made)
    assert register.risks == [] and register.period == parse_period("2022/23 Q1")
    assert alerts(book.json()["actions"]) == [
        f"Created {made} (reporting period 2022/23 Q1). Open it from that folder."]
    second = entry.new_register(book, folder=tmp_path, period="2022/23 Q1")
    assert second == tmp_path / "Risk register 2022-23 Q1 (2).xlsx"


def test_roll_quarter_needs_a_saved_workbook_and_a_period_it_can_ask_for(sample_workbook, remote):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("roll_quarter", book)
    dispatch.run("roll_quarter", book, register_path=sample_workbook)
    assert alerts(book.json()["actions"]) == [
        "register.xlsx is not saved on this computer, and the quarter is rolled in the saved file. Save the workbook "
        "(File > Save As) and click the button again.",
        "Roll quarter needs the new period: this Excel cannot ask, so pass period='2021/22 Q3'."]


def test_roll_quarter_refuses_a_register_with_errors_as_the_cli_does(sample_workbook, remote):
    from addin.cli import cli
    from click.testing import CliRunner

    before = sample_workbook.read_bytes()
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    dispatch.run("roll_quarter", book, period="2021/22 Q3", register_path=sample_workbook)
    refused = CliRunner().invoke(cli, ["roll-quarter", str(sample_workbook), "--period", "2021/22 Q3"])
    assert alerts(book.json()["actions"]) == [refused.output.removeprefix("Error: ").rstrip("\n")]
    assert "the register has 1 error (Register!G3), so the quarter 2021/22 Q2 was not closed" in refused.output
    assert sample_workbook.read_bytes() == before  # and no backup: nothing was written
    assert not (sample_workbook.parent / "riskreg backups").exists()


def test_roll_quarter_rolls_the_saved_file_as_the_cli_does(sample_workbook, remote):
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    entry.roll_quarter(book, period="2021/22 Q3", register_path=sample_workbook, force=True)
    rolled = read_register(sample_workbook)
    assert rolled.period == parse_period("2021/22 Q3")
    assert [r.trends for r in rolled.risks if r.id == "CRR03"] == [("New", "→", "")]
    assert len({e.risk_id for e in rolled.history if e.period == "2021/22 Q2"}) == 18  # the closed quarter kept
    [backup] = (sample_workbook.parent / "riskreg backups").iterdir()
    [text] = alerts(book.json()["actions"])
    assert text.startswith(
        "Rolled register.xlsx from 2021/22 Q2 to 2021/22 Q3: each risk's state this quarter is on the History sheet and "
        "the trend columns have moved on. Fill in the 2021/22 Q3 trends, then Validate. A copy of the workbook "
        f"before the roll is in {backup}.")
    assert "Closed despite 1 error (Register!G3)" in text
    assert text.endswith(f"Open {sample_workbook} again to see the changes.")
    dispatch.run("roll_quarter", book, period="2021/22 Q3", register_path=sample_workbook)
    assert alerts(book.json()["actions"])[-1].startswith(f"{sample_workbook}: already reports 2021/22 Q3")


def test_refresh_trends_rebuilds_the_summary_and_fills_only_empty_trend_cells(sample_workbook, remote):
    payload = remote.payload_from_xlsx(sample_workbook)
    register = payload["sheets"][0]["values"]
    # The user has not yet typed CRR18's and CRR15's Q2 trend (H2, H4) nor CRR04's Q1 trend (G13); History says New.
    for row, column in ((2, 8), (4, 8), (13, 7)):
        register[row - 1][column - 1] = ""
    typed = {(row, column) for row, values in enumerate(register, start=1)
             for column, value in enumerate(values, start=1) if value != ""}
    book = remote.open(payload)
    entry.refresh_trends(book)
    actions = book.json()["actions"]
    values = remote.written(payload, actions)
    assert list(values) == ["Register", "Summary"]
    written = {}
    for action in actions:
        if action["func"] == "setValues" and remote.sheet_names(payload, actions)[action["sheet_position"]] == \
                "Register":
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    written[(action["start_row"] + 1 + i, action["start_column"] + 1 + j)] = value
    assert written == {(2, 8): "New", (4, 8): "New", (13, 7): "New"}
    assert not set(written) & typed, "wrote over a cell the user typed"
    rows = values["Summary"]["values"]
    assert rows[0][0] == "Summary: Corporate Risk Register, 2021/22 Q2"
    # The imported History has ratings for 2021/22 Q2 only: the earlier quarters are left out.
    assert rows[4] == ["Rating", "2021/22 Q2", "", "", "", "", ""]  # padded: one rectangular write
    assert [r[:2] for r in rows[5:10]] == [["Critical", 1], ["High", 13], ["Medium", 4], ["Low", 0], ["Total", 18]]
    assert rows[21][0] == "Movements in 2021/22 Q2"
    assert alerts(actions) == ["Summary sheet rebuilt for 2021/22 Q2. Filled 3 empty trend cells from History."]
