"""Value cleaning: footnote markers, furniture, footnote rows, whole numbers, quarters, ID pattern."""

import re

import pytest

from workbook.importers.cleaning import (
    id_pattern,
    is_footnote,
    is_furniture,
    quarter_of,
    strip_footnote,
    whole,
)


def test_strip_footnote():
    assert strip_footnote("Cyber attack*") == "Cyber attack"
    assert strip_footnote("16 ††") == "16"
    assert strip_footnote("Cyber attack") == "Cyber attack"


@pytest.mark.parametrize("row, expected", [
    (["Page 2 of 5"], True), (["Printed 15/01/2025", "", "OFFICIAL"], True), (["register.xlsx"], True),
    (["Financial sustainability"], False), ([""], False),
])
def test_is_furniture(row, expected):
    assert is_furniture(row) is expected


@pytest.mark.parametrize("text, expected", [
    ("* Scores are residual", True), ("Note: reviewed quarterly", True), ("Source: annual report", True),
    ("(1) After controls", True), ("Financial", False), ("Notable events", False),
])
def test_is_footnote(text, expected):
    assert is_footnote(text) is expected


@pytest.mark.parametrize("text, expected", [("4", 4), ("4 - Likely", 4), ("Likely (4)", 4), ("4.0", 4),
                                            ("Likely", None)])
def test_whole(text, expected):
    assert whole(text) == expected


def test_quarter_of():
    assert quarter_of("22/23 Q1").label == "2022/23 Q1"
    assert quarter_of("Q4 2024/25").label == "2024/25 Q4"
    assert quarter_of("Risk owner") is None


@pytest.mark.parametrize("ids, pattern", [
    (["SR01", "SR02"], r"SR\d{2}"),
    (["CRR01", "CRR09", "CRR10", "CRR100"], r"CRR\d+"),
    (["1", "4", "12", "22"], r"\d+"),
    (["SR1", "OR12"], r"[A-Za-z]+\d+"),
    (["SR1", "Finance-2", "3"], r".+"),
])
def test_the_id_pattern_fits_every_id(ids, pattern):
    assert id_pattern(ids) == pattern
    assert all(re.fullmatch(pattern, i) for i in ids)
