"""What a command changes in a register workbook, as a plan (pure): each medium's applier carries it out.

A job works out a `WorkbookEdit` from the register alone; the part-level xlsx applier (workbook/xlsx/apply.py) and
the live-book applier (addin/ribbon/live_io.py) do what it says and nothing else, each keeping its own medium's
invariants. Cells are 1-based (sheet, row, column); styles are named, never a medium's style index.

The jobs that make one: `roll_edit` (roll-quarter), `findings_edit` (validate --write: `clear_finding_marks` and a
`ValidationSheet`), `trends_edit` (trends --write: SetCells for the empty trend cells and a `SummarySheet`). A
medium builds the results sheets' rows itself, signed as it signs them: `validation_rows` and `mark_fills`
(core/result_sheets.py) for a ValidationSheet, `layout.signed(...)` for a SummarySheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from workbook.core.findings import Finding
from workbook.core.model import address
from workbook.core.schema import SheetColumn

# The named styles a plan may give a cell: what each medium turns into its own format.
DATE_STYLE = "date"  # a date shown as dd/mm/yyyy
STYLES = (DATE_STYLE,)

# Who wrote a note: riskreg's finding notes are cleared and rewritten by each validate; guidance notes never are.
FINDING_NOTE = "finding"
GUIDANCE_NOTE = "guidance"
NOTE_OWNERS = (FINDING_NOTE, GUIDANCE_NOTE)

# How a sheet is shown: an added sheet may be hidden, or very hidden (Excel's Unhide does not list it).
VISIBLE, HIDDEN, VERY_HIDDEN = "visible", "hidden", "veryHidden"


@dataclass(frozen=True)
class SetCell:
    """Put `value` in one cell, a date shown as the named `style` says (text that looks like a formula is always
    kept as text)."""

    sheet: str
    row: int
    column: int
    value: object
    style: str | None = None

    @property
    def address(self) -> str:
        return address(self.sheet, self.row, self.column)


@dataclass(frozen=True)
class MoveCell:
    """Give the cell at `to_column` the value (or formula) of the cell at `column`, on the same row; the target
    keeps its own format. The source keeps its value unless a later step changes it."""

    sheet: str
    row: int
    column: int
    to_column: int

    @property
    def address(self) -> str:
        return address(self.sheet, self.row, self.to_column)


@dataclass(frozen=True)
class ClearCell:
    """Empty one cell, keeping its format."""

    sheet: str
    row: int
    column: int

    @property
    def address(self) -> str:
        return address(self.sheet, self.row, self.column)


CellChange = SetCell | MoveCell | ClearCell


@dataclass(frozen=True)
class AppendRows:
    """Add `rows` (column key -> value) below the last used row of `sheet`, growing `table` (when named) down to
    them and across `new_headers` (columns just added to its right). A sheet the workbook lacks is added with
    `create_headers` on row 1 (refused when there are none), shown as `create_state` says."""

    sheet: str
    positions: Mapping[str, int]  # column key -> 1-based column
    rows: tuple[Mapping[str, object], ...]
    table: str | None = None
    styles: Mapping[str, str] = field(default_factory=dict)  # column key -> named style
    new_headers: tuple[str, ...] = ()
    create_headers: tuple[str, ...] = ()
    create_state: str = VISIBLE
    shared_text: bool = False  # its texts (and created headers) stored once in the workbook, where a medium can


@dataclass(frozen=True)
class ShareText:
    """Store the text of these cells of `sheet` once in the workbook, for appended rows with `shared_text` to refer
    to: the words are kept once, not once on each sheet (a medium with no such store, a live Excel, does nothing)."""

    sheet: str
    places: tuple[tuple[int, int], ...]  # (row, column), 1-based


@dataclass(frozen=True)
class Note:
    """A note on one cell, signed by its owner (FINDING_NOTE or GUIDANCE_NOTE)."""

    sheet: str
    row: int
    column: int
    text: str
    owner: str = FINDING_NOTE


@dataclass(frozen=True)
class RenameTableColumn:
    """Rename the column of table `table` that sits at sheet column `column` (its header cell is a SetCell)."""

    sheet: str
    table: str
    column: int
    name: str


@dataclass(frozen=True)
class DefinedName:
    """Set the workbook-level defined name `name` to `refers_to` ('Lists!$A$2:$A$6')."""

    name: str
    refers_to: str


@dataclass(frozen=True)
class AddSheet:
    """Add (or, when `replace`, put in place of an existing one) the sheet `name` holding `rows` from A1."""

    name: str
    rows: tuple[tuple[object, ...], ...]
    after: str | None = None  # None: after the last sheet
    state: str = VISIBLE
    replace: bool = True


@dataclass(frozen=True)
class TableSheet:
    """Add sheet `name`: one Excel Table `table` headed by `columns` and holding `rows` (column key -> value; a
    blank stays blank), with the widths, drop-downs, date formats and print setup `riskreg new --full` gives it;
    `title` and `marking` are printed on its pages. Each list in `lists` the Lists sheet lacks is added there, with
    its name, for the drop-downs to use."""

    name: str
    table: str
    columns: tuple[SheetColumn, ...]
    rows: tuple[Mapping[str, object], ...]
    title: str = ""
    marking: str = ""
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


Rows = list[list[object]]


def stamp(now: dt.datetime) -> str:
    """Return when a results sheet was rebuilt, as it says so: '07/12/2026 18:05'."""
    return f"{now:%d/%m/%Y %H:%M}"


@dataclass(frozen=True)
class SummaryRows:
    """The Summary sheet as rows, with the 1-based rows and columns a writer that styles it needs."""

    rows: Rows
    periods: tuple[str, ...]
    ratings: tuple[str, ...]
    counts_header_row: int  # 'Rating' and the periods; one row per rating below it
    total_row: int
    movements_title_row: int
    movements_header_row: int
    group_rows: tuple[int, ...]  # the rows that name a movement group
    chart_at: tuple[int, int]  # (row, column) of the chart's top-left cell: beside the counts, a column apart

    @property
    def counts_width(self) -> int:
        return len(self.periods) + 1

    def signed(self, built_by: str, now: dt.datetime) -> SummaryRows:
        """Return the sheet with its second row saying who rebuilt it and when."""
        rows = [list(row) for row in self.rows]
        rows[1] = [(f"Rebuilt by {built_by} on {stamp(now)} from the Register and History sheets. "
                    "Counts are of open risks; quarters without ratings in History are left out.")]
        return replace(self, rows=rows)


@dataclass(frozen=True)
class ValidationSheet:
    """List `findings` on riskreg's Validation sheet, rebuilt after the Register (its rows as
    core/result_sheets.validation_rows lays them out, signed by the medium), and mark each finding's cell: filled by
    its worst severity, with the fill it had before in the sheet's 'Fill before' column so the next run can put it
    back, and, where the medium can, a FINDING_NOTE with its messages (never over a user's own note). A cell outside
    the sheets, or hidden under a merge, is listed but not marked. `summary` is the sheet's title line."""

    findings: tuple[Finding, ...]
    summary: str


@dataclass(frozen=True)
class SummarySheet:
    """Rebuild riskreg's Summary sheet after the Validation sheet (else the Register) from `layout`
    (core/result_sheets.summary_layout: open risks by rating per period, then the movements), signed by the medium
    (`layout.signed`). Where the medium can draw one, a column chart of the counts sits at `layout.chart_at`, one
    series per rating, coloured as `colours` says (RRGGBB, in the order of `layout.ratings`)."""

    layout: SummaryRows
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkbookEdit:
    """Everything one command changes in a register workbook, applied in this order: finding marks cleared,
    sheets removed, cells changed (in order), texts shared, rows appended, table columns renamed, sheets added,
    names set, notes added, the Validation sheet and its marks, the Summary sheet. `notes` says in words what the
    edit does beyond its cells, for the output.

    A medium's applier returns the address of every cell it wrote, in that order; with a `validation`, the cells
    whose marks it cleared or set come last (each once)."""

    clear_finding_marks: bool = False  # undo the last run's highlights and riskreg's finding notes
    remove_sheets: tuple[str, ...] = ()  # removed when present
    cells: tuple[CellChange, ...] = ()
    appends: tuple[AppendRows, ...] = ()
    renames: tuple[RenameTableColumn, ...] = ()
    share_texts: tuple[ShareText, ...] = ()
    names: tuple[DefinedName, ...] = ()
    add_sheets: tuple[AddSheet, ...] = ()
    table_sheets: tuple[TableSheet, ...] = ()  # added after `add_sheets`
    cell_notes: tuple[Note, ...] = ()
    validation: ValidationSheet | None = None
    summary: SummarySheet | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A date with no named style would be a bare day number in one medium and a date in another.
        for change in self.cells:
            if not isinstance(change, SetCell):
                continue
            if change.style not in (None, *STYLES):
                raise ValueError(f"unknown style {change.style!r} for {change.address}")
            if isinstance(change.value, dt.date) and change.style != DATE_STYLE:
                raise ValueError(f"the date for {change.address} needs the style {DATE_STYLE!r}")
        for append in self.appends:
            positions, styles = append.positions, append.styles  # a roll-over appends some 70,000 rows
            for row in append.rows:
                for key, value in row.items():
                    if key not in positions:
                        raise ValueError(f"rows for sheet {append.sheet!r} name a column it has no position for: "
                                         f"{key!r}")
                    if isinstance(value, dt.date) and styles.get(key) != DATE_STYLE:
                        raise ValueError(f"the dates of column {key!r} on sheet {append.sheet!r} need the style "
                                         f"{DATE_STYLE!r}")
        for note in self.cell_notes:
            if note.owner not in NOTE_OWNERS:
                raise ValueError(f"unknown note owner {note.owner!r}")

    def changed_cells(self) -> tuple[str, ...]:
        """Return the address of every cell the cell changes write, in order (appended rows not included)."""
        return tuple(change.address for change in self.cells)
