"""xlwings adapter: read the register from a live workbook and write results back, in bulk.

Every Excel call is a round trip (COM on Windows, Apple events on macOS, an action in the remote
engine), so this module reads each sheet once, writes each results sheet once, and colours cells in
batches grouped by colour. It writes whole sheets only to the sheets riskreg owns (Validation, Summary);
on the user's sheets it changes cell fills, and values only in empty trend cells that History fills.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import tempfile
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from workbook.core.edit import (
    DATE_STYLE,
    VISIBLE,
    AppendRows,
    CellChange,
    MoveCell,
    SetCell,
    SummarySheet,
    ValidationSheet,
    WorkbookEdit,
)
from workbook.core.errors import OutputError, RegisterFormatError
from workbook.core.findings import split_address
from workbook.core.layout import register_from_grids
from workbook.core.model import Register, column_letter
from workbook.core.model import address as cell_address
from workbook.core.result_sheets import (
    REGISTER_SHEETS,
    mark_fills,
    previous_marks,
    restored_fill,
    validation_rows,
)
from workbook.core.schema import REGISTER_SHEET, REGISTER_TABLE, SUMMARY_SHEET, VALIDATION_SHEET
from workbook.core.values import typed_text
from workbook import jobs

TITLE = "Risk Register"
# How the results sheets name their writer and how a listed cell is reached (no hyperlinks or notes: a call each).
WRITTEN_BY = "riskreg (Excel add-in)"
GO_TO = "Go to a cell with Ctrl+G and its address."

# Excel refuses a Range address longer than this (COM and AppleScript alike).
MAX_ADDRESS = 255
# Range.set_colors takes at most this many cells per call (xlwings checks in Python and again in its Office.js client).
MAX_COLOUR_CELLS = 10_000

Grid = list[list[object]]


def active_book():
    """Return the workbook the user is looking at, in the Excel instance that clicked the button.

    xlwings' RunPython (Windows and macOS) passes `--wb=<ActiveWorkbook.Name> --from_xl=1`, so
    Book.caller() is the active workbook there, not the add-in; outside Excel, use the active book.
    """
    import sys

    import xlwings as xw

    if "--from_xl=1" in sys.argv:
        return xw.Book.caller()
    return xw.books.active


def is_remote(book) -> bool:
    """Return whether `book` lives in xlwings' remote engine (values arrive in a payload, writes become actions)."""
    return book.app.engine.name == "remote"


def sheet_names(book) -> list[str]:
    return [sheet.name for sheet in book.sheets]


def read_grid(sheet) -> Grid:
    """Return the sheet's values from A1 to the end of its used range, in one read."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return [list(row) for row in values]


def read_grids(book, names: Iterable[str] = REGISTER_SHEETS) -> dict[str, Grid]:
    """Return the value grid of each sheet in `names` that the workbook has (one read per sheet)."""
    present = set(sheet_names(book))
    return {name: read_grid(book.sheets[name]) for name in names if name in present}


def source_name(book) -> str:
    return book.name


def read_register(book) -> Register:
    """Return the register held in the live workbook; raise RegisterFormatError naming what to fix."""
    grids = read_grids(book)
    if REGISTER_SHEET not in grids:
        # Name the sheets the user actually has: the usual cause is the wrong workbook being active.
        grids_for_message: dict[str, Grid] = {name: [] for name in sheet_names(book)}
        try:
            register_from_grids(grids_for_message, source_name(book))
        except RegisterFormatError as err:
            raise RegisterFormatError(
                f"{err.user_message} Is the register workbook the active one? Click into it and press the "
                "button again.") from None
    return register_from_grids(grids, source_name(book), totals_rows(book))


def totals_rows(book) -> tuple[int, ...]:
    """Return the sheet rows of the Register table's Total Row: part of the table, not a risk (none when hidden)."""
    for table in book.sheets[REGISTER_SHEET].tables:
        if table.name.casefold() == REGISTER_TABLE.casefold():
            if not table.show_totals:
                return ()
            totals = table.totals_row_range
            return tuple(range(totals.row, totals.row + totals.shape[0]))
    return ()


def safe_value(value: object) -> object:
    """Return `value` so that Excel stores it as typed: text that looks like a formula stays text."""
    return typed_text(value)


