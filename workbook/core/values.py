"""What a cell's value means: numbers, whole numbers, dates, scores and the score scale, one home each."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import overload

from workbook.core.model import HistoryEntry, Register, Risk
from workbook.core.schema import SETTING_BY_KEY

# Text starting with one of these is read as a formula by Excel (and `=cmd|…` as DDE): it is stored as text.
FORMULA_STARTS = ("=", "+", "-", "@")
# Characters an .xlsx (XML 1.0) cannot hold: control characters, lone surrogates, U+FFFE/FFFF.
UNSAVEABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def looks_like_formula(value: object) -> bool:
    """Return whether `value` is text Excel would run as a formula if typed."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def typed_text(value: object) -> object:
    """Return `value` as a person would type it into Excel to keep it as it is: text that looks like a formula
    gets the leading apostrophe Excel itself uses (the media that take typed text: a live workbook, CSV)."""
    return "'" + value if isinstance(value, str) and looks_like_formula(value) else value


@overload
def storable(value: str) -> str: ...


@overload
def storable(value: object) -> object: ...


def storable(value: object) -> object:
    """Return `value` without the characters a workbook cannot store."""
    return UNSAVEABLE.sub("", value) if isinstance(value, str) else value


# The likelihood and impact scale riskreg can draw and check: a matrix from 2×2 to 10×10.
SCALE_RANGE = range(2, 11)


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


def as_whole(value: object) -> int | None:
    """Return a cell's value as a whole number (typed or as text, 4 or 4.0), else None."""
    number = as_number(value)
    return int(number) if number is not None and number.is_integer() else None


# A date stored as a plain number is Excel's day count from 30 December 1899; only counts in this span (1990 to
# 2100) are taken as dates, so that a score or a stray small number is not read as one.
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_DATES = range(32_874, 73_051)


def as_date(value: object) -> dt.date | None:
    """Return the date a cell holds: a real date, a date stored as Excel's day number (a cell that lost its date
    format), or text in ISO or day/month/year form."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and int(value) in SERIAL_DATES:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    if isinstance(value, str):
        text = value.strip()
        # every form starts with a number, and the first strptime of a process builds its regexes (10 ms or more)
        if not text[:1].isdigit():
            return None
        for form in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
            try:
                return dt.datetime.strptime(text, form).date()
            except ValueError:
                continue
    return None


def whole_setting(register: Register, key: str) -> int | None:
    """Return a Settings value as a whole number, None when it is not one (text '4' counts; 4.5 does not)."""
    return whole_number(register.setting(key))


def whole_number(value: object) -> int | None:
    """Return `value` as a whole number, None when it is not one (text '4' counts; 4.5 does not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    return value if isinstance(value, int) else None


def score_scale(register: Register) -> int:
    """Return the likelihood and impact scale: Settings' when it is in SCALE_RANGE, else the default."""
    scale = whole_setting(register, "score_scale")
    return scale if scale in SCALE_RANGE else SETTING_BY_KEY["score_scale"].default  # type: ignore[return-value]


def score(likelihood: object, impact: object) -> float | None:
    """Return likelihood × impact, when both are numbers."""
    likelihood, impact = as_number(likelihood), as_number(impact)
    return likelihood * impact if likelihood is not None and impact is not None else None


def _scored(likelihood: object, impact: object, matrix=None) -> float | None:
    # `matrix` is the register's workbook.core.matrix.Matrix (its Scoring: likelihood × impact or a grid).
    return matrix.score(likelihood, impact) if matrix is not None else score(likelihood, impact)


def risk_score(risk: Risk, matrix=None) -> float | None:
    """Return the residual score of a register risk: its likelihood × impact, or the matrix's score of them."""
    return _scored(risk.values.get("likelihood"), risk.values.get("impact_score"), matrix)


def entry_score(entry: HistoryEntry, matrix=None) -> float | None:
    """Return the score of a History row: its Score, else its likelihood and impact scored on `matrix`."""
    recorded = as_number(entry.score)
    return recorded if recorded is not None else _scored(entry.likelihood, entry.impact, matrix)


def matrix_cell(likelihood: object, impact: object, scale: int) -> tuple[int, int] | None:
    """Return (likelihood, impact) as whole numbers on the matrix of `scale`, None when either is off it."""
    cell = as_whole(likelihood), as_whole(impact)
    return cell if all(v is not None and 1 <= v <= scale for v in cell) else None  # type: ignore[return-value]
