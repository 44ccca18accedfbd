"""Trend arrows, closed risks, movements and rating counts, worked out from the History sheet (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbook.core import matrix, renames
from workbook.core.errors import PeriodError
from workbook.core.model import HistoryEntry, Register, Risk, once_per_register
from workbook.core.periods import Period, parse_period
from workbook.core.schema import (
    DEESCALATING,
    ALL_DEFAULT_LISTS,
    ESCALATING,
    MATRIX_PRODUCT,
    NEW,
    NOT_APPLICABLE,
    TREND_KEYS,
    UNCHANGED,
)
from workbook.core.record_text import MATRIX_FIELD, QUARTER_KEY, RATINGS_FIELD
from workbook.core.values import SCALE_RANGE, as_number, entry_score, risk_score

QUARTER_PREFIX = QUARTER_KEY.format(label="")

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"
REMOVED_NOTE = "removed from the register without being closed"  # a closed movement that is a deleted row
# The movement groups, as a Movement's `kind` names them, in the order a paper lists them.
MOVEMENT_KINDS = ("new", "escalated", "de-escalated", "unchanged", "closed")
CLOSED_KIND = "closed"


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
    """One risk in this period's movements: the one type the Summary sheet, the trends output and the paper use."""

    risk_id: str
    name: str
    rating: str
    previous_rating: str  # '' when History does not have it
    trend: str
    from_history: bool  # False when the recorded arrow is used because History lacks the data
    note: str = ""
    kind: str = ""  # the group it is in: one of MOVEMENT_KINDS, '' when unclassified
    previous_trend: str = ""  # last period's arrow ('' when there is none)

    @property
    def before(self) -> str:
        """Return what the risk had last period: its arrow, or for a closed risk its rating."""
        return self.previous_rating if self.kind == CLOSED_KIND else self.previous_trend

    @property
    def after(self) -> str:
        """Return this period's arrow ('' for a closed risk)."""
        return "" if self.kind == CLOSED_KIND else self.trend

    @property
    def removed(self) -> bool:
        """Return whether a closed risk's row was deleted from the Register rather than closed."""
        return self.note == REMOVED_NOTE


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
    return tuple(register.lists.get(list_name) or ALL_DEFAULT_LISTS[list_name])


@once_per_register
def rating_spellings(register: Register) -> dict[str, str]:
    """Return the Ratings list keyed by casefolded name (the first rating, when two fold alike)."""
    spellings: dict[str, str] = {}
    for rating in allowed(register, "Ratings"):
        spellings.setdefault(rating.casefold(), rating)
    return spellings


def spelt_rating(spellings: dict[str, str], value: object) -> str | None:
    """Return the rating `value` names in `spellings` (ignoring case and spaces), None when it names none."""
    return spellings.get(" ".join(value.split()).casefold()) if isinstance(value, str) else None


def canonical_rating(register: Register, value: object) -> str | None:
    """Return the rating as spelt in the Ratings list when `value` names one (ignoring case and spaces)."""
    return spelt_rating(rating_spellings(register), value)


def severity(register: Register, rating: str | None) -> int | None:
    """Return how severe `rating` is: the Ratings list runs most severe first."""
    return _severities(register).get(rating)  # type: ignore[arg-type]


@once_per_register
def _severities(register: Register) -> dict[str, int]:
    ratings = allowed(register, "Ratings")
    return {rating: len(ratings) - ratings.index(rating) for rating in ratings}


def entry_period(entry: HistoryEntry) -> Period | None:
    """Return the period of a History row, None when its label does not parse."""
    try:
        return parse_period(entry.period)
    except PeriodError:
        return None


@once_per_register
def entry_periods(register: Register) -> list[Period | None]:
    """Return the period of each History row, in sheet order: the checks and snapshots all ask for them."""
    return [entry_period(entry) for entry in register.history]


@once_per_register
def history_periods(register: Register) -> set[Period | None]:
    """Return the distinct periods History rows name, None standing for labels that do not parse."""
    return set(entry_periods(register))


_NA = NOT_APPLICABLE.upper()


def _row_present(entry: HistoryEntry, rating: str | None, score: float | None) -> bool:
    """Whether a History row has its risk open on the register: all but a closed risk, or an N/A trend with no
    rating and no score."""
    return not entry.is_closed and not (entry.trend.upper() == _NA and rating is None and score is None)


