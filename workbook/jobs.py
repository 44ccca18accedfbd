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
from workbook.core.ratings import rating_scale
from workbook.core.rollover import RollPlan, plan_roll
from workbook.core.schema import COLUMNS, HISTORY_COLUMNS
from workbook.core.words import plural


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


def writing(path: Path | None):
    """Hold the one-writer lock of the workbook at `path` (none when None) around a read and the write that
    follows it, so that no other command changes the file in between."""
    import contextlib

    from workbook.files.lock import one_writer

    return one_writer(path) if path is not None else contextlib.nullcontext()


# ---- register workbook: new, import, export -------------------------------------------------------------------

def paper_settings(organisation: str | None = None, committee: str | None = None, report_of: str | None = None,
                   author: str | None = None) -> dict[str, str]:
    """Return the Settings values a new register is given for its paper (those given; the rest get placeholders)."""
    given = {"organisation": organisation, "committee": committee, "author": report_of, "contact": author}
    return {key: value.strip() for key, value in given.items() if value and value.strip()}


def new_register(path: Path, period: Period, *, force: bool = False, full: bool = False,
                 settings: dict[str, object] | None = None) -> Path:
    """Create an empty register workbook reporting `period`, with the Settings values in `settings`; `full` adds
    the in-depth columns and sheets."""
    from workbook.xlsx.builder import write_workbook

    return write_workbook(path, settings={**(settings or {}), "period": period.label}, force=force, full=full)


@dataclass(frozen=True)
class Imported:
    """A finished (or, with dry_run, planned) import: the register, and for other layouts the plan and report."""

    register: Register
    plan: object | None = None  # workbook.importers.planner.Plan; None for the tab-separated export
    written: Path | None = None


EXPORT_SNIFF_LINES = 200  # the export's header is in its first few lines


def is_register_export(source: Path) -> bool:
    """Return whether `source` is (or is meant to be) the tab-separated register export rather than another layout."""
    if source.suffix.lower() != ".txt":
        return False
    from workbook.core.errors import RiskregError
    from workbook.export.text_format import iter_lines
    from workbook.importers.planner import ImportMapping, choose_table
    from workbook.importers.sources import read_tables

    export_header = [c.header for c in COLUMNS[:2]]
    try:
        for number, line in enumerate(iter_lines(source, str(source))):
            if [cell.strip() for cell in line.split("\t")[:2]] == export_header:
                return True
            if number > EXPORT_SNIFF_LINES:
                break
        choose_table(read_tables(source), ImportMapping())
    except RiskregError:
        return True  # no other layout found in it: the export reader names what is wrong
    return False


def import_register(source: Path, output: Path, period: Period | None, *, sheet: str | None = None,
                    mapping: Path | None = None, dry_run: bool = False, strict: bool = False,
                    force: bool = False, settings: dict[str, object] | None = None) -> Imported:
    """Build a register workbook at `output` from `source`: the export, a workbook, CSV/TSV or a Word table; the
    Settings values in `settings` (organisation, committee, …) are written as given."""
    from workbook.files.atomic import check_writable

    if is_register_export(source) and not (sheet or mapping):
        if dry_run or strict:
            from workbook.core.errors import ImportSourceError

            raise ImportSourceError(f"{source}: is the tab-separated register export, read exactly by its headers: "
                                    "--dry-run and --strict are for other layouts. Import it without them.")
        from workbook.xlsx.builder import import_export

        return Imported(import_export(source, output, period, force=force, settings=settings))
    from workbook.importers.mapping import read_mapping
    from workbook.importers.planner import plan_import
    from workbook.importers.sources import read_tables
    from workbook.importers.write import fill_trends, plan_register, write_plan

    if not dry_run:
        check_writable(output, force=force)
    plan = plan_import(read_tables(source, sheet), period, read_mapping(mapping) if mapping else None)
    fill_trends(plan)
    plan.settings.update(settings or {})
    if strict and plan.losses() and not dry_run:
        from workbook.core.errors import ImportSourceError

        first = plan.losses()[0]
        raise ImportSourceError(f"{first.place}: {first.what} ('{first.value}'); with --strict nothing may change "
                                f"on the way in ({len(plan.losses())} value(s) would). Run with --dry-run to see "
                                "them all, fix the source or drop --strict.")
    written = None if dry_run else write_plan(plan, output, force=force)
    return Imported(plan_register(plan), plan, written)


