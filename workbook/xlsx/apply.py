"""Carry a WorkbookEdit out on a register workbook's package, part by part: the one xlsx applier.

Only the parts the edit changes are rewritten; every other part is copied byte for byte. The applier keeps the
package's own invariants where the edit touches them (table ranges and their Total Rows, sheet dimensions,
quote-prefixed text, shared strings); workbook/xlsx/consistency.py keeps the rest when the book is saved (calcChain,
validation and format ranges) and finds the formulas a renamed table column breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from workbook.core.edit import (
    DATE_STYLE,
    VISIBLE,
    AddSheet,
    FINDING_NOTE,
    GUIDANCE_NOTE,
    AppendRows,
    CellChange,
    ClearCell,
    DefinedName,
    MoveCell,
    Note,
    RenameTableColumn,
    SetCell,
    ShareText,
    ValidationSheet,
    WorkbookEdit,
)
from workbook.core.errors import RegisterFormatError
from workbook.core.findings import NOTE_AUTHOR, SEVERITY_FILLS, Finding, note_text, split_address, worst
from workbook.core.model import column_letter
from workbook.core.result_sheets import previous_marks
from workbook.core.schema import SUMMARY_SHEET, VALIDATION_SHEET
from workbook.core.values import looks_like_formula
from workbook.xlsx.book import SHARED_STRINGS, Book
from workbook.xlsx.consistency import broken_references, lift_totals, restore_totals
from workbook.xlsx.notes import FINDINGS_AUTHOR
from workbook.xlsx.result_parts import summary_sheet, validation_sheet
from workbook.xlsx.package import MAIN_NS, M, REL_COMMENTS, REL_NS, WORKBOOK_PART
from workbook.xlsx.shared_text import SharedText, share_row
from workbook.xlsx.row_edit import edit_row
from workbook.xlsx.sheet_xml import Cells, FormulaRefused, SharedString, cell_xml, clear_value, move_value, set_value, split_ref
from workbook.xlsx.styles import fill_from_spec, fill_spec, is_our_fill, solid_fill, text_style

AUTHOR = FINDINGS_AUTHOR
# Who signs each owner's notes: riskreg's guidance notes sign "riskreg" (as on Lists!A1), never taken for findings.
NOTE_AUTHORS = {FINDING_NOTE: FINDINGS_AUTHOR, GUIDANCE_NOTE: NOTE_AUTHOR}
NOTE_SIZE = (420, 160)  # width, height in pixels: long enough for two messages without scrolling
DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMATS = {DATE_STYLE: DATE_FORMAT}  # each named style of a plan, as this medium formats it
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's sheet size
REL_TABLE = f"{REL_NS}/table"


def store_value(book: Book, sheet: str, row: int, column: int, value: object, number_format: str | None = None,
                formats: dict[tuple[int, str | None, bool], int] | None = None, cells: Cells | None = None) -> str:
    """Write `value` into one cell, keeping its format; text that Excel would read as a formula stays text.
    `formats` keeps the formats already worked out (format, date format, quoted -> format) across calls."""
    cell = (cells if cells is not None else book.cells(sheet)).cell(row, column)
    style = _format(book, int(cell.get("s") or 0), value, number_format, formats)
    if style:
        cell.set("s", str(style))
    set_value(cell, value)
    return f"{sheet}!{column_letter(column)}{row}"


def _format(book: Book, base: int, value: object, number_format: str | None,
            formats: dict[tuple[int, str | None, bool], int] | None) -> int:
    """Return the cell format for `value` written into a cell formatted `base` (dates in `number_format`)."""
    dated = number_format if number_format and isinstance(value, (dt.date, dt.datetime)) else None
    key = (base, dated, looks_like_formula(value))
    style = formats.get(key) if formats is not None else None
    if style is None:
        style = text_style(book.styles, base, value)
        if dated:
            style = book.styles.derive(style, numFmt=dated)
        if formats is not None:
            formats[key] = style
    return style


def _tables(book: Book, sheet: str) -> dict[str, tuple[str, etree._Element]]:
    """Return table name -> (table part, its XML) for the tables on `sheet`."""
    part = book.part(sheet)
    found = {}
    for _, target in book.package.related(part, REL_TABLE):
        root = book.package.xml(target)
        found[root.get("name") or root.get("displayName") or ""] = (target, root)
    return found


# ---- findings: the Validation sheet and marked cells --------------------------------------------------------

Merges = dict[str, list[tuple[int, int, int, int]]]  # sheet -> its merged ranges (top, left, bottom, right)


def cell_at(book: Book, address: str, merges: Merges | None = None) -> tuple[str, int, int] | None:
    """Return (sheet, row, column) of a finding's cell that can take a mark, else None. `merges` keeps each sheet's
    merged ranges once read (a run marks thousands of cells)."""
    try:
        sheet, row, column = split_address(address)
    except ValueError:
        return None
    if sheet not in book.sheetnames or not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
        return None
    if _merged_away(book, sheet, row, column, {} if merges is None else merges):
        return None  # a cell hidden under a merge takes no fill or note; the Validation sheet still lists it
    return sheet, row, column


def _merged_away(book: Book, sheet: str, row: int, column: int, merges: Merges) -> bool:
    if sheet not in merges:
        merges[sheet] = []
        found = book.package.xml(book.part(sheet)).find(f"{M}mergeCells")
        for merge in found if found is not None else ():
            first, _, last = merge.get("ref", "").partition(":")
            if last:
                merges[sheet].append((*split_ref(first), *split_ref(last)))
    return any(top <= row <= bottom and left <= column <= right and (row, column) != (top, left)
               for top, left, bottom, right in merges[sheet])


def _previous_marks(book: Book) -> dict[str, str]:
    """Return cell address -> fill before riskreg marked it, from the previous Validation sheet."""
    if VALIDATION_SHEET not in book.sheetnames:
        return {}
    return previous_marks(book.grid(VALIDATION_SHEET))


def set_fill(book: Book, sheet: str, row: int, column: int, fill) -> None:
    cell = book.cells(sheet).cell(row, column)
    cell.set("s", str(book.styles.derive(int(cell.get("s") or 0), fill=fill)))


def _restyle(book: Book, sheet: str, row: int, column: int, change: Callable[[int], int | None]) -> int:
    """Give a cell the format `change(its format)` (None: leave it as it is); return the format it had. The row's
    bytes are edited where they can be, so marking thousands of cells parses none of their rows."""
    changed = []

    def recorded(style: int) -> int | None:
        after = change(style)
        if after is not None:
            changed.append(after)
        return after

    before = book.cells(sheet, edit=False).restyle(row, column, recorded)
    if before is None:  # the row is parsed now, or its cell is not found in its bytes
        before = book.cells(sheet, edit=False).style(row, column)
        after = change(before)
        if after is not None:
            book.cells(sheet).cell(row, column).set("s", str(after))
    elif changed:
        book.cells(sheet)  # the sheet's part is written back
    return before


def clear_marks(book: Book) -> list[str]:
    """Undo the previous run's highlights and notes (only where they are still riskreg's); return the cells."""
    cleared = []
    merges: Merges = {}
    for address, spec in _previous_marks(book).items():
        place = cell_at(book, address, merges)
        if place is None:
            continue

        def unmark(style: int, spec: str = spec) -> int | None:
            return book.styles.derive(style, fill=fill_from_spec(spec)) if is_our_fill(book.styles.fill(style)) \
                else None

        _restyle(book, *place, unmark)
        cleared.append(address)
    # Notes signed by riskreg are ours even when the Validation sheet that listed them was deleted.
    for sheet in book.sheetnames:
        part = book.part(sheet)
        if sheet in (VALIDATION_SHEET, SUMMARY_SHEET) or not book.package.related(part, REL_COMMENTS):
            continue
        notes = book.notes(sheet)
        notes.remove(notes.findings())
    return cleared


def _always(style: int) -> Callable[[int], int | None]:
    """Return a format change that gives every cell `style`."""
    return lambda _: style


def mark_cells(book: Book, findings: Sequence[Finding]) -> dict[str, str]:
    """Fill each finding's cell by its worst severity and attach a note; return address -> fill before."""
    by_cell: dict[str, list[Finding]] = {}
    for finding in findings:
        by_cell.setdefault(finding.cell, []).append(finding)
    merges: Merges = {}
    places = {address: place for address in by_cell if (place := cell_at(book, address, merges)) is not None}
    # The cells' formats read row by row (each row once, however many of its cells the findings name) ...
    current = {place: _restyle(book, *place, lambda style: None) for place in sorted(set(places.values()))}
    # ... the new ones worked out in the findings' order (so the workbook's formats are added in that order) ...
    before: dict[str, str] = {}
    spec_of: dict[int, str] = {}  # cell format -> its fill, as the Validation sheet keeps it
    marked: dict[tuple[int, str], int] = {}  # (cell format, severity) -> the format with that severity's fill
    final: dict[tuple[str, int, int], int] = {}
    for address, place in places.items():
        style = current[place]
        if style not in spec_of:
            spec_of[style] = fill_spec(book.styles.fill(style))
        before[address] = spec_of[style]
        if before[address] != "other":  # a patterned fill could not be put back: the note alone marks it
            key = (style, worst(by_cell[address]) or "error")
            if key not in marked:
                marked[key] = book.styles.derive(key[0], fill=solid_fill(SEVERITY_FILLS[key[1]]))
            final[place] = current[place] = marked[key]
    # ... and set row by row again.
    for place, style in sorted(final.items()):
        _restyle(book, *place, _always(style))
    notes: dict[str, dict[str, str]] = {}
    authors: dict[str, dict[str, str]] = {}  # sheet -> its notes' authors, before this run's notes
    for address, (sheet, row, column) in places.items():
        if sheet not in authors:
            authors[sheet] = book.notes(sheet).authors()
        ref = f"{column_letter(column)}{row}"
        # A note the user wrote stays: the Validation sheet still lists the finding.
        if ref not in authors[sheet]:
            notes.setdefault(sheet, {})[ref] = note_text(by_cell[address])
    for sheet, texts in notes.items():
        book.notes(sheet).add(texts, AUTHOR, NOTE_SIZE)
    return before


