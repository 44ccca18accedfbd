"""Read and write single cells of a worksheet part's XML, leaving every other row, cell and element as it was."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from lxml import etree

from workbook.core.errors import RegisterFormatError
from workbook.core.model import column_letter
from workbook.core.values import storable
from workbook.xlsx.package import M
from workbook.xlsx.rows import SheetRows

_ADDRESS = re.compile(r"([A-Z]+)(\d+)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
EPOCH = dt.datetime(1899, 12, 30)


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def split_ref(ref: str) -> tuple[int, int]:
    """Return (row, column) of an A1 reference."""
    match = _ADDRESS.fullmatch(ref.replace("$", ""))
    if match is None:
        raise ValueError(ref)
    return int(match.group(2)), column_number(match.group(1))


_COLUMNS: dict[str, int] = {}


def _column_of(ref: str) -> int:
    """Return the column number of a cell reference such as 'AB12' (letters looked up once each)."""
    letters = ref.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        number = _COLUMNS[letters] = column_number(letters.replace("$", ""))
    return number


def excel_serial(value: dt.date | dt.datetime) -> float | int:
    """Return the date as Excel's day number (1900 date system)."""
    if not isinstance(value, dt.datetime):
        return (dt.datetime(value.year, value.month, value.day) - EPOCH).days
    delta = value - EPOCH
    serial = delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400e6
    return int(serial) if float(serial).is_integer() else serial


class Cells:
    """The cells of one worksheet part: found by row and column, created in order when written. With `rows`
    (workbook/xlsx/rows.py) the part's rows are parsed one at a time, as they are asked for."""

    def __init__(self, root: etree._Element, rows: SheetRows | None = None):
        self.root = root
        self.data = root.find(f"{M}sheetData")
        self._rows: dict[int, etree._Element] | None = None
        self._cells: dict[int, dict[int, etree._Element]] = {}
        self._store = rows
        if rows is not None:
            rows.on_release = self._forget_row

    def _forget_row(self, number: int) -> None:
        """Drop what is known of row `number`'s cells: its element is gone back to bytes."""
        self._cells.pop(number, None)

    @property
    def rows(self) -> SheetRows | None:
        """The sheet's rows kept as bytes, when it is read one row at a time (None: parsed whole)."""
        return self._store

    def numbers(self) -> list[int]:
        """Return the numbers of the sheet's rows, in order."""
        return self._store.numbers() if self._store is not None else sorted(self._all_rows())

    def may_hold(self, number: int, text: bytes) -> bool:
        """Return whether row `number` may hold `text` in its XML: False lets a caller skip a row it would only
        read, without parsing it."""
        return self._store.may_hold(number, text) if self._store is not None else True

    def row(self, number: int) -> etree._Element | None:
        """Return the element of row `number` (None when the sheet has none)."""
        return self._store.get(number) if self._store is not None else self._all_rows().get(number)

    def _all_rows(self) -> dict[int, etree._Element]:
        """Return every row by number (a sheet parsed whole)."""
        if self._rows is None:
            self._rows = {}
            last = 0
            for row in self.data.iterfind(f"{M}row"):
                number = row.get("r")
                if number is None:
                    number = str(last + 1)
                    row.set("r", number)
                last = int(number)
                self._rows[last] = row
        return self._rows

    def row_cells(self, number: int) -> dict[int, etree._Element]:
        if number not in self._cells:
            cells, last = {}, 0
            row = self.row(number)
            for cell in row.iterfind(f"{M}c") if row is not None else ():
                ref = cell.get("r")
                if ref:
                    last = _column_of(ref)
                else:
                    last += 1
                    cell.set("r", f"{column_letter(last)}{number}")
                cells[last] = cell
            self._cells[number] = cells
        return self._cells[number]

    def get(self, row: int, column: int) -> etree._Element | None:
        return self.row_cells(row).get(column)

    def cell(self, row: int, column: int) -> etree._Element:
        """Return the cell element at (`row`, `column`), created (empty, styled as its row) when missing."""
        found = self.get(row, column)
        if found is not None:
            return found
        element = self.row(row)
        if element is None:
            element = self._insert_row(etree.Element(f"{M}row", r=str(row)), row)
        cells = self.row_cells(row)
        cell = etree.Element(f"{M}c", r=f"{column_letter(column)}{row}")
        if element.get("customFormat") == "1" and element.get("s"):
            cell.set("s", element.get("s"))
        later = [c for c in cells if c > column]
        if later:
            cells[min(later)].addprevious(cell)
        else:
            element.append(cell)
        cells[column] = cell
        return cell

    def take_row(self, number: int) -> etree._Element | None:
        """Remove row `number` from the sheet and return it (None when the sheet has no such row)."""
        if self._store is not None:
            self._cells.pop(number, None)
            return self._store.take(number)
        row = self._all_rows().pop(number, None)
        self._cells.pop(number, None)
        if row is not None:
            row.getparent().remove(row)
        return row

    def put_row(self, row: etree._Element, number: int) -> None:
        """Put `row` (taken with `take_row`) back as row `number`, its cells renumbered; the row must be free."""
        for cell in row.iterfind(f"{M}c"):
            ref = cell.get("r")
            if ref:
                cell.set("r", f"{ref.rstrip('0123456789')}{number}")
        row.set("r", str(number))
        self._insert_row(row, number)
        self._cells.pop(number, None)

    def _insert_row(self, row: etree._Element, number: int) -> etree._Element:
        """Put the row element `row` into sheetData in row order, as row `number`."""
        if self._store is not None:
            return self._store.add(number, row)
        rows = self._all_rows()
        later = [r for r in rows if r > number]
        if later:
            rows[min(later)].addprevious(row)
        else:
            self.data.append(row)
        rows[number] = row
        return row

    def last_row(self, columns) -> int:
        """Return the last row with a value in any of `columns` (1 when none below the header)."""
        columns = set(columns)
        for number in reversed(self.numbers()):
            if number <= 1:
                break
            if any(has_value(c) for col, c in self.row_cells(number).items() if col in columns):
                return number
        return 1

    def style(self, row: int, column: int) -> int:
        found = self.get(row, column)
        if found is not None:
            return int(found.get("s") or 0)
        element = self.row(row)
        if element is not None and element.get("customFormat") == "1":
            return int(element.get("s") or 0)
        return 0

    def restyle(self, row: int, column: int, change: Callable[[int], int | None]) -> int | None:
        """Give the cell at (`row`, `column`) the cell format `change(its format)` (None: leave it) without parsing
        its row, when the sheet's rows are kept as bytes; return the format it had, or None when that cannot be done
        (then use `cell`)."""
        if self._store is None:
            return None
        return self._store.restyle(row, f"{column_letter(column)}{row}", change)