def export_register(path: Path, output: Path, *, fmt: str = "text",
                    force: bool = False) -> tuple[Register, tuple[str, ...]]:
    """Write the register at `path` out in the export format, or as a flat xlsx/csv/tsv table (`fmt`); return it
    and what the format does not carry."""
    from workbook.files.atomic import check_writable, write_text_atomic
    from workbook.xlsx.reader import read_register

    check_writable(output, force=force)
    register = read_register(path)
    if fmt != "text":
        from workbook.importers.flat import not_carried, write_flat

        write_flat(register, output, fmt, force=force)
        return register, tuple(not_carried(register))
    from workbook.export.text_format import dropped_columns, export_text

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
    """A finished roll-over: the register as it was, the new period, what was recorded and what was written."""

    register: Register
    period: Period
    written: object  # xlsx.writer.WriteResult
    plan: RollPlan

    @property
    def history_rows_added(self) -> int:
        return self.plan.added

    @property
    def history_rows_kept(self) -> int:
        return self.plan.updated + self.plan.kept


def roll_quarter(path: Path, period: Period, *, register: Register | None = None, output: Path | None = None,
                 force: bool = False) -> Roll:
    """Close the register's reporting quarter and start `period`."""
    from workbook.xlsx.reader import read_register
    from workbook.xlsx.writer import roll_quarter as roll

    with writing(path if output is None else None):
        register = register or read_register(path)
        plan = plan_roll(register) if period == register.period.next() else None  # the writer refuses the rest
        written = roll(path, period, register=register, plan=plan, output=output, force=force)
        return Roll(register, period, written, plan)  # type: ignore[arg-type]


# ---- board paper ----------------------------------------------------------------------------------------------

def default_paper_path(register_path: Path, period: Period | None = None) -> Path:
    """Return where the paper goes when no name is given: beside the workbook, named after it (and the quarter,
    for a past quarter's paper)."""
    quarter = f" {period.label.replace('/', '-')}" if period is not None else ""
    return register_path.with_name(f"{register_path.stem} board paper{quarter}.docx")


def build_paper(register_path: Path, output: Path | None = None, *, template: Path | None = None,
                force: bool = False, pdf: bool = False, overwrite: bool = False, positions: bool = False,
                period: Period | None = None):
    """Write the board paper of the register at `register_path` (of the closed quarter `period`, when given;
    despite its errors when `force`, replacing a changed output file when `overwrite`, with the positions table
    when `positions`); return report_builder's PaperResult."""
    from report_builder.build import build_paper as build

    return build(register_path, output or default_paper_path(register_path, period), template=template,
                 force=force, pdf=pdf, overwrite=overwrite, positions=positions, period=period)


# ---- working on values only (a server has the client's values, not its file) ---------------------------------

@dataclass(frozen=True)
class ValuesRoll:
    """A roll-over worked out on a scratch copy of the client's values: what to write back, and what to drop."""

    roll: Roll
    values: dict[str, object]  # 'Sheet!A1' -> new value, for every cell the roll-over writes
    removed_sheets: tuple[str, ...]
    added_sheets: tuple[str, ...] = ()  # the Record sheet, the first time: the client adds it (hidden) first


def roll_quarter_values(grids: dict, source: str, period: Period, register: Register) -> ValuesRoll:
    """Roll the quarter of the workbook whose sheets hold `grids`, on a scratch copy; return the cells to write."""
    import tempfile

    from workbook.xlsx.grids import read_values, sheet_names, write_grids

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        roll = roll_quarter(scratch, period, register=register)
        values = read_values(scratch, roll.written.cells)
        kept = sheet_names(scratch)
    return ValuesRoll(roll, values, tuple(name for name in grids if name not in kept),
                      tuple(name for name in kept if name not in grids))


def build_paper_values(grids: dict, source: str, *, force: bool = False, pdf: bool = False,
                       positions: bool = False) -> tuple[object, dict]:
    """Build the board paper of the workbook whose sheets hold `grids` (with the positions when `positions`);
    return the PaperResult and file name -> bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        from workbook.xlsx.grids import write_grids

        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        result = build_paper(scratch, force=force, pdf=pdf, positions=positions)
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
