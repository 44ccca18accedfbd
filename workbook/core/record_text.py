"""The Record sheet's rows: a long text is kept over several rows, since an Excel cell holds 32,767 characters.

A field's text longer than a cell is cut into parts named 'field', 'field+2', 'field+3' …, written in order; the
reader joins them back. A quarter's trend cells or its actions at 10,000 risks run to hundreds of thousands of
characters, and Excel calls a file with a longer cell damaged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from workbook.core.schema import RECORDED_TEXT_KEYS

CELL_TEXT_LIMIT = 32_767  # Excel's most characters in one cell
PART_LENGTH = 32_000  # each part's length: under the limit with room to spare
PART_MARK = "+"
FINGERPRINT_LENGTH = 16  # hex digits of SHA-256: ample for the few thousand texts a register has in its life
QUARTER_KEY = "quarter {label}"  # the key of a closed quarter's own fields (settings, scale, sheets)
RATINGS_FIELD = "ratings"  # the quarter's Ratings list, most severe first, one per line
MATRIX_FIELD = "matrix"  # the Matrix sheet's values at the close, as JSON


def fingerprint(texts: dict[str, str]) -> str:
    """Return the fingerprint of a risk's text fields: the same words give the same fingerprint."""
    joined = "\x1f".join([f"{key}\x1e{texts.get(key, '')}" for key in RECORDED_TEXT_KEYS])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def record_rows(key: str, fields: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """Yield the Record rows (key, field, text) of `fields`, a text longer than a cell over several rows."""
    for name, text in fields:
        if len(text) <= PART_LENGTH:  # most texts: one row
            yield key, name, text
            continue
        parts = [text[i:i + PART_LENGTH] for i in range(0, len(text), PART_LENGTH)] or [text]
        for number, part in enumerate(parts, start=1):
            yield key, name if number == 1 else f"{name}{PART_MARK}{number}", part


def read_record(rows: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """Return key -> field -> text from Record rows, parts joined; the first row of a key and field counts."""
    texts: dict[str, dict[str, str]] = {}
    parts: dict[tuple[str, str], int] = {}  # (key, field) -> the number of the last part joined
    for key, name, text in rows:
        if not key or not name:
            continue
        base, mark, number = name.rpartition(PART_MARK)
        if mark and number.isdecimal() and base:
            if parts.get((key, base)) == int(number) - 1:
                texts[key][base] += text
                parts[(key, base)] = int(number)
            continue
        if name not in texts.setdefault(key, {}):
            texts[key][name] = text
            parts[(key, name)] = 1
    return texts
