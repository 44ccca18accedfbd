"""Open a register workbook's package, change it and save it: findings, trends and the Summary sheet, and any
WorkbookEdit (the quarter roll-over's), carried out by workbook/xlsx/apply.py.

Only the parts a command changes are rewritten (the sheets whose cells it writes, the Validation and Summary sheets,
styles, notes, tables, the sheet list, relationships and content types); every other part is copied byte for byte,
so charts, pivot tables, slicers, pictures, macros and parts riskreg has never heard of stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from workbook.core.edit import WorkbookEdit
from workbook.core.findings import SEVERITY_FILLS, Finding, note_text, worst
from workbook.core.layout import read_settings
from workbook.core.model import Register, column_letter
from workbook.core.palette import WORKBOOK_HEADER_FILL
from workbook.core.result_sheets import (
    CELL_COLUMN,
    COUNTS_TITLE_ROW,
    MOVEMENT_HEADERS,
    MOVEMENT_WIDTHS,
    VALIDATION_HEADER_ROW,
    VALIDATION_HEADERS,
    VALIDATION_WIDTHS,
    summary_rows,
    validation_rows,
)
from workbook.core.ratings import rating_of
from workbook.core.schema import REGISTER_SHEET, SETTINGS_SHEET, SUMMARY_SHEET, VALIDATION_SHEET
from workbook.core.trends import Movements, Refresh
from workbook.core.words import plural
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.backup import Pruned, backup_register, backups_to_keep, discard_backup, prune_backups
from workbook.files.lock import held_as, one_writer
from workbook.xlsx.apply import NOTE_SIZE, apply_edit, cell_at, clear_marks, set_fill
from workbook.xlsx.book import Book
from workbook.xlsx.notes import FINDINGS_AUTHOR
from workbook.xlsx.preserve import check_editable
from workbook.xlsx.reader import check_workbook_file
from workbook.xlsx.result_parts import SheetSpec, add_chart, add_results_sheet, bar_chart, worksheet
from workbook.xlsx.styles import fill_spec, font, solid_fill

AUTHOR = FINDINGS_AUTHOR
# How the results sheets name their writer and how a listed cell is reached (hyperlinks and notes, in a file).
WRITTEN_BY = "riskreg"
GO_TO = "Click a cell address to go to it; the cell carries a note with the message."
HEADER_FILL = WORKBOOK_HEADER_FILL
LINK_COLOUR = "0563C1"
CHART_SIZE_CM = (16, 8)

T = TypeVar("T")


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the file written, the backup kept, the cells changed and what it left alone."""

    path: Path
    backup: Path | None
    cells: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())
    removed_sheets: tuple[str, ...] = ()
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


def mark_cells(book: Book, findings: Iterable[Finding]) -> dict[str, str]:
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


def write_trends(path: Path | str, refresh: Refresh, fills: WorkbookEdit, *, output: Path | str | None = None,
                 force: bool = False) -> WriteResult:
    """Carry out `fills` (the empty trend cells History fills) and rebuild the Summary sheet; report arrows that
    disagree."""

    def edit(book: Book) -> tuple[str, ...]:
        written = apply_edit(book, fills).cells
        summary_sheet(book, refresh.register, refresh.movements, refresh.distribution)
        return written

    written, target, backup, pruned = _edit(path, edit, output, force)
    return WriteResult(target, backup, written, refresh.conflicts, refresh.movements.notes, pruned=pruned)



def apply_file(path: Path | str, edit: WorkbookEdit, *, output: Path | str | None = None,
               force: bool = False) -> WriteResult:
    """Carry `edit` out on the workbook file at `path` (in place after a backup, or into `output`)."""
    applied, target, backup, pruned = _edit(path, lambda book: apply_edit(book, edit), output, force)
    return WriteResult(target, backup, applied.cells, (), edit.notes + applied.notes, applied.removed_sheets, pruned)
