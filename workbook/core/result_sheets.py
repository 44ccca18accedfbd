"""The Validation and Summary sheets as rows of values: the one layout the file and the live workbook share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from workbook.core.changes import DELETE, INSERT, FieldChange, changes_since_last, stale_controls
from workbook.core.depth import appetite_text, outside_appetite
from workbook.core.edit import Rows, SummaryRows, stamp
from workbook.core.findings import SEVERITY_FILLS, Finding, split_address
from workbook.core.model import Register
from workbook.core.schema import (
    ACTIONS_SHEET,
    APPETITE_SHEET,
    HISTORY_SHEET,
    LISTS_SHEET,
    MATRIX_SHEET,
    REGISTER_SHEET,
    SETTINGS_SHEET,
    TEXT_SHEET,
)
from workbook.core.trends import Movements, allowed
from workbook.core.words import plural

# The user's sheets: findings point into them, and results are never written over them.
REGISTER_SHEETS = (REGISTER_SHEET, SETTINGS_SHEET, LISTS_SHEET, HISTORY_SHEET, MATRIX_SHEET, APPETITE_SHEET,
                   ACTIONS_SHEET, TEXT_SHEET)

VALIDATION_HEADERS = ("Severity", "Rule", "Risk ID", "Column", "Cell", "Value", "Message", "Fill before")
VALIDATION_WIDTHS = (10, 7, 9, 24, 15, 30, 90, 12)
VALIDATION_HEADER_ROW = 4
CELL_COLUMN = VALIDATION_HEADERS.index("Cell") + 1
NO_PROBLEMS = "No problems found."
SEVERITY_ORDER = ("info", "warning", "error")  # worst last: the worst severity of a cell wins

MOVEMENT_HEADERS = ("Movement", "Risk ID", "Risk Name", "Rating", "Previous rating", "Trend", "Note")
MOVEMENT_WIDTHS = (16, 12, 55, 12, 14, 8, 40)
COUNTS_TITLE_ROW = 4
MOVEMENTS_ROW = 22  # the movements start below the chart that sits beside the counts


def validation_rows(findings: Sequence[Finding], summary: str, before: Mapping[str, str], checked_by: str,
                    now: dt.datetime, go_to: str) -> Rows:
    """Return the Validation sheet as rows: title, note, header (row 4), one row per finding in order."""
    rows: Rows = [
        [f"Validation: {summary}"],
        [f"Checked by {checked_by} on {stamp(now)}. {go_to} This sheet is rebuilt on every run."],
    ]
    rows += [[]] * (VALIDATION_HEADER_ROW - 1 - len(rows))
    rows.append(list(VALIDATION_HEADERS))
    for f in findings:
        rows.append([f.severity, f.rule_id, f.risk_id, f.column, f.cell, f.value, f.message,
                     before.get(f.cell, "none")])
    if not findings:
        rows.append([None] * (VALIDATION_HEADERS.index("Message")) + [NO_PROBLEMS, None])
    return rows


def previous_marks(grid: Sequence[Sequence[object]] | None) -> dict[str, str]:
    """Return cell -> fill before it was marked, from the last Validation sheet's values (the CLI's or the ribbon's)."""
    marks: dict[str, str] = {}
    header = None
    for row in grid or []:
        cells = [str(v).strip() if v is not None else "" for v in row]
        if header is None:
            if "Cell" in cells and "Fill before" in cells:
                header = (cells.index("Cell"), cells.index("Fill before"))
            continue
        cell = cells[header[0]] if header[0] < len(cells) else ""
        spec = cells[header[1]] if header[1] < len(cells) else ""
        try:
            sheet, _, _ = split_address(cell)
        except ValueError:  # a blank or something typed on the sheet: not one of our marks
            continue
        if sheet in REGISTER_SHEETS:
            marks.setdefault(cell, spec or "none")
    return marks


def mark_fills(marks: Mapping[str, str], findings: Sequence[Finding]) -> dict[str, str | None]:
    """Return cell -> colour ('#FFC7CE'; None: no fill) that moves the highlights from the last run's cells (`marks`:
    cell -> fill before) to this run's: a cell marked last time gets its fill back, a finding's cell the fill of
    its worst severity. The medium that cannot read a cell's fill cheaply (a live workbook) paints these."""
    fills: dict[str, str | None] = {cell: restored_fill(spec) for cell, spec in marks.items()}
    rank = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}
    for finding in sorted(findings, key=lambda f: rank.get(f.severity, len(rank))):  # the worst is painted last
        if finding.cell:
            fills[finding.cell] = "#" + SEVERITY_FILLS.get(finding.severity, SEVERITY_FILLS["error"])
    return fills


def restored_fill(spec: str) -> str | None:
    """Return the colour ('#92D050') a 'Fill before' entry puts back; None (no fill) where it is not a plain colour."""
    kind, _, rgb = spec.partition(":")
    return f"#{rgb[-6:]}" if kind == "rgb" and len(rgb) >= 6 else None


