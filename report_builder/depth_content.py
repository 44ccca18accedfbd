"""What the paper says of risk management in depth: appetite, actions, positions, proximity (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from report_builder.dates import date_text
from workbook.core import depth
from workbook.core.matrix import matrix_of, position_score
from workbook.core.model import Register, Risk, SheetRow
from workbook.core.ratings import rating_of
from workbook.core.schema import POSITION_KEYS, POSITIONS, Rating
from workbook.core.values import matrix_cell, score_scale
from workbook.core.words import is_are, number_text, plural

OUTSIDE_APPETITE = "Outside appetite"
POSITION_WORDS = {"inherent": "Inherent", "residual": "residual", "target": "target"}


@dataclass(frozen=True)
class AppetiteRow:
    """A risk outside its category's appetite, as the paper's table shows it."""

    category: str
    appetite: str
    tolerance: str
    risk: str  # "CRR05 Demand Management"
    residual: str
    beyond: str
    measure: str = "rating"  # what tolerance and residual are given in: 'score' or 'rating' (one per paper)


@dataclass(frozen=True)
class ActionRow:
    """An action overdue at the end of the reporting period, or due in the next quarter."""

    risk_id: str
    risk: str
    action: str
    owner: str
    due: str
    status: str
    state: str  # "Overdue by 15 days" or "Due next quarter"

    @property
    def line(self) -> str:
        owner = f" ({self.owner})" if self.owner else ""
        return f"{self.action}{owner}: due {self.due}, {self.status or 'no status'}. {self.state}."


def _date(value: object) -> str:
    day = depth.as_date(value)
    return date_text(day) if day is not None else date_text(value)


def appetite_measure(register: Register) -> str:
    """Return the one measure the paper compares residual risks and tolerances in: 'score' when the register
    scores its risks (trend basis score, and a residual position on the matrix), else 'rating'."""
    from workbook.core.trends import _basis

    return "score" if _basis(register) == "score" and depth.has_position(register, "residual") else "rating"


# The table's headers for each measure: the paper says one, and says which.
APPETITE_HEADERS = {"score": ("Tolerance (score)", "Residual score"), "rating": ("Tolerance (rating)",
                                                                                 "Residual rating")}
APPETITE_NOTES = {
    "score": "Residual positions and tolerances are scores on the register's matrix; a tolerance set as a rating "
             "is the highest score of its band.",
    "rating": "Residual positions and tolerances are rating bands; a tolerance set as a score is the band of that "
              "score on the register's matrix.",
}


def _band_tops(register: Register) -> dict[str, float]:
    """Return the highest score of each band on the register's matrix, and of every band below it."""
    from workbook.core.trends import severity

    matrix = matrix_of(register)
    scores = [s for likelihood in range(1, matrix.size + 1) for impact in range(1, matrix.size + 1)
              if (s := matrix.score(likelihood, impact)) is not None]
    tops: dict[str, float] = {}
    for name, _ in matrix.bands:
        ceiling = severity(register, name) or 0
        within = [s for s in scores if (severity(register, matrix.rating(s)) or 0) <= ceiling]
        if within:
            tops[name] = max(within)
    return tops


def _in_measure(register: Register, found: depth.OutsideAppetite, measure: str,
                tops: dict[str, float]) -> tuple[str, str, str]:
    """Return (tolerance, residual, how far above) of a risk outside appetite, all in `measure`."""
    from workbook.core.trends import severity

    limit, risk = found.tolerance, found.risk
    if measure == "score":
        score = position_score(register, risk, "residual")
        tolerance = limit.score if limit.score is not None else tops.get(limit.rating or "")
        if tolerance is None:
            return found.tolerance.text, found.residual, found.beyond
        shown = tolerance_text(register, limit, measure, tops)
        if score is None:
            return shown, "not scored", f"rated {risk.rating}, {found.beyond} {limit.rating}"
        above = score - tolerance
        beyond = f"{plural(above, 'point')} above" if above > 0 else \
            f"rated {risk.rating}, {found.beyond} {limit.rating}"  # a rating other than its score's band
        return shown, f"{score:g}", beyond
    band = limit.rating if limit.score is None else matrix_of(register).rating(limit.score)
    shown = tolerance_text(register, limit, measure, tops)
    worse = (severity(register, risk.rating) or 0) - (severity(register, band) or 0) if band else 0
    if worse > 0:
        return shown, risk.rating, f"{plural(worse, 'band')} above"
    score = position_score(register, risk, "residual")  # within the tolerance's band, above its score
    return shown, risk.rating, f"score {score:g}, above {limit.score:g}" if score is not None and limit.score \
        else found.beyond


def tolerance_text(register: Register, limit: depth.Tolerance, measure: str, tops: dict[str, float]) -> str:
    """Return a category's tolerance in the paper's `measure`: '9', '12 (High)' as scores; 'High',
    'High (score 9)' as ratings."""
    if measure == "score":
        top = limit.score if limit.score is not None else tops.get(limit.rating or "")
        return limit.text if top is None else f"{top:g}" if limit.score is not None else f"{top:g} ({limit.rating})"
    band = limit.rating if limit.score is None else matrix_of(register).rating(limit.score)
    if limit.score is None:
        return band or ""
    return f"{band} (score {limit.score:g})" if band else f"score {limit.score:g}"


