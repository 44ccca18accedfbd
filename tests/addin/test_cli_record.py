"""Sealed quarters, corrections and vanished rows on real workbooks: validate, paper --period, correct-history."""

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from addin.cli import cli
from support.scenario import normalised_text, table_rows
from report_builder.content import closed_with_errors_lines
from workbook.core.history import register_as_of
from workbook.core.periods import parse_period
from workbook.xlsx.reader import read_register

CORRECT = 'riskreg correct-history --period "2021/22 Q2" --reason "…"'


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def closed_twice(sample_workbook):
    """The sample, clean, closed in 2021/22 Q2 and Q3 (each quarter's arrows filled from History)."""
    book = load_workbook(sample_workbook)
    book["Register"]["G3"] = "→"
    book["Register"]["B3"] = "Operational Training and Embedded Learning"
    book.save(sample_workbook)
    first = run("roll-quarter", sample_workbook, "--period", "2021/22 Q3")
    assert first.exit_code == 0, first.output
    assert ("Sealed 2021/22 Q2: from now on a change to a closed quarter shows in validate. 2020/21 Q4 to "
            "2021/22 Q1 were closed before riskreg sealed quarters and stay unsealed.") in first.output
    assert run("trends", sample_workbook, "--write").exit_code == 0
    second = run("roll-quarter", sample_workbook, "--period", "2021/22 Q4")
    assert second.exit_code == 0 and "Sealed" not in second.output  # said once, at the first seal
    assert run("trends", sample_workbook, "--write").exit_code == 0
    return sample_workbook


def _history_row(path, risk_id, period):
    sheet = load_workbook(path)["History"]
    headers = [cell.value for cell in sheet[1]]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if (r[0].value, r[1].value) == (risk_id, period))
    return headers, row


def _errors(output):
    return [line.split("\t")[1:] for line in output.splitlines() if line.startswith("error\t")]


def test_a_sealed_quarter_names_each_altered_or_deleted_cell(closed_twice):
    assert run("validate", closed_twice).exit_code == 0
    headers, row = _history_row(closed_twice, "CRR09", "2021/22 Q2")
    _, gone = _history_row(closed_twice, "CRR06", "2021/22 Q2")
    book = load_workbook(closed_twice)
    book["History"].cell(row=row, column=headers.index("Rating") + 1).value = "Critical"
    book["History"].delete_rows(gone)
    book.save(closed_twice)
    result = run("validate", closed_twice)
    assert result.exit_code == 1
    assert _errors(result.output) == [
        ["R101", "History!A1", "CRR06", "History has no row for CRR06 in 2021/22 Q2, but the seal of 2021/22 Q2 "
         "recorded Rating 'High', Trend '→', Source 'imported', Status 'Open', Text fingerprint '09a25704f97032c9': "
         f"the row was deleted after the quarter was closed. Restore the row, or record the correction with "
         f"`{CORRECT}`."],
        ["R100", f"History!C{row - (gone < row)}", "CRR09", "History Rating of CRR09 for 2021/22 Q2 is 'Critical', but the "
         "seal of 2021/22 Q2 recorded 'High': the cell was changed after the quarter was closed. Put back 'High', "
         f"or record the correction with `{CORRECT}`."],
    ]


def test_paper_period_refuses_an_altered_quarter_and_force_says_it_was_altered(closed_twice, tmp_path):
    headers, row = _history_row(closed_twice, "CRR09", "2021/22 Q2")
    book = load_workbook(closed_twice)
    book["History"].cell(row=row, column=headers.index("Rating") + 1).value = "Critical"
    book.save(closed_twice)
    refused = run("paper", closed_twice, "--period", "2021/22 Q2", "-o", tmp_path / "q2.docx")
    assert refused.exit_code == 2 and not (tmp_path / "q2.docx").exists()
    assert refused.output.startswith("Error: register.xlsx: the register has 1 error, so the board paper was not "
                                     f"built: History!C{row}: History Rating of CRR09 for 2021/22 Q2 is 'Critical'")
    forced = run("paper", closed_twice, "--period", "2021/22 Q2", "-o", tmp_path / "q2.docx", "--force")
    assert forced.exit_code == 0
    assert forced.output.splitlines()[1:] == [
        "Note: built with --force; the paper carries a data-quality note listing 1 register error.",
        "Note: the record of 2021/22 Q2 was altered after it was closed (see the data-quality note): this paper is "
        "not the one the Committee had at the time.",
    ]
    # The later quarter's paper reads 2021/22 Q2's arrows too: it is refused as well.
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", tmp_path / "q3.docx").exit_code == 2


