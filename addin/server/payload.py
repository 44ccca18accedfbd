"""What an xlwings client sends, checked and read straight into the core's layout: sheet name -> grid of values.

The payload is checked by a pydantic model (its shape) and by one pass over the cells (each a string, number, true
or false, or empty): anything else is a `BadPayload` naming the first wrong field, which the server answers with 400.
The pass turns the values into what the core reads from a live workbook: empty is None, ISO date-times are
datetimes, Excel's error values are None, each grid cut to the sheet's used range.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError

from addin.server.limits import Limits
from workbook.core.model import Register, column_letter
from workbook.core.schema import REGISTER_SHEET, REGISTER_TABLE

Grid = list[list[object]]
Scalar = StrictStr | StrictBool | StrictInt | StrictFloat | None

# Excel's add-in client sends a date as '2021-07-01T00:00:00.000Z' (xlwings' own pattern, anchored).
ISO_DATETIME = re.compile(r"^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9])"
                          r":([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$")
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!"})
RANGE = re.compile(r"^(?:.*!)?\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")


class BadPayload(Exception):
    """The request is not a workbook as xlwings' clients send it (400); the message is one line for the user."""


class TooMuch(Exception):
    """The request would make more work than this server allows (413); the message is one line for the user."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)


class TableIn(_Model):
    name: StrictStr
    range_address: StrictStr | None = None
    show_totals: StrictBool = False
    total_row_range_address: StrictStr | None = None


class SheetIn(_Model):
    name: StrictStr = Field(min_length=1, max_length=31)
    values: list[list[object]]  # cells are checked by `grids`, which names the cell
    tables: list[TableIn] = []
    used_range_address: StrictStr | None = None
    visibility: StrictStr | None = None
    notes: list[object] | None = None  # sent by an Office.js client that can take notes (ExcelApi 1.18)
    notes_supported: StrictBool | None = None


class BookIn(_Model):
    name: StrictStr = Field(min_length=1, max_length=255)
    active_sheet_index: StrictInt = 0


class PayloadIn(_Model):
    client: StrictStr
    version: StrictStr
    book: BookIn
    sheets: list[SheetIn]
    names: list[object]
    args: list[Scalar] | None = None


def _place(loc: tuple) -> str:
    """Return a field's place as the payload names it: ("sheets", 1, "name") is sheets[1].name."""
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else (f".{item}" if parts else str(item)))
    return "".join(parts) or "the request"


@dataclass(frozen=True)
class Workbook:
    """The client's workbook as the core reads it: its name, sheet names in order and each sheet's values."""

    name: str
    client: str
    version: str
    sheet_names: tuple[str, ...]
    args: tuple[object, ...]
    sheets: Mapping[str, SheetIn]
    cells: int = 0  # cells of values the client sent

    def grids(self, names: Iterable[str] | None = None) -> dict[str, Grid]:
        """Return sheet name -> grid of values for the sheets in `names` the workbook has (all by default)."""
        wanted = self.sheet_names if names is None else [n for n in names if n in self.sheets]
        return {name: grid_of(self.sheets[name]) for name in wanted}

    def totals_rows(self, sheet_name: str = REGISTER_SHEET, table_name: str = REGISTER_TABLE) -> tuple[int, ...]:
        """Return the sheet rows of a table's Total Row (none when it is hidden): the Register table's by default."""
        sheet = self.sheets.get(sheet_name)
        for table in sheet.tables if sheet else ():
            if table.name.casefold() == table_name.casefold():
                if not table.show_totals or not table.total_row_range_address:
                    return ()
                top, _, bottom, _ = bounds(table.total_row_range_address)
                return tuple(range(top, bottom + 1))
        return ()

    def takes_notes(self, sheet_name: str) -> bool:
        """Return whether the client can be asked to add a note to sheet `sheet_name` (as xlwings decides it)."""
        sheet = self.sheets.get(sheet_name)
        return (self.client == "Office.js" and sheet is not None and sheet.notes is not None
                and sheet.notes_supported is not False)

    def register(self, grids: Mapping[str, Grid] | None = None) -> Register:
        """Return the register the workbook holds; raise RegisterFormatError naming what to fix."""
        from workbook.core.layout import register_from_grids
        from workbook.core.result_sheets import REGISTER_SHEETS

        return register_from_grids(grids if grids is not None else self.grids(REGISTER_SHEETS), self.name,
                                   self.totals_rows())


