"""Column matching for imports: find the header row (one or two rows), and say what each source column means (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from workbook.core.errors import ImportSourceError
from workbook.core.model import column_letter
from workbook.core.periods import Period
from workbook.core.schema import COLUMN_BY_KEY, TREND_HEADER_PATTERN, TREND_KEYS
from workbook.core.values import as_date, as_number
from workbook.importers.cleaning import is_furniture, quarter_of, strip_footnote
from workbook.importers.columns import (
    DEPTH_KEYS,
    FALLBACKS,
    READ_FIELDS,
    REGISTER_FIELDS,
    Match,
    depth_key,
    match_header,
    normalise,
    stage_of,
)
from workbook.importers.ratings import Band, trend_arrow
from workbook.importers.table import RawTable

HEADER_SEARCH_ROWS = 40
KEEP = "keep"  # a mapping file's word for "the user's own column"
IGNORE = "ignore"
ASIDE = "aside"  # a column beyond the table's last header with text in few rows: notes beside the table
GROUP_SEPARATOR = " – "
# A column headed like a text or rating field whose cells are all numbers is the score of that field.
NUMERIC_READINGS = {"impact": "impact_score", "rating": "score"}
# Likelihood, impact and score columns repeated with no stage word: the assessments in the order they are made.
ORDINAL_POSITIONS = {2: ("inherent", "residual"), 3: ("inherent", "residual", "target")}
ASSESSMENT_FIELDS = ("likelihood", "impact_score", "score", "rating")
# Date columns of the register: a source column headed like one whose values are none of them dates ('Mar 2020',
# 'Annually') is kept as the user's own column, as typed, rather than a date column of text cells.
DATE_FIELDS = ("last_reviewed", "date_raised")


@dataclass(frozen=True)
class ImportMapping:
    """What the user's mapping file says: header -> field (or 'keep'/'ignore'), bands, header row, Word table."""

    columns: dict[str, str] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    header_row: int | None = None
    id_pattern: str = ""
    table: int | None = None
    source: str = ""  # the mapping file, for messages


@dataclass(frozen=True)
class ColumnPlan:
    """One source column and what the import does with it."""

    position: int  # 0-based
    header: str
    field: str | None  # register field, 'quarter', 'trends', 'keep' or None (empty column)
    stage: str = ""
    why: str = ""
    period: Period | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.position + 1)

    def action(self) -> str:
        if self.field == "quarter" and self.period is not None:
            return f"History: ratings of {self.period.label}"
        if self.field == "trends":
            return "register trend column (as its header says)"
        if self.field == KEEP:
            return f"kept as your own column '{self.header}'"
        if self.field == IGNORE:
            return "left out (mapping file says ignore)"
        if self.field == ASIDE:
            return "text beside the table: on the Import report"
        if self.field == "score" and self.stage == "residual":
            return f"{COLUMN_BY_KEY['residual_score'].header}; rates the risk by its band"
        if self.field in COLUMN_BY_KEY:
            return f"{COLUMN_BY_KEY[self.field].header}"
        return {"score": "score: rates the risk by its band", "previous": "History: last quarter's rating/score",
                "trend": "this quarter's trend arrow"}.get(str(self.field), str(self.field))


@dataclass(frozen=True)
class HeaderCell:
    """One column's header as drawn: its text, and the group header spanning it in a two-row header."""

    text: str
    group: str = ""
    copy: bool = False  # the column is covered by the header cell to its left (one header over two columns)

    @property
    def shown(self) -> str:
        return f"{self.group}{GROUP_SEPARATOR}{self.text}" if self.group and self.text else self.text or self.group


@dataclass(frozen=True)
class Header:
    """The header of a table: its cells and the rows it takes (one, or two with group headers)."""

    cells: tuple[HeaderCell, ...]
    first: int  # index of its first row
    last: int  # index of its last row: the risks start below it

    @property
    def two_rows(self) -> bool:
        return self.last > self.first


def header_score(row: Sequence[str]) -> int:
    """Return how strongly `row` reads as a header: the register fields it names, a bonus for ID/name/description."""
    fields = {match_header(v).field for v in row if v} - {None}
    quarters = sum(1 for v in row if v and quarter_of(v))
    return len(fields) + (1 if quarters else 0) + (1 if fields & {"id", "name", "description"} else 0) * 2


