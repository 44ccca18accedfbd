"""Build the register workbook staff edit: the Register table, validation lists, History and Settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from workbook.core.errors import PeriodError, TemplateError
from workbook.core.model import Register, column_letter
from workbook.core.periods import Period, parse_period
from workbook.core.matrix import default_bands
from workbook.core.ratings import scale_of
from workbook.core.schema import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    ACTIONS_TABLE,
    APPETITE_COLUMNS,
    APPETITE_SHEET,
    APPETITE_TABLE,
    COLUMNS,
    DEFAULT_LISTS,
    DEPTH_COLUMNS,
    DEPTH_LISTS,
    EXEMPT_COLUMNS,
    EXEMPT_LISTS,
    MATRIX_BANDS_HEADER,
    MATRIX_GRID_CORNER,
    MATRIX_PRODUCT,
    MATRIX_SCORING_LABEL,
    MATRIX_SHEET,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    HISTORY_SOURCES,
    HISTORY_TABLE,
    LISTS_SHEET,
    REGISTER_SHEET,
    REGISTER_TABLE,
    PAPER_SETTINGS,
    SETTINGS,
    SETTINGS_SHEET,
    TREND_KEYS,
    USER_COLUMN_PREFIX,
    Column,
    SheetColumn,
    trend_header,
)
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.lock import one_writer
from workbook.xlsx.cells import put

# Validation and formats reach this far down, well past the table, so rows added in Excel are covered; a longer
# table has them to its last row and FORMATTED_ROWS more (rows riskreg appends later grow them: xlsx/consistency).
FORMATTED_ROWS = 1000


def _formatted_to(rows: int, headroom: int = FORMATTED_ROWS) -> int:
    """Return the last sheet row validation and formats cover for a table of `rows` data rows under its header."""
    last = rows + 1
    return headroom if last <= headroom else last + FORMATTED_ROWS
# Each named list spans this many rows of the Lists sheet, so an administrator can add values below.
LIST_ROWS = 200
SETTINGS_HEADERS = ("Setting", "Value", "What it means")
RATINGS_NOTE = ("The rating scale, most severe first: every count, chart, colour and trend follows this order. "
                "To add a band, insert it in its place in the list.")
TABLE_STYLE = "TableStyleMedium2"
HEADER_FONT = Font(bold=True)
BODY_FONT = Font(size=10)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Excel does not fit row heights to wrapped text on opening a file, so rows get a height estimated from
# the text: characters per unit of column width at 10 pt, points per line, and Excel's largest row height.
CHARS_PER_WIDTH = 1.3
LINE_POINTS = 13
MAX_ROW_POINTS = 409
# Columns an import keeps from another organisation's layout follow the register's own, under their own headers.
USER_COLUMN_WIDTH = 24


def trend_headers(period: Period) -> dict[str, str]:
    """Return the trend columns' headers for a register reporting `period`, oldest first."""
    first = 1 - len(TREND_KEYS)
    return {key: trend_header(period.shifted(first + i).quarter) for i, key in enumerate(TREND_KEYS)}


def register_headers(period: Period) -> dict[str, str]:
    """Return every Register column's header, trend headers carrying the quarters up to `period`."""
    return {c.key: c.header for c in COLUMNS + DEPTH_COLUMNS + EXEMPT_COLUMNS} | trend_headers(period)


def _footer_text(text: str) -> str:
    return str(text).replace("&", "&&")


def _print_setup(ws: Worksheet, title: str, marking: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = _footer_text(marking)
    ws.oddHeader.center.font = "Arial,Bold"
    ws.oddFooter.left.text = _footer_text(title)
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = _footer_text(marking)


def _list_validation(list_name: str, title: str, help_text: str) -> DataValidation:
    return DataValidation(
        type="list", formula1=list_name, allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorStyle="stop", errorTitle=f"Not in the {list_name} list"[:32],
        error=f"Choose a value from the list. The allowed values are on the {LISTS_SHEET} sheet "
              f"(list {list_name}); an administrator can add to it there."[:255],
        showInputMessage=bool(help_text), promptTitle=title[:32], prompt=help_text[:255])


def _date_validation(title: str, help_text: str) -> DataValidation:
    return DataValidation(
        type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True,
        errorStyle="stop", errorTitle="Not a date", error="Enter a date, e.g. 30/09/2021.",
        showInputMessage=bool(help_text), promptTitle=title[:32], prompt=help_text[:255])


def _rating_formats(ws: Worksheet, cells: str, ratings: Sequence[str]) -> None:
    for rating in scale_of(ratings):
        ws.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{rating.name}"'],
            fill=PatternFill(fill_type="solid", start_color=rating.fill, end_color=rating.fill, bgColor=rating.fill),
            font=Font(color=rating.font, bold=True)))


