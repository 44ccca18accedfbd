"""Trend arrows, closed risks, movements and rating counts, worked out from the History sheet (pure)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .model import HistoryEntry, Register, Risk
from .periods import Period, parse_period
from .errors import PeriodError
from .schema import (
    DEFAULT_LISTS,
    DEESCALATING,
    ESCALATING,
    NEW,
    NOT_APPLICABLE,
    TREND_KEYS,
    UNCHANGED,
)

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"


@dataclass(frozen=True)
class Snapshot:
    """A risk's standing in one period: its rating and score, and where that came from."""

    period: Period
    rating: str | None  # the rating as spelt in the Ratings list, None when missing or not in the list
    score: float | None
    present: bool  # False when History records the risk as N/A that period
    source: str  # 'register', or 'History row 7'


@dataclass(frozen=True)
class ComputedTrend:
    """The trend of one risk in one trend column: as recorded and as History implies."""

    risk_id: str
    key: str  # trend1 … trend3
    period: Period
    recorded: str
    computed: str | None  # None when History lacks what it takes to say
    basis: str  # 'score', 'rating', 'history' (New / N/A), or '' when not computed
    reason: str  # how the computed value follows from History, or why it cannot be computed

    @property
    def agrees(self) -> bool:
        return self.computed is None or self.computed == self.recorded

    @property
    def value(self) -> str:
        """The trend to use: computed where History allows, else the recorded one."""
        return self.computed if self.computed is not None else self.recorded


@dataclass(frozen=True)
class Movement:
    """One risk in this period's movements."""

    risk_id: str
    name: str
    rating: str
    previous_rating: str  # '' when History does not have it
    trend: str
    from_history: bool  # False when the recorded arrow is used because History lacks the data
    note: str = ""


@dataclass(frozen=True)
class Movements:
    """This period's movements, each group in register order."""

    period: Period
    new: tuple[Movement, ...] = ()
    escalated: tuple[Movement, ...] = ()
    de_escalated: tuple[Movement, ...] = ()
    unchanged: tuple[Movement, ...] = ()
    closed: tuple[Movement, ...] = ()
    unclassified: tuple[Movement, ...] = ()  # trend missing or not in the list: see validate
    notes: tuple[str, ...] = field(default=())

    def groups(self) -> list[tuple[str, tuple[Movement, ...]]]:
        """Return (label, movements) pairs in the order a paper lists them."""
        return [("New", self.new), ("Escalated", self.escalated), ("De-escalated", self.de_escalated),
                ("Unchanged", self.unchanged), ("Closed", self.closed)]


def allowed(register: Register, list_name: str) -> tuple[str, ...]:
    """Return the values of a list on the Lists sheet (the default list when the sheet leaves it empty)."""
    return tuple(register.lists.get(list_name) or DEFAULT_LISTS[list_name])


def canonical_rating(register: Register, value: object) -> str | None:
    """Return the rating as spelt in the Ratings list when `value` names one (ignoring case and spaces)."""
    if not isinstance(value, str):
        return None
    wanted = " ".join(value.split()).casefold()
    for rating in allowed(register, "Ratings"):
        if rating.casefold() == wanted:
            return rating
    return None


def severity(register: Register, rating: str | None) -> int | None:
    """Return how severe `rating` is: the Ratings list runs most severe first."""
    ratings = allowed(register, "Ratings")
    return len(ratings) - ratings.index(rating) if rating in ratings else None


