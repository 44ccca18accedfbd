"""The use cases that guard the record: correcting a sealed quarter, renaming a band or a risk (the lead moves
them into workbook/jobs/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from workbook.core import renames, seal
from workbook.core.periods import Period
from workbook.core.schema import LISTS_SHEET


@dataclass(frozen=True)
class Corrected:
    """A recorded correction: what it accepted, the seals renewed and what was written."""

    correction: seal.Correction
    written: object  # xlsx.writer.WriteResult


def correct_history(path: Path, period: Period, reason: str, *, output: Path | None = None,
                    force: bool = False, today: dt.date | None = None) -> Corrected:
    """Accept History and the Record of the sealed quarter `period` as they stand, for `reason`: re-seal it."""
    from workbook.jobs import writing
    from workbook.xlsx.reader import read_register
    from workbook.xlsx.record_writer import write_record

    with writing(path if output is None else None):
        register = read_register(path)
        correction = seal.plan_correction(register, period, reason, today or dt.date.today())
        written = write_record(path, correction.record, output=output, force=force)
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
    written: object  # xlsx.writer.WriteResult


def rename_band(path: Path, old: str, new: str, *, output: Path | None = None, force: bool = False) -> Renamed:
    """Rename rating band `old` to `new` from the open quarter; History keeps the closed quarters' words."""
    from workbook.jobs import writing
    from workbook.xlsx.reader import load_grids, read_register

    with writing(path if output is None else None):
        register = read_register(path)
        plan = renames.plan_band_rename(register, load_grids(path).get(LISTS_SHEET) or [], old, new)
        return Renamed(plan, _write(path, plan, output, force))


def rename_risk(path: Path, old: str, new: str, *, output: Path | None = None, force: bool = False) -> Renamed:
    """Rename risk `old` to `new` from the open quarter: History, trends and actions carry over to the new ID."""
    from workbook.jobs import writing
    from workbook.xlsx.reader import read_register

    with writing(path if output is None else None):
        plan = renames.plan_risk_rename(read_register(path), old, new)
        return Renamed(plan, _write(path, plan, output, force))


def _write(path: Path, plan: renames.RenamePlan, output: Path | None, force: bool):
    from workbook.xlsx.record_writer import write_record

    return write_record(path, plan.record, cells=plan.cells, output=output, force=force)