def _snapshot(register: Register, period: Period, entry: HistoryEntry) -> Snapshot:
    """Return a risk's standing in `period` as its History row records it."""
    rating = spelt_rating(rating_spellings(register), renames.band_now(register, entry.rating, period))
    score = entry_score(entry, matrix.matrix_of(register))
    return Snapshot(period, rating, score, _row_present(entry, rating, score), f"History row {entry.row}")


def compared_periods(register: Register) -> set[Period]:
    """Return the periods trend arrows compare: each trend period and the one before it."""
    return {p for period in register.trend_periods for p in (period, period.previous())}


@once_per_register
def earlier_rows(register: Register) -> dict[str, dict[Period, HistoryEntry]]:
    """Return each risk's History row for each period before the reporting one, in sheet order.

    The first row counts when two record the same risk and period. One pass over History, which holds a row per
    risk and quarter for years: the trends, closed risks and stale controls all read these rows.
    """
    rows: dict[str, dict[Period, HistoryEntry]] = {}
    reporting = register.period
    earlier = {p for p in history_periods(register) if p is not None and p < reporting}
    renamed = any(r.kind == renames.RISK for r in renames.renames(register))
    for entry, period in zip(register.history, entry_periods(register)):
        if period in earlier and entry.risk_id:
            # A risk renamed since keeps its trail: its older rows count under today's ID.
            risk_id = renames.risk_now(register, entry.risk_id, period) if renamed else entry.risk_id
            rows.setdefault(risk_id, {}).setdefault(period, entry)
    return rows


@once_per_register
def snapshots(register: Register) -> dict[str, dict[Period, Snapshot]]:
    """Return each risk's snapshots in the compared periods: History rows, then the Register for the reporting one."""
    found: dict[str, dict[Period, Snapshot]] = {}
    reporting = register.period
    compared = compared_periods(register)
    for risk_id, rows in earlier_rows(register).items():
        for period, entry in rows.items():
            if period in compared:
                found.setdefault(risk_id, {})[period] = _snapshot(register, period, entry)
    spellings, on = rating_spellings(register), matrix.matrix_of(register)
    for risk in register.risks:
        if risk.id:
            found.setdefault(risk.id, {})[reporting] = Snapshot(
                reporting, spelt_rating(spellings, risk.values.get("rating")), risk_score(risk, on), True, "register")
    return found


@once_per_register
def covered_periods(register: Register) -> set[Period]:
    """Return the periods History records (any row), plus the reporting period the Register itself records."""
    reporting = register.period
    return {p for p in history_periods(register) if p is not None and p < reporting} | {reporting}


@once_per_register
def _basis(register: Register) -> str:
    basis = str(register.setting("trend_basis")).strip().lower()
    return basis if basis in ("score", "rating") else "rating"


@once_per_register
def _period_matrices(register: Register) -> dict[Period, matrix.Matrix]:
    """Return the matrix each closed quarter was scored on, as the Record sheet keeps it (quarters closed before the
    scale was recorded are left out), and the reporting period's own."""
    found = {}
    for key, fields in register.recorded_text.items():
        if not key.startswith(QUARTER_PREFIX) or "score_scale" not in fields:
            continue
        try:
            period = parse_period(key[len(QUARTER_PREFIX):])
        except PeriodError:
            continue
        size = as_number(fields["score_scale"])
        size = int(size) if size is not None and size.is_integer() and int(size) in SCALE_RANGE else None
        names = tuple(name for name in fields.get(RATINGS_FIELD, "").split("\n") if name) or \
            tuple(r for r in allowed(register, "Ratings"))
        if size is None:
            continue
        if fields.get(MATRIX_FIELD):
            found[period] = matrix.read_matrix_sheet(json.loads(fields[MATRIX_FIELD]), size, names)
        else:
            found[period] = matrix.Matrix(size, MATRIX_PRODUCT, matrix.default_bands(size, names))
    found[register.period] = matrix.matrix_of(register)
    return found


def _scoring(m: matrix.Matrix) -> tuple:
    return m.size, m.method, tuple(lowest for _, lowest in m.bands), m.grid


