"""Roll quarter: close the reporting quarter (History and the Record sheet keep it) and start the next one.

The job decides everything: only the next quarter, only a register without errors unless forced (and then the
Record sheet says so for ever), which of riskreg's sheets go, and the one WorkbookEdit every applier carries out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core import checks
from workbook.core.edit import (
    DATE_STYLE,
    AppendRows,
    CellChange,
    ClearCell,
    MoveCell,
    RenameTableColumn,
    SetCell,
    ShareText,
    WorkbookEdit,
)
from workbook.core.errors import RegisterErrorsError
from workbook.core.findings import Finding
from workbook.core.model import Register
from workbook.core.periods import Period
from workbook.core.rules import ERROR_RULES
from workbook.core.rollover import RollPlan, check_next_period, plan_roll
from workbook.core.schema import (
    HISTORY_SHEET,
    HISTORY_TABLE,
    RECORDED_TEXT_KEYS,
    REGISTER_SHEET,
    REGISTER_TABLE,
    SETTINGS_SHEET,
    SUMMARY_SHEET,
    TREND_COUNT,
    TREND_KEYS,
    VALIDATION_SHEET,
    trend_header,
)
from workbook.core.words import plural, them_it
from workbook.jobs.common import backup_line, check_output, writing
from workbook.jobs.record import record_append

if TYPE_CHECKING:
    from workbook.xlsx.writer import WriteResult

# Last quarter's findings and summary point at cells that now hold other quarters: they go at the close.
STALE_SHEETS = (VALIDATION_SHEET, SUMMARY_SHEET)
CELLS_NAMED = 3  # a refusal names the first few cells; `riskreg validate` lists them all


@dataclass(frozen=True)
class Roll:
    """A roll-over: the register as it was, the new period, what was recorded and (once applied) written."""

    register: Register  # from roll_quarter when it read the register itself: its outline only (no rows)
    period: Period
    plan: RollPlan
    edit: WorkbookEdit
    written: WriteResult | None = None
    errors: tuple[Finding, ...] = ()  # the errors the quarter was closed with (--force)

    @property
    def history_rows_added(self) -> int:
        return self.plan.added

    @property
    def history_rows_kept(self) -> int:
        """Rows History already had for the closing quarter, brought up to date (changed or not)."""
        return self.plan.updated + self.plan.kept

    @property
    def cells(self) -> tuple[str, ...]:
        """Every cell the roll-over wrote (none before it is applied)."""
        return self.written.cells if self.written is not None else ()

    @property
    def backup(self) -> Path | None:
        return self.written.backup if self.written is not None else None

    @property
    def notes(self) -> tuple[str, ...]:
        """What the roll-over says beyond its cells: values brought up to date, sheets removed, errors kept, formulas
        the renamed trend columns broke."""
        notes = list(self.written.notes if self.written is not None else self.edit.notes)
        removed = self.written.removed_sheets if self.written is not None else ()
        if removed:
            notes.append(f"Removed the {' and '.join(removed)} {plural(removed, 'sheet', with_count=False)} of "
                         f"{self.register.period.label} (kept in the backup); run validate and trends again for "
                         f"{self.period.label}.")
        return tuple(notes)

    def history_line(self) -> str:
        """Return 'History: …': the rows recorded and the rows brought up to date."""
        closing, plan = self.register.period.label, self.plan
        added, already = self.history_rows_added, self.history_rows_kept
        line = f"History: {plural(added, closing + ' row')} recorded (Source 'rolled')"
        if not already:
            return line + "."
        return (line + f"; {plural(already, 'risk')} already had a {closing} row, brought up to date from the "
                f"Register" + (f" ({plan.updated} with a value changed, listed below)." if plan.updated else
                               ": none had a value changed."))

    def lines(self) -> list[str]:
        """Return what `roll-quarter` prints."""
        new = self.period
        headers = ", ".join(trend_header(new.shifted(i).quarter) for i in range(1 - TREND_COUNT, 1))
        path = self.written.path if self.written is not None else self.register.source
        lines = [f"Rolled {path} from {self.register.period.label} to {new.label}.", self.history_line(),
                 f"Trend columns: {headers}; {trend_header(new.quarter)} is empty until the ratings are reviewed "
                 "and `riskreg trends --write` fills it.",
                 f"Settings: reporting period {new.label}."]
        lines += [f"Note: {note}" for note in self.notes]
        if self.written is not None and self.written.backup:
            lines.append(backup_line(self.written.backup))
        if self.written is not None and self.written.pruned and self.written.pruned.removed:
            lines.append(self.written.pruned.sentence())
        return lines

    def excel_message(self, name: str) -> str:
        """Return what the ribbon's Roll quarter says about the file `name` it rolled."""
        closing, new = self.register.period.label, self.period.label
        backup = self.written.backup if self.written is not None else None
        text = (f"Rolled {name} from {closing} to {new}: each risk's state this quarter is on the History sheet and "
                f"the trend columns have moved on. Fill in the {new} trends, then Validate. A copy of the workbook "
                f"before the roll is in {backup}.")
        return "\n\n".join([text, *self.notes])


