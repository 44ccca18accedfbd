"""Risk management in depth, worked out from a register: positions, appetite and actions (pure).

The checks, the Summary sheet and the board paper all read these, so each is worked out in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.core import matrix
from workbook.core.model import Register, Risk, SheetRow, as_text, once_per_register
from workbook.core.schema import ACTION_DONE_STATUS, ACTION_OPEN_STATUSES, DEPTH_LISTS, POSITION_KEYS, POSITIONS
from workbook.core.values import as_date, as_number
from workbook.core.words import plural

# Done and Cancelled: every default status that is not still to do.
CLOSED_ACTION_STATUSES = tuple(s.casefold() for s in DEPTH_LISTS["ActionStatuses"] if s not in ACTION_OPEN_STATUSES)


def has_position(register: Register, position: str) -> bool:
    """Return whether the register has a column group for `position` (its likelihood and impact, or its score)."""
    likelihood, impact, score = POSITION_KEYS[position]
    return (register.has_column(likelihood) and register.has_column(impact)) or register.has_column(score)


@once_per_register
def recorded_positions(register: Register) -> tuple[str, ...]:
    """Return the positions the register has a column group for, in POSITIONS order: asked for every risk."""
    return tuple(position for position in POSITIONS if has_position(register, position))


def positions(register: Register, risk: Risk) -> dict[str, float]:
    """Return the risk's score at each position the register records and the risk has."""
    found = {}
    for position in recorded_positions(register):
        value = matrix.position_score(register, risk, position)
        if value is not None:
            found[position] = value
    return found


# ---- actions --------------------------------------------------------------------------------------------------

def is_open(action: SheetRow) -> bool:
    """Return whether an action is still to do: not Done, not Cancelled."""
    return action.text("status").casefold() not in CLOSED_ACTION_STATUSES


def is_done(action: SheetRow) -> bool:
    return action.text("status").casefold() == ACTION_DONE_STATUS.casefold()


@once_per_register
def actions_by_risk(register: Register) -> dict[str, list[SheetRow]]:
    """Return the Actions sheet's rows by risk ID (casefolded), in sheet order."""
    found: dict[str, list[SheetRow]] = {}
    for action in register.actions or ():
        if action.text("risk_id"):
            found.setdefault(action.text("risk_id").casefold(), []).append(action)
    return found


def open_actions(register: Register, risk: Risk) -> list[SheetRow]:
    return [action for action in actions_by_risk(register).get(risk.id.casefold(), ()) if is_open(action)]


def overdue(register: Register, action: SheetRow) -> int | None:
    """Return how many days before the end of the reporting period an open action fell due, None if not overdue."""
    due = as_date(action.values.get("due"))
    end = register.period.end_date
    if not is_open(action) or due is None or due >= end:
        return None
    return (end - due).days


def due_next_quarter(register: Register, action: SheetRow) -> bool:
    """Return whether an open action falls due in the quarter after the reporting period."""
    due = as_date(action.values.get("due"))
    return is_open(action) and due is not None and register.period.end_date < due <= register.period.next().end_date


# ---- appetite -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tolerance:
    """A category's tolerance: the highest acceptable residual score, or rating."""

    score: float | None = None
    rating: str | None = None

    @property
    def text(self) -> str:
        return f"{self.score:g}" if self.score is not None else self.rating or ""


def tolerance(register: Register, entry: SheetRow) -> Tolerance | None:
    """Return the tolerance an Appetite row gives, None when it is neither a score on the matrix nor a rating."""
    from workbook.core.trends import canonical_rating

    value = entry.values.get("tolerance")
    score = as_number(value)
    if score is not None:
        return Tolerance(score=score) if 0 < score <= matrix.matrix_of(register).highest else None
    rating = canonical_rating(register, value)
    return Tolerance(rating=rating) if rating else None


@once_per_register
def appetite_by_category(register: Register) -> dict[str, SheetRow]:
    """Return the Appetite sheet's first row for each category (casefolded)."""
    found: dict[str, SheetRow] = {}
    for entry in register.appetite or ():
        if entry.text("category"):
            found.setdefault(entry.text("category").casefold(), entry)
    return found


@dataclass(frozen=True)
class OutsideAppetite:
    """An open risk whose residual position is beyond its category's tolerance, and by how much."""

    risk: Risk
    entry: SheetRow
    tolerance: Tolerance
    residual: str  # the residual score or rating compared
    beyond: str  # '4 points above' or '1 band above'

    @property
    def how(self) -> str:
        return f"residual {self.residual} is {self.beyond} the tolerance of {self.tolerance.text}"


def _bands(count: int) -> str:
    return plural(count, "band")


def _points(amount: float) -> str:
    return plural(amount, "point")


@once_per_register
def outside_appetite(register: Register) -> list[OutsideAppetite]:
    """Return each open risk outside its category's tolerance, in register order."""
    from workbook.core.trends import canonical_rating, severity

    if not register.appetite or not register.has_column("category"):
        return []
    by_category = appetite_by_category(register)
    found = []
    for risk in register.risks:
        entry = by_category.get(risk.text("category").casefold()) if risk.text("category") else None
        limit = tolerance(register, entry) if entry is not None else None
        if risk.is_closed or limit is None:
            continue
        if limit.score is not None:
            residual = matrix.position_score(register, risk, "residual") if has_position(register, "residual") \
                else None
            if residual is not None and residual > limit.score:
                found.append(OutsideAppetite(risk, entry, limit, f"score {residual:g}",  # type: ignore[arg-type]
                                             f"{_points(residual - limit.score)} above"))
            continue
        rating = canonical_rating(register, risk.values.get("rating"))
        worse = (severity(register, rating) or 0) - (severity(register, limit.rating) or 0) if rating else 0
        if rating and worse > 0:
            found.append(OutsideAppetite(risk, entry, limit, rating, f"{_bands(worse)} above"))  # type: ignore[arg-type]
    return found


def appetite_text(entry: SheetRow) -> str:
    return as_text(entry.values.get("level")).strip()
