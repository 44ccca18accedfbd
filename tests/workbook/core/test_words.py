"""Tests for workbook/core/words.py: singular and plural."""

import pytest

from workbook.core.words import is_are, plural, them_it


@pytest.mark.parametrize(("count", "word", "expected"), [
    (0, "risk", "0 risks"),
    (1, "risk", "1 risk"),
    (2, "risk", "2 risks"),
    (1, "open risk", "1 open risk"),
    (18, "open risk", "18 open risks"),
    (3, "box", "3 boxes"),
    (2, "entry", "2 entries"),
    (2, "day", "2 days"),
    (1, "2021/22 Q2 rating", "1 2021/22 Q2 rating"),
    (5, "2021/22 Q2 rating", "5 2021/22 Q2 ratings"),
    (1000, "open risk", "1,000 open risks"),  # GOV.UK style: a comma in numbers over 999
    (12500, "finding", "12,500 findings"),
])
def test_plural_counts_and_words(count, word, expected):
    assert plural(count, word) == expected


def test_plural_counts_a_sized_value_and_takes_an_irregular_form():
    assert plural(["CRR01"], "risk") == "1 risk"
    assert plural([], "risk") == "0 risks"
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "column", with_count=False) == "column"
    assert plural(("A", "B"), "column", with_count=False) == "columns"


@pytest.mark.parametrize(("count", "verb", "pronoun"), [(0, "are", "them"), (1, "is", "it"), (7, "are", "them")])
def test_is_are_and_them_it(count, verb, pronoun):
    assert is_are(count) == verb
    assert them_it(count) == pronoun
