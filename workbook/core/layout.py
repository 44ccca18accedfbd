"""Read the register from plain value grids, one per sheet: the layout the file and the live workbook share."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from operator import itemgetter

from workbook.core.errors import PeriodError, RegisterFormatError
from workbook.core.model import Formula, HistoryEntry, Register, Risk, SheetRow, as_text
from workbook.core.periods import Period, parse_period
from workbook.core.record_text import read_record
from workbook.core.schema import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    ALL_COLUMNS,
    APPETITE_COLUMNS,
    APPETITE_SHEET,
    MATRIX_BANDS_HEADER,
    MATRIX_SCORING_LABEL,
    MATRIX_SHEET,
    CORE_COLUMNS,
    DEFAULT_LISTS,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    LISTS_SHEET,
    REGISTER_SHEET,
    SETTING_BY_KEY,
    SETTINGS,
    SETTINGS_SHEET,
    TEXT_COLUMNS,
    TEXT_SHEET,
    TREND_HEADER_PATTERN,
    TREND_KEYS,
    SheetColumn,
    trend_header,
)
from workbook.core.words import plural

Grid = Sequence[Sequence[object]]

# How far down the sheet the header row may sit (a title row or two above it is fine).
HEADER_SEARCH_ROWS = 10
REBUILD_HINT = "Restore the header, or start again with `riskreg new` and copy the rows across."


def _clean_header(value: object) -> str:
    return " ".join(as_text(value).split())


def _is_blank(row: Sequence[object]) -> bool:
    for value in row:  # a loop that stops at the first value: most rows start with one
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


def _text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    return value if isinstance(value, Formula) else as_text(value).strip()  # a formula stays one, for the checks


def _picker(positions: Sequence[int | None]):
    """Return a function giving the values at `positions` (0-based) of a row, None where a row has none."""
    present = [p for p in positions if p is not None]
    if len(present) > 1 and len(present) == len(positions):
        fast, reach = itemgetter(*present), max(present)
        return lambda row: fast(row) if len(row) > reach else _pick_slowly(row, positions)
    return lambda row: _pick_slowly(row, positions)


def _pick_slowly(row: Sequence[object], positions: Sequence[int | None]) -> tuple[object, ...]:
    width = len(row)
    return tuple(row[p] if p is not None and p < width else None for p in positions)


def _header_index(grid: Grid, rows: int | None = HEADER_SEARCH_ROWS) -> int | None:
    for index, row in enumerate(grid[:rows]):
        cells = {_clean_header(v).lower() for v in row}
        if "id" in cells and "risk name" in cells:
            return index
    return None


def find_header_row(grid: Grid, source: str) -> int:
    """Return the 0-based index of the Register's header row (the row that holds 'ID' and 'Risk Name')."""
    index = _header_index(grid)
    if index is not None:
        return index
    lower = _header_index(grid, rows=None)
    if lower is not None:
        raise RegisterFormatError(
            f"{source}: sheet '{REGISTER_SHEET}': the header row (with 'ID' and 'Risk Name') is on row {lower + 1}, "
            f"but riskreg looks for it in the first {HEADER_SEARCH_ROWS} rows. Delete the empty or extra rows above "
            f"it (a title row or two is fine).")
    found = [_clean_header(v) for v in (grid[0] if grid else []) if _clean_header(v)]
    raise RegisterFormatError(
        f"{source}: sheet '{REGISTER_SHEET}' has no header row with 'ID' and 'Risk Name' in its first "
        f"{HEADER_SEARCH_ROWS} rows (first row holds: {', '.join(found) or 'nothing'}). {REBUILD_HINT}")