def _named(mapping: ImportMapping) -> set[str]:
    return {normalise(k) for k in mapping.columns}


def find_header(table: RawTable, mapping: ImportMapping) -> int | None:
    """Return the index of `table`'s header row: the mapping's `header_row`, else the first of the rows that name
    the most register fields (a header the mapping names counts)."""
    if mapping.header_row:
        return table.row_numbers.index(mapping.header_row) if mapping.header_row in table.row_numbers else None
    best, score = None, 2
    named = _named(mapping)
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        value = header_score(row) + sum(2 for v in row if v and normalise(v) in named)
        if value > score:
            best, score = index, value
    return best


def _group_spans(table: RawTable, index: int) -> list[tuple[int, int]]:
    """Return (first column, last column) of each header cell of row `index` that spans several columns but not
    the whole table: in a workbook or Word table its merge; in a text file a text followed by empty cells."""
    width = table.width()
    below = table.rows[index + 1] if index + 1 < len(table.rows) else []
    filled = [c for c, v in enumerate(below) if v]

    def over_all(first: int, last: int) -> bool:  # a title over every header (notes may lie beyond the table)
        return bool(filled) and first <= filled[0] and last >= filled[-1]

    found = [(s.column, s.column + s.columns - 1) for s in table.spans
             if s.row <= index < s.row + s.rows and s.across and s.columns < width and s.row == index
             and not over_all(s.column, s.column + s.columns - 1)]
    if found or table.spans:
        return found
    row = table.rows[index]
    if len([v for v in row if v]) < 2:  # a title over the table, not a row of group headers
        return []
    spans, c = [], 0
    while c < len(row):
        end = c
        while row[c] and end + 1 < len(row) and not row[end + 1] and end + 1 < len(below) and below[end + 1]:
            end += 1
        if end > c and c < len(below) and below[c] and end - c + 1 < width - 1:
            spans.append((c, end))
        c = end + 1
    return spans


def _subheaders_fit(table: RawTable, index: int, spans: Sequence[tuple[int, int]]) -> bool:
    if not spans or index + 1 >= len(table.rows):
        return False
    below = table.rows[index + 1]
    under = [below[c] for a, b in spans for c in range(a, b + 1) if c < len(below)]
    return all(under) and sum(1 for v in under if match_header(v).field) >= len(under) / 2


def read_header(table: RawTable, index: int) -> Header:
    """Return the header starting at or around row `index`: a row of group headers spanning sub-headers (above or
    below `index`) is read with them as one header, 'Current risk – Likelihood'."""
    first = index
    spans = _group_spans(table, index)
    if not _subheaders_fit(table, index, spans) and index > 0:
        above = _group_spans(table, index - 1)
        if _subheaders_fit(table, index - 1, above):
            first, spans = index - 1, above
    width = table.width()
    top = list(table.rows[first]) + [""] * (width - len(table.rows[first]))
    if not _subheaders_fit(table, first, spans):
        return Header(tuple(HeaderCell(text, copy=(first, c) in table.merged and c > 0 and top[c] == top[c - 1]
                                       and bool(text))
                            for c, text in enumerate(top)), first, first)
    below = list(table.rows[first + 1]) + [""] * (width - len(table.rows[first + 1]))
    grouped = {c: top[a] for a, b in spans for c in range(a, b + 1)}
    cells = []
    for c in range(width):
        if c in grouped:
            cells.append(HeaderCell(below[c], grouped[c]))
        else:  # a header cell merged down over both rows, or one written on either row
            cells.append(HeaderCell(top[c] or below[c]))
    return Header(tuple(cells), first, first + 1)


def match_cell(cell: HeaderCell) -> Match:
    """Return the field a header cell names: a sub-header's own field at its group header's stage."""
    if not cell.group:
        match = match_header(cell.text)
        if match.field in ASSESSMENT_FIELDS and not match.position and stage_of(cell.text):
            position = stage_of(cell.text)  # "Risk rating before controls"
            return replace(match, position=position, stage="" if position == "residual" else position)
        return match
    sub = match_header(cell.text)
    group = match_header(cell.group)
    position = stage_of(cell.group)
    if sub.field is None:
        return match_header(cell.shown)
    if sub.field in ASSESSMENT_FIELDS or group.field in ASSESSMENT_FIELDS or position:
        stage = "" if position in ("", "residual") else position
        return Match(sub.field, stage, f"{sub.why} under '{cell.group}'", position)
    return sub


