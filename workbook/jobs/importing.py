"""Import: a register workbook built from the export or another organisation's register, with what was changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core.errors import ImportSourceError, RiskregError
from workbook.core.model import Register
from workbook.core.periods import Period
from workbook.core.schema import COLUMNS
from workbook.core.words import plural
from workbook.jobs.common import risks_with_ratings

if TYPE_CHECKING:
    from workbook.importers.planner import Plan

EXPORT_SNIFF_LINES = 200  # the export's header is in its first few lines


@dataclass(frozen=True)
class Imported:
    """A finished (or, with dry_run, planned) import: the register, and for other layouts the plan and report."""

    register: Register
    plan: Plan | None = None  # None for the tab-separated export
    written: Path | None = None
    source: Path | None = field(default=None, compare=False)
    output: Path | None = field(default=None, compare=False)

    def lines(self) -> list[str]:
        """Return what the import prints: the column mapping and report, then the line that sums it up."""
        if self.plan is None:
            return [f"Imported {risks_with_ratings(self.register)} from {self.source} into {self.output}."]
        from workbook.importers.report import mapping_lines, summary

        plan, dry_run = self.plan, self.written is None
        verb = "Would import" if dry_run else "Imported"
        return [*mapping_lines(plan), *(entry.line() for entry in plan.report),
                f"{verb} {summary(plan)} from {self.source}" + ("." if dry_run else f" into {self.output}.")]


def is_register_export(source: Path) -> bool:
    """Return whether `source` is (or is meant to be) the tab-separated register export rather than another layout."""
    if source.suffix.lower() != ".txt":
        return False
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
                    force: bool = False, settings: Mapping[str, object] | None = None) -> Imported:
    """Build a register workbook at `output` from `source`: the export, a workbook, CSV/TSV or a Word table; the
    Settings values in `settings` (organisation, committee, …) are written as given."""
    from workbook.files.atomic import check_writable

    if is_register_export(source) and not (sheet or mapping):
        if dry_run or strict:
            raise ImportSourceError(f"{source}: is the tab-separated register export, read exactly by its headers: "
                                    "--dry-run and --strict are for other layouts. Import it without them.")
        from workbook.xlsx.builder import import_export

        register = import_export(source, output, period, force=force, settings=settings)
        return Imported(register, None, output, source, output)
    from workbook.importers.mapping import read_mapping
    from workbook.importers.planner import plan_import
    from workbook.importers.sources import read_tables
    from workbook.importers.write import fill_trends, mark_not_collected, plan_register, write_plan

    if not dry_run:
        check_writable(output, force=force)
    plan = plan_import(read_tables(source, sheet), period, read_mapping(mapping) if mapping else None)
    fill_trends(plan)
    mark_not_collected(plan)
    plan.settings.update(settings or {})
    if strict and plan.losses() and not dry_run:
        first = plan.losses()[0]
        raise ImportSourceError(f"{first.place}: {first.what} ('{first.value}'); with --strict nothing may change "
                                f"on the way in ({plural(plan.losses(), 'value')} would). Run with --dry-run to see "
                                "them all, fix the source or drop --strict.")
    written = None if dry_run else write_plan(plan, output, force=force)
    return Imported(plan_register(plan), plan, written, source, output)


def import_sample(output: Path) -> Imported:
    """Build a register workbook at `output` from the bundled sample export (replacing an earlier one)."""
    from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
    from workbook.core.periods import parse_period

    return import_register(sample_export_path(), output, parse_period(SAMPLE_PERIOD), force=True,
                           settings=SAMPLE_SETTINGS)