def map_columns(headers: Sequence[object], header_row: int, source: str) -> tuple[dict[str, int], dict[str, str]]:
    """Return column key -> 1-based column and key -> header text; raise naming every header that is wrong."""
    columns: dict[str, int] = {}
    texts: dict[str, str] = {}
    seen: dict[str, int] = {}
    trend_positions: list[int] = []
    by_header = {c.header.lower(): c for c in ALL_COLUMNS if c.kind != "trend"}
    for position, value in enumerate(headers, start=1):
        text = _clean_header(value)
        if not text:
            continue
        cell = f"{REGISTER_SHEET}!{_letter(position)}{header_row}"
        if text.lower() in seen:
            raise RegisterFormatError(
                f"{source}: sheet '{REGISTER_SHEET}' cell {cell}: header '{text}' appears twice "
                f"(first at column {_letter(seen[text.lower()])}). Rename or delete one of them.")
        seen[text.lower()] = position
        if TREND_HEADER_PATTERN.match(text):
            trend_positions.append(position)
            texts[f"_trend{position}"] = text
            continue
        column = by_header.get(text.lower())
        if column is not None:
            columns[column.key] = position
            texts[column.key] = text
    if len(trend_positions) != len(TREND_KEYS):
        raise RegisterFormatError(
            f"{source}: sheet '{REGISTER_SHEET}' row {header_row}: expected {len(TREND_KEYS)} trend columns headed "
            f"like '{trend_header(4)}', found {len(trend_positions)}"
            f"{' (' + ', '.join(texts[f'_trend{p}'] for p in trend_positions) + ')' if trend_positions else ''}. "
            f"{REBUILD_HINT}")
    for key, position in zip(TREND_KEYS, trend_positions):
        columns[key] = position
        texts[key] = texts.pop(f"_trend{position}")
    missing = [c for c in CORE_COLUMNS if c.key not in columns]
    if missing:
        found = [_clean_header(v) for v in headers if _clean_header(v)]
        unknown = [h for h in found if h.lower() not in by_header and not TREND_HEADER_PATTERN.match(h)]
        details = []
        for column in missing:
            close = difflib.get_close_matches(column.header, unknown, n=1, cutoff=0.6)
            details.append(f"'{column.header}'" + (f" (found '{close[0]}': is it misspelt?)" if close else ""))
        raise RegisterFormatError(
            f"{source}: sheet '{REGISTER_SHEET}' row {header_row}: missing {plural(missing, 'column', with_count=False)} "
            f"{', '.join(details)}. Expected headers: {', '.join(c.header for c in CORE_COLUMNS if c.kind != 'trend')} "
            f"and {len(TREND_KEYS)} trend columns; found: {', '.join(found)}. {REBUILD_HINT}")
    return columns, texts


def _letter(position: int) -> str:
    from workbook.core.model import column_letter

    return column_letter(position)


def trend_periods(headers: Mapping[str, str], current: Period, source: str) -> tuple[Period, ...]:
    """Return the periods of the trend columns, oldest first, ending at `current`; raise when they disagree."""
    quarters = [int(TREND_HEADER_PATTERN.match(headers[key]).group(1)) for key in TREND_KEYS]  # type: ignore[union-attr]
    periods = tuple(current.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS)))
    if [p.quarter for p in periods] != quarters:
        expected = ", ".join(trend_header(p.quarter) for p in periods)
        raise RegisterFormatError(
            f"{source}: the trend headers on sheet '{REGISTER_SHEET}' ({', '.join(headers[k] for k in TREND_KEYS)}) "
            f"do not lead up to the reporting period {current.label} in sheet '{SETTINGS_SHEET}'; expected "
            f"{expected}. Correct the reporting period in Settings, or the headers.")
    return periods


def read_settings(grid: Grid | None) -> tuple[dict[str, object], dict[str, int]]:
    """Return settings by key (defaults where absent, but none for a setting the paper needs) and the row each was
    found on."""
    settings: dict[str, object] = {s.key: "" if s.paper else s.default for s in SETTINGS}
    rows: dict[str, int] = {}
    by_label = {s.label.lower(): s.key for s in SETTINGS}
    for index, row in enumerate(grid or [], start=1):
        if not row:
            continue
        key = by_label.get(_clean_header(row[0]).lower())
        if key is None:
            continue
        value = row[1] if len(row) > 1 else None
        rows[key] = index
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        default = SETTING_BY_KEY[key].default
        if isinstance(default, int) and isinstance(value, float) and value.is_integer():
            value = int(value)
        settings[key] = value.strip() if isinstance(value, str) and not isinstance(value, Formula) else value
    return settings, rows


