"""Validate: every rule run on the register; with --write, the findings put into the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.core import checks
from workbook.core.edit import ValidationSheet, WorkbookEdit
from workbook.core.findings import Finding
from workbook.core.model import Register
from workbook.core.rules import ERROR
from workbook.jobs.common import Written, writing


@dataclass(frozen=True)
class Validation:
    """The findings of one run of the checks, and the line that sums them up."""

    register: Register
    findings: tuple[Finding, ...]
    summary: str

    def exit_code(self, strict: bool = False) -> int:
        return checks.exit_code(self.findings, strict=strict)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)


def validate(register: Register) -> Validation:
    """Run every rule on `register`."""
    findings = tuple(checks.check(register))
    return Validation(register, findings, checks.summary(findings, register))


def validate_file(path: Path) -> Validation:
    """Read the register workbook at `path` and run every rule on it."""
    from workbook.xlsx.reader import read_register

    return validate(read_register(path))


def findings_edit(validation: Validation) -> WorkbookEdit:
    """Return the edit that puts the findings into the workbook: last run's marks cleared, the findings' cells
    marked, the Validation sheet rebuilt."""
    return WorkbookEdit(clear_finding_marks=True, validation=ValidationSheet(validation.findings, validation.summary))


def write_validation(path: Path, validation: Validation, *, output: Path | None = None,
                     force: bool = False) -> Written:
    """Put the findings into the workbook file: the Validation sheet and marked cells."""
    from workbook.xlsx.writer import apply_file

    with writing(output or path):
        done = apply_file(path, findings_edit(validation), output=output, force=force)
    return Written(done.path, done.backup, done.cells, validation.findings, done.notes, done.pruned)
