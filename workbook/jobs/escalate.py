"""The use case that moves a risk between two register workbooks (escalate, de-escalate), both written or neither."""

from __future__ import annotations

import contextlib
import filecmp
import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from workbook.core.edit import WorkbookEdit
from workbook.core.errors import OutputError
from workbook.core.escalation import DE_ESCALATED, ESCALATED, EscalationPlan, plan_escalation
from workbook.jobs.record import record_append


@dataclass(frozen=True)
class Escalated:
    """A move carried out: the plan, the two files written and the backups kept of each."""

    plan: EscalationPlan
    source: Path
    target: Path
    backups: tuple[Path, ...]

    def line(self) -> str:
        return self.plan.sentence(self.source.name, self.target.name)


def _with_record(edit: WorkbookEdit, rows) -> WorkbookEdit:
    return replace(edit, appends=(*edit.appends, record_append(rows)))


def escalate(source: Path, risk_id: str, target: Path, *, new_id: str | None = None, down: bool = False,
             today: dt.date | None = None) -> Escalated:
    """Move risk `risk_id` from the register at `source` to the one at `target` (`down`: a de-escalation): both
    files are written, or, when either cannot be, neither."""
    from workbook.files.atomic import Commit, atomic_paths
    from workbook.files.backup import backup_register, discard_backup
    from workbook.files.lock import held_as, one_writer
    from workbook.xlsx.apply import apply_edit
    from workbook.xlsx.book import Book
    from workbook.xlsx.preserve import check_editable
    from workbook.xlsx.reader import check_workbook_file, read_register

    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise OutputError(f"{target}: is the register the risk is on. Give the other register after --to.")
    with one_writer(source), one_writer(target):
        for path in (source, target):
            check_workbook_file(path)
        plan = plan_escalation(read_register(source), read_register(target), risk_id,
                               kind=DE_ESCALATED if down else ESCALATED, new_id=new_id,
                               today=today or dt.date.today())
        books = []
        for path, edit, rows in ((source, plan.source_edit, plan.source_record),
                                 (target, plan.target_edit, plan.target_record)):
            book = Book(path)
            check_editable(book)
            apply_edit(book, _with_record(edit, rows))
            books.append(book)
        backups: list[Path] = []
        try:
            for path in (source, target):
                backups.append(backup_register(path))
            # Both files made and checked (open elsewhere, read-only, changed since read) before either is
            # replaced; if the target's replace still fails, the source gets back the file it held.
            with atomic_paths((Commit(source, held_as(source), backups[0]),
                               Commit(target, held_as(target), backups[1]))) as (source_temp, target_temp):
                books[0].save(source_temp)
                books[1].save(target_temp)
        except BaseException:
            for path, backup in zip((source, target), backups):
                with contextlib.suppress(OSError):
                    if filecmp.cmp(path, backup, shallow=False):  # as it was: else the message names the backup
                        discard_backup(backup)
            raise
    return Escalated(plan, source, target, tuple(backups))