def rectangular(rows: Sequence[Sequence[object]]) -> Grid:
    """Return `rows` padded to one width, formula-like text made safe: the shape one write needs."""
    width = max((len(row) for row in rows), default=0)
    return [[safe_value(v) for v in row] + [None] * (width - len(row)) for row in rows]


def add_hidden_sheet(book, name: str) -> None:
    """Add sheet `name` after the last, hidden: xlwings can hide a sheet but not make it very hidden, so Excel's
    Unhide lists it (a file rolled by `riskreg roll-quarter` keeps it very hidden)."""
    sheet = book.sheets.add(name, after=book.sheets[sheet_names(book)[-1]])
    sheet.visible = False


def write_sheet(book, name: str, rows: Sequence[Sequence[object]], after: str | None = None) -> None:
    """Replace the values of riskreg's own sheet `name` with `rows` in one write (adding it after `after`)."""
    if name in REGISTER_SHEETS:
        raise ValueError(f"refusing to overwrite the user's sheet {name!r}")
    names = sheet_names(book)
    if name in names:
        sheet = book.sheets[name]
        sheet.clear()  # formats too: a longer sheet from `validate --write` leaves no coloured rows behind
    else:
        anchor = after if after in names else names[-1]
        sheet = book.sheets.add(name, after=book.sheets[anchor])
    grid = rectangular(rows)
    if grid and grid[0]:
        sheet.range((1, 1)).value = grid


# --- cell fills -------------------------------------------------------------------------------------