APPETITE_HEADERS = ("Category", "Appetite", "Tolerance", "Risk ID", "Risk Name", "Residual", "Outside by")


def appetite_rows(register: Register) -> Rows:
    """Return the Summary sheet's 'Risks outside appetite' rows, by category; none without an Appetite sheet."""
    if register.appetite is None:
        return []
    found = sorted(outside_appetite(register), key=lambda o: (o.risk.text("category").casefold(), o.risk.id))
    rows: Rows = [[], [f"Risks outside appetite in {register.period.label}"], list(APPETITE_HEADERS)]
    rows += [[o.risk.text("category"), appetite_text(o.entry), o.tolerance.text, o.risk.id, o.risk.name, o.residual,
              o.beyond] for o in found]
    if not found:
        rows.append(["None: every open risk is within its category's tolerance."])
    return rows


def summary_rows(register: Register, moves: Movements, counts: Mapping[str, Mapping[str, int]], built_by: str,
                 now: dt.datetime) -> SummaryRows:
    """Return the Summary sheet: open risks by rating per period, then this period's movements, signed."""
    return summary_layout(register, moves, counts).signed(built_by, now)


def summary_layout(register: Register, moves: Movements, counts: Mapping[str, Mapping[str, int]]) -> SummaryRows:
    """Return the Summary sheet as every medium lays it out, its second row left for `SummaryRows.signed`."""
    ratings = allowed(register, "Ratings")
    periods = tuple(counts)
    rows: Rows = [
        [f"Summary: {register.setting('title')}, {register.period.label}"],
        [],
    ]
    rows += [[]] * (COUNTS_TITLE_ROW - 1 - len(rows))
    rows.append(["Open risks by residual rating"])
    rows.append(["Rating", *periods])
    counts_header_row = len(rows)
    rows += [[rating, *(counts[p].get(rating, 0) for p in periods)] for rating in ratings]
    rows.append(["Total", *(sum(counts[p].values()) for p in periods)])
    total_row = len(rows)
    rows += [[]] * (max(total_row + 2, MOVEMENTS_ROW) - 1 - len(rows))
    rows.append([f"Movements in {register.period.label}"])
    movements_title_row = len(rows)
    rows.append(list(MOVEMENT_HEADERS))
    group_rows = []
    for label, group in moves.groups():
        group_rows.append(len(rows) + 1)
        if not group:
            rows.append([f"{label} (0)", None, "None"])
        for index, m in enumerate(group):
            rows.append([f"{label} ({len(group)})" if index == 0 else None, m.risk_id, m.name, m.rating,
                         m.previous_rating, m.trend, m.note if m.from_history else "as recorded"])
    if moves.unclassified:
        rows += [[], ["Not counted (trend missing or not in the list; run Validate): "
                      + ", ".join(m.risk_id for m in moves.unclassified)]]
    kept = [m.risk_id for _, group in moves.groups() for m in group if not m.from_history]
    if kept:
        rows += [[], ["Arrows as recorded on the Register, because History does not have both quarters' ratings: "
                      + ", ".join(kept) + "."]]
    rows += changes_rows(register)
    rows += appetite_rows(register)
    return SummaryRows(rows, periods, tuple(ratings), counts_header_row, total_row, movements_title_row,
                       movements_title_row + 1, tuple(group_rows), (COUNTS_TITLE_ROW, len(periods) + 3))


CHANGES_HEADERS = ("Risk", "Name", "What changed", "Before", "Now")


def _words(change: FieldChange) -> tuple[str, str]:
    """Return a text change as the words removed and the words added."""
    removed = " ".join(" ".join(text.split()) for op, text in change.words if op == DELETE and text.strip())
    added = " ".join(" ".join(text.split()) for op, text in change.words if op == INSERT and text.strip())
    return (f"removed: {removed}" if removed else "", f"added: {added}" if added else "")


def changes_rows(register: Register) -> Rows:
    """Return the Summary sheet's "what changed since the last paper" rows, and the stale controls."""
    found = changes_since_last(register)
    stale = stale_controls(register)
    if not found and not stale:
        return []
    rows: Rows = [[], [f"Changed since {register.period.previous().label}"], list(CHANGES_HEADERS)]
    for risk in found:
        for index, change in enumerate(risk.fields):
            before, after = _words(change) if change.words else (change.before, change.after)
            rows.append([risk.risk_id if index == 0 else None, risk.name if index == 0 else None, change.label,
                         before or None, after or None])
    if not found:
        rows.append([None, None, "Nothing changed"])
    names = {risk.id: risk.name for risk in register.risks}
    for risk_id, (since, quarters) in stale.items():
        rows.append([risk_id, names.get(risk_id), "Controls unchanged", f"since {since.label}",
                     plural(quarters, "closed quarter")])
    return rows
