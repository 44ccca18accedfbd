"""Write findings, trends, the Summary sheet and the quarter roll-over into a register workbook (openpyxl)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from workbook.core.errors import PeriodError, RegisterFormatError
from workbook.core.findings import NOTE_AUTHOR, SEVERITY_FILLS, Finding, note_text, split_address, worst
from workbook.core.model import Register, column_letter
from workbook.core.palette import WORKBOOK_HEADER_FILL
from workbook.core.periods import Period, parse_period
from workbook.core.result_sheets import (
    CELL_COLUMN,
    COUNTS_TITLE_ROW,
    MOVEMENT_HEADERS,
    MOVEMENT_WIDTHS,
    VALIDATION_HEADER_ROW,
    VALIDATION_HEADERS,
    VALIDATION_WIDTHS,
    Rows,
    previous_marks,
    summary_rows,
    validation_rows,
)
from workbook.core.schema import (
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    HISTORY_TABLE,
    RATING_BY_NAME,
    REGISTER_SHEET,
    REGISTER_TABLE,
    SETTINGS_SHEET,
    SUMMARY_SHEET,
    TREND_KEYS,
    VALIDATION_SHEET,
    trend_header,
)
from workbook.core.matrix import matrix_of
from workbook.core.trends import Movements, Refresh
from workbook.core.values import risk_score
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.backup import backup_register, check_unchanged, discard_backup
from workbook.xlsx.cells import put
from workbook.xlsx.preserve import check_in_place
from workbook.xlsx.reader import check_workbook_file, read_register

AUTHOR = NOTE_AUTHOR
# How the results sheets name their writer and how a listed cell is reached (hyperlinks and notes, in a file).
WRITTEN_BY = "riskreg"
GO_TO = "Click a cell address to go to it; the cell carries a note with the message."
HEADER_FILL = WORKBOOK_HEADER_FILL
NOTE_SIZE = (420, 160)  # width, height in pixels: long enough for two messages without scrolling
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's sheet size

T = TypeVar("T")


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the file written, the backup kept, the cells changed and what it left alone."""

    path: Path
    backup: Path | None
    cells: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())


# ---- opening and saving -------------------------------------------------------------------------------------

def _edit(path: Path | str, edit: Callable[[object], T], output: Path | str | None = None,
          force: bool = False) -> tuple[T, Path, Path | None]:
    """Load the workbook, apply `edit`, and save it (in place after a backup, or to `output`)."""
    from openpyxl import load_workbook

    path = Path(path)
    check_workbook_file(path)
    target = Path(output) if output else path
    backup = None
    if output:
        check_writable(target, force=force)
    else:
        check_in_place(path)
        backup = backup_register(path)
    try:
        wb = load_workbook(path, rich_text=True)
    except Exception as err:  # python-calamine read it; openpyxl, which must write it, cannot
        if backup is not None:
            discard_backup(backup)  # nothing was written, so there is nothing to go back to
        detail = " ".join(str(err).split())[:200] or type(err).__name__
        raise RegisterFormatError(
            f"{path}: riskreg can read this workbook but cannot write into it ({detail}). Open it in Excel, save "
            f"it as an Excel Workbook (.xlsx) and run the command again, or use the riskreg add-in.") from None
    result = edit(wb)
    if backup is not None:
        check_unchanged(path, backup)
    with atomic_path(target) as temp:
        wb.save(temp)
    return result, target, backup


def _write_rows(ws, rows: Rows) -> None:
    """Write a results sheet's rows from A1; empty positions stay empty cells."""
    for row, values in enumerate(rows, start=1):
        for position, value in enumerate(values, start=1):
            if value is not None:
                put(ws.cell(row=row, column=position), value)


def _header(cell, fill: str = HEADER_FILL) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    cell.alignment = Alignment(vertical="center", wrap_text=True)


def _print_wide(ws, title_rows: str) -> None:
    """Print landscape, one page wide, repeating the header rows: how the committee secretary prints it."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _fresh_sheet(wb, title: str, after: str | None = None):
    """Return an empty sheet `title`, replacing riskreg's previous one, placed after `after` when given."""
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        del wb[title]
    else:
        index = wb.sheetnames.index(after) + 1 if after in wb.sheetnames else len(wb.sheetnames)
    return wb.create_sheet(title, index)