def _validate(book: Book, validation: ValidationSheet, cleared: Sequence[str]) -> list[str]:
    """Mark the findings' cells and rebuild the Validation sheet; return the cells cleared or marked, each once."""
    before = mark_cells(book, validation.findings)
    validation_sheet(book, validation.findings, validation.summary, before)
    return list(dict.fromkeys([*cleared, *before]))


def _extend_table(book: Book, sheet: str, name: str, last_row: int, headers: Sequence[str] = ()) -> None:
    """Grow table `name` on `sheet` down to `last_row` and across the `headers` added to its right (its filter
    with it)."""
    found = _tables(book, sheet).get(name)
    if found is None:
        return
    part, table = found
    first, _, last = table.get("ref", "").partition(":")
    (top, left), (bottom, right) = split_ref(first), split_ref(last or first)
    if last_row <= bottom and not headers:
        return
    columns = table.find(f"{M}tableColumns")
    for header in headers:
        right += 1
        if columns is not None:
            ids = [int(c.get("id") or 0) for c in columns]
            etree.SubElement(columns, f"{M}tableColumn", id=str(max(ids, default=0) + 1), name=header)
            columns.set("count", str(len(columns)))
    ref = f"{column_letter(left)}{top}:{column_letter(right)}{max(bottom, last_row)}"
    table.set("ref", ref)
    autofilter = table.find(f"{M}autoFilter")
    if autofilter is not None:
        autofilter.set("ref", ref)
    book.package.changed(part)