def as_number(value: object) -> float | None:
    """Return a cell's value as a finite number (typed or as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def risk_score(risk: Risk) -> float | None:
    """Return likelihood × impact score of a register risk, when both are numbers."""
    likelihood, impact = as_number(risk.values.get("likelihood")), as_number(risk.values.get("impact_score"))
    return likelihood * impact if likelihood is not None and impact is not None else None


def _once_per_register(derive: Callable[[Register], object]) -> Callable:
    """Work `derive` out once per register: checks, trends and the paper all ask for the same snapshots."""

    @functools.wraps(derive)
    def once(register: Register):
        if derive.__name__ not in register.derived:
            register.derived[derive.__name__] = derive(register)
        return register.derived[derive.__name__]

    return once


def entry_period(entry: HistoryEntry) -> Period | None:
    """Return the period of a History row, None when its label does not parse."""
    try:
        return parse_period(entry.period)
    except PeriodError:
        return None


def _entry_score(entry: HistoryEntry) -> float | None:
    score = as_number(entry.score)
    if score is not None:
        return score
    likelihood, impact = as_number(entry.likelihood), as_number(entry.impact)
    return likelihood * impact if likelihood is not None and impact is not None else None


@_once_per_register
def snapshots(register: Register) -> dict[str, dict[Period, Snapshot]]:
    """Return each risk's snapshots by period: History rows, then the Register itself for the reporting period."""
    found: dict[str, dict[Period, Snapshot]] = {}
    for entry in register.history:
        period = entry_period(entry)
        if period is None or not entry.risk_id or period >= register.period:
            continue
        rating = canonical_rating(register, entry.rating)
        score = _entry_score(entry)
        present = not (entry.trend.upper() == NOT_APPLICABLE.upper() and rating is None and score is None)
        found.setdefault(entry.risk_id, {}).setdefault(
            period, Snapshot(period, rating, score, present, f"History row {entry.row}"))
    for risk in register.risks:
        if risk.id:
            found.setdefault(risk.id, {})[register.period] = Snapshot(
                register.period, canonical_rating(register, risk.values.get("rating")), risk_score(risk), True,
                "register")
    return found


@_once_per_register
def covered_periods(register: Register) -> set[Period]:
    """Return the periods History records (any row), plus the reporting period the Register itself records."""
    periods = {p for p in map(entry_period, register.history) if p is not None and p < register.period}
    return periods | {register.period}


def _basis(register: Register) -> str:
    basis = str(register.setting("trend_basis")).strip().lower()
    return basis if basis in ("score", "rating") else "rating"


def _compare(register: Register, before: Snapshot, after: Snapshot, risk_id: str) -> tuple[str | None, str, str]:
    scores = before.score is not None and after.score is not None
    ratings = before.rating is not None and after.rating is not None
    if scores and (_basis(register) == "score" or not ratings):
        old, new, basis = before.score, after.score, "score"
        shown_old, shown_new = f"{before.score:g}", f"{after.score:g}"
    elif ratings:
        old, new, basis = severity(register, before.rating), severity(register, after.rating), "rating"
        shown_old, shown_new = before.rating, after.rating
    else:
        missing = before if before.rating is None and before.score is None else after
        where = "the Register" if missing.source == "register" else "History"
        return None, "", f"{where} has no rating for {risk_id} in {missing.period.label}"
    arrow = ESCALATING if new > old else DEESCALATING if new < old else UNCHANGED  # type: ignore[operator]
    return arrow, basis, (f"the {basis} of {risk_id} went from {shown_old} in {before.period.label} "
                          f"to {shown_new} in {after.period.label}")


def computed_trend(register: Register, risk_id: str, period: Period,
                   history: dict[Period, Snapshot], covered: set[Period]) -> tuple[str | None, str, str]:
    """Return (trend, basis, reason) of `risk_id` in `period`; trend None when History cannot tell."""

    def state(p: Period) -> str:
        snap = history.get(p)
        if snap is not None:
            return PRESENT if snap.present else ABSENT
        return ABSENT if p in covered else UNKNOWN

    now, before = state(period), state(period.previous())
    seen_earlier = [p for p, snap in history.items() if p < period.previous() and snap.present]
    if now == UNKNOWN:
        return None, "", f"History has no rows for {period.label}"
    if now == ABSENT:
        if before == PRESENT or seen_earlier:
            return None, "", f"History has {risk_id} on the register before {period.label} but not in it"
        return NOT_APPLICABLE, "history", f"History does not have {risk_id} on the register in {period.label}"
    if before == PRESENT:
        return _compare(register, history[period.previous()], history[period], risk_id)
    if before == UNKNOWN:
        return None, "", f"History has no rows for {period.previous().label}"
    if seen_earlier:
        return None, "", (f"History has {risk_id} on the register in {seen_earlier[-1].label}, "
                          f"not in {period.previous().label}, and back in {period.label}")
    return NEW, "history", (f"History first has {risk_id} on the register in {period.label}, "
                            f"after recording other risks in {period.previous().label}")