# ---- findings: the Validation sheet and marked cells --------------------------------------------------------

def _fill_spec(fill) -> str:
    """Return a cell's fill as text the Validation sheet can keep, so the next run can put it back."""
    if fill is None or fill.fill_type is None:
        return "none"
    color = fill.fgColor
    if fill.fill_type == "solid" and color is not None:
        if color.type == "rgb":
            return f"rgb:{color.rgb}"
        if color.type == "theme":
            return f"theme:{color.theme}:{color.tint}"
        if color.type == "indexed":
            return f"indexed:{color.indexed}"
    return "other"


def _fill_from_spec(spec: str):
    from openpyxl.styles import PatternFill
    from openpyxl.styles.colors import Color

    kind, _, rest = spec.partition(":")
    try:
        if kind == "rgb":
            return PatternFill("solid", fgColor=Color(rgb=rest), bgColor=Color(indexed=64))
        if kind == "theme":
            theme, _, tint = rest.partition(":")
            return PatternFill("solid", fgColor=Color(theme=int(theme), tint=float(tint)), bgColor=Color(indexed=64))
        if kind == "indexed":
            return PatternFill("solid", fgColor=Color(indexed=int(rest)), bgColor=Color(indexed=64))
    except (TypeError, ValueError):
        pass  # the hidden column was edited: no fill is the safe guess
    return PatternFill()


def _is_our_fill(fill) -> bool:
    color = fill.fgColor if fill is not None and fill.fill_type == "solid" else None
    return color is not None and color.type == "rgb" and str(color.rgb)[-6:].upper() in SEVERITY_FILLS.values()


def _cell(wb, address: str):
    try:
        sheet, row, column = split_address(address)
    except ValueError:
        return None
    if sheet not in wb.sheetnames or not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
        return None
    cell = wb[sheet].cell(row=row, column=column)
    # A cell hidden under a merge takes no fill or note; the Validation sheet still lists its finding.
    return None if type(cell).__name__ == "MergedCell" else cell


def _previous_marks(wb) -> dict[str, str]:
    """Return cell address -> fill before riskreg marked it, from the previous Validation sheet."""
    if VALIDATION_SHEET not in wb.sheetnames:
        return {}
    return previous_marks(wb[VALIDATION_SHEET].iter_rows(values_only=True))


def clear_marks(wb) -> list[str]:
    """Undo the previous run's highlights and notes (only where they are still riskreg's); return the cells."""
    cleared = []
    for address, spec in _previous_marks(wb).items():
        cell = _cell(wb, address)
        if cell is None:
            continue
        if cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
        if _is_our_fill(cell.fill):
            cell.fill = _fill_from_spec(spec)
        cleared.append(address)
    # Notes signed by riskreg are ours even when the Validation sheet that listed them was deleted.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
    return cleared


