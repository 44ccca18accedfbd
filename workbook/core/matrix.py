"""The risk matrix: how likelihood and impact make a score, and which rating a score earns (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workbook.core.ratings import default_bands, rating_scale
from workbook.core.model import Register, Risk, address, as_text, once_per_register
from workbook.core.schema import (
    DEFAULT_LISTS,
    MATRIX_BANDS_HEADER,
    MATRIX_GRID,
    MATRIX_GRID_CORNER,
    MATRIX_PRODUCT,
    MATRIX_SCORING_LABEL,
    MATRIX_SHEET,
    POSITION_KEYS,
)
from workbook.core.values import as_number as number
from workbook.core.values import matrix_cell
from workbook.core.values import score as product
from workbook.core.values import score_scale as scale


@dataclass(frozen=True)
class Problem:
    """A Matrix sheet cell riskreg cannot use, and why."""

    cell: str
    value: object
    problem: str


@dataclass(frozen=True)
class Matrix:
    """A likelihood × impact matrix of `size`: scoring, and bands (rating, lowest score) most severe first."""

    size: int
    method: str = MATRIX_PRODUCT
    bands: tuple[tuple[str, float], ...] = ()
    grid: tuple[tuple[float | None, ...], ...] = ()  # grid[likelihood - 1][impact - 1], for the Grid method
    defined: bool = False  # True when the bands come from the register's Matrix sheet
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    cells: dict[str, str] = field(default_factory=dict, compare=False)  # 'scoring', rating -> band cell

    @property
    def highest(self) -> float:
        return self.score(self.size, self.size) or float(self.size * self.size)

    def score(self, likelihood: object, impact: object) -> float | None:
        """Return the score of `likelihood` and `impact`, None unless both are whole numbers on the matrix."""
        if self.method == MATRIX_GRID and self.grid:
            cell = matrix_cell(likelihood, impact, self.size)
            return self.grid[cell[0] - 1][cell[1] - 1] if cell else None
        return product(likelihood, impact)

    def rating(self, score: float | None) -> str | None:
        """Return the rating `score` earns on the bands, None for no score or one below every band."""
        if score is None:
            return None
        return next((rating for rating, lowest in self.bands if score >= lowest), None)


def _ratings(register: Register) -> tuple[str, ...]:
    return tuple(rating.name for rating in rating_scale(register))


def _label(value: object) -> str:
    return " ".join(as_text(value).split()).casefold()


def read_matrix_sheet(grid: Sequence[Sequence[object]], size: int, ratings: Sequence[str]) -> Matrix:
    """Return the matrix the Matrix sheet `grid` declares, with each cell it cannot use as a Problem."""
    problems: list[Problem] = []
    cells: dict[str, str] = {}
    method, bands, scores = MATRIX_PRODUCT, [], []
    rows = [list(row) for row in grid]
    known = {r.casefold(): r for r in ratings}
    section = ""
    for index, row in enumerate(rows, start=1):
        first = _label(row[0]) if row else ""
        second = row[1] if len(row) > 1 else None
        if first == MATRIX_SCORING_LABEL.casefold():
            cells["scoring"] = address(MATRIX_SHEET, index, 2)
            chosen = {MATRIX_PRODUCT.casefold(): MATRIX_PRODUCT, MATRIX_GRID.casefold(): MATRIX_GRID}.get(_label(second))
            if chosen is None:
                problems.append(Problem(cells["scoring"], second, f"must be {MATRIX_PRODUCT} or {MATRIX_GRID}"))
            else:
                method = chosen
            continue
        if first == MATRIX_BANDS_HEADER[0].casefold():
            section = "bands"
            continue
        if first == _label(MATRIX_GRID_CORNER):
            section = "grid"
            continue
        if not first:
            continue
        if section == "bands":
            rating = known.get(first)
            cell = address(MATRIX_SHEET, index, 2)
            lowest = number(second)
            if rating is None:
                problems.append(Problem(address(MATRIX_SHEET, index, 1), row[0],
                                        f"is not in the Ratings list ({', '.join(ratings)})"))
            elif lowest is None:
                problems.append(Problem(cell, second, f"must be the lowest score rated {rating}, a number"))
            else:
                cells[rating] = cell
                bands.append((rating, lowest))
        elif section == "grid":
            scores.append((index, row))
    if bands:
        order = {rating: position for position, rating in enumerate(ratings)}
        bands.sort(key=lambda band: order[band[0]])
        for (upper, upper_low), (lower, lower_low) in zip(bands, bands[1:]):
            if lower_low >= upper_low:
                problems.append(Problem(cells[lower], lower_low, f"must be below the lowest score rated {upper} "
                                                                 f"({upper_low:g}): bands run most severe first"))
    grid_scores: tuple[tuple[float | None, ...], ...] = ()
    if method == MATRIX_GRID:
        grid_scores, grid_problems = _grid(scores, size, cells.get("scoring", address(MATRIX_SHEET, 1, 2)))
        problems.extend(grid_problems)
        if grid_problems:
            method = MATRIX_PRODUCT  # a grid with holes cannot score: likelihood × impact until it is mended
    return Matrix(size, method, tuple(bands) or default_bands(size, ratings), grid_scores, bool(bands),
                  tuple(problems), cells)


def _grid(rows: list[tuple[int, list]], size: int, where: str) -> tuple[tuple[tuple[float | None, ...], ...],
                                                                         list[Problem]]:
    """Return the Grid method's scores by likelihood (1 … size), and the cells that are missing or not numbers."""
    problems: list[Problem] = []
    by_likelihood = {}
    for index, row in rows:
        likelihood = number(row[0])
        if likelihood is not None and likelihood.is_integer():
            by_likelihood[int(likelihood)] = (index, row)
    grid: list[tuple[float | None, ...]] = []
    for likelihood in range(1, size + 1):
        if likelihood not in by_likelihood:
            problems.append(Problem(where, MATRIX_GRID, f"needs a grid row for likelihood {likelihood} below the "
                                                         f"'{MATRIX_GRID_CORNER}' row"))
            grid.append((None,) * size)
            continue
        index, row = by_likelihood[likelihood]
        values = []
        for impact in range(1, size + 1):
            value = number(row[impact]) if impact < len(row) else None
            if value is None:
                problems.append(Problem(address(MATRIX_SHEET, index, impact + 1), row[impact] if impact < len(row)
                                        else None, f"must be the score of likelihood {likelihood} and impact {impact}"))
            values.append(value)
        grid.append(tuple(values))
    return tuple(grid), problems