def appetite_rows(register: Register) -> tuple[AppetiteRow, ...]:
    """Return the open risks outside appetite, by category then most severe first, in the paper's one measure."""
    found = sorted(depth.outside_appetite(register), key=lambda o: (o.risk.text("category").casefold(), o.risk.id))
    measure = appetite_measure(register)
    tops = _band_tops(register) if measure == "score" else {}
    rows = []
    for o in found:
        tolerance, residual, beyond = _in_measure(register, o, measure, tops)
        rows.append(AppetiteRow(o.risk.text("category"), depth.appetite_text(o.entry), tolerance,
                                f"{o.risk.id} {o.risk.name}", residual, beyond, measure))
    return tuple(rows)


def outside_appetite_ids(register: Register) -> set[str]:
    return {found.risk.id for found in depth.outside_appetite(register)}


def _action_row(register: Register, action: SheetRow, names: dict[str, str]) -> ActionRow | None:
    days = depth.overdue(register, action)
    if days is not None:
        state = f"Overdue by {plural(days, 'day')}"
    elif depth.due_next_quarter(register, action):
        state = "Due next quarter"
    else:
        return None
    risk_id = action.text("risk_id")
    return ActionRow(risk_id, f"{risk_id} {names.get(risk_id.casefold(), '')}".strip(), action.text("action"),
                     action.text("owner"), _date(action.values.get("due")), action.text("status"), state)


def action_rows(register: Register, open_risks: Sequence[Risk]) -> tuple[ActionRow, ...]:
    """Return the actions of open risks that are overdue or due next quarter: overdue first, then by due date."""
    names = {risk.id.casefold(): risk.name for risk in open_risks if risk.id}
    rows = []
    for action in register.actions or ():
        if action.text("risk_id").casefold() in names and (row := _action_row(register, action, names)):
            rows.append((row.state == "Due next quarter", depth.as_date(action.values.get("due")), row.risk_id, row))
    return tuple(row for *_, row in sorted(rows, key=lambda r: r[:3]))


@dataclass(frozen=True)
class PositionRow:
    """A risk's inherent, residual and target positions (likelihood × impact = score), for the paper's table."""

    risk: str
    inherent: str
    residual: str
    target: str
    target_date: str


def _position_text(register: Register, risk: Risk, position: str) -> str:
    likelihood, impact, _ = POSITION_KEYS[position]
    score = position_score(register, risk, position) if depth.has_position(register, position) else None
    if score is None:
        return ""
    if risk.text(likelihood) and risk.text(impact):
        return f"{risk.text(likelihood)} × {risk.text(impact)} = {score:g}"
    return f"{score:g}"


def position_rows(register: Register, ordered: Sequence[Risk]) -> tuple[PositionRow, ...]:
    """Return the positions of each of the `ordered` risks that has more than its residual one."""
    rows = []
    for risk in ordered:
        texts = {p: _position_text(register, risk, p) for p in ("inherent", "residual", "target")}
        if sum(1 for text in texts.values() if text) > 1:
            day = depth.as_date(risk.values.get("target_date"))
            rows.append(PositionRow(f"{risk.id} {risk.name}", texts["inherent"], texts["residual"], texts["target"],
                                    date_text(day) if day else ""))
    return tuple(rows)


# The movement grid marks each position with a letter; the key under it says what they stand for.
POSITION_MARKS = {"inherent": "I", "residual": "R", "target": "T"}
MOVEMENT_KEY = "I = inherent (before controls), R = residual (now), T = target (after the planned actions)."


@dataclass(frozen=True)
class MovementPoint:
    """A risk's position on the matrix: inherent, residual or target, at its (likelihood, impact) cell."""

    risk_id: str
    position: str
    cell: tuple[int, int]

    @property
    def mark(self) -> str:
        return POSITION_MARKS[self.position]


def movement_points(register: Register, ordered: Sequence[Risk]) -> tuple[MovementPoint, ...]:
    """Return the matrix cell of each position with both its likelihood and impact, for the risks that have more
    than their residual one on the matrix; none unless the register has an inherent or target likelihood and
    impact."""
    kept = [p for p in POSITIONS if all(register.has_column(key) for key in POSITION_KEYS[p][:2])]
    if not set(kept) - {"residual"}:
        return ()
    scale, points = score_scale(register), []
    for risk in sorted(ordered, key=lambda r: r.id):
        cells = {p: matrix_cell(risk.values.get(POSITION_KEYS[p][0]), risk.values.get(POSITION_KEYS[p][1]), scale)
                 for p in kept}
        found = [MovementPoint(risk.id, p, cell) for p, cell in cells.items() if cell is not None]
        if len(found) > 1:
            points += found
    return tuple(points)