@_once_per_register
def compute_trends(register: Register) -> dict[str, tuple[ComputedTrend, ...]]:
    """Return, for each risk on the register, its trend per trend column, oldest first."""
    history = snapshots(register)
    covered = covered_periods(register)
    result: dict[str, tuple[ComputedTrend, ...]] = {}
    for risk in register.risks:
        if not risk.id or risk.id in result:
            continue
        trends = []
        for key, period in zip(TREND_KEYS, register.trend_periods):
            computed, basis, reason = computed_trend(register, risk.id, period, history.get(risk.id, {}), covered)
            trends.append(ComputedTrend(risk.id, key, period, risk.text(key), computed, basis, reason))
        result[risk.id] = tuple(trends)
    return result


@_once_per_register
def closed_risks(register: Register) -> list[tuple[str, str]]:
    """Return (risk id, name) of risks closed this period: Status Closed, or on History last period and gone now."""
    on_register = register.by_id()
    closed = [(risk.id, risk.name) for risk in register.risks if risk.id and risk.is_closed]
    previous = register.period.previous()
    gone = sorted(risk_id for risk_id, history in snapshots(register).items()
                  if risk_id not in on_register and previous in history and history[previous].present)
    return closed + [(risk_id, "") for risk_id in gone]


_GROUP_OF = {NEW: "new", ESCALATING: "escalated", DEESCALATING: "de_escalated", UNCHANGED: "unchanged"}


def movements(register: Register) -> Movements:
    """Return this period's movements: new, escalated, de-escalated, unchanged and closed risks."""
    computed = compute_trends(register)
    history = snapshots(register)
    groups: dict[str, list[Movement]] = {g: [] for g in (*_GROUP_OF.values(), "closed", "unclassified")}
    notes: list[str] = []
    previous = register.period.previous()
    for risk in register.risks:
        if not risk.id or risk.is_closed or risk.id not in computed:
            continue
        current = computed[risk.id][-1]
        before = history.get(risk.id, {}).get(previous)
        note = "" if current.computed is not None else f"recorded arrow kept: {current.reason}"
        if current.computed is not None and not current.agrees:
            note = f"recorded {current.recorded}, History gives {current.computed}"
        movement = Movement(risk.id, risk.name, risk.rating, (before.rating or "") if before else "",
                            current.value, current.computed is not None, note)
        groups[_GROUP_OF.get(current.value, "unclassified")].append(movement)
        if note:
            notes.append(f"{risk.id}: {note}.")
    for risk_id, name in closed_risks(register):
        before = history.get(risk_id, {}).get(previous)
        rating = register.by_id()[risk_id].rating if risk_id in register.by_id() else ""
        groups["closed"].append(Movement(risk_id, name, rating, (before.rating or "") if before else "", "",
                                         True, "" if name else "not on the register; name unknown"))
    return Movements(register.period, *(tuple(groups[g]) for g in (
        "new", "escalated", "de_escalated", "unchanged", "closed", "unclassified")), notes=tuple(notes))


def rating_distribution(register: Register) -> dict[str, dict[str, int]]:
    """Return the count of open risks by rating for each trend period History (or the Register) records."""
    ratings = allowed(register, "Ratings")
    history = snapshots(register)
    result: dict[str, dict[str, int]] = {}
    closed_now = {risk.id for risk in register.risks if risk.is_closed}
    for period in register.trend_periods:
        counts = dict.fromkeys(ratings, 0)
        recorded = False
        for risk_id, by_period in history.items():
            snap = by_period.get(period)
            if snap is None or not snap.present or snap.rating is None:
                continue
            if period == register.period and risk_id in closed_now:
                continue
            counts[snap.rating] += 1
            recorded = True
        if recorded:
            result[period.label] = counts
    return result


def trend_cells(register: Register,
                computed: dict[str, tuple[ComputedTrend, ...]]) -> Iterable[tuple[Risk, ComputedTrend]]:
    """Yield each register risk with each of its computed trends (first row of a duplicated ID only)."""
    seen = set()
    for risk in register.risks:
        if risk.id in computed and risk.id not in seen:
            seen.add(risk.id)
            for trend in computed[risk.id]:
                yield risk, trend
