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
    return payload(Path(path).name, {**grids, **(extra_sheets or {})})
