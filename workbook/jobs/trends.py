"""Trends: the arrows History gives, checked against the Register; with --write, empty trend cells filled."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from workbook.core import checks, trends
from workbook.core.edit import SetCell, SummarySheet, WorkbookEdit
from workbook.core.ratings import rating_of
from workbook.core.result_sheets import summary_layout
from workbook.core.model import Register
from workbook.core.rules import RULE_BY_ID
from workbook.core.schema import REGISTER_SHEET
from workbook.core.words import plural, them_it
from workbook.jobs.common import Written, writing


def refresh_trends(register: Register) -> trends.Refresh:
    """Work out the trends of `register` from History: the empty trend cells it fills, the arrows it contradicts."""
    computed = trends.compute_trends(register)
    return trends.Refresh(register, computed, trends.trend_fills(register, computed), trends.movements(register),
                          trends.rating_distribution(register),
                          tuple(checks.check(register, [RULE_BY_ID["R014"]])))


def trends_message(refresh: trends.Refresh) -> str:
    """Return what the ribbon's and the task pane's Refresh trends say."""
    conflicts = refresh.conflicts
    lines = [f"Summary sheet rebuilt for {refresh.register.period.label}."]
    lines.append(f"Filled {plural(refresh.fills, 'empty trend cell')} from History."
                 if refresh.fills else "No empty trend cell that History can fill.")
    if conflicts:
        verb, kept = (plural(conflicts, one, many, with_count=False) for one, many in (("disagrees", "disagree"),
                                                                                         ("was", "were")))
        lines.append(f"{plural(conflicts, 'arrow')} you typed {verb} with History and {kept} left as typed: "
                     f"Validate lists {them_it(conflicts)}.")
    return " ".join(lines)


def refresh_trends_file(path: Path) -> trends.Refresh:
    """Read the register workbook at `path` and work out its trends."""
    from workbook.xlsx.reader import read_register

    return refresh_trends(read_register(path))


UNKNOWN_RATING_COLOUR = "7F7F7F"  # the chart's grey for a rating the register's scale does not know


def fills_edit(refresh: trends.Refresh) -> WorkbookEdit:
    """Return the edit that fills the empty trend cells History can fill (never an arrow the user typed)."""
    return WorkbookEdit(cells=tuple(SetCell(REGISTER_SHEET, row, column, arrow)
                                    for (row, column), arrow in refresh.fills.items()))


def trends_edit(refresh: trends.Refresh) -> WorkbookEdit:
    """Return the edit that fills the empty trend cells History can fill and rebuilds the Summary sheet."""
    register = refresh.register
    layout = summary_layout(register, refresh.movements, refresh.distribution)
    colours = tuple(known.fill if (known := rating_of(register, rating)) else UNKNOWN_RATING_COLOUR
                    for rating in layout.ratings)
    return replace(fills_edit(refresh), summary=SummarySheet(layout, colours))


class TrendsWritten(Written):
    """What `trends --write` did: the trend cells filled, the arrows left as typed."""

    def lines(self, what: str = "the Summary sheet") -> list[str]:
        filled = ", ".join(self.cells) if self.cells else "none (no empty trend cell History can fill)"
        lines = [f"Trend cells filled: {filled}."]
        if self.findings:
            lines.append(f"Left as typed: {plural(self.findings, 'arrow')} that History contradicts (listed above).")
        return lines + super().lines(what)


def write_trends(path: Path, refresh: trends.Refresh, *, output: Path | None = None,
                 force: bool = False) -> TrendsWritten:
    """Fill the empty trend cells and rebuild the Summary sheet in the workbook file."""
    from workbook.xlsx.writer import apply_file

    with writing(output or path):
        done = apply_file(path, trends_edit(refresh), output=output, force=force)
    return TrendsWritten(done.path, done.backup, done.cells, refresh.conflicts, refresh.movements.notes + done.notes,
                         done.pruned)
