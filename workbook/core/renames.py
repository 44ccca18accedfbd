"""Renamed rating bands and risk IDs: recorded once on the Record sheet, read through by trends and checks (pure).

History keeps the words of each closed quarter as they were: a band renamed Medium → Moderate in 2022/23 Q1 is
still 'Medium' in History's rows of 2021/22, and a risk renamed CRR05 → CRR05A keeps its old rows under CRR05.
What compares quarters (trends, movements, closed and vanished risks, what changed) reads a row of a quarter
before the rename under the new name, so the risk keeps its trail and the band its severity; a past paper, built
as its quarter stood, is before the rename and sees the old names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbook.core.errors import RegisterFormatError
from workbook.core.model import Register, address, as_text, once_per_register
from workbook.core.periods import Period, parse_period
from workbook.core.errors import PeriodError
from workbook.core.record_text import QUARTER_KEY, RATINGS_FIELD, record_rows
from workbook.core.schema import APPETITE_SHEET, LISTS_SHEET, MATRIX_SHEET, REGISTER_SHEET, ACTIONS_SHEET

RENAME_PREFIX = "rename "
RENAME_KEY = RENAME_PREFIX + "{kind} {old} {period}"  # 'rename band Medium 2022/23 Q1'
BAND, RISK = "band", "risk"


@dataclass(frozen=True)
class Rename:
    """One rename: of a band or a risk ID, in force from `period` (the quarter open when it was made)."""

    kind: str  # band | risk
    old: str
    new: str
    period: Period


@once_per_register
def renames(register: Register) -> tuple[Rename, ...]:
    """Return the renames the Record sheet keeps, in the order they were made; those after a past quarter's
    register (history.register_as_of) were not made yet then and are left out."""
    source = register.rebuilt_from or register
    found = []
    for key, fields in source.recorded_text.items():
        if not key.startswith(RENAME_PREFIX) or fields.get("kind") not in (BAND, RISK):
            continue
        try:
            period = parse_period(fields.get("period", ""))
        except PeriodError:
            continue
        if fields.get("old") and fields.get("new") and period <= register.period:
            found.append(Rename(fields["kind"], fields["old"], fields["new"], period))
    return tuple(found)


def _as_of(register: Register, kind: str, name: str, period: Period | None) -> str:
    """Return `name` (a band or an ID of `period`) under the names in force in the register's period."""
    for rename in renames(register):
        if rename.kind == kind and (period is None or period < rename.period) and \
                name.casefold() == rename.old.casefold():
            name = rename.new
    return name


def band_now(register: Register, rating: str, period: Period | None) -> str:
    """Return a rating History recorded for `period` under the band's name today."""
    return _as_of(register, BAND, rating, period) if rating else rating


def risk_now(register: Register, risk_id: str, period: Period | None) -> str:
    """Return a risk ID History recorded for `period` under the risk's ID today."""
    return _as_of(register, RISK, risk_id, period) if risk_id else risk_id


def renamed_in(register: Register, period: Period) -> list[Rename]:
    """Return the risk renames made in `period`: the quarter's paper reports each once."""
    return [rename for rename in renames(register) if rename.kind == RISK and rename.period == period]


@dataclass(frozen=True)
class BandRenamedByHand:
    """A band of the last closed quarter gone from the Ratings list with a new name in its place, not recorded."""

    old: str
    new: str
    period: Period  # the last closed quarter, which rated risks `old`


def _last_closed_ratings(register: Register) -> tuple[Period, list[str]] | None:
    """Return the last closed quarter the Record keeps and its Ratings list, under the names recorded since."""
    closed = []
    prefix = QUARTER_KEY.format(label="")
    for key, fields in register.recorded_text.items():
        if key.startswith(prefix) and fields.get(RATINGS_FIELD):
            try:
                period = parse_period(key[len(prefix):])
            except PeriodError:
                continue
            if period < register.period:
                closed.append((period, fields[RATINGS_FIELD]))
    if not closed:
        return None
    period, text = max(closed)
    return period, [band_now(register, name, period) for name in text.split("\n") if name.strip()]


@once_per_register
def bands_renamed_by_hand(register: Register) -> tuple[BandRenamedByHand, ...]:
    """Return each band the last closed quarter recorded and History rated risks with that the Ratings list no
    longer has, where the list has, in the same position, a name that quarter did not: an edit of the Lists
    sheet that rename-band would have recorded."""
    if register.rebuilt_from is not None:
        return ()
    last = _last_closed_ratings(register)
    current = [as_text(name).strip() for name in register.lists.get("Ratings") or ()]
    if last is None or not current:
        return ()
    period, recorded = last
    folded_now, folded_then = {n.casefold() for n in current}, {n.casefold() for n in recorded}
    rated = {band_now(register, as_text(e.rating).strip(), period).casefold() for e in register.history
             if as_text(e.period).strip() == period.label and e.rating}
    return tuple(BandRenamedByHand(old, current[i], period) for i, old in enumerate(recorded)
                 if i < len(current) and old.casefold() not in folded_now and old.casefold() in rated
                 and current[i].casefold() not in folded_then)


