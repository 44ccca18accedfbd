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
from typing import TYPE_CHECKING

# The batching and the values a plan leaves: one home, shared with the ribbon's live applier.
from addin.ribbon.live_io import (
    NUMBER_FORMATS,
    Place,
    appended_values,
    cell_values,
    colour_bands,
    created_rows,
    value_blocks,
)
from workbook.core.edit import VISIBLE, AppendRows, WorkbookEdit
from workbook.core.findings import split_address
from workbook.core.model import address, column_letter
from workbook.core.result_sheets import previous_marks, restored_fill
from workbook.core.schema import VALIDATION_SHEET
from workbook.core.values import looks_like_formula

if TYPE_CHECKING:
    from addin.server.payload import Grid, Workbook

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

    def resize_table(self, sheet: str, index: int, top: int, left: int, bottom: int, right: int) -> None:
        """Make the `index`-th table (0-based) of `sheet` cover rows top..bottom and columns left..right."""
        self._add("resizeTable", [index, f"${column_letter(left)}${top}:${column_letter(right)}${bottom}"],
                  sheet=sheet)

    def number_format(self, sheet: str, top: int, left: int, bottom: int, right: int, number_format: str) -> None:
        self._add("setNumberFormat", number_format, sheet=sheet, top=top, left=left, rows=bottom - top + 1,
                  columns=right - left + 1)

    def add_name(self, name: str, refers_to: str) -> None:
        self._add("namesAdd", [name, refers_to])

    def add_note(self, sheet: str, row: int, column: int, text: str) -> None:
        self._add("addNote", [f"${column_letter(column)}${row}", text], sheet=sheet)

    # --- the user ---

    def alert(self, text: str, *, critical: bool = False) -> None:
        self._add("alert", [text, TITLE, "ok", "critical" if critical else "info", ""])

    def download(self, name: str, data: bytes, mime: str) -> None:
        """Hand `data` to the client as a file called `name` to save (the task pane's callback)."""
        self._add("runMacro", [DOWNLOAD, name, base64.b64encode(data).decode("ascii"), mime])


# --- carrying out a WorkbookEdit (workbook/core/edit.py) as actions: the server's applier ------------------------

def apply_edit(answer: Answer, edit: WorkbookEdit, book: Workbook, grids: Mapping[str, Grid]) -> tuple[str, ...]:
    """Add to `answer` the actions that carry `edit` out on the client's workbook, whose values `grids` holds (the
    sheets the edit reads: those it changes, and the Validation sheet when it clears finding marks); return the
    address of every cell written. The values the client is left with are those the xlsx and live appliers leave.

    Renamed table columns need no action (Excel renames a column when its header cell is written), nor do shared
    texts (a store of the file's own, which a live Excel keeps for itself)."""
    if edit.clear_finding_marks:
        marks = previous_marks(grids.get(VALIDATION_SHEET))
        answer.paint({cell: restored_fill(spec) for cell, spec in marks.items()})
    for name in edit.remove_sheets:
        if name in answer.sheets:
            answer.delete_sheet(name)
    values, order, dated = cell_values(edit.cells, grids)
    created: list[tuple[AppendRows, Grid]] = []
    for append in edit.appends:
        if append.sheet in answer.sheets:
            order += _append(answer, append, book, grids.get(append.sheet, []), values, dated)
        elif append.rows or append.new_headers:
            created.append((append, created_rows(append)))  # refused before any action when it cannot be made
    _write(answer, values)
    for append, rows in created:
        order += _create(answer, append, rows)
    for style, places in dated.items():
        _format(answer, places, NUMBER_FORMATS[style])
    for sheet in edit.add_sheets:
        answer.replace_sheet(sheet.name, sheet.rows, after=sheet.after or answer.sheets[-1])
        if sheet.state != VISIBLE:
            answer.hide_sheet(sheet.name)  # Office.js can hide a sheet, not make it very hidden
    for defined in edit.names:
        answer.add_name(defined.name, defined.refers_to)
    for note in edit.cell_notes:  # a client that cannot take notes has the words elsewhere (the Validation sheet)
        if book.takes_notes(note.sheet):
            answer.add_note(note.sheet, note.row, note.column, note.text)
    return tuple(order)


def _write(answer: Answer, values: Mapping[Place, object]) -> None:
    """Write the changed cells, one action per rectangle of cells (no other cell is touched)."""
    by_sheet: dict[str, dict[tuple[int, int], object]] = defaultdict(dict)
    for (sheet, row, column), value in values.items():
        by_sheet[sheet][(row, column)] = value
    for sheet in sorted(by_sheet):
        for (top, left), rows in value_blocks(by_sheet[sheet]):
            answer.set_values(sheet, top, left, rows)


def _append(answer: Answer, append: AppendRows, book: Workbook, grid: Grid,
            values: dict[Place, object], dated: dict[str, list[Place]]) -> list[str]:
    """Put the rows of `append` below the sheet's last used row (of its columns) and grow its table over them."""
    last, written = appended_values(append, grid, values, dated)
    if append.table:
        _grow_table(answer, append, book, last)
    return written


def _grow_table(answer: Answer, append: AppendRows, book: Workbook, last_row: int) -> None:
    """Resize the table `append.table` down to `last_row` and across its new headers, as the client sent it."""
    from addin.server.payload import bounds

    sheet = book.sheets.get(append.sheet)
    for index, table in enumerate(sheet.tables if sheet else ()):
        if table.name.casefold() != str(append.table).casefold() or not table.range_address:
            continue
        top, left, bottom, right = bounds(table.range_address)
        wanted = (max(bottom, last_row), right + len(append.new_headers))
        if wanted != (bottom, right):
            answer.resize_table(append.sheet, index, top, left, *wanted)
        return


def _create(answer: Answer, append: AppendRows, rows: Grid) -> list[str]:
    """Add the sheet `append` creates after the last sheet (hidden unless visible) holding `rows` from A1."""
    answer.add_sheet(append.sheet, after=answer.sheets[-1])
    if append.create_state != VISIBLE:
        answer.hide_sheet(append.sheet)  # Office.js can hide a sheet, not make it very hidden
    width = max(len(row) for row in rows)
    answer.set_values(append.sheet, 1, 1, [row + [None] * (width - len(row)) for row in rows])
    return [address(append.sheet, r, c) for r, row in enumerate(rows, start=1)
            for c, value in enumerate(row, start=1) if value not in (None, "")]


def _format(answer: Answer, places: Sequence[Place], number_format: str) -> None:
    """Give `places` the number format, one action per run of cells in a column."""
    by_column: dict[tuple[str, int], list[int]] = defaultdict(list)
    for sheet, row, column in places:
        by_column[(sheet, column)].append(row)
    for (sheet, column), rows in sorted(by_column.items()):
        runs: list[list[int]] = []
        for row in sorted(set(rows)):
            if runs and row == runs[-1][1] + 1:
                runs[-1][1] = row
            else:
                runs.append([row, row])
        for first, last in runs:
            answer.number_format(sheet, first, column, last, column, number_format)