def mark_cells(wb, findings: Iterable[Finding]) -> dict[str, str]:
    """Fill each finding's cell by its worst severity and attach a note; return address -> fill before."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[str, list[Finding]] = {}
    for finding in findings:
        by_cell.setdefault(finding.cell, []).append(finding)
    before: dict[str, str] = {}
    for address, found in by_cell.items():
        cell = _cell(wb, address)
        if cell is None:
            continue
        before[address] = _fill_spec(cell.fill)
        if before[address] != "other":  # a patterned fill could not be put back: the note alone marks it
            colour = SEVERITY_FILLS[worst(found)]
            cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        # A note the user wrote stays: the Validation sheet still lists the finding.
        if cell.comment is None or cell.comment.author == AUTHOR:
            note = Comment(note_text(found), AUTHOR)
            note.width, note.height = NOTE_SIZE
            cell.comment = note
    return before


def _validation_sheet(wb, findings: Sequence[Finding], summary: str, before: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = _fresh_sheet(wb, VALIDATION_SHEET, after=REGISTER_SHEET)
    _write_rows(ws, validation_rows(findings, summary, before, WRITTEN_BY, dt.datetime.now(), GO_TO))
    ws["A1"].font = Font(bold=True, size=13)
    for position, width in enumerate(VALIDATION_WIDTHS, start=1):
        _header(ws.cell(row=VALIDATION_HEADER_ROW, column=position))
        ws.column_dimensions[column_letter(position)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, finding in enumerate(findings, start=VALIDATION_HEADER_ROW + 1):
        for position in range(1, len(VALIDATION_HEADERS) + 1):
            ws.cell(row=row, column=position).alignment = wrap
        severity = ws.cell(row=row, column=1)
        colour = SEVERITY_FILLS.get(finding.severity, "FFFFFF")
        severity.fill = PatternFill("solid", start_color=colour, end_color=colour)
        link = ws.cell(row=row, column=CELL_COLUMN)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=finding.cell, tooltip=f"Go to {finding.cell}")
        link.style = "Hyperlink"  # a named style replaces the alignment: wrap again below
        link.alignment = wrap
    last = VALIDATION_HEADER_ROW + max(len(findings), 1)
    ws.auto_filter.ref = f"A{VALIDATION_HEADER_ROW}:{column_letter(len(VALIDATION_HEADERS))}{last}"
    ws.freeze_panes = f"A{VALIDATION_HEADER_ROW + 1}"
    ws.column_dimensions[column_letter(len(VALIDATION_HEADERS))].hidden = True
    ws.sheet_properties.tabColor = {"error": "C00000", "warning": "FFC000"}.get(worst(findings) or "", "3A9D23")
    _print_wide(ws, f"{VALIDATION_HEADER_ROW}:{VALIDATION_HEADER_ROW}")


def write_findings(path: Path | str, findings: Sequence[Finding], summary: str = "", *,
                   output: Path | str | None = None, force: bool = False) -> WriteResult:
    """Put `findings` into the workbook: a Validation sheet and marked cells, last run's marks cleared first."""

    def edit(wb) -> tuple[str, ...]:
        cleared = clear_marks(wb)
        before = mark_cells(wb, findings)
        _validation_sheet(wb, findings, summary or f"{len(findings)} findings", before)
        return tuple(dict.fromkeys([*cleared, *before]))

    cells, target, backup = _edit(path, edit, output, force)
    return WriteResult(target, backup, cells, tuple(findings))


# ---- trends: trend columns and the Summary sheet ------------------------------------------------------------

def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fill_trend_cells(wb, fills: dict[tuple[int, int], str]) -> list[str]:
    """Write the arrows of `fills` (trends.trend_fills: empty trend cells only); return the cells written."""
    ws = wb[REGISTER_SHEET]
    written = []
    for (row, column), arrow in fills.items():
        ws.cell(row=row, column=column).value = arrow
        written.append(f"{REGISTER_SHEET}!{column_letter(column)}{row}")
    return written


def _rating_colour(rating: str) -> str:
    known = RATING_BY_NAME.get(rating)
    return known.fill if known else "7F7F7F"


