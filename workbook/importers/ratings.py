"""Rating schemes in use (words, H/M/L, RAG letters, scores on a matrix) and trend notations, as data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbook.core.ratings import default_bands as core_default_bands, scale_of
from workbook.core.schema import DEESCALATING, ESCALATING, NEW, NOT_APPLICABLE, UNCHANGED

# Every rating word riskreg writes, most severe first; an import's scale is the ones its source uses.
SCALE_ORDER = ("Critical", "Very High", "High", "High/Medium", "Medium", "Medium/Low", "Low", "Very Low")

# What each spelling in use means on that scale (keys normalised: lower case, single spaces, '/' unspaced).
RATING_WORDS: dict[str, str] = {
    "critical": "Critical", "extreme": "Critical", "severe": "Critical", "black": "Critical",
    "very high": "Very High", "vh": "Very High",
    "high": "High", "h": "High", "significant": "High", "major": "High",
    "high/medium": "High/Medium", "medium/high": "High/Medium", "medium high": "High/Medium",
    "high medium": "High/Medium", "m/h": "High/Medium", "h/m": "High/Medium",
    "medium": "Medium", "med": "Medium", "m": "Medium", "moderate": "Medium",
    "medium/low": "Medium/Low", "low/medium": "Medium/Low", "medium low": "Medium/Low", "low medium": "Medium/Low",
    "m/l": "Medium/Low", "l/m": "Medium/Low",
    "low": "Low", "l": "Low", "minor": "Low",
    "very low": "Very Low", "vl": "Very Low", "negligible": "Very Low", "insignificant": "Very Low",
}
# RAG letters: red is the top of the scale in use, green the bottom.
RAG_WORDS: dict[str, str] = {
    "r": "High", "red": "High",
    "a/r": "High/Medium", "r/a": "High/Medium", "amber/red": "High/Medium", "red/amber": "High/Medium",
    "ar": "High/Medium", "ra": "High/Medium",
    "a": "Medium", "amber": "Medium", "y": "Medium", "yellow": "Medium",
    "a/g": "Medium/Low", "g/a": "Medium/Low", "amber/green": "Medium/Low", "green/amber": "Medium/Low",
    "ag": "Medium/Low", "ga": "Medium/Low",
    "g": "Low", "green": "Low",
}
NO_RATING = ("", "-", "n/a", "na", "none", "tbc", "tba", "not rated", "not assessed")


@dataclass(frozen=True)
class Band:
    """Scores from `low` to `high` (inclusive) are rated `rating`."""

    low: float
    high: float
    rating: str


def default_bands(size: int) -> tuple[Band, ...]:
    """Return the bands scores are rated by when the source gives scores but no bands (a mapping file or band
    headings replace them): the register's own default bands (workbook.core.ratings) of a `size` × `size` matrix
    over the scale an import starts from, so that the heat map shades each imported risk's cell as it is rated."""
    bands, high = [], float(size * size)
    for rating, low in core_default_bands(size, source_scale(())):
        bands.append(Band(low, high, rating))
        high = low - 1
    return tuple(bands)

# Trend notations in use -> the register's arrows.
TREND_WORDS: dict[str, str] = {
    "↗": ESCALATING, "↑": ESCALATING, "⬆": ESCALATING, "▲": ESCALATING, "up": ESCALATING, "increasing": ESCALATING,
    "increased": ESCALATING, "increase": ESCALATING, "worse": ESCALATING, "worsening": ESCALATING,
    "escalating": ESCALATING, "rising": ESCALATING, "higher": ESCALATING, "+": ESCALATING,
    "→": UNCHANGED, "↔": UNCHANGED, "⇔": UNCHANGED, "-": UNCHANGED, "=": UNCHANGED, "same": UNCHANGED,
    "stable": UNCHANGED, "static": UNCHANGED, "unchanged": UNCHANGED, "no change": UNCHANGED,
    "steady": UNCHANGED, "constant": UNCHANGED, "level": UNCHANGED,
    "↘": DEESCALATING, "↓": DEESCALATING, "⬇": DEESCALATING, "▼": DEESCALATING, "down": DEESCALATING,
    "decreasing": DEESCALATING, "decreased": DEESCALATING, "decrease": DEESCALATING, "better": DEESCALATING,
    "improving": DEESCALATING, "reducing": DEESCALATING, "reduced": DEESCALATING, "de-escalating": DEESCALATING,
    "falling": DEESCALATING, "lower": DEESCALATING,
    "new": NEW, "new risk": NEW,
    "n/a": NOT_APPLICABLE, "na": NOT_APPLICABLE,
}

