"""Each button of the task pane, pressed in Chromium, changes the workbook as the CLI changes the same register.

What is compared: the sheets (names, order, hidden or not), every value, and the Register's highlights. Known
differences, by design of the live applier: the line saying who wrote riskreg's own sheet ('… by riskreg (Excel
add-in) on …'), and no cell notes or header colours (the Validation sheet says to go to a cell with Ctrl+G instead).
"""

from __future__ import annotations

import re

import docx
import openpyxl

from browser.conftest import riskreg
from browser.workbooks import double_book, sheets_of

PERIOD = "2021/22 Q3"
STAMPED = {"Validation": 1, "Summary": 1}  # row index of the "Checked by riskreg … on …" line on riskreg's sheets


def stamp(text: str) -> str:
    return text.split(" on ")[0].replace(" (Excel add-in)", "")


def comparable(book: dict) -> dict:
    """Return the sheets as compared: names in order, hidden, values (the who-and-when line cut to its 'who')."""
    sheets = sheets_of(book)
    for name, row in STAMPED.items():
        if name in sheets and len(sheets[name]["values"]) > row:
            sheets[name]["values"][row] = [stamp(str(v)) for v in sheets[name]["values"][row]]
    return {name: {"hidden": s["hidden"], "values": s["values"],
                   **({"fills": s["fills"]} if name == "Register" else {})} for name, s in sheets.items()}


def assert_same_as_cli(pane_book: dict, cli_file) -> None:
    pane, cli = comparable(pane_book), comparable(double_book(cli_file))
    assert list(pane) == list(cli)
    for name in cli:
        assert pane[name] == cli[name], name


def test_validate_writes_the_findings_the_cli_writes(open_pane, work):
    pane = open_pane(work)
    pane.shot("1-before")
    pane.click("validate")
    pane.shot("3-validate-done")
    assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."
    assert pane.error() == ""
    assert riskreg("validate", work, "--write", cwd=work.parent).returncode == 1  # 1: the register has an error
    assert "Validation" in pane.book_sheet_names()
    assert_same_as_cli(pane.book(), work)
    assert pane.book()["sheets"][0]["fills"] == {"B3": "#FFEB9C", "G3": "#FFC7CE"}  # the two findings' cells


def test_refresh_trends_writes_the_summary_the_cli_writes(open_pane, work):
    pane = open_pane(work)
    pane.click("refresh_trends")
    pane.shot("3-trends-done")
    assert pane.status() == ("Summary sheet rebuilt for 2021/22 Q2. No empty trend cell that History can fill.")
    assert riskreg("trends", work, "--write", cwd=work.parent).returncode == 0
    assert "Summary" in pane.book_sheet_names()
    assert_same_as_cli(pane.book(), work)


def test_roll_quarter_moves_the_register_on_as_the_cli_does(open_pane, work):
    pane = open_pane(work)
    pane.page.fill("#period", PERIOD)
    pane.click("roll_quarter")
    pane.shot("3-roll-done")
    assert pane.status().startswith("Rolled register.xlsx from 2021/22 Q2 to 2021/22 Q3. History: 0 2021/22 Q2 rows "
                                    "recorded (Source 'rolled'); 18 risks already had a 2021/22 Q2 row, brought up "
                                    "to date from the Register: none had a value changed. The trend columns have "
                                    "moved on: fill in the 2021/22 Q3 trends, then Validate.")
    # --force: the sample has one error, and the pane closes the quarter as it always has
    assert riskreg("roll-quarter", work, "--period", PERIOD, "--force", cwd=work.parent).returncode == 0
    assert [(name, sheet["hidden"]) for name, sheet in sheets_of(pane.book()).items()] == [
        ("Register", False), ("Lists", False), ("History", False), ("Settings", False), ("Record", True)]
    assert_same_as_cli(pane.book(), work)  # the CLI's Record is very hidden; xlwings can only hide
    settings = dict((row[0], row[1]) for row in sheets_of(pane.book())["Settings"]["values"] if len(row) > 1)
    assert PERIOD in settings.values()


def test_roll_quarter_without_a_period_says_where_to_type_it(open_pane, work):
    pane = open_pane(work)
    pane.click("roll_quarter")
    assert pane.error() == ("Roll quarter needs the new period: type it in the Risk Register task pane (for example "
                            "2021/22 Q3) and press Roll quarter there.")


def test_build_paper_refuses_a_register_with_errors_then_build_anyway_gives_the_cli_paper(open_pane, work, tmp_path):
    pane = open_pane(work)
    pane.click("build_paper")
    pane.shot("4-error-register-has-errors")
    assert pane.error() == (
        "register.xlsx: the register has 1 error, so the board paper was not built: Register!G3: Q1 Trending is New, "
        "but Q4 Trending already marks the risk New. A risk is New only in the quarter it joins the register: use ↗, "
        "→ or ↘ here, or correct Q4 Trending.\n\nTo build the paper anyway, with a data-quality note listing them, "
        "press 'Build anyway' in the Risk Register task pane.")
    assert pane.download_names() == []

    pane.click("build_paper_anyway")
    pane.shot("3-paper-done")
    assert pane.status() == ("Board paper built: register board paper.docx and register board paper.pdf, ready to "
                             "save from the task pane. It carries a data-quality note listing 1 register error. Their "
                             "links are below.")
    assert pane.download_names() == ["Save register board paper.docx", "Save register board paper.pdf"]
    paper = pane.download("Save register board paper.docx", tmp_path / "from the pane.docx")
    pdf = pane.download("Save register board paper.pdf", tmp_path / "from the pane.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    cli_paper = tmp_path / "cli.docx"
    assert riskreg("paper", work, "--force", "-o", cli_paper, cwd=work.parent).returncode == 0
    assert document_text(paper) == document_text(cli_paper)


def document_text(path) -> list[str]:
    """Return a Word document's paragraphs and table cells, in order, as python-docx reads them.

    The provenance line's time and fingerprint are left out: the server hashes the values it was sent at the time it
    got them, the CLI the file as last saved."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [re.sub(r"last modified .* UTC, SHA-256 [0-9a-f]{12}", "last modified …", text) for text in texts]


def test_new_register_offers_the_workbook_the_cli_makes(open_pane, tmp_path):
    pane = open_pane(None)
    pane.click("new_register")
    pane.shot("3-new-done")
    [name] = pane.download_names()
    made = pane.download(name, tmp_path / "from the pane.xlsx")
    stem = name.removeprefix("Save ")
    assert pane.status() == f"Created {stem}: save it from the task pane, then open it in Excel. Its link is below."
    cli = tmp_path / "cli.xlsx"
    assert riskreg("new", cli, cwd=tmp_path).returncode == 0
    openpyxl.load_workbook(made)  # opens
    assert comparable(double_book(made)) == comparable(double_book(cli))