def _table(ws: Worksheet, name: str, columns: int, rows: int) -> None:
    ref = f"A1:{column_letter(columns)}{max(rows, 1) + 1}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)


def _header_row(ws: Worksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    for position, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=position)
        cell.value = header
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[column_letter(position)].width = width
    ws.row_dimensions[1].height = 32


def row_height(texts: Mapping[float, str]) -> float:
    """Return a row height in points that shows `texts` (column width -> text) wrapped, within Excel's limit."""
    lines = 1
    for width, text in texts.items():
        per_line = max(int(width * CHARS_PER_WIDTH), 1)
        lines = max(lines, sum(max(1, -(-len(line) // per_line)) for line in text.split("\n")))
    return min(MAX_ROW_POINTS, lines * LINE_POINTS + 4)


def _cell_value(column: Column, value: object) -> object:
    if value in (None, ""):
        return None
    if column.kind == "score" and isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    return value


def _register_sheet(ws: Worksheet, risks: Sequence[Mapping[str, object]], headers: Mapping[str, str],
                    settings: Mapping[str, object], ratings: Sequence[str], columns: Sequence[Column] = COLUMNS,
                    user_columns: Sequence[str] = ()) -> None:
    ws.title = REGISTER_SHEET
    _header_row(ws, [headers[c.key] for c in columns] + list(user_columns),
                [c.width for c in columns] + [USER_COLUMN_WIDTH] * len(user_columns))
    for row, risk in enumerate(risks or [{}], start=2):  # an empty register still gets a formatted first row
        for position, column in enumerate(columns, start=1):
            cell = ws.cell(row=row, column=position)
            put(cell, _cell_value(column, risk.get(column.key)))
            cell.alignment = WRAP_TOP
            cell.font = BODY_FONT
            if column.kind == "date":
                cell.number_format = "dd/mm/yyyy"
        for position, header in enumerate(user_columns, start=len(columns) + 1):
            cell = ws.cell(row=row, column=position)
            put(cell, risk.get(f"{USER_COLUMN_PREFIX}{header}") or None)
            cell.alignment = WRAP_TOP
            cell.font = BODY_FONT
        texts = {c.width: str(risk.get(c.key)) for c in columns if c.kind == "text" and risk.get(c.key)}
        ws.row_dimensions[row].height = row_height(texts)
    _table(ws, REGISTER_TABLE, len(columns) + len(user_columns), len(risks))
    for position, column in enumerate(columns, start=1):
        cells = f"{column_letter(position)}2:{column_letter(position)}{_formatted_to(len(risks))}"
        if column.list_name:
            validation = _list_validation(column.list_name, headers[column.key], column.help)
            validation.add(cells)
            ws.add_data_validation(validation)
        if column.kind == "rating":
            _rating_formats(ws, cells, ratings)
        if column.kind == "date" and column in DEPTH_COLUMNS:
            validation = _date_validation(headers[column.key], column.help)
            validation.add(cells)
            ws.add_data_validation(validation)
    ws.freeze_panes = "C2"
    _print_setup(ws, str(settings.get("title") or ""), str(settings.get("marking") or ""))
    # The committee's columns fill a landscape page; the optional ones would shrink the print to unreadable.
    # The area ends at the last risk: Excel would print blank pages for empty rows inside it.
    core = sum(1 for c in columns if not c.optional)
    ws.print_area = f"A1:{column_letter(core)}{max(len(risks), 1) + 1}"


def _lists_sheet(wb: Workbook, lists: Mapping[str, Sequence[str]]) -> Worksheet:
    ws = wb.create_sheet(LISTS_SHEET)
    for position, (name, values) in enumerate(lists.items(), start=1):
        letter = column_letter(position)
        header = ws.cell(row=1, column=position, value=name)
        header.font = HEADER_FONT
        for row, value in enumerate(values, start=2):
            put(ws.cell(row=row, column=position), int(value) if name == "Scores" and value.isdecimal() else value)
        ws.column_dimensions[letter].width = max(14, *(len(str(v)) + 4 for v in (name, *values)))
        if name == "Ratings":
            header.comment = Comment(RATINGS_NOTE, "riskreg")
        wb.defined_names[name] = DefinedName(name, attr_text=f"{LISTS_SHEET}!${letter}$2:${letter}${LIST_ROWS}")
    ws.freeze_panes = "A2"
    return ws


def _history_sheet(wb: Workbook, history: Sequence[Mapping[str, object]], settings: Mapping[str, object],
                   ratings: Sequence[str]) -> None:
    ws = wb.create_sheet(HISTORY_SHEET)
    _header_row(ws, [c.header for c in HISTORY_COLUMNS], [c.width for c in HISTORY_COLUMNS])
    for row, entry in enumerate(history, start=2):
        for position, column in enumerate(HISTORY_COLUMNS, start=1):
            value = entry.get(column.key)
            put(ws.cell(row=row, column=position), None if value == "" else value)
            if column.key == "reviewed_on":
                ws.cell(row=row, column=position).number_format = "dd/mm/yyyy"
    _table(ws, HISTORY_TABLE, len(HISTORY_COLUMNS), len(history))
    lists = {"rating": ("Ratings", "Rating in that period."), "trend": ("Trends", "Trend arrow that period.")}
    for position, column in enumerate(HISTORY_COLUMNS, start=1):
        cells = f"{column_letter(position)}2:{column_letter(position)}{_formatted_to(len(history), FORMATTED_ROWS * 4)}"
        if column.key in lists:
            validation = _list_validation(lists[column.key][0], column.header, lists[column.key][1])
        elif column.key == "source":
            validation = DataValidation(type="list", formula1=f'"{",".join(HISTORY_SOURCES)}"', allow_blank=True,
                                        showErrorMessage=True, error="Choose recorded, imported or rolled.")
        else:
            continue
        validation.add(cells)
        ws.add_data_validation(validation)
        if column.key == "rating":
            _rating_formats(ws, cells, ratings)
    ws.freeze_panes = "A2"
    _print_setup(ws, f"{settings.get('title') or ''}: rating history", str(settings.get("marking") or ""))
    ws.page_setup.orientation = "portrait"


def _settings_sheet(wb: Workbook, settings: Mapping[str, object]) -> Worksheet:
    ws = wb.create_sheet(SETTINGS_SHEET)
    _header_row(ws, SETTINGS_HEADERS, (30, 40, 90))
    for row, setting in enumerate(SETTINGS, start=2):
        ws.cell(row=row, column=1, value=setting.label).font = HEADER_FONT
        value = settings.get(setting.key, setting.default)
        put(ws.cell(row=row, column=2), None if value == "" else value)
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left", vertical="top")
        ws.cell(row=row, column=3, value=setting.help).alignment = WRAP_TOP
        if setting.list_name:
            validation = _list_validation(setting.list_name, setting.label, setting.help)
            validation.add(f"B{row}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    return ws


def _table_sheet(wb: Workbook, title: str, table: str, columns: Sequence[SheetColumn],
                 rows: Sequence[Mapping[str, object]], settings: Mapping[str, object]) -> Worksheet:
    """Add a sheet that is one Excel Table headed by `columns` (Actions, Appetite), with drop-downs and dates."""
    ws = wb.create_sheet(title)
    _header_row(ws, [c.header for c in columns], [c.width for c in columns])
    for row, values in enumerate(rows, start=2):
        for position, column in enumerate(columns, start=1):
            cell = ws.cell(row=row, column=position)
            put(cell, values.get(column.key))
            cell.alignment = WRAP_TOP
            if column.kind == "date":
                cell.number_format = "dd/mm/yyyy"
    _table(ws, table, len(columns), len(rows))
    formatted = _formatted_to(len(rows))
    for position, column in enumerate(columns, start=1):
        cells = f"{column_letter(position)}2:{column_letter(position)}{formatted}"
        validation = sheet_validation(column)
        if validation is None:
            continue
        validation.add(cells)
        ws.add_data_validation(validation)
        if column.kind == "date":
            for (cell,) in ws.iter_rows(min_row=2, max_row=formatted, min_col=position, max_col=position):
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    _print_setup(ws, f"{settings.get('title') or ''}: {title.lower()}", str(settings.get("marking") or ""))
    return ws


def sheet_validation(column: SheetColumn) -> DataValidation | None:
    """Return the drop-down or date check of a column of a table sheet (Actions, Appetite), None when it has none."""
    if column.list_name:
        return _list_validation(column.list_name, column.header, column.help)
    if column.kind == "date":
        return _date_validation(column.header, column.help)
    return None


def _matrix_sheet(wb: Workbook, settings: Mapping[str, object], ratings: Sequence[str]) -> Worksheet:
    """Add the Matrix sheet: the scoring method, the bands from score to rating, and the grid of scores."""
    ws = wb.create_sheet(MATRIX_SHEET)
    scale = settings.get("score_scale")
    size = int(scale) if isinstance(scale, (int, float, str)) and scale else 4
    ws.cell(row=1, column=1, value=MATRIX_SCORING_LABEL).font = HEADER_FONT
    ws.cell(row=1, column=2, value=MATRIX_PRODUCT)
    ws.cell(row=1, column=3, value=f"{MATRIX_PRODUCT}, or Grid to score each cell as the grid below says. "
                                   f"The matrix is {size}×{size}: the Likelihood and impact scale in Settings.")
    validation = _list_validation("Scoring", MATRIX_SCORING_LABEL, "How likelihood and impact make a score.")
    validation.add("B1")
    ws.add_data_validation(validation)
    for position, header in enumerate(MATRIX_BANDS_HEADER, start=1):
        ws.cell(row=3, column=position, value=header).font = HEADER_FONT
    ws.cell(row=3, column=3, value="A score at or above a rating's lowest score earns that rating; most severe "
                                   "first. The ratings follow from the scores: validate flags a typed rating "
                                   "that disagrees.")
    bands = default_bands(size, ratings)
    for row, (rating, lowest) in enumerate(bands, start=4):
        ws.cell(row=row, column=1, value=rating)
        ws.cell(row=row, column=2, value=int(lowest))
    _rating_formats(ws, f"A4:A{3 + len(bands)}", ratings)
    top = 5 + len(bands)
    ws.cell(row=top, column=1, value=MATRIX_GRID_CORNER).font = HEADER_FONT
    for impact in range(1, size + 1):
        ws.cell(row=top, column=impact + 1, value=impact).font = HEADER_FONT
    for likelihood in range(1, size + 1):
        ws.cell(row=top + likelihood, column=1, value=likelihood).font = HEADER_FONT
        for impact in range(1, size + 1):
            ws.cell(row=top + likelihood, column=impact + 1, value=likelihood * impact)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 12
    _print_setup(ws, f"{settings.get('title') or ''}: matrix", str(settings.get("marking") or ""))
    return ws


def _notes_sheet(wb: Workbook, name: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    ws = wb.create_sheet(name)
    _header_row(ws, headers, [16, 40, 30, 80][:len(headers)] + [20] * max(0, len(headers) - 4))
    for row, values in enumerate(rows, start=2):
        for position, value in enumerate(values, start=1):
            put(ws.cell(row=row, column=position), value or None)
            ws.cell(row=row, column=position).alignment = WRAP_TOP
    ws.freeze_panes = "A2"


def reporting_period(settings: Mapping[str, object]) -> Period:
    """Return the reporting period in `settings`; raise TemplateError when it does not parse."""
    try:
        return parse_period(settings.get("period"))
    except PeriodError as err:
        raise TemplateError(f"Reporting period: {err.user_message}") from None


def build_workbook(risks: Sequence[Mapping[str, object]] = (), history: Sequence[Mapping[str, object]] = (),
                   settings: Mapping[str, object] | None = None,
                   lists: Mapping[str, Sequence[str]] | None = None, *, full: bool = False,
                   depth_columns: bool = False,
                   actions: Sequence[Mapping[str, object]] = (),
                   appetite: Sequence[Mapping[str, object]] = (), user_columns: Sequence[str] = (),
                   notes: tuple[str, Sequence[str], Sequence[Sequence[str]]] | None = None,
                   exempt: bool = False) -> Workbook:
    """Return the register workbook holding `risks` (values by column key), `history` and `settings`.

    `full` adds the in-depth columns (inherent and target positions, category, proximity) and the Matrix,
    Appetite and Actions sheets (`depth_columns` the columns alone, as an import of them does); `user_columns` are
    headers of the user's own columns after the register's
    (values under 'user:<header>'); `notes` is a sheet (name, headers, rows) put last, such as an import's
    report."""
    merged = {s.key: s.default for s in SETTINGS} | dict(settings or {})
    for setting in PAPER_SETTINGS:  # nobody gave it: a placeholder validation flags, never another body's value
        if merged.get(setting.key) in (None, ""):
            merged[setting.key] = setting.placeholder
    headers = register_headers(reporting_period(merged))
    wb = Workbook()
    lists = dict(lists or DEFAULT_LISTS)
    if full or depth_columns:
        lists = lists | {name: values for name, values in DEPTH_LISTS.items() if name not in lists}
    ratings = lists.get("Ratings") or DEFAULT_LISTS["Ratings"]
    columns = COLUMNS + DEPTH_COLUMNS if full or depth_columns else COLUMNS
    if exempt or any(risk.get("exempt") for risk in risks):  # the Exempt column and its Schedule 12A drop-down
        columns, lists = columns + EXEMPT_COLUMNS, lists | {n: v for n, v in EXEMPT_LISTS.items() if n not in lists}
    _register_sheet(wb.active, risks, headers, merged, ratings, columns, user_columns)
    lists_sheet = _lists_sheet(wb, lists)
    _history_sheet(wb, history, merged, ratings)
    settings_sheet = _settings_sheet(wb, merged)
    if full:
        _matrix_sheet(wb, merged, ratings)
        _table_sheet(wb, APPETITE_SHEET, APPETITE_TABLE, APPETITE_COLUMNS, appetite, merged)
        _table_sheet(wb, ACTIONS_SHEET, ACTIONS_TABLE, ACTION_COLUMNS, actions, merged)
    for ws, what in ((lists_sheet, "lists"), (settings_sheet, "settings")):
        _print_setup(ws, f"{merged.get('title') or ''}: {what}", str(merged.get("marking") or ""))
    if notes:
        _notes_sheet(wb, *notes)
    wb.active = 0
    return wb


def register_rows(register: Register) -> tuple[list[dict], list[dict], dict]:
    """Return a register's risks, history and settings as the plain rows `build_workbook` takes."""
    risks = [dict(risk.values) for risk in register.risks]
    history = [{c.key: getattr(entry, c.key) for c in HISTORY_COLUMNS} for entry in register.history]
    return risks, history, dict(register.settings)


def save(wb: Workbook, path: Path | str, *, force: bool = False) -> Path:
    """Save `wb` at `path` atomically, holding its lock; refuse to replace an existing file unless `force`."""
    path = Path(path)
    with one_writer(path):
        check_writable(path, force=force)
        with atomic_path(path) as temp:
            wb.save(temp)
    return path


def write_workbook(path: Path | str, risks: Sequence[Mapping[str, object]] = (),
                   history: Sequence[Mapping[str, object]] = (), settings: Mapping[str, object] | None = None,
                   *, force: bool = False, full: bool = False, exempt: bool = False) -> Path:
    """Build the register workbook and save it at `path` (the `riskreg new` command)."""
    check_writable(Path(path), force=force)
    return save(build_workbook(risks, history, settings, full=full, exempt=exempt), path, force=force)


def write_register(path: Path | str, register: Register, *, force: bool = False) -> Path:
    """Save `register` as a fresh register workbook at `path`."""
    check_writable(Path(path), force=force)
    risks, history, settings = register_rows(register)
    return save(build_workbook(risks, history, settings, register.lists or None), path, force=force)


def import_export(export_path: Path | str, target: Path | str, period: Period | None, *,
                  force: bool = False, settings: Mapping[str, object] | None = None) -> Register:
    """Read the export at `export_path` and write it as a register workbook at `target` (`riskreg import`), with
    the Settings values given in `settings`."""
    from workbook.export.text_format import read_export, to_register

    check_writable(Path(target), force=force)
    export = read_export(export_path)
    if period is None:
        headers = ", ".join(export.headers[key] for key in TREND_KEYS)
        raise PeriodError(
            f"{export_path}: give the reporting period of the export with --period, e.g. --period \"2021/22 Q2\": "
            f"its trend headers ({headers}) name quarters, not the financial year.")
    register = to_register(export, period)
    register.settings.update(settings or {})
    write_register(target, register, force=force)
    return register
