"""What a cell's value means: dates typed, stored as numbers or written as text."""

import datetime as dt

import pytest

from workbook.core.values import as_date, whole_number


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


@pytest.mark.parametrize(("value", "typed"), [("=SUM(A1)", "'=SUM(A1)"), ("-5 staff", "'-5 staff"), ("@risk", "'@risk"),
                                              ("+44 117", "'+44 117"), ("High", "High"), (-5, -5), (None, None)])
def test_formula_looking_text_is_typed_with_excels_apostrophe(value, typed):
    from workbook.core.values import typed_text

    assert typed_text(value) == typed


@pytest.mark.parametrize("typed", ["₀", "²", "①", "3²"])
def test_a_digit_that_is_no_decimal_digit_is_no_whole_number(typed):
    """Superscripts, subscripts and circled numbers are digits to str.isdigit but not numbers int() reads: a
    Setting typed so is not a whole number (before, the checks raised on Settings!B5 = '₀')."""
    assert whole_number(typed) is None


def test_whole_numbers_typed_as_text_in_any_decimal_digits_are_read():
    assert (whole_number(" 4 "), whole_number("٣")) == (4, 3)
