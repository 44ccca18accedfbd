"""Carry a WorkbookEdit out on a register workbook's package, part by part: the one xlsx applier.

Only the parts the edit changes are rewritten; every other part is copied byte for byte. The applier keeps the
package's own invariants where the edit touches them (table ranges and their Total Rows, sheet dimensions,
quote-prefixed text, shared strings); workbook/xlsx/consistency.py keeps the rest when the book is saved (calcChain,
validation and format ranges) and finds the formulas a renamed table column breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from workbook.core.edit import (
    DATE_STYLE,
    VISIBLE,
    AddSheet,
    FINDING_NOTE,
    GUIDANCE_NOTE,
    AppendRows,
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
from workbook.xlsx.book import Book
from workbook.xlsx.consistency import broken_references, lift_totals, restore_totals
from workbook.xlsx.notes import FINDINGS_AUTHOR
from workbook.xlsx.result_parts import summary_sheet, validation_sheet
from workbook.xlsx.package import MAIN_NS, M, REL_COMMENTS, REL_NS, WORKBOOK_PART
from workbook.xlsx.shared_text import SharedText, share_cells
from workbook.xlsx.sheet_xml import FormulaRefused, cell_xml, clear_value, move_value, set_value, split_ref
from workbook.xlsx.styles import fill_from_spec, fill_spec, is_our_fill, solid_fill, text_style

AUTHOR = FINDINGS_AUTHOR
# Who signs each owner's notes: riskreg's guidance notes sign "riskreg" (as on Lists!A1), never taken for findings.
NOTE_AUTHORS = {FINDING_NOTE: FINDINGS_AUTHOR, GUIDANCE_NOTE: NOTE_AUTHOR}
NOTE_SIZE = (420, 160)  # width, height in pixels: long enough for two messages without scrolling
DATE_FORMAT = "dd/mm/yyyy"
NUMBER_FORMATS = {DATE_STYLE: DATE_FORMAT}  # each named style of a plan, as this medium formats it
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's sheet size
REL_TABLE = f"{REL_NS}/table"


def store_value(book: Book, sheet: str, row: int, column: int, value: object, number_format: str | None = None) -> str:
    """Write `value` into one cell, keeping its format; text that Excel would read as a formula stays text."""
    cells = book.cells(sheet)
    cell = cells.cell(row, column)
    style = text_style(book.styles, int(cell.get("s") or 0), value)
    if number_format and isinstance(value, (dt.date, dt.datetime)):
        style = book.styles.derive(style, numFmt=number_format)
    if style:
        cell.set("s", str(style))
    set_value(cell, value)
    return f"{sheet}!{column_letter(column)}{row}"


def _tables(book: Book, sheet: str) -> dict[str, tuple[str, etree._Element]]:
    """Return table name -> (table part, its XML) for the tables on `sheet`."""
    part = book.part(sheet)
    found = {}
    for _, target in book.package.related(part, REL_TABLE):
        root = book.package.xml(target)
        found[root.get("name") or root.get("displayName") or ""] = (target, root)
    return found


# ---- findings: the Validation sheet and marked cells --------------------------------------------------------

def cell_at(book: Book, address: str) -> tuple[str, int, int] | None:
    """Return (sheet, row, column) of a finding's cell that can take a mark, else None."""
    try:
        sheet, row, column = split_address(address)
    except ValueError:
        return None
    if sheet not in book.sheetnames or not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
        return None
    if _merged_away(book, sheet, row, column):
        return None  # a cell hidden under a merge takes no fill or note; the Validation sheet still lists it
    return sheet, row, column


def _merged_away(book: Book, sheet: str, row: int, column: int) -> bool:
    merges = book.package.xml(book.part(sheet)).find(f"{M}mergeCells")
    for merge in merges if merges is not None else ():
        first, _, last = merge.get("ref", "").partition(":")
        if not last:
            continue
        (top, left), (bottom, right) = split_ref(first), split_ref(last)
        if top <= row <= bottom and left <= column <= right and (row, column) != (top, left):
            return True
    return False


def _previous_marks(book: Book) -> dict[str, str]:
    """Return cell address -> fill before riskreg marked it, from the previous Validation sheet."""
    if VALIDATION_SHEET not in book.sheetnames:
        return {}
    return previous_marks(book.grid(VALIDATION_SHEET))


def set_fill(book: Book, sheet: str, row: int, column: int, fill) -> None:
    cell = book.cells(sheet).cell(row, column)
    cell.set("s", str(book.styles.derive(int(cell.get("s") or 0), fill=fill)))