def append_rows(book: Book, sheet: str, positions: dict[str, int], rows: Sequence[dict[str, object]],
                table: str | None = None, number_formats: dict[str, str] | None = None,
                headers: Sequence[str] = ()) -> list[str]:
    """Append `rows` (column key -> value) below the sheet's last used row; return the cells written. `headers`
    are the columns just added to the right of `table`: it grows across them."""
    number_formats = number_formats or {}
    totals = lift_totals(book, sheet, table) if table and rows else None  # rows go above a Total Row
    spliced = splice_rows(book, sheet, positions, rows, number_formats) if rows else None
    if spliced is not None:
        last, written = spliced
    else:
        cells = book.cells(sheet)
        last = cells.last_row(positions.values())
        written = []
        for values in rows:
            last += 1
            for key, value in values.items():
                written.append(store_value(book, sheet, last, positions[key], value, number_formats.get(key)))
        _grow_dimension(cells.root, last, max(positions.values(), default=1))
    if table:
        _extend_table(book, sheet, table, last, headers)
    if totals:
        restore_totals(book, sheet, totals, last)
    return written


_LAST_ROW = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]+)\d+\"[^>]*?(?:/>|>(.*?)</c>)", re.S)
_DIMENSION = re.compile(rb"<dimension ref=\"([A-Z]+\d+)(?::([A-Z]+\d+))?\"")