@once_per_register
def matrix_of(register: Register) -> Matrix:
    """Return the register's matrix: its Matrix sheet when it has one, else likelihood × impact, default bands."""
    size = scale(register)
    if register.matrix_sheet is None:
        return Matrix(size, MATRIX_PRODUCT, default_bands(size, _ratings(register)))
    return read_matrix_sheet(register.matrix_sheet, size, _ratings(register))


def position_score(register: Register, risk: Risk, position: str) -> float | None:
    """Return a risk's score at `position` (inherent, residual, target): from its likelihood and impact on the
    matrix when both are given, else the score typed in the position's Score column."""
    likelihood_key, impact_key, score_key = POSITION_KEYS[position]
    worked_out = matrix_of(register).score(risk.values.get(likelihood_key), risk.values.get(impact_key))
    return worked_out if worked_out is not None else number(risk.values.get(score_key))


def position_cells(register: Register, risk: Risk, position: str) -> str:
    """Return the cells a position's score comes from, as a message names them ('Register!M3 × Register!N3')."""
    likelihood_key, impact_key, score_key = POSITION_KEYS[position]
    if matrix_of(register).score(risk.values.get(likelihood_key), risk.values.get(impact_key)) is not None:
        return f"{register.cell(risk, likelihood_key)} and {register.cell(risk, impact_key)}"
    return register.cell(risk, score_key) if register.has_column(score_key) else ""


def off_band(register: Register) -> tuple[tuple[Risk, float, str], ...]:
    """Return each open risk on the heat map (residual likelihood and impact) whose rating is on the scale but is
    not the band its cell earns on the register's matrix, the Matrix sheet's bands or else the default ones:
    (risk, score, band), in sheet order."""
    if not (register.has_column("likelihood") and register.has_column("impact_score")):
        return ()
    on, names = matrix_of(register), set(_ratings(register))
    found = []
    for risk in register.risks:
        cell = matrix_cell(risk.values.get("likelihood"), risk.values.get("impact_score"), on.size)
        if risk.is_closed or risk.rating not in names or cell is None:
            continue
        score = on.score(*cell)
        band = on.rating(score)
        if score is not None and band is not None and band != risk.rating:
            found.append((risk, score, band))
    return tuple(found)
