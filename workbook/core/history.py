"""A closed quarter as History and the Record sheet keep it: the register as it stood at that close (pure)."""

from __future__ import annotations

import datetime as dt
import json

from workbook.core import trends
from workbook.core.errors import PeriodError
from workbook.core.model import HistoryEntry, Register, Risk, SheetRow
from workbook.core.periods import Period
from workbook.core.renames import RISK, renames
from workbook.core.record_text import MATRIX_FIELD, QUARTER_KEY, RATINGS_FIELD
from workbook.core.rollover import ACTIONS_FIELD, APPETITE_FIELD, DEPTH_FIELD, TRENDS_FIELD
from workbook.core.schema import (
    ACTION_COLUMNS,
    APPETITE_COLUMNS,
    DEPTH_COLUMNS,
    NOT_APPLICABLE,
    RECORDED_CONFIG_KEYS,
    RECORDED_SETTING_KEYS,
    RECORDED_TEXT_KEYS,
    TREND_COUNT,
    TREND_KEYS,
    trend_header,
)

DATE_SETTINGS = ("meeting_date",)  # recorded as ISO text, given back as dates


def closed_periods(register: Register) -> list[Period]:
    """Return the periods History records before the reporting one, oldest first."""
    return sorted(p for p in trends.history_periods(register) if p is not None and p < register.period)


def rows_of(register: Register, period: Period) -> list[HistoryEntry]:
    """Return History's rows for `period`, one per risk (the first), in sheet order: the register's order then."""
    rows, seen = [], set()
    for entry, entry_period in zip(register.history, trends.entry_periods(register)):
        if entry_period == period and entry.risk_id and entry.risk_id.casefold() not in seen:
            seen.add(entry.risk_id.casefold())
            rows.append(entry)
    return rows


def _date(text: str) -> object:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def register_as_of(register: Register, period: Period) -> Register:
    """Return the register as it stood when `period` closed, rebuilt from History and the Record sheet."""
    closed = closed_periods(register)
    if period >= register.period:
        raise PeriodError(
            f"{register.source}: {period.label} is not a closed quarter: the register reports {register.period.label}. "
            f"Leave out --period for this quarter's paper.")
    if period not in closed:
        held = f"{closed[0].label} to {closed[-1].label}" if closed else "no closed quarter"
        raise PeriodError(f"{register.source}: History has no rows for {period.label} (it holds {held}), so its "
                          "paper cannot be built again.")
    quarter = register.recorded_text.get(QUARTER_KEY.format(label=period.label))
    if quarter is None:
        rebuilt = [p.label for p in rebuildable(register)]
        which = (f"Papers can be built again for {_listed(rebuilt)}" if rebuilt else
                 "No paper can be built again yet: the first is that of the quarter the next roll-quarter closes")
        raise PeriodError(f"{register.source}: History has {period.label} from an import, not from a close, and "
                          f"the Record sheet keeps nothing of its close, so its paper cannot be built again. "
                          f"{which}.")
    periods = tuple(period.shifted(i) for i in range(1 - TREND_COUNT, 1))
    rebuilt_renames = tuple(r for r in renames(register) if r.period <= period)
    trend_of = {(_risk_then(rebuilt_renames, entry.risk_id, p, period), p): entry.trend for p in periods[:-1]
                for entry in rows_of(register, p)}
    covered = set(closed)  # a quarter History records without a row for a risk did not have it on the register
    typed = {line.split("\t")[0]: line.split("\t")[1:] for line in quarter.get(TRENDS_FIELD, "").split("\n")}
    depth = recorded_depth(quarter)
    risks = []
    for row, entry in enumerate(rows_of(register, period), start=register.header_row + 1):
        texts = register.recorded_text.get(entry.fingerprint, {})
        values: dict[str, object] = {key: texts.get(key, "") for key in RECORDED_TEXT_KEYS}
        values["date_raised"] = _date(str(values["date_raised"])) if values["date_raised"] else None
        values.update({
            "id": entry.risk_id, "rating": entry.rating, "likelihood": entry.likelihood,
            "impact_score": entry.impact, "last_reviewed": entry.reviewed_on, "owner": entry.owner,
            "status": entry.status or "Open",
            **{key: trend_of.get((entry.risk_id, p), NOT_APPLICABLE if p in covered else "")
               for key, p in zip(TREND_KEYS[:-1], periods[:-1])},
            TREND_KEYS[-1]: entry.trend,
        })
        values.update(depth.get(entry.risk_id, {}))
        cells = typed.get(entry.risk_id, [])
        if len(cells) == len(TREND_KEYS):  # the cells as typed at the close, when the Record sheet has them
            values.update(zip(TREND_KEYS, cells))
        risks.append(Risk(row=row, values=values))
    settings = dict(register.settings)
    if quarter:  # recorded at the close: what the paper said then, blanks included
        settings.update({key: _date(quarter.get(key, "")) if key in DATE_SETTINGS else quarter.get(key, "")
                         for key in RECORDED_SETTING_KEYS})
    settings.update({key: quarter[key] for key in RECORDED_CONFIG_KEYS if key in quarter})
    settings["period"] = period.label
    lists = dict(register.lists)
    if quarter.get(RATINGS_FIELD):
        lists["Ratings"] = tuple(quarter[RATINGS_FIELD].split("\n"))
    headers = dict(register.headers)
    headers.update({key: trend_header(p.quarter) for key, p in zip(TREND_KEYS, periods)})
    earlier = [entry for entry, p in zip(register.history, trends.entry_periods(register))
               if p is not None and p < period]
    actions, action_columns = recorded_rows(quarter, ACTIONS_FIELD, ACTION_COLUMNS, register.actions,
                                            register.action_columns)
    appetite, appetite_columns = recorded_rows(quarter, APPETITE_FIELD, APPETITE_COLUMNS, register.appetite,
                                               register.appetite_columns)
    matrix_sheet = [tuple(row) for row in json.loads(quarter[MATRIX_FIELD])] if MATRIX_FIELD in quarter \
        else register.matrix_sheet
    return Register(
        risks=risks, trend_periods=periods, settings=settings, lists=lists, history=earlier,
        columns=dict(register.columns), headers=headers, header_row=register.header_row, source=register.source,
        settings_rows=dict(register.settings_rows), history_columns=dict(register.history_columns),
        recorded_text=register.recorded_text, actions=actions, action_columns=action_columns,
        appetite=appetite, appetite_columns=appetite_columns, matrix_sheet=matrix_sheet, rebuilt_from=register)