def test_correct_history_records_the_reason_and_seals_again(closed_twice, tmp_path):
    original = tmp_path / "before.docx"
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", original).exit_code == 0
    headers, row = _history_row(closed_twice, "CRR09", "2021/22 Q2")
    book = load_workbook(closed_twice)
    book["History"].cell(row=row, column=headers.index("Rating") + 1).value = "Critical"
    book.save(closed_twice)
    result = run("correct-history", closed_twice, "--period", "2021/22 Q2", "--reason",
                 "CRR09 was rated  Critical at the meeting")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        f"Corrected 2021/22 Q2 in {closed_twice}: 1 change accepted and recorded with the reason.",
        f"  History row {row}: CRR09 Rating 'High' → 'Critical'",
        "Sealed 2021/22 Q2 again; renewed the seals of 2021/22 Q3, which cover it.",
        f"Backup of the workbook before this change: {result.output.splitlines()[3].split(': ', 1)[1]}",
    ]
    assert run("validate", closed_twice).exit_code == 0
    assert run("paper", closed_twice, "--period", "2021/22 Q2", "-o", tmp_path / "q2.docx").exit_code == 0
    again = run("correct-history", closed_twice, "--period", "2021/22 Q2", "--reason", "again")
    assert (again.exit_code, again.output) == (2, (
        f"Error: {closed_twice}: History and the Record of 2021/22 Q2 are as its seal recorded them: nothing to "
        "correct. Edit History first, then run correct-history.\n"))
    unsealed = run("correct-history", closed_twice, "--period", "2021/22 Q1", "--reason", "typo")
    assert (unsealed.exit_code, unsealed.output) == (2, (
        f"Error: {closed_twice}: 2021/22 Q1 is not a sealed quarter (sealed: 2021/22 Q2, 2021/22 Q3), so there is "
        "no seal to renew; its History can be edited as it stands.\n"))


def test_a_deleted_row_is_a_warning_and_the_paper_says_removed_not_closed(closed_twice, tmp_path):
    book = load_workbook(closed_twice)
    sheet = book["Register"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "CRR10")
    name = sheet.cell(row=row, column=2).value
    sheet.delete_rows(row)
    book.save(closed_twice)
    result = run("validate", closed_twice)
    assert (f"warning\tR103\tRegister!A1\tCRR10\tCRR10 ({name}) was on the Register in 2021/22 Q3 and is not on "
            "it now, but it was never closed: the board paper says it was removed. To close it, put its row back "
            "with Status Closed.") in result.output
    paper = tmp_path / "paper.docx"
    assert run("paper", closed_twice, "-o", paper, "--force").exit_code == 0
    texts = [p.text for p in Document(str(paper)).paragraphs]
    assert f"CRR10 {name} was removed from the register this quarter without being closed." in texts


def test_paper_period_of_an_imported_quarter_is_one_short_line(closed_twice):
    result = run("paper", closed_twice, "--period", "2021/22 Q1")
    assert (result.exit_code, result.output) == (2, (
        f"Error: {closed_twice}: History has 2021/22 Q1 from an import, not from a close, and the Record sheet "
        "keeps nothing of its close, so its paper cannot be built again. Papers can be built again for 2021/22 Q2 "
        "and 2021/22 Q3.\n"))


def test_a_past_paper_keeps_its_quarters_configuration(closed_twice, tmp_path):
    before = tmp_path / "before.docx"
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", before).exit_code == 0
    book = load_workbook(closed_twice)
    settings = book["Settings"]
    rows = {settings.cell(row=r, column=1).value: r for r in range(1, settings.max_row + 1)}
    settings.cell(row=rows["Likelihood and impact scale"], column=2).value = 5
    settings.cell(row=rows["Appendix columns"], column=2).value = "Portfolio/Department"
    settings.cell(row=rows["Trend basis"], column=2).value = "rating"
    settings.cell(row=rows["Reviewed by"], column=2).value = "Chief Officer Group"
    settings.cell(row=rows["Risk framework"], column=2).value = "Risk Management Strategy"
    book.save(closed_twice)
    after = tmp_path / "after.docx"
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", after).exit_code == 0
    assert normalised_text(after) == normalised_text(before)  # the wording of the quarter's close, too
    said = " ".join(normalised_text(after))
    assert "reviewed by the Force Executive Team" in said and "under its Risk Management Framework" in said
    now = tmp_path / "now.docx"
    assert run("paper", closed_twice, "-o", now, "--force").exit_code == 0
    said = " ".join(normalised_text(now))
    assert "reviewed by the Chief Officer Group" in said and "under its Risk Management Strategy" in said
    past = register_as_of(read_register(closed_twice), parse_period("2021/22 Q3"))
    assert [past.setting(key) for key in ("score_scale", "appendix_columns", "trend_basis")] == [
        "4", "Risk Owner, Last Reviewed", "score"]  # as recorded at the close: the heat map is drawn 4×4


