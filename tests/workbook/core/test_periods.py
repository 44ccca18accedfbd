"""Financial-year quarters: labels, parsing, arithmetic and end dates."""

import datetime as dt

import pytest

from workbook.core.errors import PeriodError
from workbook.core.periods import Period, is_period, parse_period, period_of_date


@pytest.mark.parametrize("text", ["2021/22 Q2", "2021-22 q2", " 2021/2022 Q2 ", "Q2 2021/22"])
def test_labels_parse(text):
    assert parse_period(text) == Period(2021, 2)


def test_labels_and_long_labels():
    assert Period(2021, 2).label == "2021/22 Q2"
    assert Period(2099, 4).label == "2099/00 Q4"
    assert Period(2021, 2).long_label == "Quarter 2 2021/22"
    assert str(Period(2020, 4)) == "2020/21 Q4"


@pytest.mark.parametrize("text, message", [
    ("Q2", "Period 'Q2' does not parse: write it as '2021/22 Q2' (financial year, then quarter; Q1 is April to "
           "June)."),
    ("2021/23 Q1", "Period '2021/23 Q1': the financial year 2021/23 must span two consecutive years, e.g. "
                   "2021/22."),
    (None, "Period '' does not parse: write it as '2021/22 Q2' (financial year, then quarter; Q1 is April to "
           "June)."),
])
def test_bad_labels_say_how_to_write_them(text, message):
    with pytest.raises(PeriodError) as err:
        parse_period(text)
    assert err.value.user_message == message
    assert not is_period(text)


def test_quarters_roll_over_the_financial_year():
    assert Period(2021, 4).next() == Period(2022, 1)
    assert Period(2021, 1).previous() == Period(2020, 4)
    assert Period(2021, 2).shifted(-2) == Period(2020, 4)
    assert Period(2020, 4) < Period(2021, 1)


@pytest.mark.parametrize("period, end", [
    (Period(2021, 1), dt.date(2021, 6, 30)), (Period(2021, 2), dt.date(2021, 9, 30)),
    (Period(2021, 3), dt.date(2021, 12, 31)), (Period(2021, 4), dt.date(2022, 3, 31)),
])
def test_end_dates(period, end):
    assert period.end_date == end
    assert period_of_date(end) == period
    assert period_of_date(end + dt.timedelta(days=1)) == period.next()
