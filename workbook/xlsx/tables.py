"""Read what the Excel Table on the Register says about its own rows: where it runs and its Total Row.

A Total Row (Table Design > Total Row) is part of the table but holds sums, not a risk. Filters, hidden rows and
sorting change only what Excel shows, never which rows are risks, so they need nothing here; rows typed below the
table are risks as well (Excel grows the table over them).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workbook.core.schema import REGISTER_TABLE

_REF = re.compile(r"^\$?[A-Z]{1,3}\$?(\d+):\$?[A-Z]{1,3}\$?(\d+)$")


@dataclass(frozen=True)
class TableRows:
    """The sheet rows of one Excel Table: header row, last row, and how many rows at the end are its Total Row."""

    header_row: int
    last_row: int
    totals_rows: int = 0

    @property
    def totals(self) -> tuple[int, ...]:
        """The sheet rows of the Total Row (none when the table shows none)."""
        return tuple(range(self.last_row - self.totals_rows + 1, self.last_row + 1)) if self.totals_rows else ()


def register_table(path: Path | str, name: str = REGISTER_TABLE) -> TableRows | None:
    """Return the rows of the table `name` in the workbook at `path`, None when it has no such table."""
    from defusedxml import ElementTree

    with zipfile.ZipFile(path) as package:
        for member in package.namelist():
            if not (member.startswith("xl/tables/") and member.endswith(".xml")):
                continue
            root = ElementTree.fromstring(package.read(member))  # the package guard has screened every part
            if root.get("displayName", root.get("name", "")).casefold() != name.casefold():
                continue
            match = _REF.match(root.get("ref", "").upper())
            if match is None:
                return None
            header_row = int(match.group(1)) if root.get("headerRowCount", "1") != "0" else int(match.group(1)) - 1
            totals = int(root.get("totalsRowCount", "0") or 0)
            return TableRows(header_row, int(match.group(2)), totals)
    return None
