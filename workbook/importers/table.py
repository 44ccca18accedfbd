"""A source's table as read, before any meaning is given to it: text cells and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawTable:
    """One grid of a source: a worksheet, a CSV file or a Word table, as text cells.

    `where` names the grid for messages ("sheet 'Risks'", "table 2"); `row_label` is "row" or "line";
    `merged` holds the (row, column) positions, 0-based, whose text was copied from a merged cell above or left.
    """

    source: str
    where: str
    rows: list[list[str]]
    row_numbers: list[int]
    merged: set[tuple[int, int]] = field(default_factory=set)
    row_label: str = "row"

    def place(self, index: int, column: int | None = None) -> str:
        """Return '<source> sheet 'X' row 7 column C' for messages."""
        from workbook.core.model import column_letter

        where = f"{self.source}{' ' + self.where if self.where else ''} {self.row_label} {self.row_numbers[index]}"
        return where + (f" column {column_letter(column + 1)}" if column is not None else "")