# ---- planning a rename ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenamePlan:
    """The cells a rename sets and the Record rows it adds; History is left as it was."""

    rename: Rename
    cells: tuple[tuple[str, int, int, str], ...]  # sheet, row, column, new value
    record: tuple[tuple[str, str, str], ...]

    def places(self) -> list[str]:
        return [address(sheet, row, column) for sheet, row, column, _ in self.cells]


def _record(rename: Rename) -> tuple[tuple[str, str, str], ...]:
    key = RENAME_KEY.format(kind=rename.kind, old=rename.old, period=rename.period.label)
    return tuple(record_rows(key, (("kind", rename.kind), ("old", rename.old), ("new", rename.new),
                                   ("period", rename.period.label))))


def _same(value: object, name: str) -> bool:
    return " ".join(as_text(value).split()).casefold() == name.casefold()


def plan_band_rename(register: Register, lists_grid: Sequence[Sequence[object]], old: str, new: str) -> RenamePlan:
    """Return the renaming of band `old` to `new` from the open quarter: the Lists entry, the Register's ratings,
    the Matrix sheet's band and the Appetite tolerances that name it."""
    new = " ".join(new.split())
    names = list(register.lists.get("Ratings") or ())
    match = next((name for name in names if name.casefold() == " ".join(old.split()).casefold()), None)
    by_hand = next((found for found in bands_renamed_by_hand(register) if found.old.casefold() ==
                    " ".join(old.split()).casefold() and found.new.casefold() == new.casefold()), None)
    if by_hand is not None:  # the Lists sheet was edited already: record the rename, set what still says `old`
        match, names = by_hand.old, [name for name in names if name.casefold() != new.casefold()] + [by_hand.old]
    if match is None:
        raise RegisterFormatError(f"{register.source}: sheet '{LISTS_SHEET}': '{old}' is not in the Ratings list "
                                  f"({', '.join(names)}). Give the band's name as the list has it.")
    if not new or any(name.casefold() == new.casefold() for name in names if name != match):
        raise RegisterFormatError(f"{register.source}: sheet '{LISTS_SHEET}': '{new}' is "
                                  f"{'empty' if not new else 'already in the Ratings list'}. Give the band a new "
                                  "name of its own.")
    cells: list[tuple[str, int, int, str]] = []
    header = [as_text(v).strip() for v in (lists_grid[0] if lists_grid else ())]
    if "Ratings" in header:
        column = header.index("Ratings")
        cells += [(LISTS_SHEET, row, column + 1, new) for row, values in enumerate(lists_grid[1:], start=2)
                  if column < len(values) and _same(values[column], match)]
    if register.has_column("rating"):
        cells += [(REGISTER_SHEET, risk.row, register.columns["rating"], new) for risk in register.risks
                  if _same(risk.values.get("rating"), match)]
    for row, values in enumerate(register.matrix_sheet or (), start=1):
        if values and _same(values[0], match):
            cells.append((MATRIX_SHEET, row, 1, new))
    for entry in register.appetite or ():
        if "tolerance" in register.appetite_columns and _same(entry.values.get("tolerance"), match):
            cells.append((APPETITE_SHEET, entry.row, register.appetite_columns["tolerance"], new))
    rename = Rename(BAND, match, new, register.period)
    return RenamePlan(rename, tuple(cells), _record(rename))


def plan_risk_rename(register: Register, old: str, new: str) -> RenamePlan:
    """Return the renaming of risk `old` to `new` from the open quarter: its Register ID and its actions."""
    new = new.strip()
    by_id = {risk.id.casefold(): risk for risk in register.risks if risk.id}
    risk = by_id.get(old.strip().casefold())
    if risk is None:
        raise RegisterFormatError(f"{register.source}: sheet '{REGISTER_SHEET}': no risk has the ID '{old}'. "
                                  "Give the ID the Register has now.")
    if not new or new.casefold() in by_id:
        raise RegisterFormatError(f"{register.source}: sheet '{REGISTER_SHEET}': '{new}' is "
                                  f"{'empty' if not new else 'the ID of another risk'}. Give the risk an ID of its "
                                  "own.")
    pattern = as_text(register.setting("id_pattern"))
    try:
        fits = re.fullmatch(pattern, new) is not None
    except re.error:
        fits = True  # validate names the pattern that cannot be used
    if not fits:
        raise RegisterFormatError(f"{register.source}: '{new}' does not match the Risk ID pattern {pattern} in "
                                  f"Settings. Change the pattern first if the register's IDs now take that form.")
    cells = [(REGISTER_SHEET, risk.row, register.columns["id"], new)]
    if register.actions is not None and "risk_id" in register.action_columns:
        cells += [(ACTIONS_SHEET, action.row, register.action_columns["risk_id"], new) for action in register.actions
                  if action.text("risk_id").casefold() == risk.id.casefold()]
    rename = Rename(RISK, risk.id, new, register.period)
    return RenamePlan(rename, tuple(cells), _record(rename))
