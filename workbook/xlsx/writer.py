"""Write findings, trends, the Summary sheet and the quarter roll-over into a register workbook, part by part.

Only the parts a command changes are rewritten (the sheets whose cells it writes, the Validation and Summary sheets,
styles, notes, tables, the sheet list, relationships and content types); every other part is copied byte for byte,
so charts, pivot tables, slicers, pictures, macros and parts riskreg has never heard of stay as they were.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lxml import etree

from workbook.core.errors import RegisterFormatError
from workbook.core.findings import SEVERITY_FILLS, Finding, note_text, split_address, worst
from workbook.core.layout import read_settings
from workbook.core.model import Register, column_letter
from workbook.core.palette import WORKBOOK_HEADER_FILL
from workbook.core.periods import Period, parse_period
from workbook.core.result_sheets import (
    CELL_COLUMN,
    COUNTS_TITLE_ROW,
    MOVEMENT_HEADERS,
    MOVEMENT_WIDTHS,
    VALIDATION_HEADER_ROW,
    VALIDATION_HEADERS,
    VALIDATION_WIDTHS,
    previous_marks,
    summary_rows,
    validation_rows,
)
from workbook.core.ratings import rating_of
from workbook.core.rollover import RollPlan, check_next_period, plan_roll, record_columns
from workbook.core.schema import (
    HISTORY_SHEET,
    HISTORY_TABLE,
    REGISTER_SHEET,
    REGISTER_TABLE,
    SETTINGS_SHEET,
    SUMMARY_SHEET,
    RECORDED_TEXT_KEYS,
    TEXT_SHEET,
    TREND_KEYS,
    VALIDATION_SHEET,
    trend_header,
)
from workbook.core.trends import Movements, Refresh
from workbook.core.values import looks_like_formula
from workbook.core.words import plural
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.backup import Pruned, backup_register, backups_to_keep, discard_backup, prune_backups
from workbook.files.lock import held_as, one_writer
from workbook.xlsx.book import Book
from workbook.xlsx.consistency import broken_references, lift_totals, restore_totals
from workbook.xlsx.notes import FINDINGS_AUTHOR
from workbook.xlsx.package import MAIN_NS, M, REL_COMMENTS, REL_NS, WORKBOOK_PART
from workbook.xlsx.preserve import check_editable
from workbook.xlsx.sheet_xml import FormulaRefused, cell_xml, move_value, set_value, split_ref
from workbook.xlsx.reader import check_workbook_file, read_register
from workbook.xlsx.result_parts import SheetSpec, add_chart, add_results_sheet, bar_chart, worksheet
from workbook.xlsx.styles import fill_from_spec, fill_spec, font, is_our_fill, solid_fill

AUTHOR = FINDINGS_AUTHOR
# How the results sheets name their writer and how a listed cell is reached (hyperlinks and notes, in a file).
WRITTEN_BY = "riskreg"
GO_TO = "Click a cell address to go to it; the cell carries a note with the message."
HEADER_FILL = WORKBOOK_HEADER_FILL
LINK_COLOUR = "0563C1"
NOTE_SIZE = (420, 160)  # width, height in pixels: long enough for two messages without scrolling
CHART_SIZE_CM = (16, 8)
DATE_FORMAT = "dd/mm/yyyy"
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's sheet size
REL_TABLE = f"{REL_NS}/table"

T = TypeVar("T")


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the file written, the backup kept, the cells changed and what it left alone."""

    path: Path
    backup: Path | None
    cells: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())
    pruned: Pruned | None = None  # the older backups removed to keep the last N


# ---- opening and saving -------------------------------------------------------------------------------------

def _edit(path: Path | str, edit: Callable[[Book], T], output: Path | str | None = None,
          force: bool = False) -> tuple[T, Path, Path | None, Pruned | None]:
    """Open the workbook's package, apply `edit`, and save it (in place after a backup, or to `output`), holding
    the lock of the file written."""
    path = Path(path)
    target = Path(output) if output else path
    with one_writer(target):
        return _edit_locked(path, edit, target, output, force)