def has_value(cell: etree._Element) -> bool:
    if cell.find(f"{M}f") is not None:
        return True
    if cell.get("t") == "inlineStr":
        return bool("".join(cell.find(f"{M}is").itertext()).strip()) if cell.find(f"{M}is") is not None else False
    value = cell.find(f"{M}v")
    return value is not None and value.text not in (None, "")


class FormulaRefused(RegisterFormatError):
    """A formula riskreg cannot move or clear; `at` names the file and sheet, which only the caller knows."""

    def __init__(self, cell: str, reason: str):
        super().__init__(f"cell {cell} {reason}")
        self.cell, self.reason = cell, reason

    def at(self, path: object, sheet: str) -> RegisterFormatError:
        return RegisterFormatError(f"{path}: cell {sheet}!{self.cell} {self.reason}")


def _formula(cell: etree._Element) -> etree._Element | None:
    return cell.find(f"{M}f")


def unshare(cell: etree._Element) -> None:
    """Before `cell` moves or is cleared: when it holds a shared formula (Excel's fill-down, stored once), turn the
    sheet's shared formulas into an ordinary formula in each cell, each as Excel reads it there (one pass over the
    sheet, done once); refuse a cell that is part of a multi-cell array formula, which Excel changes only whole."""
    formula = _formula(cell)
    if formula is None:
        return
    if formula.get("t") == "array":
        ref = formula.get("ref") or cell.get("r", "")
        first, _, last = ref.partition(":")
        if last and last != first:
            raise FormulaRefused(
                cell.get("r", ""), f"holds an array formula over {ref} (entered with Ctrl+Shift+Enter), which riskreg "
                f"cannot move or clear a part of, so nothing was written. Clear the array formula or enter it as an "
                f"ordinary formula in each cell, save, and run the command again.")
        return
    if formula.get("t") == "shared":
        _unshare_sheet(cell.getroottree().getroot(), cell)