def splice_rows(book: Book, sheet: str, positions: dict[str, int], rows: Sequence[dict[str, object]],
                number_formats: dict[str, str]) -> tuple[int, list[str]] | None:
    """Append `rows` by inserting their XML before </sheetData>, without parsing the sheet (History grows by a
    quarter of rows each roll-over); return the last row and the cells written, or None when the sheet is not
    laid out as riskreg and Excel write it (then the caller edits the parsed sheet)."""
    part = book.part(sheet)
    if part in book.package._trees:
        return None
    data = book.package.read(part)
    end = data.rfind(b"</sheetData>")
    start = data.rfind(b"<row ", 0, end)
    if end < 0 or start < 0:
        return None
    found = _LAST_ROW.match(data, start)
    if found is None:
        return None
    last = int(found.group(1))
    columns = set(positions.values())
    used = any(split_ref(f"{c.group(1).decode()}1")[1] in columns and c.group(2) and
               (b"<v>" in c.group(2) and b"<v></v>" not in c.group(2) or b"<is>" in c.group(2) or b"<f" in c.group(2))
               for c in _CELL.finditer(data, start, end))
    if not used:
        return None  # blank rows at the end: the first empty row is further up
    styles: dict[tuple[str, bool], int] = {}
    pieces, written = [], []
    for values in rows:
        last += 1
        cells = []
        for key in sorted(values, key=lambda k: positions[k]):
            value, column = values[key], positions[key]
            ref = f"{column_letter(column)}{last}"
            style = 0
            dated = isinstance(value, (dt.date, dt.datetime)) and key in number_formats
            quoted = looks_like_formula(value)
            if dated or quoted:
                style_key = (number_formats.get(key, "") if dated else "", quoted)
                if style_key not in styles:
                    base = book.styles.derive(0, numFmt=style_key[0]) if dated else 0
                    styles[style_key] = text_style(book.styles, base, value)
                style = styles[style_key]
            cells.append(cell_xml(ref, value, style))
            written.append(f"{sheet}!{ref}")
        pieces.append(f'<row r="{last}">{"".join(cells)}</row>'.encode())
    text = data[:end] + b"".join(pieces) + data[end:]
    book.package.put(part, _DIMENSION.sub(lambda m: _grown(m, last, max(columns, default=1)), text, count=1))
    return last, written


def _grown(match: re.Match, last_row: int, last_column: int) -> bytes:
    first, last = match.group(1).decode(), (match.group(2) or match.group(1)).decode()
    (top, left), (bottom, right) = split_ref(first), split_ref(last)
    return f'<dimension ref="{column_letter(left)}{top}:{column_letter(max(right, last_column))}' \
           f'{max(bottom, last_row)}"'.encode()


def _grow_dimension(root: etree._Element, last_row: int, last_column: int) -> None:
    dimension = root.find(f"{M}dimension")
    if dimension is None:
        return
    first, _, last = dimension.get("ref", "A1").partition(":")
    try:
        (top, left), (bottom, right) = split_ref(first), split_ref(last or first)
    except ValueError:
        return
    bottom, right = max(bottom, last_row), max(right, last_column)
    dimension.set("ref", f"{column_letter(left)}{top}:{column_letter(right)}{bottom}")


def _add_filled_sheet(book: Book, name: str, grid: Sequence[Sequence[object]], state: str) -> list[str]:
    """Add sheet `name` after the last, holding `grid` from A1 (shown as `state` says); return the cells written."""
    width = max((len(row) for row in grid), default=1)
    # Joined as text and parsed once: a first roll-over of 10,000 risks writes some 60,000 rows to the Record sheet.
    # Each column's letters found once; a shared text (every cell of the Record sheet) written as cell_xml writes it.
    letters = [column_letter(column) for column in range(1, width + 1)]
    data = "".join(f'<row r="{number}">' + "".join(
        f'<c r="{letter}{number}" t="s"><v>{int(value)}</v></c>' if type(value) is SharedString
        else cell_xml(f"{letter}{number}", value) for letter, value in zip(letters, values)) + "</row>"
        for number, values in enumerate(grid, start=1))
    # Put in as bytes, never parsed: nothing else on the new sheet is edited.
    part = book.package.add_sheet(name, len(book.sheetnames), etree.Element(f"{M}worksheet", nsmap={None: MAIN_NS}))
    book.package.put(part, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
                           f'<dimension ref="A1:{column_letter(width)}{len(grid)}"/><sheetData>{data}</sheetData>'
                           '</worksheet>'.encode())
    if state != VISIBLE:
        for sheet in book.package.xml(WORKBOOK_PART).iter(f"{M}sheet"):
            if sheet.get("name") == name:
                sheet.set("state", state)
    at = [f"{name}!{letter}" for letter in letters]
    return [f"{at[column]}{row}" for row, values in enumerate(grid, start=1)
            for column, value in enumerate(values) if value not in (None, "")]


