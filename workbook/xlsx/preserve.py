"""Refuse a workbook riskreg cannot edit part by part without damaging it; everything else it keeps as it is."""

from __future__ import annotations

from workbook.core.errors import OutputError
from workbook.core.schema import HISTORY_SHEET, REGISTER_SHEET, SETTINGS_SHEET, SUMMARY_SHEET, VALIDATION_SHEET
from workbook.xlsx.package import WORKBOOK_PART

# Sheets riskreg rebuilds from scratch on every write: what they hold is ours to replace.
REGENERATED_SHEETS = (VALIDATION_SHEET, SUMMARY_SHEET)
# Sheets whose cells a command may write into: they must be plain worksheets in the transitional format.
WRITTEN_SHEETS = (REGISTER_SHEET, HISTORY_SHEET, SETTINGS_SHEET)
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def check_editable(book) -> None:
    """Refuse to write into `book` (a workbook.xlsx.book.Book) when a part riskreg must edit is not one it can."""
    path = book.path
    root = book.package.xml(WORKBOOK_PART)
    if root.tag.startswith(f"{{{_STRICT}}}"):
        raise OutputError(
            f"{path}: not written, because it is saved as a Strict Open XML Spreadsheet, which riskreg cannot edit "
            f"without changing how Excel reads it. Open it in Excel and save it as an Excel Workbook (.xlsx).")
    for sheet in WRITTEN_SHEETS:
        part = book.package.sheet_part(sheet)
        if part is None:
            continue
        if not part.startswith("xl/worksheets/") or not book.package.has(part) or \
                b"sheetData" not in book.package.read(part):
            raise OutputError(
                f"{path}: not written, because sheet '{sheet}' is not a worksheet riskreg can write cells into "
                f"({part or 'no part'}). Rebuild it from a workbook made by `riskreg new`.")