def summary_sheet(wb, register: Register, moves: Movements, counts: dict[str, dict[str, int]]) -> None:
    """Rebuild the Summary sheet: risks by rating per period with a chart, and this period's movements."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    ws = _fresh_sheet(wb, SUMMARY_SHEET, after=VALIDATION_SHEET if VALIDATION_SHEET in wb.sheetnames
                      else REGISTER_SHEET)
    sheet = summary_rows(register, moves, counts, WRITTEN_BY, dt.datetime.now())
    _write_rows(ws, sheet.rows)
    ws["A1"].font = Font(bold=True, size=14)
    ws.cell(row=COUNTS_TITLE_ROW, column=1).font = Font(bold=True, size=12)
    for position in range(1, sheet.counts_width + 1):
        _header(ws.cell(row=sheet.counts_header_row, column=position))
        ws.cell(row=sheet.total_row, column=position).font = Font(bold=True)
    ws.column_dimensions["A"].width = 16
    for position in range(2, sheet.counts_width + 1):
        ws.column_dimensions[column_letter(position)].width = 12

    periods, ratings = sheet.periods, sheet.ratings
    if periods:
        chart = BarChart()
        chart.type, chart.grouping = "col", "clustered"
        chart.title = f"Open risks by residual rating, {periods[0]} to {periods[-1]}" if len(periods) > 1 \
            else f"Open risks by residual rating, {periods[0]}"
        chart.y_axis.title, chart.x_axis.title = "Risks", "Quarter"
        chart.y_axis.majorUnit = 1
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides the axes otherwise
        data = Reference(ws, min_col=1, max_col=sheet.counts_width, min_row=sheet.counts_header_row + 1,
                         max_row=sheet.counts_header_row + len(ratings))
        chart.add_data(data, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=sheet.counts_width, min_row=sheet.counts_header_row))
        for series, rating in zip(chart.series, ratings):
            series.graphicalProperties.solidFill = _rating_colour(rating)
            series.graphicalProperties.line.solidFill = _rating_colour(rating)
        chart.width, chart.height = 16, 8
        row, column = sheet.chart_at
        ws.add_chart(chart, f"{column_letter(column)}{row}")

    ws.cell(row=sheet.movements_title_row, column=1).font = Font(bold=True, size=12)
    for position in range(1, len(MOVEMENT_HEADERS) + 1):
        _header(ws.cell(row=sheet.movements_header_row, column=position))
    for position, width in enumerate(MOVEMENT_WIDTHS, start=1):
        letter = column_letter(position)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    for row in sheet.group_rows:
        ws.cell(row=row, column=1).font = Font(bold=True)
    ws.freeze_panes = f"A{COUNTS_TITLE_ROW}"
    _print_wide(ws, "1:1")


def write_trends(path: Path | str, refresh: Refresh, *, output: Path | str | None = None,
                 force: bool = False) -> WriteResult:
    """Fill empty trend cells from History and rebuild the Summary sheet; report arrows that disagree."""

    def edit(wb) -> list[str]:
        written = fill_trend_cells(wb, refresh.fills)
        summary_sheet(wb, refresh.register, refresh.movements, refresh.distribution)
        return written

    written, target, backup = _edit(path, edit, output, force)
    return WriteResult(target, backup, tuple(written), refresh.conflicts, refresh.movements.notes)


# ---- the quarter roll-over ----------------------------------------------------------------------------------

def _history_positions(ws) -> dict[str, int]:
    headers = {str(c.value).strip().lower(): c.column for c in ws[1] if c.value is not None}
    missing = [c.header for c in HISTORY_COLUMNS if c.header.lower() not in headers]
    if missing:
        raise RegisterFormatError(
            f"sheet '{HISTORY_SHEET}' row 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"Restore the header{'s' if len(missing) > 1 else ''} (Risk ID, Period, Rating, Trend, Likelihood, "
            f"Impact, Score, Reviewed on, Source) and run roll-quarter again.")
    return {c.key: headers[c.header.lower()] for c in HISTORY_COLUMNS}


def _last_used_row(ws, columns: Iterable[int]) -> int:
    columns = list(columns)
    for row in range(ws.max_row, 1, -1):
        if any(not _blank(ws.cell(row=row, column=c).value) for c in columns):
            return row
    return 1


def _extend_table(ws, name: str, last_row: int) -> None:
    from openpyxl.utils.cell import range_boundaries

    table = ws.tables.get(name)
    if table is None:
        return
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    if last_row > max_row:
        table.ref = f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{last_row}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref


def _snapshot_rows(wb, register: Register) -> tuple[list[str], list[str]]:
    """Append the reporting period's ratings to History (Source 'rolled'); return cells written and notes."""
    ws = wb[HISTORY_SHEET] if HISTORY_SHEET in wb.sheetnames else None
    if ws is None:
        raise RegisterFormatError(f"{register.source}: no sheet named '{HISTORY_SHEET}', so the quarter's ratings "
                                  f"cannot be kept. Add it (copy it from a workbook made by `riskreg new`).")
    positions = _history_positions(ws)
    closing = register.period
    existing = {}
    for entry in register.history:
        try:
            if parse_period(entry.period) == closing:
                existing.setdefault(entry.risk_id.casefold(), entry)
        except PeriodError:
            continue
    row = _last_used_row(ws, positions.values())
    written, notes = [], []
    for risk in register.risks:
        if not risk.id:
            continue
        entry = existing.get(risk.id.casefold())
        if entry is not None:
            if entry.rating.casefold() != risk.rating.casefold():
                notes.append(f"History row {entry.row} already records {risk.id} for {closing.label} as "
                             f"{entry.rating or 'no rating'}, but the Register says {risk.rating or 'nothing'}; "
                             f"left as it is: correct one of them.")
            continue
        row += 1
        likelihood, impact = risk.values.get("likelihood"), risk.values.get("impact_score")
        values = {"risk_id": risk.id, "period": closing.label, "rating": risk.rating or None,
                  "trend": risk.text(TREND_KEYS[-1]) or None, "likelihood": likelihood, "impact": impact,
                  "score": risk_score(risk, matrix_of(register)), "reviewed_on": risk.values.get("last_reviewed"), "source": "rolled"}
        if isinstance(values["score"], float) and values["score"].is_integer():
            values["score"] = int(values["score"])
        for key, value in values.items():
            cell = ws.cell(row=row, column=positions[key])
            put(cell, value)
            if key == "reviewed_on" and isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "dd/mm/yyyy"
            written.append(f"{HISTORY_SHEET}!{cell.coordinate}")
    _extend_table(ws, HISTORY_TABLE, row)
    return written, notes