def errors_refusal(register: Register, errors: tuple[Finding, ...]) -> RegisterErrorsError:
    """Return the one-line refusal to close a quarter with errors: how many, the first cells, what to do."""
    cells = list(dict.fromkeys(f.cell or f.risk_id or f.rule_id for f in errors))
    named = ", ".join(cells[:CELLS_NAMED]) + (f" and {plural(len(cells) - CELLS_NAMED, 'more cell')}"
                                              if len(cells) > CELLS_NAMED else "")
    listing = (f"{register.source}: the register has {plural(errors, 'error')} ({named}), so the quarter "
               f"{register.period.label} was not closed: History would keep {them_it(errors)} for ever.")
    return RegisterErrorsError(
        f"{listing} Run riskreg validate {register.source} to see every finding and correct "
        f"{them_it(errors)}, or pass --force to close the quarter anyway (the Record sheet then says it was "
        "closed with errors).", list(errors), listing)


def plan_quarter(register: Register, new_period: Period, *, force: bool = False) -> Roll:
    """Work out the roll-over of `register` to `new_period` (refused with errors unless `force`), unapplied."""
    check_next_period(register, new_period)
    errors = tuple(checks.check(register, ERROR_RULES))  # the warning rules cannot stop a close: not run
    if errors and not force:
        raise errors_refusal(register, errors)
    plan = plan_roll(register, "\n".join(f"{f.cell}: {f.message}" if f.cell else f.message for f in errors))
    if errors:
        plan = replace(plan, notes=plan.notes + (_closed_note(register, errors),))
    return Roll(register, new_period, plan, roll_edit(register, plan, new_period), errors=errors)


def _closed_note(register: Register, errors: tuple[Finding, ...]) -> str:
    """Return the note that says the quarter was closed despite `errors`, and that the Record keeps them."""
    cells = ", ".join(dict.fromkeys(f.cell for f in errors if f.cell))
    return (f"Closed despite {plural(errors, 'error')}" + (f" ({cells})" if cells else "") +
            f": the Record sheet keeps that {register.period.label} was closed with {plural(errors, 'error')}.")


def roll_edit(register: Register, plan: RollPlan, new_period: Period) -> WorkbookEdit:
    """Return the edit that carries out `plan` and moves the register on to `new_period`."""
    cells: list[CellChange] = [*plan.headers, *plan.updates]
    positions = [register.columns[key] for key in TREND_KEYS]
    renames = []
    for index, position in enumerate(positions):
        header = trend_header(new_period.shifted(1 - len(TREND_KEYS) + index).quarter)
        cells.append(SetCell(REGISTER_SHEET, register.header_row, position, header))
        renames.append(RenameTableColumn(REGISTER_SHEET, REGISTER_TABLE, position, header))
    pairs = tuple(zip(positions[1:], positions))  # (from, to): each trend one column older
    newest = positions[-1]
    for risk in register.risks:  # each trend one column older; the newest starts empty
        row = risk.row
        cells += [MoveCell(REGISTER_SHEET, row, newer, older) for newer, older in pairs]
        cells.append(ClearCell(REGISTER_SHEET, row, newest))
    cells.append(SetCell(SETTINGS_SHEET, register.settings_rows["period"], 2, new_period.label))
    # Review dates, and any date a user typed where a number belongs: shown as the dates they are.
    dated = {"reviewed_on"} | {key for row in plan.rows for key, value in row.items() if isinstance(value, dt.date)}
    history = AppendRows(HISTORY_SHEET, plan.positions, plan.rows, HISTORY_TABLE, dict.fromkeys(dated, DATE_STYLE),
                         tuple(str(w.value) for w in plan.headers))
    record = record_append(plan.record)
    # The Register's recorded words are stored once: the Record rows refer to the same texts (issue 24 item 6).
    texts = [register.columns[key] for key in RECORDED_TEXT_KEYS if key in register.columns]
    share = ShareText(REGISTER_SHEET, tuple((risk.row, column) for risk in register.risks for column in texts))
    return WorkbookEdit(clear_finding_marks=True, remove_sheets=STALE_SHEETS, cells=tuple(cells),
                        appends=(history, record), renames=tuple(renames), share_texts=(share,), notes=plan.notes)


def roll_quarter(path: Path, period: Period, *, register: Register | None = None, output: Path | None = None,
                 force: bool = False, close_with_errors: bool | None = None,
                 settle: Callable[[], object] | None = None) -> Roll:
    """Close the register's reporting quarter and start `period`, in the file at `path` (or a copy at `output`):
    refused when the register has errors unless `close_with_errors` (default: `force`, which also replaces an
    existing `output`). `settle` is called once the register is read and again once the roll is worked out,
    before it is written: the command line freezes Python's cycle collector there (as after validate reads), so its
    collections do not walk again and again what lives until the command ends."""
    from workbook.xlsx.writer import apply_file

    if output is not None:
        check_output(output, force=force)  # a copy that cannot be written is said first, before any reading
    with writing(path if output is None else None):
        given = register is not None
        roll = plan_quarter(register or _read(path, settle), period,
                            force=force if close_with_errors is None else close_with_errors)
        if not given:  # the register read here: its rows let go before the workbook is written (see Roll.register)
            roll = replace(roll, register=_outline(roll.register))
        if settle is not None:
            settle()
        written = apply_file(path, roll.edit, output=output, force=force)
        return replace(roll, written=written)


def _read(path: Path, settle: Callable[[], object] | None) -> Register:
    """Return the register read from `path`, then `settle` called (no reference to it kept here: see _outline)."""
    from workbook.xlsx.reader import read_register

    register = read_register(path)
    if settle is not None:
        settle()
    return register


def _outline(register: Register) -> Register:
    """Return `register` without its rows (risks, History, recorded words): what a roll-over's result says of the
    register it rolled is its file, period and layout, and at 10,000 risks the rows are two thirds of its memory."""
    return replace(register, risks=[], history=[], recorded_text={}, actions=None, appetite=None, matrix_sheet=None,
                   derived={})