def clear_marks(book: Book) -> list[str]:
    """Undo the previous run's highlights and notes (only where they are still riskreg's); return the cells."""
    cleared = []
    for address, spec in _previous_marks(book).items():
        place = cell_at(book, address)
        if place is None:
            continue
        sheet, row, column = place
        if is_our_fill(book.styles.fill(book.cells(sheet, edit=False).style(row, column))):
            set_fill(book, sheet, row, column, fill_from_spec(spec))
        cleared.append(address)
    # Notes signed by riskreg are ours even when the Validation sheet that listed them was deleted.
    for sheet in book.sheetnames:
        part = book.part(sheet)
        if sheet in (VALIDATION_SHEET, SUMMARY_SHEET) or not book.package.related(part, REL_COMMENTS):
            continue
        notes = book.notes(sheet)
        notes.remove(notes.findings())
    return cleared


def mark_cells(book: Book, findings: Sequence[Finding]) -> dict[str, str]:
    """Fill each finding's cell by its worst severity and attach a note; return address -> fill before."""
    by_cell: dict[str, list[Finding]] = {}
    for finding in findings:
        by_cell.setdefault(finding.cell, []).append(finding)
    before: dict[str, str] = {}
    notes: dict[str, dict[str, str]] = {}
    for address, found in by_cell.items():
        place = cell_at(book, address)
        if place is None:
            continue
        sheet, row, column = place
        before[address] = fill_spec(book.styles.fill(book.cells(sheet, edit=False).style(row, column)))
        if before[address] != "other":  # a patterned fill could not be put back: the note alone marks it
            set_fill(book, sheet, row, column, solid_fill(SEVERITY_FILLS[worst(found) or "error"]))
        ref = f"{column_letter(column)}{row}"
        # A note the user wrote stays: the Validation sheet still lists the finding.
        if ref not in book.notes(sheet).authors():
            notes.setdefault(sheet, {})[ref] = note_text(found)
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
    data = "".join(f'<row r="{number}">' + "".join(cell_xml(f"{column_letter(column)}{number}", value)
                                                   for column, value in enumerate(values, start=1)) + "</row>"
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
    return [f"{name}!{column_letter(column)}{row}" for row, values in enumerate(grid, start=1)
            for column, value in enumerate(values, start=1) if value not in (None, "")]


def _append(book: Book, append: AppendRows) -> list[str]:
    """Carry out one AppendRows; return the cells written."""
    if not append.rows and not append.new_headers:
        return []
    positions = dict(append.positions)
    rows = [dict(row) for row in append.rows]
    shared = SharedText(book) if append.shared_text else None  # each text once in the workbook, however many rows
    if shared is not None:
        rows = [{key: shared.of(value) if isinstance(value, str) and value else value for key, value in row.items()}
                for row in rows]
    written = _append_rows(book, append, positions, rows, shared)
    if shared is not None:
        shared.save()
    return written


def _append_rows(book: Book, append: AppendRows, positions: dict[str, int], rows: list[dict[str, object]],
                 shared: SharedText | None) -> list[str]:
    if append.sheet not in book.sheetnames:
        if not append.create_headers:
            raise RegisterFormatError(f"no sheet named '{append.sheet}', so its rows cannot be added. Add it (copy it "
                                      "from a workbook made by `riskreg new`).")
        by_column = {column: key for key, column in positions.items()}
        width = max(max(positions.values(), default=0), len(append.create_headers))
        header_row: list[object] = [shared.of(header) if shared is not None else header
                                    for header in append.create_headers]
        grid: list[list[object]] = [header_row,
                                    *[[row.get(by_column.get(column, ""), None) for column in range(1, width + 1)]
                                      for row in rows]]
        return _add_filled_sheet(book, append.sheet, grid, append.create_state)
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


def _share(book: Book, shares: Sequence[ShareText]) -> None:
    """Turn the text cells each ShareText names into references to the workbook's shared strings."""
    if not shares:
        return
    shared = SharedText(book)
    for share in shares:
        share_cells(book, shared, share.sheet, list(share.places))
    shared.save()


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
    written: list[str] = []
    for change in edit.cells:
        if isinstance(change, SetCell):
            number_format = NUMBER_FORMATS[change.style] if change.style else None
            written.append(store_value(book, change.sheet, change.row, change.column, change.value, number_format))
            continue
        cells = book.cells(change.sheet)
        try:
            if isinstance(change, MoveCell):
                if change.column != change.to_column:  # onto itself: the value stays (a move would clear it first)
                    move_value(cells.cell(change.row, change.column), cells.cell(change.row, change.to_column))
            elif isinstance(change, ClearCell):
                clear_value(cells.cell(change.row, change.column))
        except FormulaRefused as refused:
            raise refused.at(book.path, change.sheet) from None
        written.append(change.address)
    _share(book, edit.share_texts)
    for append in edit.appends:
        written += _append(book, append)
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