def _shift_trends(wb, register: Register, new_period: Period) -> list[str]:
    """Move each trend one column older, empty the newest, and rename the headers; return the cells written."""
    ws = wb[REGISTER_SHEET]
    positions = [register.columns[key] for key in TREND_KEYS]
    written = []
    first = 1 - len(TREND_KEYS)
    table = ws.tables.get(REGISTER_TABLE)
    for index, position in enumerate(positions):
        header = ws.cell(row=register.header_row, column=position)
        header.value = trend_header(new_period.shifted(first + index).quarter)
        written.append(f"{REGISTER_SHEET}!{header.coordinate}")
        if table is not None:
            from openpyxl.utils.cell import range_boundaries

            min_col = range_boundaries(table.ref)[0]
            if 0 <= position - min_col < len(table.tableColumns):
                table.tableColumns[position - min_col].name = header.value
    rows = [risk.row for risk in register.risks]
    for row in rows:
        cells = [ws.cell(row=row, column=p) for p in positions]
        for older, newer in zip(cells, cells[1:]):
            older.value = newer.value
        cells[-1].value = None
        written.extend(f"{REGISTER_SHEET}!{c.coordinate}" for c in cells)
    return written


def roll_quarter(path: Path | str, new_period: Period | str, *, register: Register | None = None,
                 output: Path | str | None = None, force: bool = False) -> WriteResult:
    """Close the reporting period: snapshot ratings to History, shift the trend columns, move Settings on."""
    register = register or read_register(path)
    new_period = new_period if isinstance(new_period, Period) else parse_period(new_period)
    current = register.period
    where = f"{SETTINGS_SHEET}!B{register.settings_rows['period']}" if "period" in register.settings_rows \
        else f"sheet '{SETTINGS_SHEET}'"
    if new_period == current:
        raise PeriodError(
            f"{register.source}: already reports {current.label} ({where}): it was rolled to that quarter before, "
            f"so nothing was changed. To start the quarter after, run roll-quarter --period "
            f"\"{current.next().label}\".")
    if new_period != current.next():
        raise PeriodError(
            f"{register.source}: reports {current.label} ({where}), so it can only roll to the next quarter, "
            f"{current.next().label}; asked for {new_period.label}. Roll one quarter at a time.")
    if "period" not in register.settings_rows:
        raise RegisterFormatError(
            f"{register.source}: sheet '{SETTINGS_SHEET}' has no 'Reporting period' row to move on to "
            f"{new_period.label}. Add the row (column A 'Reporting period', column B '{current.label}') and run "
            f"roll-quarter again.")

    def edit(wb) -> tuple[list[str], list[str]]:
        # Last quarter's findings and summary point at cells that now hold other quarters: start clean.
        clear_marks(wb)
        stale = [name for name in (VALIDATION_SHEET, SUMMARY_SHEET) if name in wb.sheetnames]
        for name in stale:
            del wb[name]
        written, notes = _snapshot_rows(wb, register)
        if stale:
            notes.append(f"Removed the {' and '.join(stale)} sheet{'s' if len(stale) > 1 else ''} of "
                         f"{current.label} (kept in the backup); run validate and trends again for {new_period.label}.")
        written += _shift_trends(wb, register, new_period)
        settings = wb[SETTINGS_SHEET]
        cell = settings.cell(row=register.settings_rows["period"], column=2)
        cell.value = new_period.label
        written.append(f"{SETTINGS_SHEET}!{cell.coordinate}")
        return written, notes

    (written, notes), target, backup = _edit(path, edit, output, force)
    return WriteResult(target, backup, tuple(written), (), tuple(notes))