def _override(overrides: dict[str, str], cell: HeaderCell, position: int) -> tuple[str, str] | None:
    """Return (key, field) of the mapping entry naming this column: its header, or its place ("Column B", and for
    a headerless column also "B" or "2")."""
    letter = column_letter(position + 1).lower()
    named = (f"column {letter}", f"column {position + 1}")  # "Column D" tells apart columns of one header
    if cell.copy:  # under the header cell of the column to its left: only its place names it
        keys: tuple[str, ...] = named
    elif cell.shown:
        keys = (normalise(cell.shown), normalise(cell.text) if not cell.group else "", *named)
    else:
        keys = (*named, letter, str(position + 1))
    for key in keys:
        if key and key in overrides:
            return key, overrides[key]
    return None


def _all_numbers(table: RawTable, header: Header, position: int) -> bool:
    heading = normalise(header.cells[position].text)
    values = [strip_footnote(r[position]) for r in table.rows[header.last + 1:]
              if position < len(r) and r[position] and len({v for v in r if v}) > 1]
    values = [v for v in values if normalise(v) != heading and not is_furniture([v])]
    return bool(values) and sum(1 for v in values if as_number(v) is not None) >= 0.9 * len(values)


def _no_dates(table: RawTable, header: Header, position: int) -> bool:
    values = [strip_footnote(r[position]) for r in table.rows[header.last + 1:]
              if position < len(r) and r[position] and len({v for v in r if v}) > 1]
    return bool(values) and not any(as_date(v) is not None for v in values)


def _all_arrows(table: RawTable, header: Header, position: int) -> bool:
    values = [r[position] for r in table.rows[header.last + 1:] if position < len(r) and r[position]
              and len({v for v in r if v}) > 1]
    return bool(values) and all(trend_arrow(v) and len(v) <= 3 for v in values)


def _scores_beside_impacts(cells: Sequence[HeaderCell], matches: list[Match]) -> list[Match]:
    """Return `matches` with an 'S' read as the score where an 'I' beside it is the impact (L, I, S), not the
    severity it means beside a likelihood alone (L, S, RAG)."""
    found = []
    for c, (cell, match) in enumerate(zip(cells, matches)):
        before = matches[c - 1] if c else None
        if normalise(cell.text) == "s" and before is not None and before.field == "impact_score" and \
                normalise(cells[c - 1].text) != "s":
            match = replace(match, field="score", why="synonym 's' after an impact column: the score")
        found.append(match)
    return found


def _ordinal_positions(cells: Sequence[HeaderCell], matches: Sequence[Match]) -> dict[int, str]:
    """Return column -> position for likelihood/impact/score columns repeated with no stage word, in order."""
    found: dict[str, list[int]] = {}
    for c, (cell, match) in enumerate(zip(cells, matches)):
        if match.field in ASSESSMENT_FIELDS and not match.position and not cell.group and not cell.copy:
            found.setdefault(match.field, []).append(c)
    repeated = {f: cs for f, cs in found.items() if len(cs) > 1}
    if not repeated:
        return {}
    count = max(len(cs) for cs in repeated.values())
    if count not in ORDINAL_POSITIONS:
        return {}
    return {c: ORDINAL_POSITIONS[count][i] for cs in repeated.values() if len(cs) == count for i, c in enumerate(cs)}


@dataclass(frozen=True)
class _Reading:
    """What one header cell reads as, before the claims of the other columns are settled."""

    text: str
    field: str | None
    stage: str = ""
    why: str = ""
    period: Period | None = None


