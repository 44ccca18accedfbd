"""Cell changes made on one row's bytes, as workbook/xlsx/sheet_xml.py makes them on its parsed XML.

A roll-over moves two trend cells and clears one on each of 10,000 Register rows, shares their texts, and brings
10,000 History rows up to date: parsing each row into elements, changing it cell by cell and writing it back costs
more than the rest of the command. A row laid out as riskreg and Excel write it (every cell numbered, holding only a
value: `<v>`, or plain inline text) is changed here as text instead, with the same result: each touched cell's
attributes in the order lxml leaves them, values written as `set_value` writes them, untouched cells as they were.
Anything else (a formula, rich text, a cell with more than a value, an attribute riskreg does not know) returns
None, and the caller changes the row through its parsed XML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from html import escape

from workbook.core.edit import CellChange, ClearCell, MoveCell, SetCell
from workbook.core.model import column_letter
from workbook.core.values import storable
from workbook.xlsx.sheet_xml import SharedString, column_number, excel_serial

_HEAD = re.compile(rb"<row\b[^>]*>")
# Every cell's start tag in a row, with its row number when its reference is its first attribute (else b"").
_CELL_START = re.compile(rb'<c(?=[\s/>])(?: r="[A-Z]+([0-9]+)")?')
_LETTERS = re.compile(rb'<c r="([A-Z]+)')
# A cell as riskreg and Excel write it: reference, then style, then type, each once, and nothing but a number or
# plain inline text inside (what _parse_cell accepts, read in one match; any other cell is read by _parse_cell).
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
                         rb'(?:/>|>(<v>[^<]*</v>|<is><t>[^<]*</t></is>|<is><t xml:space="preserve">[^<]*</t></is>)?'
                         rb'</c>)')
_ATTRIBUTE = re.compile(rb'\s+([\w:.-]+)="([^"]*)"')
_VALUE = re.compile(rb"<v>[^<]*</v>")
_ENTITY = re.compile(rb"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_ENTITIES = {b"amp": b"&", b"lt": b"<", b"gt": b">", b"quot": b'"', b"apos": b"'"}
_KNOWN = {b"r", b"s", b"t"}  # the attributes a cell may have to be changed here
_COLUMN_OF: dict[bytes, int] = {}  # column letters -> number, as rows are read
_LETTERS_OF: dict[int, bytes] = {}  # column number -> letters


class _Cell:
    """One cell the changes touch: its attributes in order and its content."""

    __slots__ = ("attributes", "inner", "column")

    def __init__(self, attributes: dict[bytes, bytes], inner: bytes, column: int):
        self.attributes, self.inner, self.column = attributes, inner, column

    def xml(self) -> bytes:
        head = b"<c" + b"".join([b' %s="%s"' % item for item in self.attributes.items()])
        return head + (b">" + self.inner + b"</c>" if self.inner else b"/>")


class _Row:
    """A row's bytes, with the cells the changes touch read out of them (found by their reference, never by reading
    every cell); new cells go after the row's last, or the row is left to the parsed XML."""

    def __init__(self, data: bytes, head: int, number: int):
        self.data, self.head, self.suffix = data, head, str(number).encode()
        self.touched: dict[int, tuple[int, int, _Cell]] = {}  # column -> (start, end) in `data`, the cell
        self.added: list[_Cell] = []  # cells put in after the last, in order
        self.last: int | None = None  # the column of the row's last cell, once a cell is added

    @classmethod
    def read(cls, data: bytes, number: int) -> _Row | None:
        """Return the row, or None when it is not laid out to be changed here."""
        head = _HEAD.match(data)
        if head is None or data[head.end() - 2:head.end()] == b"/>" or not data.endswith(b"</row>"):
            return None
        numbers = _CELL_START.findall(data, head.end())
        if numbers.count(str(number).encode()) != len(numbers):
            return None  # a cell that does not start with its own reference: read by the XML parser
        return cls(data, head.end(), number)

    def get(self, column: int) -> _Cell | None:
        """Return the cell at `column`, read (None when the row has none)."""
        found = self.touched.get(column)
        if found is not None:
            return found[2]
        for cell in self.added:
            if cell.column == column:
                return cell
        start = self.data.find(b'<c r="' + _letters(column) + self.suffix + b'"', self.head)
        if start < 0:
            return None
        plain = _PLAIN_CELL.match(self.data, start)
        if plain is not None:  # the way riskreg and Excel write a cell: read as _parse_cell reads it, in one match
            attributes = {b"r": plain.group(1)}
            if plain.group(2) is not None:
                attributes[b"s"] = plain.group(2)
            if plain.group(3) is not None:
                attributes[b"t"] = plain.group(3)
            cell, end = _Cell(attributes, plain.group(4) or b"", column), plain.end()
        else:
            cell, end = _parse_cell(self.data, start, column)
        self.touched[column] = (start, end, cell)
        return cell

    def add(self, cell: _Cell) -> None:
        """Put `cell` in after the row's last cell, before the first cell added to its right, as Cells.cell does (a
        cell left of the row's last is left to the parsed XML)."""
        if self.last is None:
            columns = [_COLUMN_OF.get(letters) or _column_number(letters)
                       for letters in _LETTERS.findall(self.data, self.head)]
            if any(left >= right for left, right in zip(columns, columns[1:])):
                raise _NotHere  # cells out of order: where a new one goes is the parsed XML's to say
            self.last = columns[-1] if columns else 0
        if cell.column < self.last:
            raise _NotHere
        later = [index for index, added in enumerate(self.added) if added.column > cell.column]
        self.added.insert(later[0] if later else len(self.added), cell)  # before the first to its right

    def has_inline_text(self) -> bool:
        if any(cell.attributes.get(b"t") == b"inlineStr" for *_, cell in self.touched.values()) or \
                any(cell.attributes.get(b"t") == b"inlineStr" for cell in self.added):
            return True
        position = self.head  # a cell not touched that holds inline text
        spans = sorted((start, end) for start, end, _ in self.touched.values())
        for start, end in [*spans, (len(self.data), len(self.data))]:
            if self.data.find(b't="inlineStr"', position, start) >= 0:
                return True
            position = end
        return False

    def xml(self) -> bytes:
        pieces, position = [], 0
        for start, end, cell in sorted(self.touched.values(), key=lambda found: found[0]):
            pieces += [self.data[position:start], cell.xml()]
            position = end
        close = len(self.data) - len(b"</row>")
        pieces += [self.data[position:close], *(cell.xml() for cell in self.added), b"</row>"]
        return b"".join(pieces)


