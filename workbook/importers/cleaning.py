"""Value cleaning for imports: footnote markers, page furniture, quarter headers, whole numbers and IDs (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbook.core.errors import PeriodError
from workbook.core.periods import Period, parse_period

FOOTNOTE = re.compile(r"\s*(\*+|†+|‡+)$")
# A row of its own below or inside the table that explains rather than registers: "* Note: …", "Source: …".
FOOTNOTE_ROW = re.compile(r"^\s*(\*+|†+|‡+|\(?\d\)\s|notes?\b|source\b|key\b|nb\b|n\.b\.)", re.I)
FURNITURE = (
    re.compile(r"^page\s+\d+(\s+of\s+\d+)?$", re.I),
    re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$"),
    re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    re.compile(r"^[\w ().,&'-]+\.(xlsx|xlsm|xls|docx|doc|pdf|csv)$", re.I),
    re.compile(r"^(printed|produced|updated|date produced|last updated)\b.*$", re.I),
    re.compile(r"^(continued|cont(inued)?\.?( overleaf)?)$", re.I),
    re.compile(r"^(official|official[- ]sensitive|protect|restricted|not protectively marked)$", re.I),
)
_QUARTER = (
    re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[ ,:-]*\s*(?:q|quarter\s*)([1-4])$", re.I),
    re.compile(r"^(?:q|quarter\s*)([1-4])\s*[ ,:-]*\s*(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I),
)


def strip_footnote(text: str) -> str:
    """Return `text` without a trailing footnote marker ('Cyber attack*' → 'Cyber attack')."""
    return FOOTNOTE.sub("", text)


def is_furniture(values: Sequence[str]) -> bool:
    """Return whether every text of a row is page furniture: a page number, a print date, a file name."""
    texts = [v for v in values if v]
    return bool(texts) and all(any(p.match(t) for p in FURNITURE) for t in texts)


def is_footnote(text: str) -> bool:
    """Return whether a row's one text reads as a footnote or note ('* Scores are residual', 'Note: …')."""
    return bool(FOOTNOTE_ROW.match(text))


def whole(text: str) -> int | None:
    """Return the whole number a likelihood or impact cell starts with ('4', '4 - Likely', 'Likely (4)')."""
    match = re.match(r"^\s*(\d+(?:\.0+)?)\b", text) or re.search(r"\((\d+)\)\s*$", text)
    return int(float(match[1])) if match else None


def quarter_of(header: str) -> Period | None:
    """Return the quarter a column header such as '22/23 Q1' or 'Q1 2022/23' names, or None."""
    text = " ".join(str(header).split())
    for pattern, order in zip(_QUARTER, ((0, 1, 2), (1, 2, 0))):
        match = pattern.match(text)
        if match:
            start, end, quarter = (match.group(i + 1) for i in order)
            year = int(start) + (2000 if len(start) == 2 else 0)  # "22/23": this century's financial years
            try:
                return parse_period(f"{year}/{end} Q{quarter}")  # the one parser says which years may pair
            except PeriodError:
                return None
    return None


def id_pattern(ids: Sequence[str]) -> str:
    """Return a regular expression all of `ids` match, as specific as their shapes allow."""
    shapes = {re.sub(r"\d+", lambda m: rf"\d{{{len(m[0])}}}", re.escape(i)) for i in ids if i}
    if len(shapes) == 1:
        return shapes.pop()
    loose = {re.sub(r"\\d\{\d+\}", r"\\d+", s) for s in shapes}
    if len(loose) == 1:
        return loose.pop()
    fitted = {re.sub(r"(?<!\\)[A-Za-z]+", "[A-Za-z]+", s) for s in loose}  # 'SR\d+' and 'OR\d+': letters then digits
    return fitted.pop() if len(fitted) == 1 else r".+"
