"""The use cases that guard the record: correcting a sealed quarter, renaming a band or a risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core import renames, seal
from workbook.core.edit import DATE_STYLE, VERY_HIDDEN, AppendRows, SetCell, WorkbookEdit
from workbook.core.model import Register
from workbook.core.periods import Period
from workbook.core.rollover import record_columns
from workbook.core.schema import LISTS_SHEET, TEXT_SHEET
from workbook.core.words import plural
from workbook.jobs.common import writing

if TYPE_CHECKING:
    from workbook.xlsx.writer import WriteResult


@dataclass(frozen=True)
class Corrected:
    """A recorded correction: what it accepted, the seals renewed and what was written."""

    correction: seal.Correction
    written: WriteResult


def correct_history(path: Path, period: Period, reason: str, *, output: Path | None = None,
                    force: bool = False, today: dt.date | None = None) -> Corrected:
    """Accept History and the Record of the sealed quarter `period` as they stand, for `reason`: re-seal it."""
    from workbook.xlsx.reader import read_register
    from workbook.xlsx.writer import apply_file

    with writing(path if output is None else None):
        register = read_register(path)
        correction = seal.plan_correction(register, period, reason, today or dt.date.today())
        written = apply_file(path, record_edit(correction.record), output=output, force=force)
    return Corrected(correction, written)


def altered_quarters(path: Path, period: Period) -> list[Period]:
    """Return the sealed quarters up to `period` changed since their close, as a past paper of `period` sees them."""
    from workbook.core.history import register_as_of
    from workbook.xlsx.reader import read_register

    return seal.altered_quarters(register_as_of(read_register(path), period))


@dataclass(frozen=True)
class Renamed:
    """A recorded rename: the plan (cells set, Record rows) and what was written."""

    plan: renames.RenamePlan
    written: WriteResult


def rename_band(path: Path, old: str, new: str, *, output: Path | None = None, force: bool = False) -> Renamed:
    """Rename rating band `old` to `new` from the open quarter; History keeps the closed quarters' words."""
    from workbook.xlsx.reader import load_grids, read_register

    with writing(path if output is None else None):
        register = read_register(path)
        plan = renames.plan_band_rename(register, load_grids(path).get(LISTS_SHEET) or [], old, new)
        return Renamed(plan, _write(path, plan, output, force))


def rename_risk(path: Path, old: str, new: str, *, output: Path | None = None, force: bool = False) -> Renamed:
    """Rename risk `old` to `new` from the open quarter: History, trends and actions carry over to the new ID."""
    from workbook.xlsx.reader import read_register

    with writing(path if output is None else None):
        plan = renames.plan_risk_rename(read_register(path), old, new)
        return Renamed(plan, _write(path, plan, output, force))


def _write(path: Path, plan: renames.RenamePlan, output: Path | None, force: bool) -> WriteResult:
    from workbook.xlsx.writer import apply_file

    return apply_file(path, record_edit(plan.record, plan.cells), output=output, force=force)


def record_append(rows: Sequence[tuple[str, str, str]]) -> AppendRows:
    """Return the rows (key, field, text) added to the Record sheet, which is made (very hidden: Excel's Unhide does
    not list it) when the workbook has none; each text is stored once in the workbook."""
    headers = record_columns()
    key, name, text = headers  # a roll-over at 10,000 risks appends some 60,000 rows: each made at once
    return AppendRows(TEXT_SHEET, {header: column for column, header in enumerate(headers, start=1)},
                      tuple([{key: row[0], name: row[1], text: row[2]} for row in rows]), create_headers=headers,
                      create_state=VERY_HIDDEN, shared_text=True)


def record_edit(rows: Sequence[tuple[str, str, str]],
                cells: Sequence[tuple[str, int, int, object]] = ()) -> WorkbookEdit:
    """Return the edit that sets `cells` (sheet, row, column, value) and appends `rows` to the Record sheet."""
    return WorkbookEdit(cells=tuple(SetCell(sheet, row, column, value,
                                            DATE_STYLE if isinstance(value, dt.date) else None)
                                    for sheet, row, column, value in cells),
                        appends=(record_append(rows),))


# ---- the same use cases for a front end with no file (the server's values, the ribbon's open workbook) ----------

def plan_band_rename(register: Register, lists_grid: Sequence[Sequence[object]], old: str,
                     new: str) -> renames.RenamePlan:
    """Return the cells and Record rows of renaming band `old` to `new`, as rename_band writes them."""
    return renames.plan_band_rename(register, lists_grid, old, new)


def plan_risk_rename(register: Register, old: str, new: str) -> renames.RenamePlan:
    """Return the cells and Record rows of renaming risk `old` to `new`, as rename_risk writes them."""
    return renames.plan_risk_rename(register, old, new)


def plan_correction(register: Register, period: Period, reason: str,
                    today: dt.date | None = None) -> seal.Correction:
    """Return the Record rows of accepting `period`'s History as it stands, as correct_history writes them."""
    return seal.plan_correction(register, period, reason, today or dt.date.today())


def rename_message(plan: renames.RenamePlan, name: str) -> str:
    """Return what the ribbon and the server say of a rename recorded in the workbook `name`."""
    rename = plan.rename
    what = "Band" if rename.kind == renames.BAND else "Risk"
    return (f"{what} {rename.old} is now {rename.new} in {name} from {rename.period.label}: "
            f"{plural(plan.cells, 'cell')} set; History keeps the closed quarters' words, and the rename is "
            "recorded.")


def correction_message(correction: seal.Correction, name: str) -> str:
    """Return what the ribbon and the server say of a correction recorded in the workbook `name`."""
    renewed = [p.label for p in correction.resealed]
    return "\n".join([f"Corrected {correction.period.label} in {name}: "
                      f"{plural(correction.accepted, 'change')} accepted and recorded with the reason.",
                      *correction.accepted,
                      f"Sealed {correction.period.label} again" + (
                          f"; renewed the seals of {', '.join(renewed)}, which cover it." if renewed else ".")])