def _edit_locked(path: Path, edit: Callable[[Book], T], target: Path, output: Path | str | None,
                 force: bool) -> tuple[T, Path, Path | None, Pruned | None]:
    check_workbook_file(path)
    backup = None
    if output:
        check_writable(target, force=force)
    else:
        backup = backup_register(path)
    try:
        book = Book(path)
        check_editable(book)
        keep = backups_to_keep(read_settings(book.grid(SETTINGS_SHEET))[0].get("backups_keep")
                               if SETTINGS_SHEET in book.sheetnames else None)
        result = edit(book)
        with atomic_path(target, unchanged=held_as(path) if backup else None) as temp:  # the commit
            book.save(temp)
    except Exception:
        if backup is not None:
            discard_backup(backup)  # nothing was written, so there is nothing to go back to
        raise
    return result, target, backup, prune_backups(path, backup, keep) if backup else None


def _store(book: Book, sheet: str, row: int, column: int, value: object, number_format: str | None = None) -> str:
    """Write `value` into one cell, keeping its format; text that Excel would read as a formula stays text."""
    cells = book.cells(sheet)
    cell = cells.cell(row, column)
    style = int(cell.get("s") or 0)
    if looks_like_formula(value):
        style = book.styles.derive(style, quotePrefix=True)
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

def _cell_at(book: Book, address: str) -> tuple[str, int, int] | None:
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


def _set_fill(book: Book, sheet: str, row: int, column: int, fill) -> None:
    cell = book.cells(sheet).cell(row, column)
    cell.set("s", str(book.styles.derive(int(cell.get("s") or 0), fill=fill)))


def clear_marks(book: Book) -> list[str]:
    """Undo the previous run's highlights and notes (only where they are still riskreg's); return the cells."""
    cleared = []
    for address, spec in _previous_marks(book).items():
        place = _cell_at(book, address)
        if place is None:
            continue
        sheet, row, column = place
        if is_our_fill(book.styles.fill(book.cells(sheet, edit=False).style(row, column))):
            _set_fill(book, sheet, row, column, fill_from_spec(spec))
        cleared.append(address)
    # Notes signed by riskreg are ours even when the Validation sheet that listed them was deleted.
    for sheet in book.sheetnames:
        part = book.part(sheet)
        if sheet in (VALIDATION_SHEET, SUMMARY_SHEET) or not book.package.related(part, REL_COMMENTS):
            continue
        notes = book.notes(sheet)
        notes.remove(notes.findings())
    return cleared


def mark_cells(book: Book, findings: Iterable[Finding]) -> dict[str, str]:
    """Fill each finding's cell by its worst severity and attach a note; return address -> fill before."""
    by_cell: dict[str, list[Finding]] = {}
    for finding in findings:
        by_cell.setdefault(finding.cell, []).append(finding)
    before: dict[str, str] = {}
    notes: dict[str, dict[str, str]] = {}
    for address, found in by_cell.items():
        place = _cell_at(book, address)
        if place is None:
            continue
        sheet, row, column = place
        before[address] = fill_spec(book.styles.fill(book.cells(sheet, edit=False).style(row, column)))
        if before[address] != "other":  # a patterned fill could not be put back: the note alone marks it
            _set_fill(book, sheet, row, column, solid_fill(SEVERITY_FILLS[worst(found)]))
        ref = f"{column_letter(column)}{row}"
        # A note the user wrote stays: the Validation sheet still lists the finding.
        if ref not in book.notes(sheet).authors():
            notes.setdefault(sheet, {})[ref] = note_text(found)
    for sheet, texts in notes.items():
        book.notes(sheet).add(texts, AUTHOR, NOTE_SIZE)
    return before


def _replace_sheet(book: Book, name: str, after: str | None) -> int:
    """Remove riskreg's previous sheet `name`; return the position the new one takes."""
    names = book.sheetnames
    if name in names:
        index = names.index(name)
        book.package.remove_sheet(name)
        return index
    return names.index(after) + 1 if after in names else len(names)


def _header_style(book: Book) -> int:
    return book.styles.derive(0, font=font(bold=True, color="FFFFFF"), fill=solid_fill(HEADER_FILL),
                              alignment={"vertical": "center", "wrapText": "1"})


