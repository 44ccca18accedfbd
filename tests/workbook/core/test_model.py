"""Cell addresses and the text users read from cell values."""

import datetime as dt

import pytest

from workbook.core.model import address, as_text, column_letter


@pytest.mark.parametrize("index, letters", [(1, "A"), (9, "I"), (26, "Z"), (27, "AA"), (28, "AB"), (702, "ZZ"),
                                            (703, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


def test_address_quotes_sheet_names_that_need_it():
    assert address("Register", 7, 9) == "Register!I7"
    assert address("My Sheet", 2, 2) == "'My Sheet'!B2"


@pytest.mark.parametrize("value, text", [
    (None, ""), (3.0, "3"), (2.5, "2.5"), (True, "TRUE"), (dt.datetime(2021, 9, 30), "2021-09-30"),
    (dt.date(2021, 6, 1), "2021-06-01"), ("  High ", "  High "),
])
def test_as_text(value, text):
    assert as_text(value) == text
