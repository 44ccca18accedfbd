"""Open a register workbook's package, carry a WorkbookEdit out on it (workbook/xlsx/apply.py) and save it.

Only the parts an edit changes are rewritten (the sheets whose cells it writes, the Validation and Summary sheets,
styles, notes, tables, the sheet list, relationships and content types); every other part is copied byte for byte,
so charts, pivot tables, slicers, pictures, macros and parts riskreg has never heard of stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from workbook.core.edit import WorkbookEdit
from workbook.core.findings import SEVERITY_FILLS, Finding
from workbook.core.layout import read_settings
from workbook.core.schema import SETTINGS_SHEET
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.backup import Pruned, backup_register, backups_to_keep, discard_backup, prune_backups
from workbook.files.lock import held_as, one_writer
from workbook.xlsx.apply import apply_edit
from workbook.xlsx.book import Book
from workbook.xlsx.preserve import check_editable
from workbook.xlsx.reader import check_workbook_to_write

__all__ = ["SEVERITY_FILLS", "WriteResult", "apply_file"]

T = TypeVar("T")


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the file written, the backup kept, the cells changed and what it left alone."""

    path: Path
    backup: Path | None
    cells: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())
    removed_sheets: tuple[str, ...] = ()
    pruned: Pruned | None = None  # the older backups removed to keep the last N


# ---- opening and saving -------------------------------------------------------------------------------------

def _edit(path: Path | str, edit: Callable[[Book], T], output: Path | str | None = None,
          force: bool = False) -> tuple[T, Path, Path | None, Pruned | None]:
    """Open the workbook's package, apply `edit`, and save it (in place after a backup, or to `output`), holding
    the lock of the file written."""
    path = Path(path)
    target = Path(output) if output else path
    with one_writer(target):
        return _edit_locked(path, edit, target, output, force)


def _edit_locked(path: Path, edit: Callable[[Book], T], target: Path, output: Path | str | None,
                 force: bool) -> tuple[T, Path, Path | None, Pruned | None]:
    checked = check_workbook_to_write(path)
    backup = None
    if output:
        check_writable(target, force=force)
    else:
        backup = backup_register(path)
    try:
        book = Book(path, checked.package, checked.unpacked)  # what the check read, not read again
        check_editable(book)
        keep = backups_to_keep(read_settings(book.grid(SETTINGS_SHEET))[0].get("backups_keep")
                               if SETTINGS_SHEET in book.sheetnames else None)
        result = edit(book)
        with atomic_path(target, unchanged=held_as(path) if backup else None) as temp:  # the commit
            book.save(temp)
    except Exception:
        if backup is not None:
            discard_backup(backup)  # nothing was written, so there is nothing to go back to
        raise
    return result, target, backup, prune_backups(path, backup, keep) if backup else None


def apply_file(path: Path | str, edit: WorkbookEdit, *, output: Path | str | None = None,
               force: bool = False) -> WriteResult:
    """Carry `edit` out on the workbook file at `path` (in place after a backup, or into `output`)."""
    applied, target, backup, pruned = _edit(path, lambda book: apply_edit(book, edit), output, force)
    return WriteResult(target, backup, applied.cells, (), edit.notes + applied.notes, applied.removed_sheets, pruned)
