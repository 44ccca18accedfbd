"""The register's rating scale: the Lists sheet's Ratings, most severe first, each with its colours (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from workbook.core.model import Register, once_per_register
from workbook.core.palette import BLACK, NOT_RATED_FILL, WHITE, contrast
from workbook.core.schema import DEFAULT_BAND_SHARES, DEFAULT_LISTS, RATING_BY_NAME, RATINGS, Rating

# The paper's row, chart series and appendix cell for an open risk whose rating is blank or not on the scale:
# counted, so that every table totals the open risks, and never shown as a band it is not.
NOT_RATED = Rating("Not rated", 0, NOT_RATED_FILL, BLACK)

# A band more severe than the most severe known colour is darkened, a milder one than the mildest lightened,
# by this share per step: Very High beside High still reads as worse, Very Low beside Low as milder.
STEP = 0.3


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def _hex(rgb: Sequence[float]) -> str:
    return "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def _mix(a: str, b: str, share: float) -> str:
    """Return colour `a` moved `share` (0–1) of the way to `b`."""
    return _hex([x + (y - x) * share for x, y in zip(_rgb(a), _rgb(b))])


def text_colour(fill: str) -> str:
    """Return black or white, whichever contrasts more with `fill`: one of them always reaches WCAG's 4.5:1."""
    return BLACK if contrast(BLACK, fill) >= contrast(WHITE, fill) else WHITE


def _ramp(position: float) -> str:
    """Return the colour at `position` (0 most severe, 1 least) along the default scale's colours."""
    fills = [r.fill for r in RATINGS]
    at = position * (len(fills) - 1)
    low = min(int(at), len(fills) - 2)
    return _mix(fills[low], fills[low + 1], at - low)


def scale_of(names: Sequence[str]) -> tuple[Rating, ...]:
    """Return `names` (most severe first) as ratings: known names keep their colours, others get one by place."""
    known = {name.casefold(): RATING_BY_NAME[name] for name in RATING_BY_NAME}
    anchor_fills = {i: known[n.casefold()].fill for i, n in enumerate(names) if n.casefold() in known}
    anchors = sorted(anchor_fills)
    fills: list[str] = []
    for i in range(len(names)):
        before = [a for a in anchors if a < i]
        after = [a for a in anchors if a > i]
        if i in anchor_fills:
            fills.append(anchor_fills[i])
        elif before and after:
            a, b = before[-1], after[0]
            fills.append(_mix(anchor_fills[a], anchor_fills[b], (i - a) / (b - a)))
        elif after:  # more severe than any known band
            fills.append(_mix(anchor_fills[after[0]], BLACK, min(0.9, STEP * (after[0] - i))))
        elif before:  # milder than any known band
            fills.append(_mix(anchor_fills[before[-1]], WHITE, min(0.9, STEP * (i - before[-1]))))
        else:
            fills.append(_ramp(i / (len(names) - 1) if len(names) > 1 else 0.5))
    count = len(names)
    return tuple(Rating(name, count - i, fill, known[name.casefold()].font if name.casefold() in known
                        else text_colour(fill))
                 for i, (name, fill) in enumerate(zip(names, fills)))


@once_per_register
def rating_scale(register: Register) -> tuple[Rating, ...]:
    """Return the register's rating scale: its Ratings list (the default one when the sheet leaves it empty)."""
    names = register.lists.get("Ratings") or DEFAULT_LISTS["Ratings"]
    return scale_of(list(dict.fromkeys(names)))


def rating_of(register: Register, name: str) -> Rating | None:
    """Return the band `name` is on the register's scale, None when it is not on it."""
    return next((r for r in rating_scale(register) if r.name == name), None)


def severity(rating: str, scale: Sequence[Rating] = RATINGS) -> int:
    """Return how severe `rating` is on `scale` (0 for a rating the scale does not have)."""
    return next((r.severity for r in scale if r.name == rating), 0)


def band_shares(count: int) -> tuple[float, ...]:
    """Return the shares of the highest score at which the `count` ratings begin, the mildest left out (it
    begins at 1): the usual 60 %, 35 % and 15 % for four, evenly spaced for any other number (five: 80 %, 60 %,
    40 %, 20 %; three: 67 %, 33 %), so that every band of the scale has cells."""
    if count == len(DEFAULT_BAND_SHARES) + 1:
        return DEFAULT_BAND_SHARES
    return tuple((count - 1 - i) / count for i in range(count - 1))


def default_bands(size: int, ratings: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """Return the default bands of a `size` matrix: shares of the highest score, the last rating from 1."""
    top = size * size
    named = list(ratings)
    bands = [(rating, float(math.ceil(share * top))) for rating, share in zip(named, band_shares(len(named)))]
    if len(named) > len(bands):
        bands.append((named[len(bands)], 1.0))
    return tuple(bands)


def default_band(likelihood: int, impact: int, size: int, scale: Sequence[Rating] = RATINGS) -> Rating:
    """Return the band of `scale` (most severe first) the matrix cell stands in by the default bands of a `size`
    matrix: the product's share of the highest score, as the register's matrix bands it without a Matrix sheet."""
    score = likelihood * impact
    by_name = {r.name: r for r in scale}
    found = next((name for name, lowest in default_bands(size, [r.name for r in scale]) if score >= lowest), None)
    return by_name[found] if found else scale[-1]