def _movements(path):
    return {row[0]: row[2] for row in table_rows(Document(str(path)), "Movement")[1:]}


def _ratings(path):
    return table_rows(Document(str(path)), "Residual rating")


def _papers(register, folder, name):
    """Build the paper of closed 2021/22 Q3 and this quarter's (forced) paper; return their paths."""
    past, now = folder / f"q3 {name}.docx", folder / f"now {name}.docx"
    assert run("paper", register, "--period", "2021/22 Q3", "-o", past).exit_code == 0
    assert run("paper", register, "-o", now, "--force").exit_code == 0
    return past, now


def test_rename_band_keeps_the_closed_quarters_words_and_the_trends(closed_twice, tmp_path):
    before, now_before = _papers(closed_twice, tmp_path, "before")
    result = run("rename-band", closed_twice, "Medium", "Moderate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Band Medium is now Moderate in {closed_twice} from 2021/22 Q4: 5 cells set "
                                    "(Lists!A4, Register!I16, Register!I17, Register!I18, Register!I19); History "
                                    "keeps the closed quarters' words, and the rename is recorded.\n")
    history = [row[2].value for row in load_workbook(closed_twice)["History"].iter_rows(min_row=2)]
    assert "Medium" in history and "Moderate" not in history
    assert "R027" not in run("validate", closed_twice).output
    after, now = _papers(closed_twice, tmp_path, "after")
    assert normalised_text(after) == normalised_text(before)  # the closed quarter's paper says Medium, as it did
    assert _ratings(now) == [[("Moderate" if cell == "Medium" else cell) for cell in row]
                             for row in _ratings(now_before)]  # every quarter counted under the new name
    assert _movements(now) == _movements(now_before)  # a renamed band is not a movement


def test_rename_risk_carries_its_trail_and_the_paper_says_so_once(closed_twice, tmp_path):
    before, now_before = _papers(closed_twice, tmp_path, "before")
    refused = run("rename-risk", closed_twice, "CRR05", "CRR05A")
    assert (refused.exit_code, refused.output) == (2, (
        f"Error: {closed_twice}: 'CRR05A' does not match the Risk ID pattern CRR\\d{{2}} in Settings. Change the "
        "pattern first if the register's IDs now take that form.\n"))
    book = load_workbook(closed_twice)
    settings = book["Settings"]
    row = next(r for r in range(1, settings.max_row + 1) if settings.cell(row=r, column=1).value == "Risk ID pattern")
    settings.cell(row=row, column=2).value = r"CRR\d{2}A?"
    book.save(closed_twice)
    result = run("rename-risk", closed_twice, "CRR05", "CRR05A")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Risk CRR05 is now CRR05A in {closed_twice} from 2021/22 Q4: 1 cell set "
                                    "(Register!A")
    findings = run("validate", closed_twice).output
    assert not any(rule in findings for rule in ("R025", "R100", "R101", "R103", "R104"))
    after, now = _papers(closed_twice, tmp_path, "after")
    texts = [p.text for p in Document(str(now)).paragraphs]
    assert texts.count("CRR05 is now CRR05A.") == 1
    assert _movements(now) == {kind: names.replace("CRR05 ", "CRR05A ") for kind, names in
                               _movements(now_before).items()}  # not closed and new: the same risk, renamed
    assert normalised_text(after) == normalised_text(before)