def scale_change(register: Register, before: Period, after: Period) -> tuple[matrix.Matrix, matrix.Matrix] | None:
    """Return the matrices of `before` and `after` when they score differently (a new scale, bands or grid), None
    when they score alike or a quarter's matrix was not recorded."""
    matrices = _period_matrices(register)
    old, new = matrices.get(before), matrices.get(after)
    if old is None or new is None or _scoring(old) == _scoring(new):
        return None
    return old, new


def scale_words(change: tuple[matrix.Matrix, matrix.Matrix], period: Period) -> str:
    """Return 'the score scale changed in 2022/23 Q1 (4×4 to 5×5)' or '... (the Matrix sheet's scoring)'."""
    old, new = change
    how = f"{old.size}×{old.size} to {new.size}×{new.size}" if old.size != new.size else "the Matrix sheet's scoring"
    return f"the score scale changed in {period.label} ({how})"


def scale_note(register: Register) -> str:
    """Return the line saying the score scale changed in the reporting period ('' when it did not)."""
    change = scale_change(register, register.period.previous(), register.period)
    if change is None:
        return ""
    words = scale_words(change, register.period)
    return (f"{words[0].upper()}{words[1:]}: arrows compare ratings (or positions within the scale), never scores "
            "of different scales.")


def _compare(register: Register, before: Snapshot, after: Snapshot, risk_id: str) -> tuple[str | None, str, str]:
    scores = before.score is not None and after.score is not None
    ratings = before.rating is not None and after.rating is not None
    change = scale_change(register, before.period, after.period)
    old: float | None
    new: float | None
    if change is not None and ratings:
        # Scores of two scales do not compare: like with like is the band, and a rescored risk that keeps its
        # rating is unchanged.
        old, new = severity(register, before.rating), severity(register, after.rating)
        arrow = ESCALATING if new > old else DEESCALATING if new < old else UNCHANGED  # type: ignore[operator]
        return arrow, "rating", (f"the rating of {risk_id} went from {before.rating} in {before.period.label} to "
                                 f"{after.rating} in {after.period.label}; {scale_words(change, after.period)}, "
                                 "so ratings are compared, not scores")
    if change is not None and scores:
        old_share, new_share = before.score / change[0].highest, after.score / change[1].highest  # type: ignore
        arrow = ESCALATING if new_share > old_share else DEESCALATING if new_share < old_share else UNCHANGED
        return arrow, "position", (f"the score of {risk_id} went from {before.score:g} of {change[0].highest:g} in "
                                   f"{before.period.label} to {after.score:g} of {change[1].highest:g} in "
                                   f"{after.period.label}; {scale_words(change, after.period)}, so positions "
                                   "within the scale are compared")
    if scores and (_basis(register) == "score" or not ratings):
        old, new, basis = before.score, after.score, "score"
        shown_old, shown_new = f"{before.score:g}", f"{after.score:g}"
    elif ratings:
        old, new, basis = severity(register, before.rating), severity(register, after.rating), "rating"
        shown_old, shown_new = before.rating or "", after.rating or ""
    else:
        missing = before if before.rating is None and before.score is None else after
        where = "the Register" if missing.source == "register" else "History"
        return None, "", f"{where} has no rating for {risk_id} in {missing.period.label}"
    arrow = ESCALATING if new > old else DEESCALATING if new < old else UNCHANGED  # type: ignore[operator]
    return arrow, basis, (f"the {basis} of {risk_id} went from {shown_old} in {before.period.label} "
                          f"to {shown_new} in {after.period.label}")


