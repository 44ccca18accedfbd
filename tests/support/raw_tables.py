"""Raw tables for the importer's unit tests: text grids with merged cells, as the source readers make them."""

from __future__ import annotations

from collections.abc import Sequence

from workbook.importers.table import RawTable, Span


def raw_table(rows: Sequence[Sequence[str]], spans: Sequence[Span] = (), source: str = "register.xlsx",
              where: str = "sheet 'Risks'") -> RawTable:
    """Return a table of `rows` whose merged cells are `spans`, each copy filled with its anchor's text."""
    grid = [list(r) for r in rows]
    merged = set()
    for s in spans:
        for r in range(s.row, s.row + s.rows):
            for c in range(s.column, s.column + s.columns):
                if (r, c) != (s.row, s.column):
                    grid[r][c] = grid[s.row][s.column]
                    merged.add((r, c))
    return RawTable(source, where, grid, list(range(1, len(grid) + 1)), merged, spans=list(spans))
