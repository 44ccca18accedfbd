"""What a command changes in a register workbook, as a plan (pure): each medium's applier carries it out.

A job works out a `WorkbookEdit` from the register alone; the part-level xlsx applier (workbook/xlsx/apply.py) and
the live-book applier (addin/ribbon/live_io.py) do what it says and nothing else, each keeping its own medium's
invariants. Cells are 1-based (sheet, row, column); styles are named, never a medium's style index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from workbook.core.model import address

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
class WorkbookEdit:
    """Everything one command changes in a register workbook, applied in this order: finding marks cleared,
    sheets removed, cells changed (in order), texts shared, rows appended, table columns renamed, names set, sheets
    added, notes added. `notes` says in words what the edit does beyond its cells, for the output."""

    clear_finding_marks: bool = False  # undo the last run's highlights and riskreg's finding notes
    remove_sheets: tuple[str, ...] = ()  # removed when present
    cells: tuple[CellChange, ...] = ()
    appends: tuple[AppendRows, ...] = ()
    renames: tuple[RenameTableColumn, ...] = ()
    share_texts: tuple[ShareText, ...] = ()
    names: tuple[DefinedName, ...] = ()
    add_sheets: tuple[AddSheet, ...] = ()
    cell_notes: tuple[Note, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A date with no named style would be a bare day number in one medium and a date in another.
        for change in self.cells:
            if isinstance(change, SetCell) and change.style not in (None, *STYLES):
                raise ValueError(f"unknown style {change.style!r} for {change.address}")
            if isinstance(change, SetCell) and isinstance(change.value, dt.date) and change.style != DATE_STYLE:
                raise ValueError(f"the date for {change.address} needs the style {DATE_STYLE!r}")
        for append in self.appends:
            for row in append.rows:
                for key, value in row.items():
                    if key not in append.positions:
                        raise ValueError(f"rows for sheet {append.sheet!r} name a column it has no position for: "
                                         f"{key!r}")
                    if isinstance(value, dt.date) and append.styles.get(key) != DATE_STYLE:
                        raise ValueError(f"the dates of column {key!r} on sheet {append.sheet!r} need the style "
                                         f"{DATE_STYLE!r}")
        for note in self.cell_notes:
            if note.owner not in NOTE_OWNERS:
                raise ValueError(f"unknown note owner {note.owner!r}")

    def changed_cells(self) -> tuple[str, ...]:
        """Return the address of every cell the cell changes write, in order (appended rows not included)."""
        return tuple(change.address for change in self.cells)
