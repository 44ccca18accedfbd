"""What Excel's add-in client sends xlwings' remote engine for a workbook: for the tests and the benchmark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path


def json_value(value: object) -> object:
    """Return a cell value as Excel's add-in client sends it: '' for empty, ISO text for dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def payload(book_name: str, grids: Mapping[str, Sequence[Sequence[object]]]) -> dict:
    """Return the payload for a workbook named `book_name` whose sheets hold `grids` (A1-anchored values)."""
    import xlwings

    sheets = [{"name": name, "values": [[json_value(v) for v in row] for row in rows] or [[""]],
               "pictures": [], "tables": []} for name, rows in grids.items()]
    return {"client": "Microsoft Excel", "version": xlwings.__version__,
            "book": {"name": book_name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def payload_from_xlsx(path: Path, extra_sheets: Mapping[str, Sequence[Sequence[object]]] | None = None) -> dict:
    """Return the payload Excel would send for the workbook file at `path` (values of every sheet)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=False)
    grids = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    made = payload(Path(path).name, {**grids, **(extra_sheets or {})})
    for sheet in made["sheets"]:
        if sheet["name"] in wb.sheetnames:
            sheet["tables"] = [table_json(table) for table in wb[sheet["name"]].tables.values()]
    return made


def table_json(table) -> dict:
    """Return an Excel Table as the add-in client describes it (addresses without the sheet name)."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    first, last = get_column_letter(min_col), get_column_letter(max_col)
    headers = table.headerRowCount != 0
    totals = int(table.totalsRowCount or 0)
    body_top, body_bottom = min_row + (1 if headers else 0), max_row - totals
    return {
        "name": table.displayName, "range_address": table.ref,
        "header_row_range_address": f"{first}{min_row}:{last}{min_row}" if headers else None,
        "data_body_range_address": f"{first}{body_top}:{last}{body_bottom}" if body_bottom >= body_top else None,
        "total_row_range_address": f"{first}{max_row}:{last}{max_row}" if totals else None,
        "show_headers": headers, "show_totals": bool(totals), "show_autofilter": table.autoFilter is not None,
        "table_style": table.tableStyleInfo.name if table.tableStyleInfo else None,
        "show_table_style_first_column": False, "show_table_style_last_column": False,
        "show_table_style_row_stripes": True, "show_table_style_column_stripes": False,
    }
