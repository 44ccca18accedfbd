"""What every use case shares: periods as the user names them, the words for a register's risks, the one lock."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core.errors import OutputError
from workbook.core.findings import Finding
from workbook.core.model import Register
from workbook.core.periods import Period, parse_period, period_of_date
from workbook.core.ratings import rating_scale
from workbook.core.words import plural

if TYPE_CHECKING:
    from workbook.files.backup import Pruned


def period_or_none(text: str | None) -> Period | None:
    """Return the period `text` names, or None when it is empty."""
    return parse_period(text) if text else None


def period_or_today(text: str | None) -> Period:
    """Return the period `text` names, or the quarter of today's date."""
    return period_or_none(text) or period_of_date(dt.date.today())


def rating_counts(register: Register) -> str:
    """Return '1 Critical, 13 High, 4 Medium': the register's risks per rating, most severe first."""
    counts = Counter(risk.rating or "no rating" for risk in register.risks)
    scale = [r.name for r in rating_scale(register)]
    order = scale + sorted(set(counts) - set(scale))
    return ", ".join(f"{counts[name]} {name}" for name in order if counts[name])


def risks_with_ratings(register: Register) -> str:
    """Return '18 risks (1 Critical, 13 High, 4 Medium)', '1 risk (1 High)' or '0 risks'."""
    counts = rating_counts(register)
    return plural(register.risks, "risk") + (f" ({counts})" if counts else "")


def read_register(path: Path) -> Register:
    """Return the register held in the workbook file at `path`."""
    from workbook.xlsx.reader import read_register as read

    register: Register = read(path)
    return register


@contextlib.contextmanager
def writing(path: Path | None) -> Iterator[None]:
    """Hold the one-writer lock of the file at `path` (none when None) around a read and the write that follows
    it, so that no other command changes the file in between: the one place a use case takes the lock."""
    if path is None:
        yield
        return
    from workbook.files.lock import one_writer

    with one_writer(path):
        yield


def set_command(label: str) -> None:
    """Name the command now running: what a second writer is told holds the workbook."""
    from workbook.files.lock import set_command as name_it

    name_it(label)


def check_output(path: Path, *, force: bool = False, ours: bool = False) -> None:
    """Refuse an output file that exists (unless `force`, or `ours` for riskreg's own generated file) or whose
    folder cannot take it."""
    from workbook.files.atomic import check_writable

    check_writable(path, force=force, ours=ours)


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically: all of it or, on failure, the file as it was."""
    from workbook.files.atomic import write_text_atomic

    write_text_atomic(path, text)


def wrote_lines(path: Path, backup: Path | None, what: str, pruned: Pruned | None = None) -> list[str]:
    """Return 'Wrote `what` to PATH.' and, when one was kept, the line naming the backup (and the older backups
    removed to keep the last few)."""
    lines = [f"Wrote {what} to {path}."]
    if backup:
        lines.append(backup_line(backup))
    if pruned is not None and pruned.removed:
        lines.append(pruned.sentence())
    return lines


def backup_line(backup: Path) -> str:
    """Return the line that names the backup a write kept."""
    return f"Backup of the workbook before this change: {backup}"


@dataclass(frozen=True)
class Written:
    """What a write into a register workbook did: the file written, the backup kept, the cells changed, the
    findings it left as they were and its notes."""

    path: Path
    backup: Path | None
    cells: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    pruned: Pruned | None = None  # the older backups removed to keep the last N

    def lines(self, what: str) -> list[str]:
        """Return 'Wrote `what` to PATH.' and the line naming the backup, when one was kept."""
        return wrote_lines(self.path, self.backup, what, self.pruned)


def free_path(folder: Path, stem: str, suffix: str, reusable: Callable[[Path], bool] = lambda path: False) -> Path:
    """Return folder/stem+suffix, or 'stem (2)'… when that exists and is not `reusable`: never overwrite work."""
    for number in range(1, 1000):
        candidate = folder / f"{stem}{f' ({number})' if number > 1 else ''}{suffix}"
        if not candidate.exists() or reusable(candidate):
            return candidate
    raise OutputError(f"{folder}: 999 files named '{stem}…{suffix}' already; tidy the folder and try again.")
