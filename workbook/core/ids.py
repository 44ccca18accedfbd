"""Risk IDs as people read them: the natural order ('CRR2' before 'CRR10', '4' before '12') (pure)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: object) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key that orders IDs as people read them: 'SR2' before 'SR10', '4' before '12', case aside."""
    return tuple((0, int(part)) if part.isdecimal() else (1, part.casefold())
                 for part in _DIGITS.split(str(text)) if part)