class _NotHere(Exception):
    """The row holds a cell this module does not change: the caller changes the row through its parsed XML."""


def _parse_cell(data: bytes, start: int, column: int) -> tuple[_Cell, int]:
    """Return the cell whose start tag begins at `start` in the row's bytes `data`, attribute by attribute, and
    where it ends; raise _NotHere when it holds more than a value or an attribute riskreg does not know."""
    close = data.index(b">", start)
    if data[close - 1:close] == b"/":
        tag, inner, end = data[start + 2:close - 1], b"", close + 1
    else:
        end = data.find(b"</c>", close) + 4
        tag, inner = data[start + 2:close], data[close + 1:end - 4]
    attributes = dict(_ATTRIBUTE.findall(tag))
    if end < 4 or _ATTRIBUTE.sub(b"", tag).strip() or not set(attributes) <= _KNOWN:
        raise _NotHere
    if inner and _VALUE.fullmatch(inner) is None and _plain_text(inner) is None:
        raise _NotHere  # a formula, rich text or more than a value
    return _Cell(attributes, inner, column), end


def _column_number(letters: bytes) -> int:
    """Return the column number of `letters` (b'AB' -> 28), remembered."""
    number = _COLUMN_OF[letters] = column_number(letters.decode())
    return number


def _letters(column: int) -> bytes:
    """Return the column letters of `column`, remembered."""
    found = _LETTERS_OF.get(column)
    if found is None:
        found = _LETTERS_OF[column] = column_letter(column).encode()
    return found


def _plain_text(inner: bytes) -> bytes | None:
    """Return the XML of the plain inline text a cell's content `inner` holds (None when it holds other than that)."""
    if inner.startswith(b"<is><t>"):
        text = inner[7:-9]
    elif inner.startswith(b'<is><t xml:space="preserve">'):
        text = inner[28:-9]
    else:
        return None
    return text if inner.endswith(b"</t></is>") and b"<" not in text else None