def _runs(rows: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Yield (first, last) of each run of consecutive row numbers."""
    ordered = sorted(set(rows))
    if not ordered:
        return
    start = previous = ordered[0]
    for row in ordered[1:]:
        if row == previous + 1:
            previous = row
        else:
            yield start, previous
            start = previous = row
    yield start, previous


def area_strings(cells: Iterable[tuple[int, int]], limit: int = MAX_ADDRESS) -> list[str]:
    """Return multi-area addresses ('I7:I9,K12') covering exactly `cells` (row, column), each within `limit`."""
    by_column: dict[int, list[int]] = defaultdict(list)
    for row, column in cells:
        by_column[column].append(row)
    areas = []
    for column in sorted(by_column):
        letter = column_letter(column)
        for first, last in _runs(by_column[column]):
            areas.append(f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}")
    chunks: list[str] = []
    current = ""
    for area in areas:
        if current and len(current) + 1 + len(area) > limit:
            chunks.append(current)
            current = ""
        current = f"{current},{area}" if current else area
    if current:
        chunks.append(current)
    return chunks


def colour_bands(changes: Mapping[tuple[int, int], str | None],
                 max_cells: int = MAX_COLOUR_CELLS) -> list[tuple[tuple[int, int], tuple[int, int], list[list]]]:
    """Return (top-left, bottom-right, colour matrix) blocks covering `changes`, each within `max_cells`.

    Cells not in `changes` hold `...`, which set_colors leaves as they are.
    """
    if not changes:
        return []
    rows = [r for r, _ in changes]
    columns = [c for _, c in changes]
    first_column, last_column = min(columns), max(columns)
    band = max(1, max_cells // (last_column - first_column + 1))
    first_row, last_row = min(rows), max(rows)
    blocks = []
    for index in sorted({(r - first_row) // band for r in rows}):  # bands without a change are not sent
        top = first_row + index * band
        bottom = min(top + band - 1, last_row)
        matrix = [[changes.get((r, c), ...) for c in range(first_column, last_column + 1)]
                  for r in range(top, bottom + 1)]
        blocks.append(((top, first_column), (bottom, last_column), matrix))
    return blocks


def paint(book, fills: Mapping[str, str | None]) -> None:
    """Set the fill of each cell address ('Register!I7') to its colour ('#FFC7CE'; None clears it), in batches."""
    by_sheet: dict[str, dict[tuple[int, int], str | None]] = defaultdict(dict)
    for address, colour in fills.items():
        sheet, row, column = split_address(address)
        by_sheet[sheet][(row, column)] = colour
    present = set(sheet_names(book))
    for sheet_name in sorted(by_sheet):
        if sheet_name not in present:
            continue
        sheet = book.sheets[sheet_name]
        changes = by_sheet[sheet_name]
        if is_remote(book):
            # Remote actions name one rectangle ('A1,C5:C9' becomes A1:C9), so colour a block at a time, leaving other
            # cells as they are: one call per band of 10,000 cells. Only xlwings' Office.js client runs set_colors.
            for top_left, bottom_right, matrix in colour_bands(changes):
                sheet.range(top_left, bottom_right).set_colors(matrix)
            continue
        by_colour: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
        for cell, colour in changes.items():
            by_colour[colour].append(cell)
        for colour in sorted(by_colour, key=lambda c: c or ""):
            for address in area_strings(by_colour[colour]):
                sheet.range(address).color = colour


# --- talking to the user ----------------------------------------------------------------------------


def message(book_or_app, text: str, *, critical: bool = False) -> None:
    """Show `text` in a message box titled 'Risk Register', from a workbook or (once it is closed) its Excel."""
    app = getattr(book_or_app, "app", book_or_app)
    app.alert(text, title=TITLE, buttons="ok", mode="critical" if critical else "info")


def confirm(book, text: str) -> bool:
    """Ask an OK/Cancel question; return True for OK. The remote engine cannot wait for an answer."""
    if is_remote(book):
        raise NotImplementedError("the remote engine cannot wait for an answer")
    return book.app.alert(text, title=TITLE, buttons="ok_cancel", mode="info") == "ok"


def ask_text(book, prompt: str, default: str) -> str | None:
    """Ask for a line of text where Excel offers an input box (Windows); return None when the user cancels.

    On macOS Excel has no scriptable input box through xlwings, so the caller falls back to `confirm`.
    """
    api = book.app.api
    answer = api.InputBox(prompt, TITLE, default)  # Windows COM: returns False on Cancel
    if answer is False or answer is None:
        return None
    return str(answer).strip()


def can_ask_text(book) -> bool:
    return not is_remote(book) and sys.platform.startswith("win")


@contextlib.contextmanager
def progress(book, text: str) -> Iterator[None]:
    """Show `text` in Excel's status bar while the block runs (where the engine has a status bar)."""
    if is_remote(book):
        yield
        return
    app = book.app
    app.status_bar = text
    try:
        yield
    finally:
        app.status_bar = False


def book_folder(book) -> Path | None:
    """Return the folder the workbook is saved in, or None (unsaved, on SharePoint, or remote)."""
    try:
        if is_remote(book):
            return None
        path = Path(book.fullname)
    except Exception:  # a closed, unsaved or cloud workbook has no local path on some engines
        return None
    return path.parent if path.is_absolute() and path.parent.is_dir() else None


def _name(book) -> str:
    try:
        return book.name
    except Exception:  # closed by Roll quarter before the bug
        return "?"


def log_bug(book, action: str, error: BaseException, now: dt.datetime | None = None) -> Path:
    """Write the traceback of a bug next to the workbook (else in the temp folder) and return the log's path."""
    now = now or dt.datetime.now()
    folder = book_folder(book)
    text = (f"riskreg: '{action}' failed at {now.isoformat(timespec='seconds')}\n"
            f"Workbook: {_name(book)}\n\n"
            + "".join(traceback.format_exception(type(error), error, error.__traceback__)))
    name = f"riskreg-error-{now:%Y%m%d-%H%M%S}.log"
    for candidate in ([folder] if folder else []) + [Path(tempfile.gettempdir())]:
        try:
            jobs.write_text(candidate / name, text)
            return candidate / name
        except (OSError, OutputError):  # a read-only or vanished folder: fall back to the temp folder
            continue
    raise error


# --- findings: the Validation sheet and the highlights ------------------------------------------------
# The sheet has the layout `validate --write` gives it (workbook/core/result_sheets.py), so either can clear the other's
# marks. What the ribbon cannot do without a call per cell: hyperlinks, cell notes, reading a cell's fill.

def _validate(book, validation: ValidationSheet, marks: Mapping[str, str]) -> list[str]:
    """Write the Validation sheet in one write and move the highlights from the last run's cells (`marks`: cell ->
    fill before) to this run's, in one batch of fills; return the cells whose fill it set, each once, the last
    run's first, then in the findings' order."""
    findings = validation.findings
    # A cell marked last time keeps the fill it had before that; for others the ribbon cannot read it cheaply.
    before = {f.cell: marks.get(f.cell, "none") for f in findings if f.cell}
    rows = validation_rows(findings, validation.summary, before, WRITTEN_BY, dt.datetime.now(), GO_TO)
    write_sheet(book, VALIDATION_SHEET, rows, after=REGISTER_SHEET)
    paint(book, mark_fills(marks, findings))
    return list(dict.fromkeys([*marks, *(f.cell for f in findings if f.cell)]))


# --- trends: the Summary sheet and empty trend cells ----------------------------------------------------


def _summary(book, summary: SummarySheet) -> None:
    """Rebuild the Summary sheet in one write (no chart: the ribbon draws none)."""
    after = VALIDATION_SHEET if VALIDATION_SHEET in sheet_names(book) else REGISTER_SHEET
    write_sheet(book, SUMMARY_SHEET, summary.layout.signed(WRITTEN_BY, dt.datetime.now()).rows, after=after)


# --- files beside the workbook ------------------------------------------------------------------------


def saved_path(book, why: str) -> Path:
    """Return the workbook's file, refusing when it is unsaved or has unsaved changes (`why` says why that matters)."""
    folder = book_folder(book)
    if folder is None:
        raise OutputError(f"{book.name} is not saved on this computer, and {why}. Save the workbook "
                          "(File > Save As) and click the button again.")
    if not _is_saved(book):
        raise OutputError(f"{book.name} has unsaved changes, and {why}. Save the workbook (Ctrl+S) and click the "
                          "button again.")
    return Path(book.fullname)


def _is_saved(book) -> bool:
    api = book.api
    try:
        return bool(api.Saved)  # Windows (COM)
    except AttributeError:
        pass
    try:
        return bool(api.saved.get())  # macOS (appscript)
    except Exception:  # an engine that cannot tell: trust the file on disk
        return True


def default_folder(book) -> Path:
    """Return the active workbook's folder, else the user's Documents folder, else their home folder."""
    folder = book_folder(book) if book is not None else None
    if folder:
        return folder
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def release(book, path: Path):
    """Close the workbook so its file can be rewritten; return its Excel (None on the remote engine)."""
    if is_remote(book):
        return None
    app = book.app
    book.close()
    return app


def reopen(app, path: Path) -> bool:
    """Open `path` again in `app`; return False where there is no Excel to open it in."""
    if app is None:
        return False
    app.books.open(str(path))
    return True


def open_book(book, path: Path) -> bool:
    """Open `path` in the user's Excel; return False where the engine cannot open files."""
    if is_remote(book):
        return False
    book.app.books.open(str(path))
    return True


def value_blocks(values: Mapping[tuple[int, int], object]) -> list[tuple[tuple[int, int], list[list]]]:
    """Return (top-left, rows) rectangles covering exactly the cells of `values`: runs per row, stacked when equal."""
    spans: list[tuple[int, int, int]] = []  # row, first column, last column
    by_row: dict[int, list[int]] = defaultdict(list)
    for row, column in values:
        by_row[row].append(column)
    for row in sorted(by_row):
        spans.extend((row, first, last) for first, last in _runs(by_row[row]))
    blocks: list[tuple[int, int, int, int]] = []  # top, first, last, bottom
    for row, first, last in spans:
        if blocks and blocks[-1][1:3] == (first, last) and blocks[-1][3] == row - 1:
            top, first, last, _ = blocks[-1]
            blocks[-1] = (top, first, last, row)
        else:
            blocks.append((row, first, last, row))
    return [((top, first), [[safe_value(values[(r, c)]) for c in range(first, last + 1)]
                            for r in range(top, bottom + 1)]) for top, first, last, bottom in blocks]


def write_values(book, values: Mapping[str, object]) -> None:
    """Write each 'Sheet!A1' -> value, one call per rectangle of cells (no cell outside `values` is touched)."""
    by_sheet: dict[str, dict[tuple[int, int], object]] = defaultdict(dict)
    for cell, value in values.items():
        sheet, row, column = split_address(cell)
        by_sheet[sheet][(row, column)] = value
    for sheet_name in sorted(by_sheet):
        sheet = book.sheets[sheet_name]
        for (top, left), rows in value_blocks(by_sheet[sheet_name]):
            sheet.range((top, left), (top + len(rows) - 1, left + len(rows[0]) - 1)).value = rows


# --- carrying out a WorkbookEdit (workbook/core/edit.py) on the live workbook ---------------------------

# How each named style of a plan is shown in Excel.
NUMBER_FORMATS = {DATE_STYLE: "dd/mm/yyyy"}


def apply_edit(book, edit: WorkbookEdit) -> tuple[str, ...]:
    """Carry `edit` out on the live workbook, in bulk: one read per sheet it changes, one write per rectangle of
    cells; return the address of every cell written. The values it leaves are those the xlsx applier leaves."""
    marks = previous_marks(read_grids(book, [VALIDATION_SHEET]).get(VALIDATION_SHEET)) \
        if edit.clear_finding_marks else {}
    if marks and edit.validation is None:  # with a Validation sheet, the old marks go in the same batch as the new
        paint(book, {cell: restored_fill(spec) for cell, spec in marks.items()})
    present = set(sheet_names(book))
    for name in edit.remove_sheets:
        if name in present:
            book.sheets[name].delete()
            present.discard(name)
    changed = {change.sheet for change in edit.cells} | {append.sheet for append in edit.appends}
    grids = {name: read_grid(book.sheets[name]) for name in sorted(changed & present)}
    values, order, styled = cell_values(edit.cells, grids)
    for append in edit.appends:
        if append.sheet in present:
            order += _append_live(book, append, grids.get(append.sheet, []), values, styled)
        elif append.rows or append.new_headers:
            order += _add_live_sheet(book, append)
            present.add(append.sheet)
    _write_changed(book, values)
    for style, cells in styled.items():
        _format_cells(book, cells, NUMBER_FORMATS[style])
    for sheet in edit.add_sheets:
        write_sheet(book, sheet.name, [list(row) for row in sheet.rows], after=sheet.after)  # never a user's sheet
        if sheet.state != VISIBLE:
            book.sheets[sheet.name].visible = False
    for defined in edit.names:
        book.names.add(defined.name, defined.refers_to)
    for note in edit.cell_notes:
        book.sheets[note.sheet].range((note.row, note.column)).add_note(note.text)
    if edit.validation is not None:
        written = set(order)
        order += [cell for cell in _validate(book, edit.validation, marks) if cell not in written]
    if edit.summary is not None:
        _summary(book, edit.summary)
    return tuple(order)


def _write_changed(book, values: Mapping[tuple[str, int, int], object]) -> None:
    """Write the changed cells in the fewest calls: one per rectangle, or on desktop Excel, where a range may have
    many areas, one per value when there are fewer values than rectangles (a few arrows over a long register)."""
    if is_remote(book):
        write_values(book, {cell_address(s, r, c): value for (s, r, c), value in values.items()})
        return
    for sheet_name in sorted({s for s, _, _ in values}):
        cells = {(r, c): value for (s, r, c), value in values.items() if s == sheet_name}
        by_value: dict[object, list[tuple[int, int]]] = defaultdict(list)
        for place, value in cells.items():
            by_value[value].append(place)
        if len(by_value) >= len(value_blocks(cells)):
            write_values(book, {cell_address(sheet_name, r, c): value for (r, c), value in cells.items()})
            continue
        sheet = book.sheets[sheet_name]
        for value in sorted(by_value, key=str):
            for area in area_strings(by_value[value]):
                sheet.range(area).value = safe_value(value)


Place = tuple[str, int, int]  # sheet, row, column (1-based)


def cell_values(cells: Sequence[CellChange], grids: Mapping[str, Grid]) -> tuple[dict[Place, object], list[str],
                                                                                  dict[str, list[Place]]]:
    """Return the values a plan's cell changes leave, given the values of the sheets they change before (`grids`);
    the address of each cell changed, in order; and the dates each named style is to format (the live and the
    server's appliers work it out here)."""
    values: dict[Place, object] = {}

    def current(sheet: str, row: int, column: int) -> object:
        if (sheet, row, column) in values:
            return values[(sheet, row, column)]
        grid = grids.get(sheet, [])
        return grid[row - 1][column - 1] if row <= len(grid) and column <= len(grid[row - 1]) else None

    order: list[str] = []
    styled: dict[str, list[Place]] = defaultdict(list)
    for change in cells:
        if isinstance(change, SetCell):
            values[(change.sheet, change.row, change.column)] = change.value
            if change.style and isinstance(change.value, dt.date):  # a style names how a date is shown
                styled[change.style].append((change.sheet, change.row, change.column))
        elif isinstance(change, MoveCell):
            values[(change.sheet, change.row, change.to_column)] = current(change.sheet, change.row, change.column)
        else:
            values[(change.sheet, change.row, change.column)] = None
        order.append(change.address)
    return values, order, styled


def appended_values(append: AppendRows, grid: Grid, values: dict[Place, object],
                    styled: dict[str, list[Place]]) -> tuple[int, list[str]]:
    """Put the rows of `append` in `values` below the sheet's last used row (of its columns; `grid` holds the sheet's
    values); return the last row they reach and the address of each cell."""
    columns = set(append.positions.values())
    last = max((number for number, row in enumerate(grid, start=1)
                if any(value not in (None, "") for column, value in enumerate(row, start=1) if column in columns)),
               default=1)
    written = []
    for offset, row in enumerate(append.rows, start=1):
        for key, value in row.items():
            place = (append.sheet, last + offset, append.positions[key])
            values[place] = value
            if key in append.styles and isinstance(value, dt.date):
                styled[append.styles[key]].append(place)
            written.append(cell_address(*place))
    return last + len(append.rows), written


def _append_live(book, append: AppendRows, grid: Grid, values: dict[Place, object],
                 styled: dict[str, list[Place]]) -> list[str]:
    """Put the rows of `append` below the sheet's last used row (of its columns) and grow its table over them."""
    last, written = appended_values(append, grid, values, styled)
    if append.table:
        _grow_live_table(book, append, last)
    return written


def _grow_live_table(book, append: AppendRows, last_row: int) -> None:
    """Resize the table `append.table` down to `last_row` and across its new headers."""
    for table in book.sheets[append.sheet].tables:
        if table.name.casefold() != str(append.table).casefold():
            continue
        whole = table.range
        top, left = whole.row, whole.column
        bottom = max(whole.row + whole.shape[0] - 1, last_row)
        right = whole.column + whole.shape[1] - 1 + len(append.new_headers)
        if (bottom, right) != (whole.row + whole.shape[0] - 1, whole.column + whole.shape[1] - 1):
            table.resize(book.sheets[append.sheet].range((top, left), (bottom, right)))
        return


def _add_live_sheet(book, append: AppendRows) -> list[str]:
    """Add the sheet `append` creates (hidden when it is to be hidden: xlwings cannot make it very hidden)."""
    grid = created_rows(append)
    if append.create_state == VISIBLE:
        book.sheets.add(append.sheet, after=book.sheets[sheet_names(book)[-1]])
    else:
        add_hidden_sheet(book, append.sheet)
    book.sheets[append.sheet].range((1, 1)).value = rectangular(grid)
    return [cell_address(append.sheet, r, c) for r, row in enumerate(grid, start=1)
            for c, value in enumerate(row, start=1) if value not in (None, "")]


def created_rows(append: AppendRows) -> Grid:
    """Return the rows of the sheet `append` creates, from A1: its headers, then its rows; refused when it has no
    headers to create the sheet with."""
    if not append.create_headers:
        raise RegisterFormatError(f"no sheet named '{append.sheet}', so its rows cannot be added. Add it (copy it "
                                  "from a workbook made by `riskreg new`).")
    by_column = {column: key for key, column in append.positions.items()}
    width = max(max(append.positions.values(), default=0), len(append.create_headers))
    return [list(append.create_headers), *[[row.get(by_column.get(column, ""), None) for column in range(1, width + 1)]
                                           for row in append.rows]]


def _format_cells(book, cells: Sequence[tuple[str, int, int]], number_format: str) -> None:
    """Give `cells` the number format, one call per run of cells in a column."""
    by_sheet: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sheet, row, column in cells:
        by_sheet[sheet].append((row, column))
    for sheet_name, places in sorted(by_sheet.items()):
        sheet = book.sheets[sheet_name]
        by_column: dict[int, list[int]] = defaultdict(list)
        for row, column in places:
            by_column[column].append(row)
        for column, rows in sorted(by_column.items()):
            for first, last in _runs(rows):
                sheet.range((first, column), (last, column)).number_format = number_format
