"""The answer to one request as xlwings JSON actions, built directly: what the client's Excel is told to change.

Each action has the fields xlwings' clients read (`func`, `args`, `values`, `sheet_position`, `start_row`,
`start_column`, `row_count`, `column_count`). Sheet positions follow the sheets added and deleted so far, as the
client applies the actions in order.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from addin.ribbon.live_io import colour_bands, value_blocks  # the one home of the batching, shared with the ribbon
from workbook.core.findings import split_address
from workbook.core.values import looks_like_formula

TITLE = "Risk Register"
DOWNLOAD = "riskregDownload"  # the client callback (task pane JavaScript) that offers a file to save


def cell_json(value: object) -> object:
    """Return a value as xlwings sends it to Excel: '' for empty, ISO text for dates; formula-like text kept text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else \
            value.replace(tzinfo=None).isoformat(sep=" ").split(".")[0]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _colour(value: str | None) -> str | None:
    return None if value is None else (value if value.startswith("#") else f"#{value}").lower()


class Answer:
    """The actions for one workbook, in the order the client applies them."""

    def __init__(self, sheet_names: Sequence[str]):
        self.sheets = list(sheet_names)
        self.actions: list[dict] = []

    def _add(self, func: str, args: object = None, *, sheet: str | None = None, values: list | None = None,
             top: int | None = None, left: int | None = None, rows: int | None = None,
             columns: int | None = None) -> None:
        self.actions.append({
            "func": func, "args": args if isinstance(args, list) else [args], "values": values,
            "sheet_position": None if sheet is None else self.sheets.index(sheet),
            "start_row": None if top is None else top - 1, "start_column": None if left is None else left - 1,
            "row_count": rows, "column_count": columns})

    def json(self) -> dict:
        return {"actions": self.actions}

    # --- sheets ---

    def add_sheet(self, name: str, after: str | None = None) -> None:
        """Add sheet `name` after `after` (else last)."""
        position = self.sheets.index(after) + 1 if after in self.sheets else len(self.sheets)
        self.sheets.insert(position, name)
        self._add("addSheet", [position, name])

    def clear_sheet(self, name: str) -> None:
        self._add("sheetClear", sheet=name)

    def hide_sheet(self, name: str) -> None:
        self._add("setSheetVisibility", "Hidden", sheet=name)

    def delete_sheet(self, name: str) -> None:
        self._add("sheetDelete", sheet=name)
        self.sheets.remove(name)

    def replace_sheet(self, name: str, rows: Sequence[Sequence[object]], after: str) -> None:
        """Give riskreg's own sheet `name` exactly `rows` (cleared first; added after `after` when missing)."""
        if name in self.sheets:
            self.clear_sheet(name)
        else:
            self.add_sheet(name, after)
        width = max((len(row) for row in rows), default=0)
        if width:
            self.set_values(name, 1, 1, [list(row) + [None] * (width - len(row)) for row in rows])

    # --- cells ---

    def set_values(self, sheet: str, top: int, left: int, rows: Sequence[Sequence[object]]) -> None:
        """Write a rectangle of values with its top-left cell at (top, left), 1-based."""
        values = [[cell_json(v) for v in row] for row in rows]
        self._add("setValues", None, sheet=sheet, values=values, top=top, left=left, rows=len(values),
                  columns=len(values[0]) if values else 0)

    def write_cells(self, values: Mapping[str, object]) -> None:
        """Write each 'Sheet!A1' -> value, one action per rectangle of cells (no other cell is touched)."""
        by_sheet: dict[str, dict[tuple[int, int], object]] = defaultdict(dict)
        for cell, value in values.items():
            sheet, row, column = split_address(cell)
            by_sheet[sheet][(row, column)] = value
        for sheet in sorted(by_sheet):
            for (top, left), rows in value_blocks(by_sheet[sheet]):
                self.set_values(sheet, top, left, rows)

    def paint(self, fills: Mapping[str, str | None]) -> None:
        """Set the fill of each cell address ('Register!I7') to its colour (None clears it), a band at a time."""
        by_sheet: dict[str, dict[tuple[int, int], str | None]] = defaultdict(dict)
        for address, colour in fills.items():
            sheet, row, column = split_address(address)
            by_sheet[sheet][(row, column)] = colour
        for sheet in sorted(by_sheet):
            if sheet not in self.sheets:
                continue
            for (top, left), (bottom, right), matrix in colour_bands(by_sheet[sheet]):
                self._add("setRangeColors", [[["keep" if c is ... else _colour(c) for c in row] for row in matrix]],
                          sheet=sheet, top=top, left=left, rows=bottom - top + 1, columns=right - left + 1)

    # --- the user ---

    def alert(self, text: str, *, critical: bool = False) -> None:
        self._add("alert", [text, TITLE, "ok", "critical" if critical else "info", ""])

    def download(self, name: str, data: bytes, mime: str) -> None:
        """Hand `data` to the client as a file called `name` to save (the task pane's callback)."""
        self._add("runMacro", [DOWNLOAD, name, base64.b64encode(data).decode("ascii"), mime])
