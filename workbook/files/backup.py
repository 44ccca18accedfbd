"""Keep a dated copy of the register before a command writes into it, and the last few of them only."""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import OutputError
from workbook.core.schema import BACKUPS_RANGE, SETTING_BY_KEY
from workbook.core.values import whole_number
from workbook.core.words import plural

BACKUP_FOLDER = "riskreg backups"
STAMP_FORMAT = "%Y-%m-%d %H.%M.%S"
STAMP_PATTERN = r"\d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.\d{2}"


def backup_folder(register: Path) -> Path:
    """Return the folder the backups of `register` go in: beside it, so they travel with it."""
    return Path(register).parent / BACKUP_FOLDER


def backup_register(path: Path | str, now: dt.datetime | None = None) -> Path:
    """Copy the register to '<folder>/riskreg backups/<name> <date time>.xlsx' and return the copy.

    The copy keeps the register's modification time. Existing backups are never replaced.
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
    stamp = (now or dt.datetime.now()).strftime(STAMP_FORMAT)
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


def discard_backup(backup: Path | str) -> None:
    """Remove a backup made for a write that did not happen, and its folder when that leaves it empty."""
    backup = Path(backup)
    backup.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: other backups stay
        backup.parent.rmdir()


def backups_to_keep(setting: object) -> int:
    """Return how many backups to keep: Settings 'Backups to keep' when it is a usable number (validate names
    one that is not), else the default."""
    number = whole_number(setting)
    default = SETTING_BY_KEY["backups_keep"].default
    return number if number is not None and number in BACKUPS_RANGE else default  # type: ignore[return-value]


def backups_of(register: Path | str) -> list[Path]:
    """Return the backups riskreg kept of `register`, oldest first."""
    register = Path(register)
    pattern = re.compile(rf"{re.escape(register.stem)} ({STAMP_PATTERN})(?: \((\d+)\))?{re.escape(register.suffix)}")
    found = []
    with contextlib.suppress(OSError):
        for entry in backup_folder(register).iterdir():
            match = pattern.fullmatch(entry.name)
            if match and entry.is_file():
                found.append(((match.group(1), int(match.group(2) or 1)), entry))
    return [entry for _, entry in sorted(found)]


@dataclass(frozen=True)
class Pruned:
    """The backups removed after a write, to keep the last `keep`."""

    keep: int
    removed: tuple[Path, ...]

    def sentence(self) -> str:
        """Return the line that names the removed backups ('' when none was)."""
        if not self.removed:
            return ""
        names = ", ".join(path.name for path in self.removed)
        return (f"Removed {plural(self.removed, 'older backup')} from {self.removed[0].parent} (Settings 'Backups to keep' is {self.keep}): "
                f"{names}.")


def prune_backups(register: Path | str, backup: Path | str, keep: int) -> Pruned:
    """Remove the oldest backups of `register`, keeping the last `keep` (`backup`, the one just made, always among
    them); return what was removed."""
    backup = Path(backup)
    others = [path for path in backups_of(register) if path != backup]
    removed = []
    for path in others[:max(len(others) - (keep - 1), 0)]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return Pruned(keep, tuple(removed))
