"""Every text colour the paper and the register workbook set on a fill, declared once, with WCAG's contrast."""

from __future__ import annotations

from dataclasses import dataclass

from workbook.core.findings import SEVERITY_FILLS
from workbook.core.schema import RATINGS

WHITE, BLACK = "FFFFFF", "000000"
NAVY = "1F2A44"  # the paper's headings, table header rows and chart text
WORKBOOK_HEADER_FILL = "1F4E78"  # header cells of the Validation and Summary sheets
DATA_QUALITY_TEXT = "8B0000"
PROVENANCE_TEXT = "595959"
NOT_RATED_FILL = "D9D9D9"  # a risk with no rating on the scale, in the paper's tables and chart
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text (1.4.3)


@dataclass(frozen=True)
class ColourPair:
    where: str
    text: str  # RGB hex, no '#'
    fill: str


def pairs() -> tuple[ColourPair, ...]:
    """Return every text/fill pair the paper and the workbook use."""
    return (
        *(ColourPair(f"{r.name} rating cell (paper, workbook, chart labels, heat map)", r.font, r.fill)
          for r in RATINGS),
        ColourPair("paper Not rated cell and chart slice", BLACK, NOT_RATED_FILL),
        ColourPair("paper table header row", WHITE, NAVY),
        ColourPair("paper headings, captions, chart axes", NAVY, WHITE),
        ColourPair("paper data-quality note", DATA_QUALITY_TEXT, WHITE),
        ColourPair("paper provenance line", PROVENANCE_TEXT, WHITE),
        ColourPair("workbook sheet header", WHITE, WORKBOOK_HEADER_FILL),
        *(ColourPair(f"workbook {severity} highlight", BLACK, fill) for severity, fill in SEVERITY_FILLS.items()),
    )


def _luminance(rgb: str) -> float:
    channels = [int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Return the WCAG 2.1 contrast ratio of two RGB hex colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
