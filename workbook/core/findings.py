"""A finding: one failing cell, as the Validation sheet, the console and the ribbon show it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from workbook.core.model import as_text

SEVERITIES = ("error", "warning", "info")  # worst first
# How a marked cell looks, for every adapter (file or live workbook): light fills that keep black text readable.
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
NOTE_AUTHOR = "riskreg"
_ADDRESS = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!([A-Z]+)([0-9]+)$")
# Sheets in the order a user reads the findings: the register first, then what feeds it.
_SHEET_ORDER = ("Register", "History", "Settings", "Lists")


@dataclass(frozen=True)
class Finding:
    """One rule failing on one cell."""

    rule_id: str
    severity: str
    risk_id: str
    column: str  # header text of the column, as the sheet shows it
    cell: str  # e.g. Register!I7
    value: str  # the offending value as safe, printable text
    message: str  # what is wrong and what to do

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def split_address(cell: str) -> tuple[str, int, int]:
    """Return (sheet, row, column) of an address such as Register!I7 or 'My Sheet'!B2."""
    match = _ADDRESS.match(cell)
    if not match:
        raise ValueError(f"not a cell address: {cell!r}")
    quoted, plain, letters, row = match.groups()
    sheet = quoted.replace("''", "'") if quoted is not None else plain
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return sheet, int(row), column


def sort_key(finding: Finding) -> tuple:
    """Order findings by sheet, row, column, then rule, so runs compare line by line."""
    sheet, row, column = split_address(finding.cell)
    order = _SHEET_ORDER.index(sheet) if sheet in _SHEET_ORDER else len(_SHEET_ORDER)
    return order, sheet, row, column, finding.rule_id, finding.message


def printable(value: object, limit: int = 80) -> str:
    """Return `value` as text safe to show and to write to a cell: odd characters escaped, long text cut."""
    text = as_text(value)
    if text.isprintable():  # the usual case: nothing to escape (tabs and line breaks take the long way)
        return text if len(text) <= limit else text[:limit] + "…"
    out = []
    for char in text[:limit]:
        code = ord(char)
        if char in "\t\n" or (char.isprintable() and not 0xD800 <= code <= 0xDFFF
                              and unicodedata.category(char) != "Co" and code not in (0xFFFE, 0xFFFF)):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    shown = "".join(out)
    return shown + "…" if len(text) > limit else shown


def quoted(value: object, limit: int = 80) -> str:
    """Return `value` in quotes so stray spaces show ('High '); a line break shows as ↵: messages stay one line."""
    return "'" + printable(value, limit).replace("\r\n", "\n").replace("\n", "↵") + "'"


def worst(findings: Iterable[Finding]) -> str | None:
    """Return the worst severity among `findings`, None when there are none."""
    found = {f.severity for f in findings}
    return next((s for s in SEVERITIES if s in found), None)


def note_text(findings: Iterable[Finding]) -> str:
    """Return the note a marked cell carries: each finding's rule, severity and message."""
    return "\n\n".join(f"{NOTE_AUTHOR} {f.rule_id} ({f.severity}): {f.message}" for f in findings)