def _append(book: Book, append: AppendRows, texts: _Texts) -> list[str]:
    """Carry out one AppendRows; return the cells written."""
    if not append.rows and not append.new_headers:
        return []
    positions = dict(append.positions)
    shared = texts.get() if append.shared_text else None  # each text once in the workbook, however many rows
    if append.sheet not in book.sheetnames:
        written = _append_sheet(book, append, positions, shared)
    elif shared is None:
        written = _append_rows(book, append, positions, [dict(row) for row in append.rows])
    else:
        of = shared.of
        written = _append_rows(book, append, positions, [
            {key: of(value) if isinstance(value, str) and value else value for key, value in dict(row).items()}
            for row in append.rows])
    if shared is not None:
        shared.hold()
    return written


def _append_sheet(book: Book, append: AppendRows, positions: dict[str, int], shared: SharedText | None) -> list[str]:
    """Add the sheet `append` names, its headers in the first row and its rows below (a first roll-over makes a
    Record sheet of some 60,000 rows: each row read straight into its cells)."""
    if not append.create_headers:
        raise RegisterFormatError(f"no sheet named '{append.sheet}', so its rows cannot be added. Add it (copy it "
                                  "from a workbook made by `riskreg new`).")
    by_column = {column: key for key, column in positions.items()}
    width = max(max(positions.values(), default=0), len(append.create_headers))
    keys = [by_column.get(column, "") for column in range(1, width + 1)]  # "": no column of the rows there
    if shared is None:
        rows = [[row.get(key) for key in keys] for row in append.rows]
        header_row: list[object] = list(append.create_headers)
    else:
        of = shared.of
        rows = [[of(value) if isinstance(value, str) and value else value for value in map(row.get, keys)]
                for row in append.rows]
        header_row = [of(header) for header in append.create_headers]
    return _add_filled_sheet(book, append.sheet, [header_row, *rows], append.create_state)


def _append_rows(book: Book, append: AppendRows, positions: dict[str, int], rows: list[dict[str, object]]) -> list[str]:
    formats = {key: NUMBER_FORMATS[style] for key, style in append.styles.items()}
    return append_rows(book, append.sheet, positions, rows, append.table, formats, append.new_headers)


def _column_names(book: Book, sheet: str, name: str) -> list[str]:
    found = _tables(book, sheet).get(name)
    columns = found[1].find(f"{M}tableColumns") if found is not None else None
    return [column.get("name", "") for column in columns] if columns is not None else []


def _rename(book: Book, rename: RenameTableColumn) -> None:
    """Rename the table column at the sheet column `rename.column`."""
    found = _tables(book, rename.sheet).get(rename.table)
    if found is None:
        return
    part, table = found
    columns = table.find(f"{M}tableColumns")
    left = split_ref(table.get("ref", "A1").partition(":")[0])[1]
    if columns is not None and 0 <= rename.column - left < len(columns):
        columns[rename.column - left].set("name", rename.name)
        book.package.changed(part)


def _renames(book: Book, renames: Sequence[RenameTableColumn]) -> list[str]:
    """Carry out the renames; return a sentence for each user's formula that names a column no longer there."""
    tables = list(dict.fromkeys((rename.sheet, rename.table) for rename in renames))
    before = {table: _column_names(book, *table) for table in tables}
    for rename in renames:
        _rename(book, rename)
    broken: list[str] = []
    for sheet, name in tables:
        if before[(sheet, name)]:
            broken += broken_references(book.package, dict(book.package.sheets()), sheet, name,
                                        before[(sheet, name)], _column_names(book, sheet, name))
    return broken


