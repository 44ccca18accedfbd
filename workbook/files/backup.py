"""Keep a dated copy of the register before a command writes into it, and never save over newer work."""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import shutil
from pathlib import Path

from workbook.core.errors import OutputError

BACKUP_FOLDER = "riskreg backups"


def backup_folder(register: Path) -> Path:
    """Return the folder the backups of `register` go in: beside it, so they travel with it."""
    return Path(register).parent / BACKUP_FOLDER


def backup_register(path: Path | str, now: dt.datetime | None = None) -> Path:
    """Copy the register to '<folder>/riskreg backups/<name> <date time>.xlsx' and return the copy.

    The copy keeps the register's modification time, which `check_unchanged` compares against before the
    command replaces the register. Existing backups are never replaced.
    """
    path = Path(path)
    if not path.is_file():
        raise OutputError(f"{path}: no such file, so there is nothing to back up. Check the name and folder.")
    folder = backup_folder(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{path}: {folder} is a file, so backups cannot be kept there. Rename or move it and "
                          f"run the command again.")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"{path}: cannot make the backup folder {folder} ({err.strerror}). Make the folder "
                          f"writable, or write a copy with -o instead of into the register.") from None
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d %H.%M.%S")
    for attempt in range(1, 100):
        suffix = f" ({attempt})" if attempt > 1 else ""
        target = folder / f"{path.stem} {stamp}{suffix}{path.suffix}"
        if target.exists():
            if filecmp.cmp(path, target, shallow=False):
                return target  # the same version is already kept
            continue
        try:
            shutil.copy2(path, target)
        except OSError as err:
            target.unlink(missing_ok=True)
            raise OutputError(f"{path}: cannot copy it to {target} ({err.strerror}); the register was not "
                              f"changed. Free some space or make the folder writable, then run again.") from None
        return target
    raise OutputError(f"{path}: too many backups made this second in {folder}. Wait a moment and run again.")


def check_unchanged(path: Path | str, backup: Path | str) -> None:
    """Refuse to replace the register when it is newer than its backup: someone saved it meanwhile."""
    path, backup = Path(path), Path(backup)
    if not path.exists():
        raise OutputError(f"{path}: was moved or deleted while riskreg worked; nothing written. Its last version "
                          f"is kept at {backup}.")
    # Content, not timestamps: sync clients touch times without changing a byte.
    if not filecmp.cmp(path, backup, shallow=False):
        raise OutputError(
            f"{path}: was saved by another program (Excel?) after riskreg read it, so it was not overwritten and "
            f"that newer work is kept. Close the workbook in Excel and run the command again.")


def discard_backup(backup: Path | str) -> None:
    """Remove a backup made for a write that did not happen, and its folder when that leaves it empty."""
    backup = Path(backup)
    backup.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: other backups stay
        backup.parent.rmdir()
