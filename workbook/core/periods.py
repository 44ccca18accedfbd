"""Financial-year quarters (April to March), the periods a register reports in."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NamedTuple

from workbook.core.errors import PeriodError

_LABEL = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s+Q([1-4])\s*$", re.IGNORECASE)
_LABEL_QUARTER_FIRST = re.compile(r"^\s*Q([1-4])\s+(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)


# A named tuple, not a dataclass: History is keyed, sorted and compared by period a million times at 10,000 risks,
# and a tuple hashes and compares in C where a dataclass calls Python for each (same order, same hash).
class Period(NamedTuple):
    """A quarter of a financial year; `year` is the calendar year the financial year starts in."""

    year: int
    quarter: int

    @property
    def label(self) -> str:
        return _label(self.year, self.quarter)

    @property
    def long_label(self) -> str:
        """The wording of a paper title: 'Quarter 2 2021/22'."""
        return f"Quarter {self.quarter} {self.year}/{(self.year + 1) % 100:02d}"

    def shifted(self, quarters: int) -> Period:
        """Return the period `quarters` later (earlier when negative)."""
        return _shifted(self.year, self.quarter, quarters)

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)

    @property
    def end_date(self) -> dt.date:
        return _end_date(self.year, self.quarter)

    def __str__(self) -> str:
        return self.label


@functools.lru_cache(maxsize=1024)  # trends ask for the quarter before the same few periods, once per risk
def _shifted(year: int, quarter: int, quarters: int) -> Period:
    year, quarter0 = divmod(year * 4 + quarter - 1 + quarters, 4)
    return Period(year, quarter0 + 1)


@functools.lru_cache(maxsize=1024)  # every computed trend's reason names two periods, of a dozen or so
def _label(year: int, quarter: int) -> str:
    return f"{year}/{(year + 1) % 100:02d} Q{quarter}"


@functools.lru_cache(maxsize=1024)  # the checks count every action's and risk's days from the same period end
def _end_date(year: int, quarter: int) -> dt.date:
    month = 3 * quarter + 3  # Q1 ends in June
    year += month > 12
    month = (month - 1) % 12 + 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def parse_period(text: object) -> Period:
    """Return the Period a label such as '2021/22 Q2' names; raise PeriodError otherwise."""
    return _parse_label(str(text) if text is not None else "")


@functools.lru_cache(maxsize=1024)  # a History sheet repeats the same dozen labels thousands of times
def _parse_label(raw: str) -> Period:
    match = _LABEL.match(raw)
    if match:
        start, end, quarter = match.groups()
    else:
        match = _LABEL_QUARTER_FIRST.match(raw)
        if not match:
            raise PeriodError(f"Period {raw!r} does not parse: write it as '2021/22 Q2' "
                              "(financial year, then quarter; Q1 is April to June).")
        quarter, start, end = match.groups()
    year = int(start)
    if int(end) % 100 != (year + 1) % 100:
        raise PeriodError(f"Period {raw!r}: the financial year {start}/{end} must span two consecutive years, "
                          f"e.g. {year}/{(year + 1) % 100:02d}.")
    return Period(year, int(quarter))


def is_period(text: object) -> bool:
    """Return whether `text` is a period label that parses."""
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True


def period_of_date(day: dt.date) -> Period:
    """Return the financial-year quarter `day` falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    return Period(year, quarter)