class _Texts:
    """The workbook's shared strings for one edit, read when a step first shares a text (then kept for the others),
    saved once when the cell changes and the appended rows are made."""

    def __init__(self, book: Book):
        self.book = book
        self.shared: SharedText | None = None

    def get(self) -> SharedText:
        if self.shared is None:
            self.shared = SharedText(self.book)
        return self.shared

    def save(self) -> None:
        """Write the strings the steps added (if any) into the workbook."""
        if self.shared is not None:
            self.shared.save()


def _change_cells(book: Book, changes: Sequence[CellChange], shares: Sequence[ShareText], texts: _Texts) -> list[str]:
    """Make the cell changes, then turn the text cells each ShareText names into references to the workbook's shared
    strings; return the cells written, in the edit's order. Done row by row: a change reads and writes its own row
    only, so each row is parsed once, given its changes in order and its texts shared (a roll-over touches every
    Register row twice, and 10,000 rows of History)."""
    rows: dict[tuple[str, int], list[int]] = {}  # (sheet, row) -> the changes on it, by their place in `changes`
    for index, change in enumerate(changes):
        rows.setdefault((change.sheet, change.row), []).append(index)
    places: dict[tuple[str, int], list[int]] = {}  # (sheet, row) -> the columns whose text is shared
    for share in shares:
        for row, column in share.places:
            places.setdefault((share.sheet, row), []).append(column)
    shared = texts.get() if shares else None
    sheets: dict[str, Cells] = {}
    formats: dict[tuple[int, str | None, bool], int] = {}
    written: list[str] = [""] * len(changes)

    def style_for(base: int, change: SetCell) -> int:
        return _format(book, base, change.value, NUMBER_FORMATS[change.style] if change.style else None, formats)

    shared_of = shared.of if shared is not None else _no_sharing
    for (sheet, row), indexes in rows.items():
        cells = sheets.get(sheet) or sheets.setdefault(sheet, book.cells(sheet))
        columns = places.pop((sheet, row), []) if shared is not None else []
        if _change_row_bytes(cells, row, [changes[index] for index in indexes], columns, style_for, shared_of):
            for index in indexes:
                change = changes[index]
                written[index] = f"{sheet}!{column_letter(change.column)}{row}" if isinstance(change, SetCell) \
                    else change.address  # as store_value and _change_cell say them
            continue
        for index in indexes:
            written[index] = _change_cell(book, cells, changes[index], formats)
        if shared is not None and columns:
            share_row(book, shared, cells, row, columns)
    for (sheet, row), columns in places.items():  # rows with texts to share and no change
        assert shared is not None
        share_row(book, shared, sheets.get(sheet) or sheets.setdefault(sheet, book.cells(sheet)), row, columns)
    if shared is not None:
        shared.hold()  # its strings written once, when the rows are appended too
    return written


def _change_row_bytes(cells: Cells, row: int, changes: Sequence[CellChange], shares: Sequence[int],
                      style_for: Callable[[int, SetCell], int], share: Callable[[str], SharedString]) -> bool:
    """Make the changes and share the texts of one row on its bytes (workbook/xlsx/row_edit.py), when the sheet is
    read row by row and the row is laid out for it; return whether they were made (else nothing was changed)."""
    store = cells.rows
    data = store.raw(row) if store is not None else None
    if store is None or data is None:
        return False
    changed = edit_row(data, row, changes, shares, style_for, share)
    if changed is None:
        return False
    store.replace(row, changed)
    return True


def _no_sharing(text: str) -> SharedString:
    raise AssertionError("a row's texts shared with no shared strings to hold them")


def _change_cell(book: Book, cells: Cells, change: CellChange, formats: dict[tuple[int, str | None, bool], int]) -> str:
    """Make one cell change on `cells` (the cells of its sheet); return the cell written."""
    if isinstance(change, SetCell):
        number_format = NUMBER_FORMATS[change.style] if change.style else None
        return store_value(book, change.sheet, change.row, change.column, change.value, number_format, formats, cells)
    try:
        if isinstance(change, MoveCell):
            if change.column != change.to_column:  # onto itself: the value stays (a move would clear it first)
                move_value(cells.cell(change.row, change.column), cells.cell(change.row, change.to_column))
        elif isinstance(change, ClearCell):
            clear_value(cells.cell(change.row, change.column))
    except FormulaRefused as refused:
        raise refused.at(book.path, change.sheet) from None
    return change.address


