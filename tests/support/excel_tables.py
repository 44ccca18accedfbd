"""Excel Table features made with openpyxl, as a user makes them in Excel: for the tests of reading them."""

from __future__ import annotations

import openpyxl
from openpyxl.worksheet.table import TableColumn

from workbook.core.schema import REGISTER_SHEET, REGISTER_TABLE


def with_total_row(path) -> int:
    """Give the RiskRegister table a Total Row, as Table Design > Total Row does: a count under Residual Risk Rating."""
    book = openpyxl.load_workbook(path)
    ws = book[REGISTER_SHEET]
    table = ws.tables[REGISTER_TABLE]
    first, last = table.ref.split(":")
    last_row = int("".join(ch for ch in last if ch.isdigit())) + 1
    table.ref = f"{first}:{''.join(ch for ch in last if ch.isalpha())}{last_row}"
    table.totalsRowCount = 1
    rating = [c.value for c in ws[1]].index("Residual Risk Rating") + 1
    ws.cell(row=last_row, column=1, value="Total")
    ws.cell(row=last_row, column=rating, value=f"=SUBTOTAL(103,{REGISTER_TABLE}[Residual Risk Rating])")
    columns: list[TableColumn] = table.tableColumns
    columns[0].totalsRowLabel = "Total"
    columns[rating - 1].totalsRowFunction = "count"
    book.save(path)
    return last_row


def with_history_total_row(path, extra_rows: int = 0) -> int:
    """Give the RatingHistory table a Total Row (a count of ratings), after `extra_rows` more History rows typed
    into the table; return the Total Row's sheet row."""
    from workbook.core.schema import HISTORY_SHEET, HISTORY_TABLE

    book = openpyxl.load_workbook(path)
    ws = book[HISTORY_SHEET]
    table = ws.tables[HISTORY_TABLE]
    first, last = table.ref.split(":")
    letters = "".join(ch for ch in last if ch.isalpha())
    for number in range(extra_rows):
        ws.append([f"R{number:05}", "2019/20 Q1", "High"])
    last_row = ws.max_row + 1
    rating = [c.value for c in ws[1]].index("Rating") + 1
    ws.cell(row=last_row, column=1, value="Total")
    ws.cell(row=last_row, column=rating, value=f"=SUBTOTAL(103,{HISTORY_TABLE}[Rating])")
    table.ref = f"{first}:{letters}{last_row}"
    table.totalsRowCount = 1
    columns: list[TableColumn] = table.tableColumns
    columns[0].totalsRowLabel = "Total"
    columns[rating - 1].totalsRowFunction = "count"
    book.save(path)
    return last_row