def computed_trend(register: Register, risk_id: str, period: Period, history: dict[Period, Snapshot],
                   covered: set[Period], rows: dict[Period, HistoryEntry]) -> tuple[str | None, str, str]:
    """Return (trend, basis, reason) of `risk_id` in `period`; trend None when History cannot tell.

    `history` holds the risk's snapshots (see `snapshots`), `rows` its History rows before the reporting period
    (see `earlier_rows`).
    """
    previous = period.previous()
    this_snap, previous_snap = history.get(period), history.get(previous)
    if this_snap is not None and this_snap.present and previous_snap is not None and previous_snap.present:
        return _compare(register, previous_snap, this_snap, risk_id)  # the common case: on the register in both

    def state(snap: Snapshot | None, p: Period) -> str:
        if snap is not None:
            return PRESENT if snap.present else ABSENT
        return ABSENT if p in covered else UNKNOWN

    now, before = state(this_snap, period), state(previous_snap, previous)
    if now == UNKNOWN:
        return None, "", f"History has no rows for {period.label}"
    closed = closed_in(register).get(risk_id)
    if now == PRESENT and before != PRESENT and closed is not None and closed < period:
        return NEW, "history", f"History records {risk_id} closed in {closed.label}: reopened in {period.label}"
    # The periods before `previous` History has the risk on the register: only a risk missing from one of the two
    # compared periods comes this far.
    seen_earlier = [p for p, entry in rows.items() if p < previous and _snapshot(register, p, entry).present]
    if now == ABSENT:
        if before == PRESENT or seen_earlier:
            return None, "", f"History has {risk_id} on the register before {period.label} but not in it"
        return NOT_APPLICABLE, "history", f"History does not have {risk_id} on the register in {period.label}"
    if before == UNKNOWN:
        return None, "", f"History has no rows for {previous.label}"
    if seen_earlier:
        return None, "", (f"History has {risk_id} on the register in {seen_earlier[-1].label}, "
                          f"not in {previous.label}, and back in {period.label}")
    return NEW, "history", (f"History first has {risk_id} on the register in {period.label}, "
                            f"after recording other risks in {previous.label}")


@once_per_register
def _first_risks(register: Register) -> dict[str, Risk]:
    """Return the first risk with each ID, in register order (the checks report a duplicated ID)."""
    first: dict[str, Risk] = {}
    for risk in register.risks:
        if risk.id:
            first.setdefault(risk.id, risk)
    return first


def _column_trends(register: Register, key: str, period: Period) -> dict[str, ComputedTrend]:
    """Return each risk's trend in one trend column, by risk ID in register order."""
    history, covered, rows = snapshots(register), covered_periods(register), earlier_rows(register)
    column = {}
    for risk_id, risk in _first_risks(register).items():
        computed, basis, reason = computed_trend(register, risk_id, period, history.get(risk_id, {}), covered,
                                                 rows.get(risk_id, {}))
        column[risk_id] = ComputedTrend(risk_id, key, period, risk.text(key), computed, basis, reason)
    return column


@once_per_register
def latest_trends(register: Register) -> dict[str, ComputedTrend]:
    """Return each risk's trend in the newest trend column (the reporting period's): all that movements need."""
    *_, (key, period) = zip(TREND_KEYS, register.trend_periods)
    return _column_trends(register, key, period)


@once_per_register
def compute_trends(register: Register) -> dict[str, tuple[ComputedTrend, ...]]:
    """Return, for each risk on the register, its trend per trend column, oldest first."""
    *earlier, _ = zip(TREND_KEYS, register.trend_periods)
    columns = [_column_trends(register, key, period) for key, period in earlier] + [latest_trends(register)]
    # Every column lists the same risks in the same order: each risk's trends are one row across the columns.
    return dict(zip(columns[-1], zip(*(column.values() for column in columns))))


@once_per_register
def closed_in(register: Register) -> dict[str, Period]:
    """Return, for each risk whose latest History row before the reporting period records it closed, that period."""
    latest = {risk_id: (max(rows), rows) for risk_id, rows in earlier_rows(register).items()}
    return {risk_id: period for risk_id, (period, rows) in latest.items() if rows[period].is_closed}


def closed_at(register: Register, risk_id: str, period: Period) -> bool:
    """Return whether History has `risk_id` closed in `period`: its latest row up to then records it closed."""
    rows = earlier_rows(register).get(risk_id, {})
    latest = max((p for p in rows if p <= period), default=None)
    return latest is not None and rows[latest].is_closed


@once_per_register
def closed_risks(register: Register) -> list[tuple[str, str]]:
    """Return (risk id, name) of risks closed this period: Status Closed (unless History has it closed already),
    or on History last period and gone now."""
    on_register = register.by_id()
    earlier = closed_in(register)
    closed = [(risk.id, risk.name) for risk in register.risks if risk.id and risk.is_closed and risk.id not in earlier]
    return closed + [(risk_id, recorded_name(register, risk_id)) for risk_id in vanished(register)]


