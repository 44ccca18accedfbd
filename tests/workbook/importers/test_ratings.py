"""Rating schemes and trend notations in use, read onto the register's scale and arrows."""

import pytest

from workbook.importers.planner import id_pattern, quarter_of
from workbook.importers.ratings import Band, band_heading, band_of, parse_bands, rating_word, source_scale, trend_arrow


@pytest.mark.parametrize("text, word", [
    ("H", "High"), ("m", "Medium"), ("L", "Low"), ("Very High", "Very High"), ("VL", "Very Low"),
    ("R", "High"), ("A", "Medium"), ("G", "Low"), ("A/R", "High/Medium"), ("R / A", "High/Medium"),
    ("G/A", "Medium/Low"), ("Critical", "Critical"), ("High/Medium", "High/Medium"), ("Amber", "Medium"),
    ("Moderate", "Medium"), ("Purple", None), ("12", None),
])
def test_rating_words(text, word):
    assert rating_word(text) == word


@pytest.mark.parametrize("text, arrow", [
    ("↑", "↗"), ("↓", "↘"), ("↔", "→"), ("Up", "↗"), ("down", "↘"), ("Same", "→"), ("Increasing", "↗"),
    ("Stable", "→"), ("Decreasing", "↘"), ("New", "New"), ("↑ increasing", "↗"), ("sideways", None),
])
def test_trend_notations(text, arrow):
    assert trend_arrow(text) == arrow


@pytest.mark.parametrize("text, expected", [
    ("High Risk (16 To 20)", ("High", Band(16, 20, "High"))),
    ("High/Medium Risk (12 to 15)", ("High/Medium", Band(12, 15, "High/Medium"))),
    ("Very High None", ("Very High", None)),
    ("Finance", None), ("High winds damage the pavilion", None),
])
def test_band_headings(text, expected):
    assert band_heading(text) == expected


def test_bands_rate_scores():
    bands = parse_bands("16-25 High, 12-15 High/Medium, 9-11 Medium, 6-8 Medium/Low, 1-5 Low")
    assert [band_of(s, bands) for s in (25, 16, 15, 12, 10, 6, 5, 1, 0)] == \
           ["High", "High", "High/Medium", "High/Medium", "Medium", "Medium/Low", "Low", "Low", None]


def test_scales():
    assert source_scale(["High", "Low"]) == ("High", "Medium", "Low")  # the source's three bands, no Critical
    assert source_scale(["Critical", "Low"]) == ("Critical", "High", "Medium", "Low")
    assert source_scale(["Very High", "Low"]) == ("Very High", "High", "Medium", "Low", "Very Low")
    assert source_scale(["High/Medium", "Low"]) == ("High", "High/Medium", "Medium", "Low")


@pytest.mark.parametrize("header, label", [
    ("22/23 Q1", "2022/23 Q1"), ("2024/25 Q4", "2024/25 Q4"), ("Q2 2023/24", "2023/24 Q2"),
    ("Q3 23-24", "2023/24 Q3"), ("Quarter 1 2021/22", "2021/22 Q1"), ("Q4 Trending", None), ("22/24 Q1", None),
])
def test_quarter_columns(header, label):
    period = quarter_of(header)
    assert (period.label if period else None) == label


def test_id_patterns():
    assert id_pattern(["SR1", "SR2"]) == r"SR\d{1}"
    assert id_pattern(["SR1", "SR12"]) == r"SR\d+"
    assert id_pattern(["1", "A"]) == ".+"
