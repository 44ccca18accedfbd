"""A force and its Police and Crime Commissioner's (OPCC) registers for the joint paper's tests: the force from the
sample, the OPCC imported from the published police layout, both reporting 2021/22 Q2."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl

from support.published_registers import police_workbook
from support.riskreg_testing import run_cli
from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
from workbook.xlsx.builder import import_export

OPCC = "Office of the Police and Crime Commissioner"


def force_register(path: Path, *, clean: bool = True) -> Path:
    """Write the sample force register at `path` (its one error, CRR03 New twice, corrected when `clean`)."""
    import_export(sample_export_path(), path, parse_period(SAMPLE_PERIOD), settings=SAMPLE_SETTINGS)
    if clean:
        book = openpyxl.load_workbook(path)
        book["Register"]["G3"] = "→"
        book.save(path)
    return path


def opcc_register(path: Path, *, clean: bool = True) -> Path:
    """Import the OPCC's own register (3 risks rated High, Medium, Low) to `path` for 2021/22 Q2; when `clean`,
    fill in the text and trends its source does not have, so it has no errors; otherwise clear the import's record
    of what the source never collected, so those blanks are errors again."""
    source = path.with_name(f"{path.stem} source.xlsx")
    police_workbook(source)
    result = run_cli("import", source, "-o", path, "--period", SAMPLE_PERIOD, "--organisation", OPCC,
                     "--committee", "Joint Audit Committee", "--report-of", "Chief Executive",
                     "--author", "Risk Manager")
    assert result.exit_code == 0, result.output
    if clean:
        book = openpyxl.load_workbook(path)
        sheet = book["Register"]
        for row in range(2, sheet.max_row + 1):
            sheet[f"C{row}"] = f"The risk that {sheet[f'B{row}'].value.lower()}."
            sheet[f"D{row}"] = "Loss of public confidence."
            sheet[f"E{row}"] = "• Board oversight\n• Quarterly review"
            sheet[f"F{row}"], sheet[f"G{row}"], sheet[f"H{row}"] = "N/A", "New", "→"
        book.save(path)
    else:
        set_setting(path, "Not collected", None)
        set_setting(path, "Trends recorded from", None)
    return path


def set_setting(path: Path, label: str, value: object) -> None:
    """Set a Settings value by label (adding the row when the sheet lacks it) in the workbook at `path`."""
    book = openpyxl.load_workbook(path)
    sheet = book["Settings"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value}
    row = rows.get(label) or sheet.max_row + 1
    sheet.cell(row, 1).value = label
    sheet.cell(row, 2).value = value
    book.save(path)


def open_ratings(path: Path) -> Counter:
    """Count the open risks of the register at `path` by Residual Risk Rating, read with openpyxl (independently of
    riskreg's reader)."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Register"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    rating, status = header.index("Residual Risk Rating"), header.index("Status")
    return Counter(row[rating] for row in rows[1:] if row[0] and (row[status] or "Open") != "Closed")
