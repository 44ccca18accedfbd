"""Append rows to the Record sheet of a register workbook: what a correction or a rename records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbook.xlsx.book import Book
from workbook.xlsx.writer import WriteResult, _edit, _record_rows, _store


def write_record(path: Path | str, rows: Sequence[tuple[str, str, str]], *,
                 cells: Sequence[tuple[str, int, int, object]] = (), output: Path | str | None = None,
                 force: bool = False) -> WriteResult:
    """Set `cells` (sheet, row, column, value) and append `rows` (key, field, text) to the Record sheet, in place
    after a backup or to `output`; return what was written."""

    def edit(book: Book) -> list[str]:
        written = [_store(book, sheet, row, column, value) for sheet, row, column, value in cells]
        return written + _record_rows(book, rows)

    written, target, backup, pruned = _edit(path, edit, output, force)
    return WriteResult(target, backup, tuple(written), pruned=pruned)