def _risk_then(found, risk_id: str, period: Period, closing: Period) -> str:
    """Return the ID a risk of `period` had when `closing` closed: renames made up to then carry it."""
    for rename in found:
        if rename.kind == RISK and period < rename.period <= closing and risk_id.casefold() == rename.old.casefold():
            risk_id = rename.new
    return risk_id


def rebuildable(register: Register) -> list[Period]:
    """Return the closed quarters whose paper can be built again: those the Record sheet keeps the close of."""
    return [p for p in closed_periods(register) if QUARTER_KEY.format(label=p.label) in register.recorded_text]


def _listed(labels: list[str]) -> str:
    if len(labels) > 3:
        return f"{labels[0]} to {labels[-1]} ({len(labels)} quarters)"
    return " and ".join([", ".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else labels[0]


def recorded_rows(quarter: dict[str, str], field: str, columns, today: list[SheetRow] | None,
                  today_columns: dict[str, int]) -> tuple[list[SheetRow] | None, dict[str, int]]:
    """Return an in-depth sheet (Actions, Appetite) as the quarter's close recorded it (dates as dates), and its
    columns; a quarter closed before it was recorded gives today's sheet."""
    if field not in quarter:
        return today, dict(today_columns)
    dates = {c.key for c in columns if c.kind == "date"}
    rows = []
    for item in json.loads(quarter[field] or "[]"):
        row = int(item.pop("row"))
        rows.append(SheetRow(row, _dated(item, dates)))
    return rows, dict(today_columns) or {c.key: i for i, c in enumerate(columns, start=1)}


def recorded_depth(quarter: dict[str, str]) -> dict[str, dict[str, object]]:
    """Return each risk's in-depth values as the quarter's close recorded them (dates as dates)."""
    dates = {c.key for c in DEPTH_COLUMNS if c.kind == "date"}
    return {risk_id: _dated(values, dates) for risk_id, values in json.loads(quarter.get(DEPTH_FIELD) or "{}").items()}


def _dated(values: dict[str, object], dates: set[str]) -> dict[str, object]:
    """Return recorded `values` with the ISO text of the `dates` columns given back as dates."""
    return {key: _date(value) if key in dates and isinstance(value, str) and value else value
            for key, value in values.items()}