def _validation_sheet(book: Book, findings: Sequence[Finding], summary: str, before: dict[str, str]) -> None:
    styles = book.styles
    rows = validation_rows(findings, summary, before, WRITTEN_BY, dt.datetime.now(), GO_TO)
    spec = SheetSpec(rows, frozen_rows=VALIDATION_HEADER_ROW,
                     widths=dict(enumerate(VALIDATION_WIDTHS, start=1)),
                     hidden_columns={len(VALIDATION_HEADERS)},
                     tab_color={"error": "C00000", "warning": "FFC000"}.get(worst(findings) or "", "3A9D23"))
    spec.styles[(1, 1)] = styles.derive(0, font=font(bold=True, size=13))
    header = _header_style(book)
    for position in range(1, len(VALIDATION_HEADERS) + 1):
        spec.styles[(VALIDATION_HEADER_ROW, position)] = header
    wrap = styles.derive(0, alignment={"vertical": "top", "wrapText": "1"})
    link = styles.derive(wrap, font=font(underline=True, color=LINK_COLOUR))
    severity = {name: styles.derive(wrap, fill=solid_fill(colour)) for name, colour in SEVERITY_FILLS.items()}
    for row, finding in enumerate(findings, start=VALIDATION_HEADER_ROW + 1):
        for position in range(1, len(VALIDATION_HEADERS) + 1):
            spec.styles[(row, position)] = wrap
        spec.styles[(row, 1)] = severity.get(finding.severity, wrap)
        spec.styles[(row, CELL_COLUMN)] = link
        spec.links[(row, CELL_COLUMN)] = finding.cell
    last = VALIDATION_HEADER_ROW + max(len(findings), 1)
    spec.auto_filter = f"A{VALIDATION_HEADER_ROW}:{column_letter(len(VALIDATION_HEADERS))}{last}"
    index = _replace_sheet(book, VALIDATION_SHEET, after=REGISTER_SHEET)
    add_results_sheet(book.package, VALIDATION_SHEET, index, worksheet(spec, styles),
                      f"{VALIDATION_HEADER_ROW}:{VALIDATION_HEADER_ROW}")


def write_findings(path: Path | str, findings: Sequence[Finding], summary: str = "", *,
                   output: Path | str | None = None, force: bool = False) -> WriteResult:
    """Put `findings` into the workbook: a Validation sheet and marked cells, last run's marks cleared first."""

    def edit(book: Book) -> tuple[str, ...]:
        cleared = clear_marks(book)
        before = mark_cells(book, findings)
        _validation_sheet(book, findings, summary or plural(findings, "finding"), before)
        return tuple(dict.fromkeys([*cleared, *before]))

    cells, target, backup, pruned = _edit(path, edit, output, force)
    return WriteResult(target, backup, cells, tuple(findings), pruned=pruned)


# ---- trends: trend columns and the Summary sheet ------------------------------------------------------------

def fill_trend_cells(book: Book, fills: dict[tuple[int, int], str]) -> list[str]:
    """Write the arrows of `fills` (trends.trend_fills: empty trend cells only); return the cells written."""
    return [_store(book, REGISTER_SHEET, row, column, arrow) for (row, column), arrow in fills.items()]


def _rating_colour(register: Register, rating: str) -> str:
    known = rating_of(register, rating)
    return known.fill if known else "7F7F7F"


def summary_sheet(book: Book, register: Register, moves: Movements, counts: dict[str, dict[str, int]]) -> None:
    """Rebuild the Summary sheet: risks by rating per period with a chart, and this period's movements."""
    styles = book.styles
    sheet = summary_rows(register, moves, counts, WRITTEN_BY, dt.datetime.now())
    spec = SheetSpec(sheet.rows, frozen_rows=COUNTS_TITLE_ROW - 1)
    spec.styles[(1, 1)] = styles.derive(0, font=font(bold=True, size=14))
    subtitle = styles.derive(0, font=font(bold=True, size=12))
    bold = styles.derive(0, font=font(bold=True))
    header = _header_style(book)
    spec.styles[(COUNTS_TITLE_ROW, 1)] = subtitle
    for position in range(1, sheet.counts_width + 1):
        spec.styles[(sheet.counts_header_row, position)] = header
        spec.styles[(sheet.total_row, position)] = bold
    spec.widths[1] = 16
    for position in range(2, sheet.counts_width + 1):
        spec.widths[position] = 12
    spec.styles[(sheet.movements_title_row, 1)] = subtitle
    for position in range(1, len(MOVEMENT_HEADERS) + 1):
        spec.styles[(sheet.movements_header_row, position)] = header
    for position, width in enumerate(MOVEMENT_WIDTHS, start=1):
        spec.widths[position] = max(spec.widths.get(position, 0), width)
    for row in sheet.group_rows:
        spec.styles[(row, 1)] = bold
    after = VALIDATION_SHEET if VALIDATION_SHEET in book.sheetnames else REGISTER_SHEET
    index = _replace_sheet(book, SUMMARY_SHEET, after=after)
    root = worksheet(spec, styles)
    part = add_results_sheet(book.package, SUMMARY_SHEET, index, root, "1:1")
    periods, ratings = sheet.periods, sheet.ratings
    if periods:
        title = f"Open risks by residual rating, {periods[0]} to {periods[-1]}" if len(periods) > 1 \
            else f"Open risks by residual rating, {periods[0]}"
        series = [(sheet.counts_header_row + 1 + i, _rating_colour(register, rating)) for i, rating in enumerate(ratings)]
        chart = bar_chart(SUMMARY_SHEET, title, sheet.counts_header_row, 2, sheet.counts_width, series,
                          ("Risks", "Quarter"))
        add_chart(book.package, part, root, chart, sheet.chart_at, CHART_SIZE_CM)