def _remove_sheets(book: Book, names: Sequence[str]) -> tuple[str, ...]:
    removed = tuple(name for name in names if name in book.sheetnames)
    for name in removed:
        book.package.remove_sheet(name)
    return removed


@dataclass(frozen=True)
class Applied:
    """What carrying out an edit did: every cell written, in order, the sheets it removed, and a sentence for each
    user's formula a renamed table column broke."""

    cells: tuple[str, ...]
    removed_sheets: tuple[str, ...]
    notes: tuple[str, ...] = ()


def apply_edit(book: Book, edit: WorkbookEdit) -> Applied:
    """Carry `edit` out on the open workbook `book`."""
    cleared = clear_marks(book) if edit.clear_finding_marks else []
    removed = _remove_sheets(book, edit.remove_sheets)
    texts = _Texts(book)
    written = _change_cells(book, edit.cells, edit.share_texts, texts)
    growing = [append.sheet for append in edit.appends if append.rows or append.new_headers]
    _deflate_settled(book, edit, {change.sheet for change in edit.cells} |
                     {share.sheet for share in edit.share_texts} - set(growing))
    for append in edit.appends:
        written += _append(book, append, texts)
    texts.save()  # once, when the cells and rows have their strings: one copy of the part at the peak
    _deflate_settled(book, edit, growing, texts.shared is not None)
    broken = _renames(book, edit.renames)
    for sheet in edit.add_sheets:
        written += _add_sheet(book, sheet)
    if edit.table_sheets:
        from workbook.xlsx.table_sheet import add_table_sheet

        for table_sheet in edit.table_sheets:
            sheet_cells, lists = add_table_sheet(book, table_sheet)
            written += sheet_cells
            _set_names(book, lists)
    _set_names(book, edit.names)
    _add_notes(book, edit.cell_notes)
    if edit.validation is not None:
        written += _validate(book, edit.validation, cleared)
    if edit.summary is not None:
        summary_sheet(book, edit.summary.layout, edit.summary.colours)
    return Applied(tuple(written), removed, tuple(broken))


def _deflate_settled(book: Book, edit: WorkbookEdit, sheets: Iterable[str], shared_strings: bool = False) -> None:
    """Have the package deflate `sheets` (and the shared strings) now, beside the steps still to come, when none
    of those steps changes them again: marking findings restyles cells on any sheet, so not before it."""
    if edit.validation is not None:
        return
    parts = [book.part(sheet) for sheet in sheets if sheet in book.sheetnames]
    book.package.deflate_ahead([*parts, *([SHARED_STRINGS] if shared_strings else [])])


def _set_names(book: Book, names: Sequence[DefinedName]) -> None:
    """Set each workbook-level defined name (adding those the workbook lacks)."""
    if not names:
        return
    root = book.package.xml(WORKBOOK_PART)
    listing = root.find(f"{M}definedNames")
    if listing is None:
        listing = etree.Element(f"{M}definedNames")
        anchor = [child for child in root if etree.QName(child).localname in ("sheets", "functionGroups",
                                                                              "externalReferences")][-1]
        anchor.addnext(listing)
    existing = {element.get("name"): element for element in listing if element.get("localSheetId") is None}
    for name in names:
        element = existing.get(name.name)
        if element is None:
            element = etree.SubElement(listing, f"{M}definedName", name=name.name)
        element.text = name.refers_to
    book.package.changed(WORKBOOK_PART)


def _add_notes(book: Book, notes: Sequence[Note]) -> None:
    """Add each note, signed as its owner signs (a user's own note on the cell stays)."""
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for note in notes:
        ref = f"{column_letter(note.column)}{note.row}"
        if ref not in book.notes(note.sheet).authors():
            grouped.setdefault((note.sheet, note.owner), {})[ref] = note.text
    for (sheet, owner), texts in grouped.items():
        book.notes(sheet).add(texts, NOTE_AUTHORS[owner], NOTE_SIZE)


def _add_sheet(book: Book, sheet: AddSheet) -> list[str]:
    if sheet.name in book.sheetnames:
        if not sheet.replace:
            raise RegisterFormatError(f"the workbook already has a sheet named '{sheet.name}'. Rename that sheet and "
                                      "try again.")
        book.package.remove_sheet(sheet.name)
    return _add_filled_sheet(book, sheet.name, [list(row) for row in sheet.rows], sheet.state)