def _unshare_sheet(root: etree._Element, cell: etree._Element) -> None:
    # openpyxl's formula tokenizer, imported only when a shared formula moves (openpyxl is slow to import)
    from openpyxl.formula.translate import Translator

    shared = [(c, f) for c in root.iter(f"{M}c") if (f := _formula(c)) is not None and f.get("t") == "shared"]
    masters = {f.get("si"): (f.text, c.get("r", "")) for c, f in shared if (f.text or "").strip()}
    missing = {f.get("si") for _, f in shared} - set(masters)
    if missing:
        raise FormulaRefused(
            cell.get("r", ""), "holds a shared formula whose first cell is missing, so riskreg cannot tell what it "
            "computes and nothing was written. Open the workbook in Excel, save it, and run the command again.")
    for member, element in shared:
        text, origin = masters[element.get("si")]
        element.text = Translator(f"={text}", origin).translate_formula(member.get("r", ""))[1:]
        for name in ("t", "si", "ref"):
            element.attrib.pop(name, None)


def clear_value(cell: etree._Element) -> None:
    """Empty the cell, keeping its style (a shared formula's other cells keep theirs)."""
    unshare(cell)
    for child in list(cell):
        if child.tag in (f"{M}v", f"{M}is", f"{M}f"):
            cell.remove(child)
    cell.attrib.pop("t", None)


class SharedString(int):
    """A cell value that is the index of a string in the workbook's shared strings (t="s")."""


def set_value(cell: etree._Element, value: object) -> None:
    """Store `value` (text as an inline string, numbers, booleans, dates as day numbers) in `cell`."""
    clear_value(cell)
    if value is None or value == "":
        return
    if isinstance(value, SharedString):
        cell.set("t", "s")
        etree.SubElement(cell, f"{M}v").text = str(int(value))
    elif isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, f"{M}v").text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        etree.SubElement(cell, f"{M}v").text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        etree.SubElement(cell, f"{M}v").text = str(excel_serial(value))
    else:
        text = storable(str(value))
        cell.set("t", "inlineStr")
        inline = etree.SubElement(etree.SubElement(cell, f"{M}is"), f"{M}t")
        inline.text = text
        if text != text.strip():
            inline.set(_XML_SPACE, "preserve")


def move_value(source: etree._Element | None, target: etree._Element) -> None:
    """Give `target` the value or formula `source` holds (a shared string stays a shared string); keep `target`'s
    style."""
    clear_value(target)
    if source is None:
        return
    unshare(source)  # a formula moves as Excel's cut and paste moves it: its text, naming the same cells
    if source.get("t"):
        target.set("t", source.get("t"))
    for child in source:
        if child.tag in (f"{M}f", f"{M}v", f"{M}is"):
            copy = etree.fromstring(etree.tostring(child))
            if copy.tag == f"{M}f" and copy.get("t") == "array":
                copy.set("ref", target.get("r", ""))  # a one-cell array formula: it covers its new cell
            target.append(copy)


def cell_xml(ref: str, value: object, style: int = 0) -> str:
    """Return the XML of one cell holding `value`, as `set_value` stores it (for rows appended as text)."""
    from html import escape  # not xml.sax.saxutils: it imports urllib.request (HTTP, e-mail, SSL)

    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{styled}/>'
    if isinstance(value, SharedString):
        return f'<c r="{ref}"{styled} t="s"><v>{int(value)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{styled}><v>{repr(value) if isinstance(value, float) else value}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        return f'<c r="{ref}"{styled}><v>{excel_serial(value)}</v></c>'
    text = storable(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escape(text, quote=False)}</t></is></c>'