def read_lists(grid: Grid | None) -> dict[str, tuple[str, ...]]:
    """Return the Lists sheet's lists: the header in row 1 names the list, the values run down below it."""
    lists = {name: tuple(values) for name, values in DEFAULT_LISTS.items()}
    if not grid:
        return lists
    names = [_clean_header(v) for v in grid[0]]
    for position, name in enumerate(names):
        if not name:
            continue
        values = [as_text(row[position]).strip() for row in grid[1:] if position < len(row)]
        lists[name] = tuple(v for v in values if v)
    return lists


def history_positions(grid: Grid | None) -> dict[str, int]:
    """Return History column key -> 0-based position, from the History sheet's header row."""
    if not grid:
        return {}
    header = [_clean_header(v).lower() for v in grid[0]]
    return {c.key: header.index(c.header.lower()) for c in HISTORY_COLUMNS if c.header.lower() in header}


def read_history(grid: Grid | None) -> list[HistoryEntry]:
    """Return the History rows, each with its sheet row; blank rows are skipped."""
    if not grid:
        return []
    positions = history_positions(grid)
    keys = ("risk_id", "period", "rating", "trend", "likelihood", "impact", "score", "reviewed_on", "source",
            "status", "owner", "fingerprint")
    pick = _picker([positions.get(key) for key in keys])
    entries = []
    for index, row in enumerate(grid[1:], start=2):
        if _is_blank(row):
            continue
        (risk_id, period, rating, trend, likelihood, impact, score, reviewed_on, source, status, owner,
         fingerprint) = pick(row)
        entries.append(HistoryEntry(
            row=index, risk_id=_text(risk_id), period=_text(period), rating=_text(rating), trend=_text(trend),
            likelihood=likelihood, impact=impact, score=score, reviewed_on=reviewed_on, source=_text(source),
            status=_text(status), owner=_text(owner), fingerprint=_text(fingerprint)))
    return entries


def read_recorded_text(grid: Grid | None) -> dict[str, dict[str, str]]:
    """Return the Record sheet's text by key, then field (long texts joined from their parts)."""
    if not grid:
        return {}
    header = [_clean_header(v).lower() for v in grid[0]]
    if any(c.header.lower() not in header for c in TEXT_COLUMNS):
        return {}
    pick = _picker([header.index(c.header.lower()) for c in TEXT_COLUMNS])
    return read_record((as_text(key), as_text(field), as_text(text)) for key, field, text in map(pick, grid[1:]))


# Columns of the Actions and Appetite sheets a register may leave out: the rest are needed to check them.
OPTIONAL_SHEET_COLUMNS = ("update", "statement")
# The headers that make an Actions or Appetite sheet riskreg's: a sheet of that name without them is the user's own.
SHEET_MARKS = {ACTIONS_SHEET: ("risk_id", "action"), APPETITE_SHEET: ("category", "tolerance")}


def is_matrix_sheet(grid: Grid) -> bool:
    """Return whether a sheet named Matrix is riskreg's: column A holds the Scoring row or the bands' header."""
    marks = {MATRIX_SCORING_LABEL.casefold(), MATRIX_BANDS_HEADER[0].casefold()}
    return any(row and _clean_header(row[0]).casefold() in marks for row in grid)


def read_table_sheet(grid: Grid | None, sheet: str, columns: Sequence[SheetColumn],
                     source: str) -> tuple[list[SheetRow] | None, dict[str, int]]:
    """Return the rows of a sheet headed by `columns` in row 1 (None when there is no such sheet) and each
    column's 1-based position; raise naming the headers it lacks."""
    if grid is None:
        return None, {}
    header = [_clean_header(v).lower() for v in (grid[0] if grid else ())]
    positions = {c.key: header.index(c.header.lower()) + 1 for c in columns if c.header.lower() in header}
    if not all(key in positions for key in SHEET_MARKS[sheet]):
        return None, {}
    missing = [c.header for c in columns if c.key not in positions and c.key not in OPTIONAL_SHEET_COLUMNS]
    if missing:
        raise RegisterFormatError(
            f"{source}: sheet '{sheet}' row 1: {plural(missing, 'missing column', with_count=False)} "
            f"{', '.join(repr(m) for m in missing)}. Its headers are {', '.join(c.header for c in columns)}: "
            f"restore them, or copy the sheet from a workbook made by `riskreg new --full`.")
    keys = list(positions)
    pick = _picker([positions[key] - 1 for key in keys])
    rows = [SheetRow(index, dict(zip(keys, pick(row))))
            for index, row in enumerate(grid[1:], start=2) if not _is_blank(row)]
    return rows, positions