def _unescape(match: re.Match) -> bytes:
    name = match.group(1)
    if name.startswith(b"#"):
        code = int(name[2:], 16) if name.startswith(b"#x") else int(name[1:])
        return chr(code).encode("utf-8", "surrogatepass")
    return _ENTITIES[name]


def _text(inner: bytes) -> str | None:
    """Return the plain inline text `inner` holds, as the parsed XML reads it (None when it is not plain inline text
    this reads the same way)."""
    raw = _plain_text(inner)
    if raw is None or b"\r" in raw:
        return None  # a carriage return typed in the file is read as a line feed: left to the XML parser
    if b"&" in raw:
        raw, found = _ENTITY.subn(_unescape, raw)
        if found != inner.count(b"&"):
            return None  # an ampersand that is no reference this reads
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return None


def _value(value: object) -> tuple[bytes | None, bytes] | None:
    """Return the `t` attribute and the content `set_value` gives a cell holding `value` (None: not done here)."""
    if isinstance(value, SharedString):
        return b"s", b"<v>%d</v>" % int(value)
    if isinstance(value, bool):
        return b"b", b"<v>1</v>" if value else b"<v>0</v>"
    if isinstance(value, (int, float)):
        return None, b"<v>" + (repr(value) if isinstance(value, float) else str(value)).encode() + b"</v>"
    if isinstance(value, (dt.date, dt.datetime)):
        return None, b"<v>" + str(excel_serial(value)).encode() + b"</v>"
    text = storable(str(value))
    if "\r" in text:
        return None  # the parsed XML writes it as &#13; (kept); left to it
    space = b' xml:space="preserve"' if text != text.strip() else b""
    # As lxml writes it: characters beyond ASCII as character references.
    return b"inlineStr", b"<is><t" + space + b">" + escape(text, quote=False).encode("ascii", "xmlcharrefreplace") + \
        b"</t></is>"


def edit_row(data: bytes, number: int, changes: Sequence[CellChange], shares: Sequence[int],
             style_for: Callable[[int, SetCell], int], share: Callable[[str], SharedString]) -> bytes | None:
    """Return row `number` (its XML `data`) with `changes` made in order and then the inline texts of the columns
    `shares` shared through `share`; `style_for(format, change)` gives a SetCell's cell format from the one it had.
    None when the row is not one to change here (nothing is changed then)."""
    row = _Row.read(data, number)
    if row is None:
        return None
    row_style = None
    if b'customFormat="1"' in data[:row.head]:
        styled = re.search(rb'\ss="(\d+)"', data[:row.head])
        row_style = styled.group(1) if styled else None

    def cell(column: int) -> _Cell:
        """The cell at `column`, created (empty, styled as its row) when missing, as Cells.cell does."""
        found = row.get(column)
        if found is None:
            attributes = {b"r": _letters(column) + row.suffix}
            if row_style:
                attributes[b"s"] = row_style
            found = _Cell(attributes, b"", column)
            row.add(found)
        return found

    try:
        for change in changes:
            if isinstance(change, SetCell):
                written = _value(change.value) if change.value not in (None, "") else (None, b"")
                if written is None:
                    return None
                target = cell(change.column)
                style = style_for(int(target.attributes.get(b"s") or 0), change)
                if style:
                    target.attributes[b"s"] = str(style).encode()
                _put(target, *written)
            elif isinstance(change, MoveCell):
                if change.column == change.to_column:
                    continue
                source, target = cell(change.column), cell(change.to_column)
                _put(target, source.attributes.get(b"t") or None, source.inner)
            elif isinstance(change, ClearCell):
                _put(cell(change.column), None, b"")
        if shares and not row.has_inline_text():
            shares = ()  # no inline text on the row (Excel keeps every text shared already), as share_row skips it
        for column in shares:
            found = cell(column)
            if found.attributes.get(b"t") != b"inlineStr":
                continue
            text = _text(found.inner) if found.inner else None
            if found.inner and text is None:
                return None
            if text:
                _put(found, b"s", b"<v>%d</v>" % int(share(text)))
    except _NotHere:
        return None
    return row.xml()


def _put(cell: _Cell, kind: bytes | None, inner: bytes) -> None:
    """Give `cell` the type `kind` and content `inner`, as clear_value then set_value leave its attributes."""
    cell.attributes.pop(b"t", None)
    if kind is not None:
        cell.attributes[b"t"] = kind
    cell.inner = inner