def cell_ratings(register: Register) -> tuple[tuple[tuple[int, int], Rating | None], ...]:
    """Return each matrix cell's rating, with its colours on the register's scale, as the register's matrix
    bands the cell's score (None below every band): the Matrix sheet's, else the default shares over the Lists
    sheet's ratings, so that a five-band register's heat map says Very High, not Critical."""
    matrix = matrix_of(register)
    return tuple(((likelihood, impact), rating_of(register, matrix.rating(matrix.score(likelihood, impact)) or ""))
                 for likelihood in range(1, matrix.size + 1) for impact in range(1, matrix.size + 1))


def risk_details(register: Register, risk: Risk) -> tuple[str, ...]:
    """Return the lines the attention section adds for a risk: its positions and target date, its proximity."""
    lines = []
    scores = depth.positions(register, risk)
    if len(scores) > 1 or "inherent" in scores or "target" in scores:
        text = " → ".join(f"{POSITION_WORDS[p]} {scores[p]:g}" for p in ("inherent", "residual", "target")
                          if p in scores)
        target_date = risk.values.get("target_date")
        when = f" by {_date(target_date)}" if "target" in scores and depth.as_date(target_date) else ""
        lines.append(f"Scores: {text[0].upper()}{text[1:]}{when}.")
    if risk.text("proximity"):
        lines.append(f"Proximity: {risk.text('proximity')}.")
    return tuple(lines)


def risk_actions(register: Register, risk: Risk) -> tuple[str, ...]:
    """Return a line per action of `risk` that is overdue or due next quarter."""
    names = {risk.id.casefold(): risk.name}
    rows = [_action_row(register, action, names) for action in depth.actions_by_risk(register).get(risk.id.casefold(), ())]
    return tuple(row.line for row in rows if row is not None)


# Above this many rows the appetite and actions tables count their risks instead of naming them, the way the
# summary's movement table does: at 1,000 risks each would run to pages (the appendix and the register name them).
NAMED_UP_TO = 20
NO_TOLERANCE = "No tolerance set"
NEITHER = "No action overdue or due next quarter"


@dataclass(frozen=True)
class CountedTable:
    """A long table counted instead: the sentence that says so, the headers, the rows (the last a total)."""

    lead: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def appetite_counted(register: Register, open_risks: Sequence[Risk],
                     rows: Sequence[AppetiteRow]) -> CountedTable | None:
    """Return the risks outside appetite counted by category, beside each category's open risks, when there are
    more than NAMED_UP_TO of them; the open risks of a category with no tolerance have a row of their own, so the
    total is every open risk."""
    if len(rows) <= NAMED_UP_TO:
        return None
    by_category = depth.appetite_by_category(register)
    limits = {key: limit for key, entry in by_category.items() if (limit := depth.tolerance(register, entry))}
    outside: dict[str, int] = {}
    for row in rows:
        outside[row.category.casefold()] = outside.get(row.category.casefold(), 0) + 1
    counts: dict[str, int] = {}
    for risk in open_risks:
        key = risk.text("category").casefold()
        counts[key if key in limits else ""] = counts.get(key if key in limits else "", 0) + 1
    measure = rows[0].measure
    tops = _band_tops(register) if measure == "score" else {}
    table = []
    for key in sorted(limits, key=lambda k: by_category[k].text("category").casefold()):
        entry = by_category[key]
        table.append((entry.text("category"), depth.appetite_text(entry),
                      tolerance_text(register, limits[key], measure, tops),
                      number_text(outside.get(key, 0)), number_text(counts.get(key, 0))))
    if counts.get(""):
        table.append((NO_TOLERANCE, "", "", "0", number_text(counts[""])))
    table.append(("Total", "", "", number_text(len(rows)), number_text(len(open_risks))))
    lead = (f"{plural(rows, 'open risk')} of {number_text(len(open_risks))} {is_are(rows)} outside their "
            f"category's appetite: the table counts them by category, and the appendix gives each with its rating.")
    return CountedTable(lead, ("Category", "Appetite", APPETITE_HEADERS[measure][0], "Outside appetite", "Open risks"),
                        tuple(table))


def actions_counted(open_risks: Sequence[Risk], rows: Sequence[ActionRow]) -> CountedTable | None:
    """Return the actions overdue or due next quarter counted by state, with the open risks each is the most
    pressing state of (overdue before due next quarter, then neither), when there are more than NAMED_UP_TO
    actions; the risks' total is every open risk."""
    if len(rows) <= NAMED_UP_TO:
        return None
    overdue = [row for row in rows if row.state != "Due next quarter"]
    due = [row for row in rows if row.state == "Due next quarter"]
    late = {row.risk_id.casefold() for row in overdue}
    soon = {row.risk_id.casefold() for row in due} - late
    table = (("Overdue", number_text(len(overdue)), number_text(len(late))),
             ("Due next quarter", number_text(len(due)), number_text(len(soon))),
             (NEITHER, "", number_text(len(open_risks) - len(late) - len(soon))),
             ("Total", number_text(len(rows)), number_text(len(open_risks))))
    lead = (f"{plural(rows, 'action')} of open risks {is_are(rows)} overdue or due next quarter: the table counts "
            f"them by state, with the open risks they belong to (a risk with both, under Overdue); the register's "
            f"Actions sheet names each.")
    return CountedTable(lead, ("State", "Actions", "Open risks"), table)
