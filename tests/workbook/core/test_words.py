"""Tests for workbook/core/words.py: singular and plural."""

import re
from pathlib import Path

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


def test_plural_of_a_measure_keeps_its_fraction():
    assert (plural(1.0, "point"), plural(2.5, "point"), plural(2.0, "point"), plural(1500.0, "point")) == (
        "1 point", "2.5 points", "2 points", "1,500 points")


# A count with a hand-made plural: "{'s' if n != 1 else ''}", "{'' if n == 1 else 's'}", "{n} value(s)".
HAND_ROLLED = re.compile(r"""\{\s*['"]s?['"]\s+if\s[^}]*\}|\}\s\w+\(s\)""")
# Files of other rooms still to be moved onto words.plural: none are left.
NOT_YET: set[str] = set()


def test_counts_are_worded_only_through_words_plural():
    root = Path(__file__).resolve().parents[3]
    found = {str(path.relative_to(root)) for folder in ("workbook", "addin", "report_builder", "templates")
             for path in (root / folder).rglob("*.py") if HAND_ROLLED.search(path.read_text(encoding="utf-8"))}
    assert found == NOT_YET
