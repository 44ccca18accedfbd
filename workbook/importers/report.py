"""The import report: every value changed, joined or not placed, and every row skipped, one entry each."""

from __future__ import annotations

from dataclasses import dataclass

from workbook.core.words import plural

REPORT_SHEET = "Import report"
REPORT_HEADERS = ("What", "Where", "Value", "What was done")
# Entries that mean a value did not arrive as it was: `--strict` refuses an import that has any.
LOSING_KINDS = ("changed", "not understood", "conflict", "dropped")


@dataclass(frozen=True)
class Entry:
    """One line of the import report."""

    # mapped | changed | conflict | joined | filled | skipped | heading | kept | generated | no rating | note |
    # group | continued | realigned | footnote | dropped | closed | named | renamed | rows (the reconciliation)
    kind: str
    place: str
    value: str
    what: str

    @property
    def loses(self) -> bool:
        return self.kind in LOSING_KINDS

    def line(self) -> str:
        value = f" '{self.value}'" if self.value else ""
        return f"{self.kind}: {self.place}{value}: {self.what}"

    def row(self) -> tuple[str, str, str, str]:
        return (self.kind, self.place, self.value, self.what)


def mapping_lines(plan) -> list[str]:
    """Return the dry run's account of the columns: each source column and what the import does with it."""
    lines = [f"Source: {plan.source}{' ' + plan.where if plan.where else ''}, header row {plan.header_row}; "
             f"reporting period {plan.period.label}."]
    for column in plan.columns:
        if column.field is None:
            continue
        lines.append(f"  {column.letter} {column.header!r} -> {column.action()} ({column.why})")
    return lines + plan.layout


def summary(plan) -> str:
    """Return 'N risks, M History rows; ratings: …' for the terminal."""
    from collections import Counter

    counts = Counter(str(r.get("rating") or "no rating") for r in plan.risks)
    order = [*plan.ratings, *sorted(set(counts) - set(plan.ratings))]
    rated = ", ".join(f"{counts[name]} {name}" for name in order if counts[name])
    return (f"{plural(plan.risks, 'risk')} ({rated}), {plural(plan.history, 'History row')}; rating scale "
            f"{', '.join(plan.ratings)}")