def _headerless(table: RawTable, header: Header, cell: HeaderCell, position: int, trend_free: bool,
                notes: list[tuple[int | None, str, str]]) -> _Reading:
    """Read a column with no header of its own (empty, or covered by the header cell to its left) by its content."""
    letter = column_letter(position + 1)
    has_values = any(position < len(r) and r[position] for r in table.rows[header.last + 1:])
    shown = f"{strip_footnote(cell.shown).strip()} ({letter})" if cell.copy else f"Column {letter}"
    if cell.copy and has_values:
        notes.append((position, cell.shown, f"the header cell spans columns {column_letter(position)}–{letter}: "
                                            f"column {letter} is read as '{shown}'"))
    if has_values and _all_arrows(table, header, position):
        stage = match_cell(HeaderCell(cell.text)).position if cell.copy else ""
        if stage in ("inherent", "target"):  # the arrows of an assessment other than the current one
            return _Reading(shown, KEEP, "", f"trend arrows of the {stage} assessment")
        if trend_free:
            return _Reading(shown, "trend", "", "no header; its values are trend arrows")
    if has_values and _beside(table, header, position):
        return _Reading(shown, ASIDE, "", "no header, to the right of the table's last header, text in few rows")
    return _Reading(shown, KEEP, "", "no header") if has_values else _Reading(shown, None, "", "empty")


def _beside(table: RawTable, header: Header, position: int) -> bool:
    """Return whether the headerless column at `position` holds notes beside the table rather than a column of
    it: it is to the right of every header, and fewer than half the rows with text in the table have text in it."""
    if any(cell.text.strip() or cell.copy for cell in header.cells[position:]):
        return False
    headed = [i for i, cell in enumerate(header.cells) if cell.text.strip() or cell.copy]
    rows = [r for r in table.rows[header.last + 1:] if any(r[i] for i in headed if i < len(r))]
    filled = sum(1 for r in rows if position < len(r) and r[position])
    return filled * 2 < len(rows)


def _by_meaning(table: RawTable, header: Header, position: int, text: str, match: Match) -> _Reading:
    """Read a headed column by the field its header names, at its assessment stage."""
    field_, stage, why = match.field or KEEP, match.stage, match.why
    if field_ in NUMERIC_READINGS and _all_numbers(table, header, position):
        field_, why = NUMERIC_READINGS[field_], f"{why}; its values are numbers"
    if field_ in DATE_FIELDS and not stage and _no_dates(table, header, position):
        return _Reading(text, KEEP, "", f"{why}, but none of its values is a date")
    if depth_key(match.position, field_):
        return _Reading(text, depth_key(match.position, field_), match.position,
                        f"{match.stage}: {why}" if match.stage else why)
    if stage or (field_ not in REGISTER_FIELDS and field_ not in READ_FIELDS):
        return _Reading(text, KEEP, "", f"{match.stage + ' ' if match.stage else ''}{match.field or 'no synonym fits'}")
    return _Reading(text, field_, "residual" if field_ == "score" and match.position == "residual" else stage, why)


def _read_column(table: RawTable, header: Header, position: int, match: Match, override: str | None,
                 trend_free: bool, notes: list[tuple[int | None, str, str]]) -> _Reading:
    cell = header.cells[position]
    text = strip_footnote(cell.shown).strip()
    if override is not None:
        shown = f"{text} ({column_letter(position + 1)})" if cell.copy else text
        return _Reading(shown or f"Column {column_letter(position + 1)}", override, "", "mapping file")
    if not text or cell.copy:
        return _headerless(table, header, cell, position, trend_free, notes)
    if quarter_of(text):
        return _Reading(text, "quarter", "", "quarter", quarter_of(text))
    if TREND_HEADER_PATTERN.match(text):
        return _Reading(text, "trends", "", "riskreg trend column")
    return _by_meaning(table, header, position, text, match)


def _renamed(reading: _Reading, position: int, plans: Sequence[ColumnPlan], seen: dict[str, int],
             notes: list[tuple[int | None, str, str]]) -> _Reading:
    """Return `reading` with a header another column already has renamed 'Notes (2)': a workbook needs each once."""
    key = reading.text.lower()
    if key not in seen or not (reading.field in (KEEP, IGNORE) or reading.field == plans[seen[key]].field):
        return reading
    n = 2
    while f"{reading.text} ({n})".lower() in seen:
        n += 1
    new = f"{reading.text} ({n})"
    notes.append((position, reading.text, f"header repeats column {column_letter(seen[key] + 1)}'s: renamed '{new}'"))
    if reading.field not in (KEEP, IGNORE, "quarter", "trends"):
        return replace(reading, text=new, field=KEEP, why=f"{reading.why}; the second column of that header")
    return replace(reading, text=new)


