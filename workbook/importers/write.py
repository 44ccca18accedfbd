"""Write a planned import as a register workbook: the register, History, Lists, Settings and the import report."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from pathlib import Path

from workbook.core import trends
from workbook.core.model import HistoryEntry, Register, Risk
from workbook.core.schema import (
    COLUMNS,
    CORE_COLUMNS,
    DEESCALATING,
    DEFAULT_LISTS,
    DEPTH_COLUMNS,
    DEPTH_LISTS,
    ESCALATING,
    HISTORY_COLUMNS,
    SETTINGS,
    TREND_KEYS,
    UNCHANGED,
)
from workbook.core.words import plural
from workbook.importers.planner import Plan
from workbook.importers.report import REPORT_HEADERS, REPORT_SHEET, Entry


def plan_lists(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Return the Lists sheet of the register `plan` writes: the source's rating scale, and with the in-depth
    columns their lists (the source's own categories when riskreg's do not hold them)."""
    return dict(DEFAULT_LISTS) | (dict(DEPTH_LISTS) if plan.depth else {}) | plan.lists | {"Ratings": plan.ratings}


def plan_register(plan: Plan) -> Register:
    """Return the register `plan` would write, as the checks and trends see it."""
    settings = {s.key: s.default for s in SETTINGS} | plan.settings
    lists = plan_lists(plan)
    columns = COLUMNS + DEPTH_COLUMNS if plan.depth else COLUMNS
    blank: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(HistoryEntry)}  # "" text, None the rest
    history = [HistoryEntry(row=i, **{c.key: cast(Any, h.get(c.key, blank[c.key])) for c in HISTORY_COLUMNS})
               for i, h in enumerate(plan.history, start=2)]
    return Register(risks=[Risk(row=i, values=dict(v)) for i, v in enumerate(plan.risks, start=2)],
                    trend_periods=plan.trend_periods, settings=settings, lists=lists, history=history,
                    columns={c.key: i for i, c in enumerate(columns, start=1)}, source=plan.source)


def fill_trends(plan: Plan) -> int:
    """Fill the plan's empty trend cells with the arrows its History gives; return how many."""
    register = plan_register(plan)
    fills = trends.trend_fills(register, trends.compute_trends(register))
    for (row, column), arrow in fills.items():
        plan.risks[row - 2][COLUMNS[column - 1].key] = arrow
    if fills:
        plan.add(Entry("filled", plan.source, "", f"{plural(fills, 'trend cell')} "
                                 "worked out from the imported History"))
    return len(fills)


def mark_not_collected(plan: Plan) -> None:
    """Record in the plan's Settings what its source never had, so that `riskreg validate` warns once for each
    instead of an error per cell the user cannot fix from the source: the required text columns no source column
    fills (Not collected), and the first quarter with a trend after the last one no risk has (Trends recorded
    from). The cells stay blank; a source column left blank in places is still an error per cell."""
    filled = {c.field for c in plan.columns if not c.stage}
    missing = [c for c in CORE_COLUMNS if c.required and c.kind == "text" and c.key not in filled
               and any(not values.get(c.key) for values in plan.risks)]
    if missing:
        headers = ", ".join(c.header for c in missing)
        plan.settings["not_collected"] = headers
        plan.add(Entry("note", plan.source, headers, f"the source has no column for {'them' if len(missing) > 1 else 'it'}"
                       f": left blank and listed in Settings' Not collected, so `riskreg validate` warns once "
                       "rather than an error per cell; take a header out of it once you collect that column"))
    open_risks = [values for values in plan.risks if str(values.get("status") or "").lower() != "closed"]
    unknown = [period for key, period in zip(TREND_KEYS, plan.trend_periods)  # no movement known in any risk
               if open_risks and not any(values.get(key) in (ESCALATING, UNCHANGED, DEESCALATING) for values in open_risks)]
    if unknown:
        start = unknown[-1].shifted(1)
        plan.settings["trends_from"] = start.label
        plan.add(Entry("note", plan.source, start.label, f"the source gives no trend for {unknown[0].label}"
                       f"{' to ' + unknown[-1].label if len(unknown) > 1 else ''}: those trend cells are left blank "
                       f"and Settings' Trends recorded from is {start.label}, so `riskreg validate` warns once "
                       "rather than an error per cell"))
    empty = sum(1 for values in open_risks for key, period in zip(TREND_KEYS, plan.trend_periods)
                if not values.get(key) and not (unknown and period <= unknown[-1]))
    if empty:
        plan.add(Entry("note", plan.source, "", f"{plural(empty, 'trend cell')} left empty: the source does not "
                       "say how those risks moved in those quarters; fill them in (`riskreg validate` lists them)"))


def write_plan(plan: Plan, output: Path, *, force: bool = False) -> Path:
    """Save the register `plan` describes at `output`, its import report on a sheet of its own."""
    from workbook.xlsx.builder import build_workbook, save

    wb = build_workbook(plan.risks, plan.history, plan.settings, plan_lists(plan), user_columns=plan.user_columns,
                        depth_columns=plan.depth, notes=(REPORT_SHEET, REPORT_HEADERS, [e.row() for e in plan.report]))
    return save(wb, output, force=force)
