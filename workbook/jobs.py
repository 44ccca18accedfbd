"""The use cases every front end calls: the CLI, the ribbon and the server only do I/O and messages.

Each job takes paths or a register and returns a small result; the words shown to the user stay with the
front end, the decisions (what is checked, which cells are filled, what a roll-over records) stay here or in
the core.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from workbook.core import checks, trends
from workbook.core.findings import Finding
from workbook.core.model import Register
from workbook.core.periods import Period, parse_period, period_of_date
from workbook.core.rules import RULE_BY_ID
from workbook.core.schema import HISTORY_COLUMNS, RATINGS


def period_or_none(text: str | None) -> Period | None:
    """Return the period `text` names, or None when it is empty."""
    return parse_period(text) if text else None


def period_or_today(text: str | None) -> Period:
    """Return the period `text` names, or the quarter of today's date."""
    return period_or_none(text) or period_of_date(dt.date.today())


def rating_counts(register: Register) -> str:
    """Return '1 Critical, 13 High, 4 Medium': the register's risks per rating, most severe first."""
    counts = Counter(risk.rating or "no rating" for risk in register.risks)
    order = [r.name for r in RATINGS] + sorted(set(counts) - {r.name for r in RATINGS})
    return ", ".join(f"{counts[name]} {name}" for name in order if counts[name])


# ---- register workbook: new, import, export -------------------------------------------------------------------

def new_register(path: Path, period: Period, *, force: bool = False, full: bool = False) -> Path:
    """Create an empty register workbook reporting `period`; `full` adds the in-depth columns and sheets."""
    from workbook.xlsx.builder import write_workbook

    return write_workbook(path, settings={"period": period.label}, force=force, full=full)


def import_register(source: Path, output: Path, period: Period | None, *, force: bool = False) -> Register:
    """Build a register workbook at `output` from the export at `source`; return the register imported."""
    from workbook.xlsx.builder import import_export

    return import_export(source, output, period, force=force)


def export_register(path: Path, output: Path, *, force: bool = False) -> tuple[Register, tuple[str, ...]]:
    """Write the register at `path` out in the export format; return it and the columns the format has not."""
    from workbook.export.text_format import dropped_columns, export_text
    from workbook.files.atomic import check_writable, write_text_atomic
    from workbook.xlsx.reader import read_register

    check_writable(output, force=force)
    register = read_register(path)
    write_text_atomic(output, export_text(register))
    return register, tuple(dropped_columns(register))


# ---- checks -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Validation:
    """The findings of one run of the checks, and the line that sums them up."""

    register: Register
    findings: tuple[Finding, ...]
    summary: str

    def exit_code(self, strict: bool = False) -> int:
        return checks.exit_code(self.findings, strict=strict)


def validate(register: Register) -> Validation:
    """Run every rule on `register`."""
    findings = tuple(checks.check(register))
    return Validation(register, findings, checks.summary(findings, register))


def validate_file(path: Path) -> Validation:
    """Read the register workbook at `path` and run every rule on it."""
    from workbook.xlsx.reader import read_register

    return validate(read_register(path))


def write_validation(path: Path, validation: Validation, *, output: Path | None = None, force: bool = False):
    """Put the findings into the workbook file: the Validation sheet and marked cells."""
    from workbook.xlsx.writer import write_findings

    return write_findings(path, validation.findings, validation.summary, output=output, force=force)


# ---- trends -----------------------------------------------------------------------------------------------------

def refresh_trends(register: Register) -> trends.Refresh:
    """Work out the trends of `register` from History: the empty trend cells it fills, the arrows it contradicts."""
    computed = trends.compute_trends(register)
    return trends.Refresh(register, computed, trends.trend_fills(register, computed), trends.movements(register),
                          trends.rating_distribution(register),
                          tuple(checks.check(register, [RULE_BY_ID["R014"]])))


def write_trends(path: Path, refresh: trends.Refresh, *, output: Path | None = None, force: bool = False):
    """Fill the empty trend cells and rebuild the Summary sheet in the workbook file."""
    from workbook.xlsx.writer import write_trends as write

    return write(path, refresh, output=output, force=force)


# ---- roll-over ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Roll:
    """A finished roll-over: the register as it was, the new period and what was written."""

    register: Register
    period: Period
    written: object  # xlsx.writer.WriteResult

    @property
    def history_rows_added(self) -> int:
        return sum(1 for cell in self.written.cells if cell.startswith("History!")) // len(HISTORY_COLUMNS)

    @property
    def history_rows_kept(self) -> int:
        return sum(1 for risk in self.register.risks if risk.id) - self.history_rows_added


def roll_quarter(path: Path, period: Period, *, register: Register | None = None, output: Path | None = None,
                 force: bool = False) -> Roll:
    """Close the register's reporting quarter and start `period`."""
    from workbook.xlsx.reader import read_register
    from workbook.xlsx.writer import roll_quarter as roll

    register = register or read_register(path)
    return Roll(register, period, roll(path, period, register=register, output=output, force=force))


# ---- board paper ----------------------------------------------------------------------------------------------

def default_paper_path(register_path: Path) -> Path:
    """Return where the paper goes when no name is given: beside the workbook, named after it."""
    return register_path.with_name(f"{register_path.stem} board paper.docx")


def build_paper(register_path: Path, output: Path | None = None, *, template: Path | None = None,
                force: bool = False, pdf: bool = False, positions: bool = False):
    """Write the board paper of the register at `register_path`; return report_builder's PaperResult."""
    from report_builder.build import build_paper as build

    return build(register_path, output or default_paper_path(register_path), template=template, force=force,
                 pdf=pdf, positions=positions)


# ---- working on values only (a server has the client's values, not its file) ---------------------------------

@dataclass(frozen=True)
class ValuesRoll:
    """A roll-over worked out on a scratch copy of the client's values: what to write back, and what to drop."""

    roll: Roll
    values: dict[str, object]  # 'Sheet!A1' -> new value, for every cell the roll-over writes
    removed_sheets: tuple[str, ...]


def roll_quarter_values(grids: dict, source: str, period: Period, register: Register) -> ValuesRoll:
    """Roll the quarter of the workbook whose sheets hold `grids`, on a scratch copy; return the cells to write."""
    import tempfile

    from workbook.xlsx.grids import read_values, sheet_names, write_grids

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        roll = roll_quarter(scratch, period, register=register)
        values = read_values(scratch, roll.written.cells)
        kept = set(sheet_names(scratch))
    return ValuesRoll(roll, values, tuple(name for name in grids if name not in kept))


def build_paper_values(grids: dict, source: str, *, force: bool = False, pdf: bool = False) -> tuple[object, dict]:
    """Build the board paper of the workbook whose sheets hold `grids`; return the PaperResult and file name -> bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        from workbook.xlsx.grids import write_grids

        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        result = build_paper(scratch, force=force, pdf=pdf)
        files = {result.paper.name: result.paper.read_bytes()}
        if result.pdf:
            files[result.pdf.name] = result.pdf.read_bytes()
    return result, files


def new_register_bytes(period: Period) -> tuple[str, bytes]:
    """Return the file name and bytes of an empty register workbook reporting `period`."""
    import tempfile

    name = f"Risk register {period.label.replace('/', '-')}.xlsx"
    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        return name, new_register(Path(folder) / name, period).read_bytes()


def _scratch_name(source: str) -> str:
    """Return a safe file name for the scratch copy of the workbook named `source` (the paper is named after it)."""
    stem = Path(str(source).replace("\\", "/")).stem
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_()").strip() or "register"
    return f"{stem[:100]}.xlsx"