def test_a_quarter_closed_with_errors_says_so_in_its_paper_now_and_rebuilt(sample_workbook, tmp_path):
    book = load_workbook(sample_workbook)
    book["Register"]["G3"] = "→"
    book["Register"]["I5"] = "Amber"
    book.save(sample_workbook)
    assert run("roll-quarter", sample_workbook, "--period", "2021/22 Q3").exit_code == 2
    assert run("roll-quarter", sample_workbook, "--period", "2021/22 Q3", "--force").exit_code == 0
    past = register_as_of(read_register(sample_workbook), parse_period("2021/22 Q2"))
    assert closed_with_errors_lines(past) == (
        "This quarter was closed anyway with 1 error not corrected first, so History keeps the values as they stood "
        "at the close:",
        "Register!I5: Residual Risk Rating 'Amber' is not in the Ratings list (Critical, High, Medium, Low). Choose "
        "a value from the drop-down.")
    paper = tmp_path / "q2.docx"
    assert run("paper", sample_workbook, "--period", "2021/22 Q2", "-o", paper, "--force").exit_code == 0
    texts = [p.text for p in Document(str(paper)).paragraphs]
    assert texts[texts.index(closed_with_errors_lines(past)[0]) + 1] == closed_with_errors_lines(past)[1]
    assert closed_with_errors_lines(read_register(sample_workbook)) == ()  # the open quarter: not closed yet


def test_a_risk_given_a_new_id_by_hand_is_a_warning_naming_the_command(closed_twice):
    book = load_workbook(closed_twice)
    sheet = book["Register"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "CRR05")
    sheet.cell(row=row, column=1).value = "CRR05A"
    book.save(closed_twice)
    assert (f"warning\tR104\tRegister!A{row}\tCRR05A\tCRR05A is new but has the same words as CRR05, which was on "
            "the Register last quarter and is not on it now. If CRR05 was renamed, run `riskreg rename-risk CRR05 "
            "CRR05A` so that its History, trends and actions carry over.") in run("validate", closed_twice).output


def test_a_band_renamed_on_the_lists_sheet_is_one_warning_naming_the_command(closed_twice, tmp_path):
    before = tmp_path / "before.docx"
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", before).exit_code == 0
    book = load_workbook(closed_twice)
    for sheet, column in (("Lists", "A"), ("Register", "I")):
        for cell in book[sheet][column]:
            if cell.value == "Medium":
                cell.value = "Moderate"
    book.save(closed_twice)
    result = run("validate", closed_twice)
    lines = [line for line in result.output.splitlines() if "Medium" in line]
    assert (result.exit_code, lines) == (0, [
        "warning\tR105\tLists!A1\t\tThe Ratings list has 'Moderate' where 2021/22 Q3 had 'Medium', which History "
        "rates risks with. If Medium was renamed, run `riskreg rename-band Medium Moderate` so that History keeps "
        "the closed quarters' words and the trends carry over."])  # one line, no R027 for each History row
    refused = run("roll-quarter", closed_twice, "--period", "2022/23 Q1")
    assert (refused.exit_code, refused.output) == (2, (
        f"Error: {closed_twice}: the Ratings list has 'Moderate' where 2021/22 Q3 had 'Medium', and the rename is "
        "not recorded, so the quarter 2021/22 Q4 was not closed. Run riskreg rename-band Medium Moderate first (or "
        "put 'Medium' back on the Lists sheet).\n"))
    renamed = run("rename-band", closed_twice, "Medium", "Moderate")
    assert renamed.output.startswith(f"Band Medium is now Moderate in {closed_twice} from 2021/22 Q4: 0 cells set"), \
        renamed.output
    assert "Medium" not in run("validate", closed_twice).output
    after = tmp_path / "after.docx"
    assert run("paper", closed_twice, "--period", "2021/22 Q3", "-o", after).exit_code == 0
    assert normalised_text(after) == normalised_text(before)
    assert run("roll-quarter", closed_twice, "--period", "2022/23 Q1").exit_code == 0


def test_rename_band_after_only_the_lists_entry_was_typed_over_sets_the_ratings_still_using_the_old_name(
        closed_twice):
    book = load_workbook(closed_twice)
    lists = book["Lists"]
    next(cell for cell in lists["A"] if cell.value == "Medium").value = "Moderate"
    book.save(closed_twice)
    assert "R105" in run("validate", closed_twice).output
    renamed = run("rename-band", closed_twice, "Medium", "Moderate")
    assert renamed.output.startswith(f"Band Medium is now Moderate in {closed_twice} from 2021/22 Q4: 4 cells set "
                                     "(Register!I16, Register!I17, Register!I18, Register!I19); "), renamed.output
    assert run("validate", closed_twice).exit_code == 0