def _claimed(table: RawTable, header: Header, position: int, reading: _Reading, overridden: bool,
             plans: Sequence[ColumnPlan], claimed: dict[str, int]) -> _Reading:
    """Return `reading` once its field is free: a second Risk-like column takes the Description; else raise."""
    if reading.field not in claimed or reading.field in (KEEP, IGNORE, ASIDE, "quarter", "trends"):
        return reading
    fallback = FALLBACKS.get(str(reading.field))
    if not overridden and fallback and fallback not in claimed:
        return replace(reading, field=fallback, why=f"{reading.why}; {COLUMN_BY_KEY[str(reading.field)].header} "
                                                    f"taken by column {column_letter(claimed[str(reading.field)] + 1)}")
    first = plans[claimed[str(reading.field)]]
    raise ImportSourceError(
        f"{table.place(header.last, position)}: '{reading.text}' and column {first.letter} ('{first.header}') both "
        f"read as {ColumnPlan(0, '', reading.field).action()}. Say which is which in a mapping file (--mapping; "
        f"`riskreg import --dry-run` shows the mapping), e.g. \"{reading.text}\" = \"keep\".")


def _check_mapping_used(table: RawTable, header: Header, mapping: ImportMapping, used: set[str],
                        plans: Sequence[ColumnPlan]) -> None:
    unknown = [k for k in mapping.columns if normalise(k) not in used]
    if unknown:
        shown = ", ".join(f"'{k}'" for k in unknown)
        heads = ", ".join(f"{p.letter} '{p.header}'" for p in plans if p.field is not None)
        raise ImportSourceError(
            f"{mapping.source or 'mapping file'}: [columns] {shown} match{'es' if len(unknown) == 1 else ''} no "
            f"column of {table.place(header.last)} (columns: {heads}). Use a header as shown, or a column letter "
            "such as \"Column B\".")


def plan_columns(table: RawTable, header: Header, mapping: ImportMapping,
                 notes: list[tuple[int | None, str, str]] | None = None) -> list[ColumnPlan]:
    """Return what each column of the header means; raise when two columns claim one register field or the
    mapping names a column the table does not have. `notes` receives (column, value, what) for the report."""
    notes = notes if notes is not None else []
    overrides = {normalise(k): v for k, v in mapping.columns.items()}
    cells = list(header.cells)
    matches = _scores_beside_impacts(cells, [match_cell(c) for c in cells])
    ordinal = _ordinal_positions(cells, matches)
    if ordinal:
        order = ", ".join(f"{column_letter(c + 1)} {p}" for c, p in sorted(ordinal.items()))
        notes.append((None, "", f"likelihood, impact and score columns repeated without a stage: read in order as "
                                f"the inherent, residual and target assessments ({order})"))
    for c, place in ordinal.items():
        matches[c] = replace(matches[c], position=place, stage="" if place == "residual" else place,
                             why=f"{matches[c].why}; {place} by its place")
    plans: list[ColumnPlan] = []
    claimed: dict[str, int] = {}
    seen: dict[str, int] = {}
    used: set[str] = set()
    for position, cell in enumerate(cells):
        found = _override(overrides, cell, position)
        if found:
            used.add(found[0])
        reading = _read_column(table, header, position, matches[position], found[1] if found else None,
                               "trend" not in claimed, notes)
        reading = _claimed(table, header, position, _renamed(reading, position, plans, seen, notes), bool(found),
                           plans, claimed)
        seen.setdefault(reading.text.lower(), position)
        if reading.field not in (None, KEEP, IGNORE, ASIDE):
            claimed[str(reading.field)] = position
        plans.append(ColumnPlan(position, reading.text, reading.field, reading.stage, reading.why, reading.period))
    _check_mapping_used(table, header, mapping, used, plans)
    if 0 < sum(1 for p in plans if p.field == "trends") != len(TREND_KEYS):
        plans = [p if p.field != "trends" else ColumnPlan(p.position, p.header, KEEP, "", "trend column")
                 for p in plans]
    if any(p.field in DEPTH_KEYS for p in plans):  # beside the other positions, the score is the residual one
        plans = [replace(p, stage="residual") if p.field == "score" else p for p in plans]
    return plans