def register_from_grids(grids: Mapping[str, Grid], source: str, totals_rows: Sequence[int] = ()) -> Register:
    """Return the Register held in `grids` (sheet name -> rows of values); raise naming what is wrong.

    `totals_rows` are the sheet rows of the Register table's Total Row: part of the table, not risks."""
    if REGISTER_SHEET not in grids:
        # The sheet holding the register's headers is the best guess; a name like 'Registr' the next best.
        similar = [name for name, grid in grids.items() if _header_index(grid) is not None] or \
            difflib.get_close_matches(REGISTER_SHEET, list(grids), n=1, cutoff=0.75)
        hint = f" Is '{similar[0]}' the register? Rename it to '{REGISTER_SHEET}'." if similar else ""
        raise RegisterFormatError(
            f"{source}: no sheet named '{REGISTER_SHEET}' (sheets: {', '.join(grids) or 'none'}).{hint} "
            f"Make a register with `riskreg new` or `riskreg import`.")
    grid = grids[REGISTER_SHEET]
    header_index = find_header_row(grid, source)
    header_row = header_index + 1
    columns, headers = map_columns(grid[header_index], header_row, source)
    settings, settings_rows = read_settings(grids.get(SETTINGS_SHEET))
    try:
        current = parse_period(settings["period"])
    except PeriodError as err:
        where = f"sheet '{SETTINGS_SHEET}' cell B{settings_rows['period']}" if "period" in settings_rows \
            else f"sheet '{SETTINGS_SHEET}'"
        raise RegisterFormatError(f"{source}: {where}: {err.user_message}") from None
    periods = trend_periods(headers, current, source)

    risks: list[Risk] = []
    blank_rows: list[int] = []
    keys, pick = list(columns), _picker([position - 1 for position in columns.values()])
    skipped = frozenset(totals_rows)
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if index + 1 in skipped:
            continue
        if _is_blank(row):
            blank_rows.append(index + 1)
            continue
        risks.append(Risk(row=index + 1, values=dict(zip(keys, pick(row)))))
    last_row = risks[-1].row if risks else header_row
    actions, action_columns = read_table_sheet(grids.get(ACTIONS_SHEET), ACTIONS_SHEET, ACTION_COLUMNS, source)
    appetite, appetite_columns = read_table_sheet(grids.get(APPETITE_SHEET), APPETITE_SHEET, APPETITE_COLUMNS,
                                                  source)
    matrix_grid = grids.get(MATRIX_SHEET)
    if matrix_grid is not None and not is_matrix_sheet(matrix_grid):
        matrix_grid = None  # a sheet of the user's own that happens to be called Matrix
    return Register(
        risks=risks,
        trend_periods=periods,
        settings=settings,
        settings_rows=settings_rows,
        lists=read_lists(grids.get(LISTS_SHEET)),
        history=read_history(grids.get(HISTORY_SHEET)),
        history_columns={key: position + 1 for key, position in history_positions(grids.get(HISTORY_SHEET)).items()},
        recorded_text=read_recorded_text(grids.get(TEXT_SHEET)),
        columns=columns,
        headers=headers,
        header_row=header_row,
        blank_rows=[r for r in blank_rows if r < last_row],
        source=source,
        actions=actions,
        action_columns=action_columns,
        appetite=appetite,
        appetite_columns=appetite_columns,
        matrix_sheet=[tuple(row) for row in matrix_grid] if matrix_grid is not None else None,
    )