def write_trends(path: Path | str, refresh: Refresh, *, output: Path | str | None = None,
                 force: bool = False) -> WriteResult:
    """Fill empty trend cells from History and rebuild the Summary sheet; report arrows that disagree."""

    def edit(book: Book) -> list[str]:
        written = fill_trend_cells(book, refresh.fills)
        summary_sheet(book, refresh.register, refresh.movements, refresh.distribution)
        return written

    written, target, backup, pruned = _edit(path, edit, output, force)
    return WriteResult(target, backup, tuple(written), refresh.conflicts, refresh.movements.notes, pruned)


# ---- the quarter roll-over ----------------------------------------------------------------------------------

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
                written.append(_store(book, sheet, last, positions[key], value, number_formats.get(key)))
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
                    styles[style_key] = book.styles.derive(0, **({"numFmt": style_key[0]} if dated else {}),
                                                           **({"quotePrefix": True} if quoted else {}))
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


def _record_rows(book: Book, rows: Sequence[tuple[str, str, str]]) -> list[str]:
    """Append `rows` (key, field, text) to the very hidden Record sheet, adding the sheet when the workbook has
    none (it stays out of the user's way: Excel's Unhide does not list it); return the cells written."""
    if not rows:
        return []
    from workbook.xlsx.shared_text import SharedText

    shared = SharedText(book)  # each text once in the workbook, however many rows and sheets show it
    rows = [tuple(shared.of(value) if isinstance(value, str) and value else value for value in row) for row in rows]
    positions = {header: column for column, header in enumerate(record_columns(), start=1)}
    if TEXT_SHEET in book.sheetnames:
        written = append_rows(book, TEXT_SHEET, positions, [dict(zip(positions, row)) for row in rows])
        shared.save()
        return written
    grid = [[shared.of(header) for header in positions], *[list(row) for row in rows]]
    shared.save()
    # Joined as text and parsed once: a first roll-over of 10,000 risks writes some 60,000 rows here.
    data = "".join(f'<row r="{number}">' + "".join(cell_xml(f"{column_letter(column)}{number}", value)
                                                   for column, value in enumerate(values, start=1)) + "</row>"
                   for number, values in enumerate(grid, start=1))
    root = etree.fromstring(f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:C{len(grid)}"/><sheetData>{data}'
                            f'</sheetData></worksheet>'.encode(), etree.XMLParser(huge_tree=True))
    book.package.add_sheet(TEXT_SHEET, len(book.sheetnames), root)
    for sheet in book.package.xml(WORKBOOK_PART).iter(f"{M}sheet"):
        if sheet.get("name") == TEXT_SHEET:
            sheet.set("state", "veryHidden")
    return [f"{TEXT_SHEET}!{column_letter(column)}{row}" for row, values in enumerate(grid, start=1)
            for column, value in enumerate(values, start=1) if value not in (None, "")]


