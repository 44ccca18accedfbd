"""A source's table as read, before any meaning is given to it: text cells, their spans and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A merged cell: its anchor (row, column), 0-based, and how many rows and columns it covers."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1

    @property
    def down(self) -> bool:
        return self.rows > 1

    @property
    def across(self) -> bool:
        return self.columns > 1

    def covers(self, row: int, column: int) -> bool:
        return self.row <= row < self.row + self.rows and self.column <= column < self.column + self.columns


@dataclass
class RawTable:
    """One grid of a source: a worksheet, a CSV file or a Word table, as text cells.

    `where` names the grid for messages ("sheet 'Risks'", "table 2"); `row_label` is "row" or "line";
    `merged` holds the (row, column) positions, 0-based, whose text was copied from a merged cell above or left;
    `spans` holds each merged cell once, by its anchor (the cell that holds the text); `around` the paragraphs
    just above and below a Word table (its title, footnotes, dates).
    """

    source: str
    where: str
    rows: list[list[str]]
    row_numbers: list[int]
    merged: set[tuple[int, int]] = field(default_factory=set)
    row_label: str = "row"
    spans: list[Span] = field(default_factory=list)
    around: list[tuple[str, str]] = field(default_factory=list)  # ('above' | 'below', text) outside a Word table

    def place(self, index: int, column: int | None = None) -> str:
        """Return '<source> sheet 'X' row 7 column C' for messages."""
        from workbook.core.model import column_letter

        where = f"{self.source}{' ' + self.where if self.where else ''} {self.row_label} {self.row_numbers[index]}"
        return where + (f" column {column_letter(column + 1)}" if column is not None else "")

    def span_at(self, row: int, column: int) -> Span | None:
        """Return the merged cell covering (`row`, `column`), None for a cell of its own."""
        return next((s for s in self.spans if s.covers(row, column)), None)

    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

