"""Write a planned import as a register workbook: the register, History, Lists, Settings and the import report."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from pathlib import Path

from workbook.core import trends
from workbook.core.model import HistoryEntry, Register, Risk
from workbook.core.schema import (
    COLUMNS,
    DEFAULT_LISTS,
    DEPTH_COLUMNS,
    DEPTH_LISTS,
    HISTORY_COLUMNS,
    SETTINGS,
    TREND_KEYS,
)
from workbook.importers.planner import Plan
from workbook.importers.report import REPORT_HEADERS, REPORT_SHEET, Entry
from workbook.core.words import plural


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
    empty = sum(1 for values in plan.risks for key in TREND_KEYS if not values.get(key))
    if empty:
        plan.add(Entry("note", plan.source, "", f"{plural(empty, 'trend cell')} left empty: "
                                 "the source does not say how those risks moved in those quarters; fill them in "
                                 "(`riskreg validate` lists them)"))
    return len(fills)


def write_plan(plan: Plan, output: Path, *, force: bool = False) -> Path:
    """Save the register `plan` describes at `output`, its import report on a sheet of its own."""
    from workbook.xlsx.builder import build_workbook, save

    wb = build_workbook(plan.risks, plan.history, plan.settings, plan_lists(plan), user_columns=plan.user_columns,
                        depth_columns=plan.depth, notes=(REPORT_SHEET, REPORT_HEADERS, [e.row() for e in plan.report]))
    return save(wb, output, force=force)