def _snapshot_rows(book: Book, register: Register, plan: RollPlan) -> list[str]:
    """Apply the roll-over plan to History and the Record sheet; return the cells written."""
    if HISTORY_SHEET not in book.sheetnames:
        raise RegisterFormatError(f"{register.source}: no sheet named '{HISTORY_SHEET}', so the quarter's ratings "
                                  f"cannot be kept. Add it (copy it from a workbook made by `riskreg new`).")
    formats = {"reviewed_on": DATE_FORMAT}
    written = [_store(book, HISTORY_SHEET, w.row, w.column, w.value) for w in plan.headers]
    written += [_store(book, HISTORY_SHEET, w.row, w.column, w.value, DATE_FORMAT) for w in plan.updates]
    written += append_rows(book, HISTORY_SHEET, plan.positions, plan.rows, HISTORY_TABLE, formats,
                           [str(w.value) for w in plan.headers])
    return written + _record_rows(book, plan.record)


def _share_texts(book: Book, register: Register) -> None:
    """Turn the Register's recorded text cells into shared strings, which the Record sheet's rows then refer to: the
    words are stored once, not once on each sheet."""
    from workbook.xlsx.shared_text import SharedText, share_cells

    columns = [register.columns[key] for key in RECORDED_TEXT_KEYS if key in register.columns]
    shared = SharedText(book)
    share_cells(book, shared, REGISTER_SHEET, [(risk.row, column) for risk in register.risks for column in columns])
    shared.save()


def _shift_trends(book: Book, register: Register, new_period: Period) -> tuple[list[str], list[str]]:
    """Move each trend one column older, empty the newest, and rename the headers; return the cells written and a
    sentence for each user's formula that names a header no longer there."""
    positions = [register.columns[key] for key in TREND_KEYS]
    first = 1 - len(TREND_KEYS)
    written = []
    table = _tables(book, REGISTER_SHEET).get(REGISTER_TABLE)
    columns = table[1].find(f"{M}tableColumns") if table else None
    left = split_ref(table[1].get("ref", "A1").partition(":")[0])[1] if table else 1
    before = [c.get("name", "") for c in columns] if columns is not None else []
    for index, position in enumerate(positions):
        header = trend_header(new_period.shifted(first + index).quarter)
        written.append(_store(book, REGISTER_SHEET, register.header_row, position, header))
        if columns is not None and 0 <= position - left < len(columns):
            columns[position - left].set("name", header)
            book.package.changed(table[0])
    cells = book.cells(REGISTER_SHEET)
    try:
        for risk in register.risks:
            targets = [cells.cell(risk.row, p) for p in positions]
            for older, newer in zip(targets, targets[1:]):
                move_value(newer, older)
            move_value(None, targets[-1])
            written.extend(f"{REGISTER_SHEET}!{column_letter(p)}{risk.row}" for p in positions)
    except FormulaRefused as refused:
        raise refused.at(register.source, REGISTER_SHEET) from None
    after = [c.get("name", "") for c in columns] if columns is not None else []
    broken = broken_references(book.package, dict(book.package.sheets()), REGISTER_SHEET, REGISTER_TABLE, before,
                               after) if table else []
    return written, broken


def roll_quarter(path: Path | str, new_period: Period | str, *, register: Register | None = None,
                 plan: RollPlan | None = None, output: Path | str | None = None, force: bool = False) -> WriteResult:
    """Close the reporting period: apply the roll-over plan to History, shift the trend columns, move Settings on."""
    register = register or read_register(path)
    new_period = new_period if isinstance(new_period, Period) else parse_period(new_period)
    current = register.period
    check_next_period(register, new_period)
    plan = plan or plan_roll(register)

    def edit(book: Book) -> tuple[list[str], list[str]]:
        # Last quarter's findings and summary point at cells that now hold other quarters: start clean.
        clear_marks(book)
        stale = [name for name in (VALIDATION_SHEET, SUMMARY_SHEET) if name in book.sheetnames]
        for name in stale:
            book.package.remove_sheet(name)
        _share_texts(book, register)
        written, notes = _snapshot_rows(book, register, plan), list(plan.notes)
        if stale:
            notes.append(f"Removed the {' and '.join(stale)} {plural(stale, 'sheet', with_count=False)} of "
                         f"{current.label} (kept in the backup); run validate and trends again for {new_period.label}.")
        shifted, broken = _shift_trends(book, register, new_period)
        written += shifted
        notes.extend(broken)
        written.append(_store(book, SETTINGS_SHEET, register.settings_rows["period"], 2, new_period.label))
        return written, notes

    (written, notes), target, backup, pruned = _edit(path, edit, output, force)
    return WriteResult(target, backup, tuple(written), (), tuple(notes), pruned)