def bounds(address: str) -> tuple[int, int, int, int]:
    """Return (top, left, bottom, right), 1-based, of an address such as 'Sheet1!A1:Q20' or 'B3'."""
    match = RANGE.match(address.replace("'", ""))
    if not match:
        raise BadPayload(f"The request names the range {address[:40]!r}, which is not a cell address: update the "
                         "add-in.")
    first, top, last, bottom = match.groups()
    left = column_number(first)
    return int(top), left, int(bottom or top), column_number(last) if last else left


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def cell_value(value: object, sheet: str, row: int, column: int) -> object:
    """Return one cell as the core reads it; raise BadPayload naming the cell when it is not a cell value."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if value in EXCEL_ERRORS:
            return None
        if len(value) >= 19 and value[4] == "-" and value[10] == "T" and ISO_DATETIME.match(value):
            return dt.datetime.fromisoformat(value[:19])
        return value
    if isinstance(value, int):  # bool too
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        problem = "a number that is not finite (NaN or infinity)"
    else:
        problem = "a JSON object or list, not a cell value" if isinstance(value, (dict, list)) else repr(value)
    raise BadPayload(f"The request is not a workbook as xlwings' clients send it: sheet {sheet!r} cell "
                     f"{column_letter(column)}{row} holds {problem}. Update the add-in.")


def grid_of(sheet: SheetIn) -> Grid:
    """Return the sheet's values from A1 to the end of its used range, as the core reads them."""
    rows = sheet.values
    height, width = len(rows), max((len(r) for r in rows), default=0)
    if sheet.used_range_address:
        _, _, height, width = bounds(sheet.used_range_address)
        height, width = min(height, len(rows)), min(width, max((len(r) for r in rows), default=0))
    name = sheet.name
    grid = []
    converted: dict[str, object] = {}  # each text the core reads otherwise (a date, an error value), converted once
    for r in range(height):
        line = rows[r][:width]
        # The common cells (plain text, whole and finite numbers) stay as they are; the rest go through cell_value.
        for c, v in enumerate(line):
            if type(v) is str:
                if v and v[10:11] != "T" and v[0] != "#":
                    continue
                if v not in converted:
                    converted[v] = None if v == "" else cell_value(v, name, r + 1, c + 1)
                line[c] = converted[v]
            elif type(v) is float:
                if v - v != 0:
                    line[c] = cell_value(v, name, r + 1, c + 1)  # raises: NaN or infinity
            elif type(v) is not int:
                line[c] = cell_value(v, name, r + 1, c + 1)
        if len(line) < width:
            line.extend([None] * (width - len(line)))
        grid.append(line)
    return grid


def read_payload(body: bytes, questions: list[str], limits: Limits) -> Workbook:
    """Return the workbook in the request `body`; raise BadPayload (400) or TooMuch (413) with one line."""
    try:
        model = PayloadIn.model_validate_json(body)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise BadPayload("The request is not the JSON an xlwings client sends: update the add-in.") from None
        if first["type"] == "model_type" and not first["loc"]:
            raise BadPayload("The request is not a workbook as xlwings' clients send it (a JSON object): update the "
                             "add-in.") from None
        where = _place(first["loc"])
        what = "is missing" if first["type"] == "missing" else f"is wrong: {first['msg'][0].lower()}{first['msg'][1:]}"
        raise BadPayload(f"The request is not a workbook as xlwings' clients send it: {where} {what}. Update the "
                         "add-in.") from None
    for sheet in model.sheets:
        if len(sheet.values) > limits.max_rows:
            raise TooMuch(f"Sheet {sheet.name!r} has {len(sheet.values):,} rows, more than this server takes "
                          f"({limits.max_rows:,}): remove the empty or stray rows at its end, or ask the server's "
                          "administrator to raise RISKREG_MAX_ROWS.")
    cells = sum(len(row) for sheet in model.sheets for row in sheet.values)
    if cells > limits.max_cells:
        raise TooMuch(f"The workbook has {cells:,} cells of values, more than this server takes at once "
                      f"({limits.max_cells:,}): ask its administrator to raise RISKREG_MAX_CELLS.")
    names = [sheet.name for sheet in model.sheets]
    if len(set(names)) != len(names):
        raise BadPayload("The request is not a workbook as xlwings' clients send it: two sheets have one name. "
                         "Update the add-in.")
    if model.version != XLWINGS_VERSION and model.client != "Office.js":
        raise BadPayload(f"The server could not use the request: Your xlwings version is different on the client "
                         f"({model.version[:20]}) and server ({XLWINGS_VERSION}).")
    args = tuple(model.args) if model.args is not None else tuple(query_value(v) for v in questions)
    return Workbook(model.book.name, model.client, model.version, tuple(names), args,
                    {sheet.name: sheet for sheet in model.sheets}, cells)


def query_value(text: str) -> object:
    """Return a URL argument as the script wants it: true/false as booleans, anything else as text."""
    return {"true": True, "false": False}.get(text.lower(), text)


def _xlwings_version() -> str:
    from importlib.metadata import version

    return version("xlwings")


XLWINGS_VERSION = _xlwings_version()
