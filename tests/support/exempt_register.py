"""Mark risks of a register workbook exempt (Schedule 12A), as a secretary would in Excel: an Exempt column."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import TableColumn

from workbook.core.schema import EXEMPT_LIST, REGISTER_SHEET, REGISTER_TABLE, SCHEDULE_12A, SETTINGS_SHEET


def mark_exempt(path: Path, paragraphs: Mapping[str, str], *, marking: str | None = None) -> Path:
    """Add an Exempt column to the Register (inside its table) holding `paragraphs` (risk ID → 'Para 7'), the
    Exempt list on the Lists sheet, and the Exempt marking in Settings when given; save over `path`."""
    book = openpyxl.load_workbook(path)
    sheet = book[REGISTER_SHEET]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Exempt") + 1 if "Exempt" in headers else len(headers) + 1
    sheet.cell(1, column, "Exempt")
    ids = headers.index("ID") + 1
    for row in range(2, sheet.max_row + 1):
        risk_id = sheet.cell(row, ids).value
        if risk_id in paragraphs:
            sheet.cell(row, column, paragraphs[risk_id])
    table = sheet.tables.get(REGISTER_TABLE)
    if table is not None and "Exempt" not in [c.name for c in table.tableColumns]:
        start, end = table.ref.split(":")
        last_row = "".join(ch for ch in end if ch.isdigit())
        table.ref = f"{start}:{get_column_letter(column)}{last_row}"
        table.autoFilter.ref = table.ref
        table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name="Exempt"))
    lists = book["Lists"]
    if EXEMPT_LIST not in [cell.value for cell in lists[1]]:
        position = lists.max_column + 1
        lists.cell(1, position, EXEMPT_LIST)
        for row, value in enumerate(SCHEDULE_12A, start=2):
            lists.cell(row, position, value)
    if marking is not None:
        settings = book[SETTINGS_SHEET]
        settings.cell(settings.max_row + 1, 1, "Exempt marking")
        settings.cell(settings.max_row, 2, marking)
    book.save(path)
    return path


def exempt_sample(sample: Path, paragraphs: Mapping[str, str], *, marking: str | None = None) -> Path:
    """Return the sample register with its one error corrected (CRR03 was New in two quarters) and `paragraphs`
    marked exempt."""
    book = openpyxl.load_workbook(sample)
    book[REGISTER_SHEET]["G3"] = "→"
    book.save(sample)
    return mark_exempt(sample, paragraphs, marking=marking)