_BAND_HEADING = re.compile(
    r"^\s*(?P<name>[A-Za-z][A-Za-z /-]*?)\s*(?:risks?)?\s*[(\[]?\s*(?P<low>\d+)\s*(?:to|-|–|—)\s*(?P<high>\d+)\s*[)\]]?"
    r"\s*(?P<rest>.*)$", re.IGNORECASE)
_BAND_EMPTY = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z /-]*?)\s*(?:risks?)?\s*[-–:]?\s*none\s*$", re.IGNORECASE)


def _key(text: str) -> str:
    text = " ".join(str(text).lower().replace("\\", "/").split()).removesuffix(".")  # "High." as typed in a table
    return re.sub(r"\s*/\s*", "/", text).removesuffix(" risk").strip()


def rating_word(text: str) -> str | None:
    """Return the scale word `text` spells ('H' → 'High', 'A/R' → 'High/Medium'), or None."""
    key = _key(text)
    return RATING_WORDS.get(key) or RAG_WORDS.get(key)


def is_no_rating(text: str) -> bool:
    return _key(text) in NO_RATING


def trend_arrow(text: str) -> str | None:
    """Return the register's arrow for a trend in another notation ('Increasing' → '↗'), or None."""
    key = _key(text)
    if key in TREND_WORDS:
        return TREND_WORDS[key]
    first = key.split(" ")[0] if key else ""
    return TREND_WORDS.get(first)  # "↑ increasing", "up (from 12)"


def band_heading(text: str) -> tuple[str, Band | None] | None:
    """Return (rating, band) for a band heading such as 'High Risk (16 To 20)' or 'Very High None'; else None."""
    match = _BAND_HEADING.match(text)
    rating = rating_word(match["name"]) if match else None
    if match and rating and not match["rest"].strip(" )"):
        low, high = int(match["low"]), int(match["high"])
        return rating, Band(min(low, high), max(low, high), rating)
    match = _BAND_EMPTY.match(text)
    rating = rating_word(match["name"]) if match else None
    return (rating, None) if rating else None


def band_of(score: float, bands: Sequence[Band]) -> str | None:
    """Return the rating of the band `score` falls in, or None."""
    for band in bands:
        if band.low <= score <= band.high:
            return band.rating
    return None


def source_scale(ratings: Iterable[str]) -> tuple[str, ...]:
    """Return the Lists sheet's rating scale for the ratings an import uses, most severe first: the bands the
    source uses, in SCALE_ORDER, at least High, Medium and Low (a High/Medium/Low register stays three bands;
    a five-level one gets Very High … Very Low). The core's scale gives each its colour."""
    words = set(ratings) | {"High", "Medium", "Low"}
    if words & {"Very High", "Very Low"}:
        words |= {"Very High", "Very Low"}
    return tuple(r.name for r in scale_of([word for word in SCALE_ORDER if word in words]))


def parse_bands(text: str) -> tuple[Band, ...]:
    """Return bands written as '16-25 High, 12-15 High/Medium, 1-11 Low' (a mapping file's `bands`)."""
    bands = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        match = re.match(r"^(\d+)\s*(?:-|–|to)\s*(\d+)\s+(.+)$", part)
        rating = rating_word(match[3]) if match else None
        if not match or not rating:
            raise ValueError(part)
        bands.append(Band(int(match[1]), int(match[2]), rating))
    return tuple(bands)