@once_per_register
def vanished(register: Register) -> list[str]:
    """Return the IDs of risks on the register last period (History has them open) and gone now without being
    closed: a deleted row, not a closure."""
    on_register = register.by_id()
    previous = register.period.previous()
    return sorted(risk_id for risk_id, history in snapshots(register).items()
                  if risk_id not in on_register and previous in history and history[previous].present)


def recorded_name(register: Register, risk_id: str) -> str:
    """Return the name the Record sheet keeps for `risk_id` from its latest History row that has one, else ''."""
    rows = earlier_rows(register).get(risk_id, {})
    for period in sorted(rows, reverse=True):
        name = register.recorded_text.get(rows[period].fingerprint, {}).get("name", "") if rows[period].fingerprint \
            else ""
        if name:
            return name
    return ""


_GROUP_OF = {NEW: "new", ESCALATING: "escalated", DEESCALATING: "de_escalated", UNCHANGED: "unchanged"}
_KIND_OF_GROUP = {"new": "new", "escalated": "escalated", "de_escalated": "de-escalated", "unchanged": "unchanged",
                  "closed": CLOSED_KIND, "unclassified": ""}


def movements(register: Register) -> Movements:
    """Return this period's movements: new, escalated, de-escalated, unchanged and closed risks."""
    latest = latest_trends(register)
    computed = compute_trends(register)
    history = snapshots(register)
    groups: dict[str, list[Movement]] = {g: [] for g in (*_GROUP_OF.values(), "closed", "unclassified")}
    notes: list[str] = []
    previous = register.period.previous()
    for risk in register.risks:
        if not risk.id or risk.is_closed or risk.id not in latest:
            continue
        current = latest[risk.id]
        before = history.get(risk.id, {}).get(previous)
        note = "" if current.computed is not None else f"recorded arrow kept: {current.reason}"
        if current.computed is not None and not current.agrees:
            note = f"recorded {current.recorded}, History gives {current.computed}"
        group = _GROUP_OF.get(current.value, "unclassified")
        arrows = computed.get(risk.id, ())
        groups[group].append(Movement(risk.id, risk.name, risk.rating, (before.rating or "") if before else "",
                                      current.value, current.computed is not None, note, _KIND_OF_GROUP[group],
                                      arrows[-2].value if len(arrows) > 1 else ""))
        if note:
            notes.append(f"{risk.id}: {note}.")
    on_register = register.by_id()
    for risk_id, name in closed_risks(register):
        before = history.get(risk_id, {}).get(previous)
        rating = on_register[risk_id].rating if risk_id in on_register else ""
        removed = risk_id not in on_register
        groups["closed"].append(Movement(risk_id, name, rating, (before.rating or "") if before else "", "",
                                         True, REMOVED_NOTE if removed else "", CLOSED_KIND))
    note = scale_note(register)
    if note:
        notes.append(note)
    return Movements(register.period, new=tuple(groups["new"]), escalated=tuple(groups["escalated"]),
                     de_escalated=tuple(groups["de_escalated"]), unchanged=tuple(groups["unchanged"]),
                     closed=tuple(groups["closed"]), unclassified=tuple(groups["unclassified"]), notes=tuple(notes))


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


def trend_fills(register: Register, computed: dict[str, tuple[ComputedTrend, ...]]) -> dict[tuple[int, int], str]:
    """Return the arrows History gives for trend cells that are still empty, by (row, column): typed ones stay."""
    return {(risk.row, register.columns[trend.key]): trend.computed
            for risk, trend in trend_cells(register, computed)
            if trend.computed is not None and not risk.text(trend.key) and not risk.is_closed}


def trend_cells(register: Register,
                computed: dict[str, tuple[ComputedTrend, ...]]) -> Iterable[tuple[Risk, ComputedTrend]]:
    """Yield each register risk with each of its computed trends (first row of a duplicated ID only)."""
    seen = set()
    for risk in register.risks:
        if risk.id in computed and risk.id not in seen:
            seen.add(risk.id)
            for trend in computed[risk.id]:
                yield risk, trend


@dataclass(frozen=True)
class Refresh:
    """What History says of the register's trends: arrows, the cells to fill, movements, counts, conflicts."""

    register: Register
    computed: dict[str, tuple[ComputedTrend, ...]]
    fills: dict[tuple[int, int], str]
    movements: Movements
    distribution: dict[str, dict[str, int]]
    conflicts: tuple  # findings of R014: typed arrows History contradicts
