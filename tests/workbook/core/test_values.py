"""What a cell's value means: dates typed, stored as numbers or written as text."""

import datetime as dt

import pytest

from workbook.core.values import as_date


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2021, 9, 30, 10, 0), dt.date(2021, 9, 30)),
    (44469, dt.date(2021, 9, 30)),  # Excel's day number of a cell that lost its date format
    ("2021-09-30", dt.date(2021, 9, 30)),
    (" 30/09/2021 ", dt.date(2021, 9, 30)),
    ("30/09/21", dt.date(2021, 9, 30)),
    ("30-09-2021", dt.date(2021, 9, 30)),
    ("30 September 2021", dt.date(2021, 9, 30)),
    ("1 Sep 2021", dt.date(2021, 9, 1)),
    ("", None),
    ("   ", None),
    ("To be confirmed", None),
    ("September 2021", None),
    ("31/02/2021", None),
    (4, None),  # a score, not a date
])
def test_a_cell_is_read_as_the_date_it_holds_or_none(value, expected):
    assert as_date(value) == expected
