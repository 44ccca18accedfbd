"""Turn a source's raw table into the register's rows, History and settings, saying what was done (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from workbook.core.errors import ImportSourceError, PeriodError
from workbook.core.model import column_letter
from workbook.core.periods import Period, parse_period
from workbook.core.schema import (
    COLUMN_BY_KEY,
    COLUMNS,
    DEPTH_LISTS,
    NOT_APPLICABLE,
    TREND_HEADER_PATTERN,
    TREND_KEYS,
    USER_COLUMN_PREFIX,
)
from workbook.core.values import as_date, as_number
from workbook.importers.columns import (
    DEPTH_KEYS,
    FALLBACKS,
    READ_FIELDS,
    REGISTER_FIELDS,
    Match,
    depth_key,
    match_header,
    normalise,
)
from workbook.importers.ratings import (
    DEFAULT_BANDS,
    Band,
    band_heading,
    band_of,
    is_no_rating,
    rating_word,
    scale_of,
    trend_arrow,
)
from workbook.importers.report import Entry
from workbook.importers.table import RawTable

HEADER_SEARCH_ROWS = 40
UNRATED_SHOWN = 20  # IDs named in the report's one line on risks without a rating
TITLE_LIMIT = 100  # a longer line above the header is a note, not the register's title
KEEP = "keep"  # a mapping file's word for "the user's own column"
IGNORE = "ignore"
GENERATED_ID = "R{number:02d}"
# The in-depth positions' likelihood and impact, read as whole numbers like the register's own pair.
POSITION_AXES = ("inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact")
_QUARTER = (
    re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[ ,:-]*\s*(?:q|quarter\s*)([1-4])$", re.I),
    re.compile(r"^(?:q|quarter\s*)([1-4])\s*[ ,:-]*\s*(?:fy\s*)?(\d{2}|\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I),
)
_FOOTNOTE = re.compile(r"\s*(\*+|†+|‡+)$")
_FURNITURE = (
    re.compile(r"^page\s+\d+(\s+of\s+\d+)?$", re.I),
    re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$"),
    re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    re.compile(r"^[\w ().,&'-]+\.(xlsx|xlsm|xls|docx|doc|pdf|csv)$", re.I),
    re.compile(r"^(printed|produced|updated|date produced|last updated)\b.*$", re.I),
    re.compile(r"^(continued|cont(inued)?\.?( overleaf)?)$", re.I),
    re.compile(r"^(official|official[- ]sensitive|protect|restricted|not protectively marked)$", re.I),
)


def quarter_of(header: str) -> Period | None:
    """Return the quarter a column header such as '22/23 Q1' or 'Q1 2022/23' names, or None."""
    text = " ".join(str(header).split())
    for pattern, order in zip(_QUARTER, ((0, 1, 2), (1, 2, 0))):
        match = pattern.match(text)
        if match:
            start, end, quarter = (match.group(i + 1) for i in order)
            year = int(start) + (2000 if len(start) == 2 else 0)  # "22/23": this century's financial years
            try:
                return parse_period(f"{year}/{end} Q{quarter}")  # the one parser says which years may pair
            except PeriodError:
                return None
    return None


@dataclass(frozen=True)
class ImportMapping:
    """What the user's mapping file says: header -> field (or 'keep'/'ignore'), bands, header row, sheet."""

    columns: dict[str, str] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    header_row: int | None = None
    id_pattern: str = ""


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
        if self.field == "quarter":
            return f"History: ratings of {self.period.label}"
        if self.field == "trends":
            return "register trend column (as its header says)"
        if self.field == KEEP:
            return f"kept as your own column '{self.header}'"
        if self.field == IGNORE:
            return "left out (mapping file says ignore)"
        if self.field == "score" and self.stage == "residual":
            return f"{COLUMN_BY_KEY['residual_score'].header}; rates the risk by its band"
        if self.field in COLUMN_BY_KEY:
            return f"{COLUMN_BY_KEY[self.field].header}"
        return {"score": "score: rates the risk by its band", "previous": "History: last quarter's rating/score",
                "trend": "this quarter's trend arrow"}.get(self.field, str(self.field))


@dataclass
class Plan:
    """The register an import would write, and everything said about how."""

    source: str
    where: str
    header_row: int
    columns: list[ColumnPlan]
    risks: list[dict[str, object]]
    user_columns: list[str]
    history: list[dict[str, object]]
    settings: dict[str, object]
    ratings: tuple[str, ...]
    trend_periods: tuple[Period, ...]
    report: list[Entry]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # besides Ratings: Categories, when its own

    @property
    def depth(self) -> bool:
        """Whether the new register gets the in-depth columns: the source has an inherent, residual or target
        position, a target date, category or proximity."""
        return any(c.field in DEPTH_KEYS or (c.field == "score" and c.stage == "residual") for c in self.columns)

    @property
    def period(self) -> Period:
        return self.trend_periods[-1]

    def losses(self) -> list[Entry]:
        return [e for e in self.report if e.loses]


# --- header and table -------------------------------------------------------------------------------------

def _header_score(row: Sequence[str]) -> int:
    fields = {match_header(v).field for v in row if v} - {None}
    quarters = sum(1 for v in row if v and quarter_of(v))
    return len(fields) + (1 if quarters else 0) + (1 if fields & {"id", "name", "description"} else 0) * 2


def find_header(table: RawTable, mapping: ImportMapping) -> int | None:
    """Return the index of `table`'s header row: the first of the rows that name the most register fields."""
    if mapping.header_row:
        index = table.row_numbers.index(mapping.header_row) if mapping.header_row in table.row_numbers else None
        return index
    best, score = None, 2
    named = {normalise(k) for k in mapping.columns}
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        value = _header_score(row) + sum(1 for v in row if normalise(v) in named)
        if value > score:
            best, score = index, value
    return best


def choose_table(tables: Sequence[RawTable], mapping: ImportMapping) -> tuple[RawTable, int]:
    """Return the table that holds the register and its header row index; Word tables of one header join up."""
    found = [(t, find_header(t, mapping)) for t in tables]
    usable = [(t, h) for t, h in found if h is not None]
    if not usable:
        where = ", ".join(t.where for t in tables if t.where) or "the file"
        raise ImportSourceError(
            f"{tables[0].source}: no header row found in {where}: riskreg looks in the first {HEADER_SEARCH_ROWS} "
            "rows for headers such as Ref, Risk, Description, Owner, Likelihood, Impact, Rating. Add a header row, "
            "or name the columns in a mapping file (--mapping).")
    table, header = max(usable, key=lambda th: (_header_score(th[0].rows[th[1]]),
                                                 len(th[0].rows) - th[1]))
    heading = [normalise(v) for v in table.rows[header]]
    joined = RawTable(table.source, table.where, list(table.rows), list(table.row_numbers), set(table.merged),
                      table.row_label)
    for other, other_header in usable:
        if other is not table and other_header is not None and \
                [normalise(v) for v in other.rows[other_header]] == heading and other.where.startswith("table"):
            offset = len(joined.rows)
            joined.rows += other.rows
            joined.row_numbers += other.row_numbers
            joined.merged |= {(r + offset, c) for r, c in other.merged}
    return joined, header


# A column headed like a text or rating field whose cells are all numbers is the score of that field.
NUMERIC_READINGS = {"impact": "impact_score", "rating": "score"}


def _all_numbers(table: RawTable, header: int, position: int) -> bool:
    values = [_FOOTNOTE.sub("", r[position]) for r in table.rows[header + 1:]
              if position < len(r) and r[position] and len({v for v in r if v}) > 1]
    values = [v for v in values if normalise(v) != normalise(table.rows[header][position]) and not _is_furniture([v])]
    return bool(values) and sum(1 for v in values if as_number(v) is not None) >= 0.9 * len(values)


def plan_columns(table: RawTable, header: int, mapping: ImportMapping) -> list[ColumnPlan]:
    """Return what each column of the header row means; raise when two columns claim one register field."""
    overrides = {normalise(k): v for k, v in mapping.columns.items()}
    width = max(len(r) for r in table.rows)
    heads = list(table.rows[header]) + [""] * (width - len(table.rows[header]))
    plans: list[ColumnPlan] = []
    claimed: dict[str, int] = {}
    trend_columns = 0
    for position, text in enumerate(heads):
        text = _FOOTNOTE.sub("", text).strip()
        override = overrides.get(normalise(text)) if text else None
        period = quarter_of(text) if text else None
        if override is not None:
            field_, stage, why = override, "", "mapping file"
        elif not text:
            has_values = any(position < len(r) and r[position] for r in table.rows[header + 1:])
            field_, stage, why = (KEEP, "", "no header") if has_values else (None, "", "empty")
            text = text or f"Column {column_letter(position + 1)}"
        elif period:
            field_, stage, why = "quarter", "", "quarter"
        elif TREND_HEADER_PATTERN.match(text):
            trend_columns += 1
            field_, stage, why = "trends", "", "riskreg trend column"
        else:
            match: Match = match_header(text)
            field_, stage, why = match.field or KEEP, match.stage, match.why
            if field_ in NUMERIC_READINGS and _all_numbers(table, header, position):
                field_, why = NUMERIC_READINGS[field_], f"{why}; its values are numbers"
            if depth_key(match.position, field_):
                field_, stage = depth_key(match.position, field_), match.position
                why = f"{match.stage}: {why}" if match.stage else why
            elif stage or (field_ not in REGISTER_FIELDS and field_ not in READ_FIELDS):
                field_ = KEEP if field_ != IGNORE else IGNORE
                why = f"{match.stage + ' ' if match.stage else ''}{match.field or 'no synonym fits'}"
            elif field_ == "score" and match.position == "residual":
                stage = "residual"
        if field_ in claimed and field_ not in (KEEP, IGNORE, "quarter", "trends"):
            fallback = FALLBACKS.get(field_)
            if override is None and fallback and fallback not in claimed:
                field_, why = fallback, f"{why}; {COLUMN_BY_KEY[field_].header} taken by column " \
                                        f"{column_letter(claimed[field_] + 1)}"
            else:
                first = plans[claimed[field_]]
                raise ImportSourceError(
                    f"{table.place(header, position)}: '{text}' and column {first.letter} ('{first.header}') both "
                    f"read as {ColumnPlan(0, '', field_).action()}. Say which is which in a mapping file "
                    f"(--mapping; `riskreg import --dry-run` shows the mapping), e.g. \"{text}\" = \"keep\".")
        if field_ not in (None, KEEP, IGNORE):
            claimed[field_] = position
        plans.append(ColumnPlan(position, text, field_, stage, why, period))
    if trend_columns and trend_columns != len(TREND_KEYS):
        plans = [p if p.field != "trends" else ColumnPlan(p.position, p.header, KEEP, "", "trend column")
                 for p in plans]
    if any(p.field in DEPTH_KEYS for p in plans):  # beside the other positions, the score is the residual one
        plans = [replace(p, stage="residual") if p.field == "score" else p for p in plans]
    return plans


# --- values -------------------------------------------------------------------------------------------------

def _whole(text: str) -> int | None:
    match = re.match(r"^\s*(\d+(?:\.0+)?)\b", text) or re.search(r"\((\d+)\)\s*$", text)
    return int(float(match[1])) if match else None


def _is_furniture(values: Sequence[str]) -> bool:
    texts = [v for v in values if v]
    return bool(texts) and all(any(p.match(t) for p in _FURNITURE) for t in texts)


def _row_kind(row: Sequence[str], heading: Sequence[str], merged: set[int]) -> str:
    """Return what a row under the header is: blank, header (repeated), furniture, heading or risk.

    `heading` is the header row's non-empty cells, normalised."""
    values = [v for i, v in enumerate(row) if v and i not in merged]
    if not any(row):
        return "blank"
    filled = [v for v in row if v]
    if len(filled) == len(heading) and [normalise(v) for v in filled] == heading:
        return "header"
    if _is_furniture(row):
        return "furniture"
    distinct = {v for v in row if v}
    if len(distinct) == 1 and (len(values) <= 1) and len(heading) > 2:
        return "heading"
    return "risk"


class _Planner:
    def __init__(self, table: RawTable, header: int, columns: list[ColumnPlan], mapping: ImportMapping,
                 period: Period | None):
        self.table, self.header, self.columns, self.mapping = table, header, columns, mapping
        self.report: list[Entry] = []
        self.by_field = {c.field: c for c in columns if c.field not in (None, KEEP, IGNORE, "quarter", "trends")}
        self.quarters = sorted((c for c in columns if c.field == "quarter"), key=lambda c: c.period)
        self.kept = [c for c in columns if c.field == KEEP]
        self.trend_columns = [c for c in columns if c.field == "trends"]
        self.bands: list[Band] = list(mapping.bands)
        self.period = period
        self.mapped: dict[tuple[str, str], list] = {}
        self.heading_ratings: list[str] = []

    def say(self, kind: str, index: int | None, column: int | None, value: str, what: str) -> None:
        if kind == "mapped" and (value, what) in self.mapped:  # one line per spelling, however many cells
            self.mapped[(value, what)][1] += 1
            return
        place = self.table.place(index, column) if index is not None else self.table.source
        if kind == "mapped":
            self.mapped[(value, what)] = [len(self.report), 1, place]
        self.report.append(Entry(kind, place, value, what))

    def mapped_summary(self) -> None:
        for (value, what), (at, count, place) in self.mapped.items():
            if count > 1:
                self.report[at] = Entry("mapped", f"{count} cells, the first at {place}", value, what)

    def cell(self, row: Sequence[str], key: str) -> tuple[str, int | None]:
        plan = self.by_field.get(key)
        if plan is None or plan.position >= len(row):
            return "", None
        return row[plan.position], plan.position

    def clean(self, index: int, position: int | None, text: str) -> str:
        stripped = _FOOTNOTE.sub("", text)
        if stripped != text and position is not None:
            self.say("changed", index, position, text, f"footnote marker '{text[len(stripped):].strip()}' taken off")
        return stripped

    # rows -> risks, grouped: continuation rows (a risk's second action) join the risk above
    def groups(self) -> list[tuple[int, list[int], str]]:
        heading = [normalise(v) for v in self.table.rows[self.header] if v]
        groups: list[tuple[int, list[int], str]] = []
        section = ""
        merged_cols: dict[int, list[int]] = {}
        merged_by_row: dict[int, set[int]] = {}
        for r, c in self.table.merged:
            merged_by_row.setdefault(r, set()).add(c)
        for index in range(self.header + 1, len(self.table.rows)):
            row = self.table.rows[index]
            merged = merged_by_row.get(index, set())
            kind = _row_kind(row, heading, merged)
            if kind == "blank":
                continue
            if kind in ("header", "furniture"):
                self.say("skipped", index, None, " | ".join(v for v in row if v)[:80],
                         "repeated header row" if kind == "header" else "page furniture (page number, date, file name)")
                continue
            if kind == "heading":
                text = next(v for v in row if v)
                band = band_heading(text)
                if band:
                    self.heading_ratings.append(band[0])
                    section = f"band:{band[0]}"
                    if band[1] and not self.mapping.bands:
                        self.bands.append(band[1])
                    self.say("heading", index, None, text, f"band heading: the risks below are rated {band[0]}"
                             + (f"; scores {band[1].low}–{band[1].high}" if band[1] else ""))
                else:
                    section = f"section:{text}"
                    self.say("heading", index, None, text, "section heading: kept as the Portfolio/Department of "
                             "the risks below" if "portfolio" not in self.by_field else "section heading")
                continue
            for c in merged:
                merged_cols.setdefault(c, []).append(index)
            if groups and self._continues(row, merged):
                groups[-1][1].append(index)
                continue
            groups.append((index, [index], section))
        numbers = self.table.row_numbers
        for c, rows in sorted(merged_cols.items()):
            runs: list[list[int]] = []
            for index in rows:  # one note per merged cell: its copies are consecutive rows of the same text
                text = self.table.rows[index][c]
                if runs and index == runs[-1][-1] + 1 and self.table.rows[runs[-1][-1]][c] == text:
                    runs[-1].append(index)
                else:
                    runs.append([index - 1, index])
            for run in runs:
                self.say("filled", run[0], c, self.table.rows[run[0]][c][:60],
                         f"merged cell filled down into {len(run)} rows "
                         f"({self.table.row_label}s {numbers[run[0]]}–{numbers[run[-1]]})")
        return groups

    def _continues(self, row: Sequence[str], merged: set[int]) -> bool:
        """Return whether `row` carries more of the risk above (an action of its own) rather than a new risk."""
        id_text, id_pos = self.cell(row, "id")
        if id_text:
            return id_pos in merged  # a merged ID spans the rows of one risk; an ID of its own starts one
        name, name_pos = self.cell(row, "name")
        desc, desc_pos = self.cell(row, "description")
        return not [t for t, p in ((name, name_pos), (desc, desc_pos)) if t and p not in merged]

    def plan(self) -> tuple[list[dict], list[str], list[dict], tuple[Period, ...], tuple[str, ...], dict]:
        groups = self.groups()
        if not groups:
            raise ImportSourceError(
                f"{self.table.place(self.header)}: the table has a header row but no risks under it. Check you "
                "picked the right sheet (--sheet) or file.")
        period = self._period()
        scale = self._scale(groups)
        bands = tuple(self.bands) or DEFAULT_BANDS[scale]
        if not self.bands and (self.by_field.keys() & {"score", "likelihood", "impact_score", "previous"}):
            self.say("note", None, None, "", "score bands: " + ", ".join(
                f"{b.low}–{b.high} {b.rating}" for b in bands) + f" (riskreg's default for a {scale}×{scale} "
                "matrix; give `bands` in a mapping file to use yours)")
        risks, history, user = [], [], [c.header for c in self.kept]
        used_ids = {self.cell(self.table.rows[g[0]], "id")[0].rstrip(". ") for g in groups}
        generated = []
        number = 0
        for first, rows, section in groups:
            values, row_history = self._risk(first, rows, section, bands, period)
            if not values.get("id"):
                number += 1
                while GENERATED_ID.format(number=number) in used_ids:
                    number += 1
                values["id"] = GENERATED_ID.format(number=number)
                generated.append(values["id"])
                for h in row_history:
                    h["risk_id"] = values["id"]
            risks.append(values)
            history += row_history
        if generated:
            self.say("generated", None, None, "", f"{len(generated)} risk{'s' if len(generated) > 1 else ''} had no "
                     f"ID: given {generated[0]}{'–' + generated[-1] if len(generated) > 1 else ''} "
                     "(change them in the workbook if you have references)")
        unrated = [str(values["id"]) for values in risks if not values.get("rating")]
        if unrated:
            shown = ", ".join(unrated[:UNRATED_SHOWN]) + (" …" if len(unrated) > UNRATED_SHOWN else "")
            self.say("no rating", None, None, shown, f"{len(unrated)} risk{'s' if len(unrated) > 1 else ''} without "
                     "a rating: left blank; `riskreg validate` lists them until they are rated")
        ratings = scale_of([str(v["rating"]) for v in risks if v.get("rating") and rating_word(str(v["rating"]))]
                           + [str(h["rating"]) for h in history if h.get("rating") and rating_word(h["rating"])]
                           + [b.rating for b in bands] * bool(self.bands) + self.heading_ratings)
        settings = self._settings(risks, period, scale)
        periods = tuple(period.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS)))
        return risks, user, history, periods, ratings, settings

    def _period(self) -> Period:
        newest = self.quarters[-1].period if self.quarters else None
        if self.period is None and newest is None:
            raise PeriodError(f"{self.table.source}: give the reporting period with --period, e.g. "
                              "--period \"2024/25 Q4\": the table has no quarter columns to tell it.")
        if self.period is not None and newest is not None and newest > self.period:
            self.say("note", None, None, "", f"quarter columns run to {newest.label}, after the reporting period "
                     f"{self.period.label}; those after it are History only")
        return self.period or newest

    def _scale(self, groups) -> int:
        highest = 0
        for first, rows, _ in groups:
            for row in (self.table.rows[i] for i in rows):
                for key in ("likelihood", "impact_score", *POSITION_AXES):
                    number = _whole(self.cell(row, key)[0])
                    highest = max(highest, number or 0)
                score = as_number(self.cell(row, "score")[0])
                if score and score > 16:
                    highest = max(highest, 5)
        return 5 if highest > 4 else 4

    def _rating(self, index: int, position: int | None, text: str, bands: Sequence[Band]) -> str:
        """Return the scale word for a rating cell (a word, letters or a score); report what was read."""
        text = self.clean(index, position, text)
        if not text or is_no_rating(text):
            return ""
        word = rating_word(text)
        if word:
            if word != text:
                self.say("mapped", index, position, text, f"rating read as {word}")
            return word
        number = as_number(text) if not isinstance(text, (int, float)) else text
        if number is not None:
            word = band_of(number, bands)
            if word:
                self.say("mapped", index, position, text, f"score {text}: rated {word} by its band")
                return word
        self.say("not understood", index, position, text, "not a rating riskreg knows: kept as typed; add it to "
                 "the Ratings list or give the rating")
        return text

    def _risk(self, first: int, rows: list[int], section: str, bands: Sequence[Band],
              period: Period) -> tuple[dict, list[dict]]:
        table = self.table
        values: dict[str, object] = {}
        for key in REGISTER_FIELDS + DEPTH_KEYS:
            plan = self.by_field.get(key)
            if plan is None:
                continue
            texts = [table.rows[i][plan.position] for i in rows if plan.position < len(table.rows[i])]
            texts = [t for n, t in enumerate(texts) if t and t not in texts[:n]]
            if len(texts) > 1 and key not in ("controls", "description", "impact"):
                self.say("conflict", first, plan.position, " / ".join(texts)[:200],
                         f"{len(texts)} different values in the rows of one risk; the first is kept")
                texts = texts[:1]
            elif len(texts) > 1:
                self.say("joined", first, plan.position, "", f"{len(texts)} rows of one risk joined, one per line")
            text = "\n".join(texts)
            if key == "id":
                text = self.clean(first, plan.position, text).rstrip(". ")
            elif key in ("name", "category"):
                text = self.clean(first, plan.position, text)
            values[key] = text
        for key in ("likelihood", "impact_score", *POSITION_AXES):
            if values.get(key):
                number = _whole(str(values[key]))
                if number is None:
                    self.say("not understood", first, self.by_field[key].position, str(values[key]),
                             "not a score: kept as typed")
                else:
                    values[key] = number
        self._depth_values(first, values)
        rating_text, rating_pos = self.cell(table.rows[first], "rating")
        score_text, score_pos = self.cell(table.rows[first], "score")
        score = as_number(self.clean(first, score_pos, score_text)) if score_text else None
        if score is None and isinstance(values.get("likelihood"), int) and isinstance(values.get("impact_score"), int):
            score = values["likelihood"] * values["impact_score"]
        if score is not None and score_text and self.by_field["score"].stage == "residual":
            values["residual_score"] = int(score) if float(score).is_integer() else score
        rating = self._rating(first, rating_pos, rating_text, bands) if rating_text else ""
        if not rating and score is not None:
            rating = band_of(score, bands) or ""
            if rating:
                self.say("mapped", first, score_pos, str(score_text or score),
                         f"score {score:g}: rated {rating} by its band")
        if not rating and section.startswith("band:"):
            rating = section[5:]
        if section.startswith("section:") and "portfolio" not in self.by_field:
            values["portfolio"] = section[8:]
        values["rating"] = rating
        trend_text, trend_pos = self.cell(table.rows[first], "trend")
        if trend_text:
            arrow = trend_arrow(self.clean(first, trend_pos, trend_text))
            if arrow and arrow != trend_text:
                self.say("mapped", first, trend_pos, trend_text, f"trend read as {arrow}")
            elif not arrow:
                self.say("not understood", first, trend_pos, trend_text, "not a trend riskreg knows: kept as typed")
            values[TREND_KEYS[-1]] = arrow or trend_text
        for key, plan in zip(TREND_KEYS, self.trend_columns):
            values[key] = table.rows[first][plan.position] if plan.position < len(table.rows[first]) else ""
        for plan in self.kept:  # one line per row of the risk (an action each), merged copies once
            texts = [table.rows[i][plan.position] for i in rows
                     if plan.position < len(table.rows[i]) and (i == first or (i, plan.position) not in table.merged)]
            if len([t for t in texts if t]) > 1:
                self.say("joined", first, plan.position, "", f"{len(rows)} rows of one risk: one line each")
            values[user_key(plan.header)] = "\n".join(texts).strip("\n")
        risk_id = str(values.get("id") or "")
        history = self._history(first, risk_id, rating, score, values, bands, period)
        this_quarter = next((h for h in history if h["period"] == period.label), None)
        if not rating and this_quarter and this_quarter.get("rating"):
            values["rating"] = this_quarter["rating"]  # the quarter column of the reporting period
        return values, history

    def _depth_values(self, first: int, values: dict[str, object]) -> None:
        """Read the in-depth positions' scores as numbers and the target date as a date; say what does not read."""
        for key in ("inherent_score", "target_score"):
            if values.get(key):
                number = as_number(self.clean(first, self.by_field[key].position, str(values[key])))
                if number is None:
                    self.say("not understood", first, self.by_field[key].position, str(values[key]),
                             "not a score: kept as typed")
                else:
                    values[key] = int(number) if number.is_integer() else number
        if values.get("target_date"):
            day = as_date(values["target_date"])
            if day is None:
                self.say("not understood", first, self.by_field["target_date"].position, str(values["target_date"]),
                         "not a date (31/03/2025 or 2025-03-31): kept as typed")
            else:
                values["target_date"] = day

    def categories(self, risks: Sequence[Mapping[str, object]]) -> dict[str, tuple[str, ...]]:
        """Return the Categories list the new register needs: riskreg's when the source's categories are all on
        it, else the source's own, in the order they first appear (said in the report)."""
        found = list(dict.fromkeys(str(r["category"]) for r in risks if r.get("category")))
        known = {c.casefold() for c in DEPTH_LISTS["Categories"]}
        if all(c.casefold() in known for c in found):
            return {}
        self.say("note", None, None, ", ".join(found), "the source's own categories: the Categories list of the "
                 "new register (an Appetite sheet's categories come from it)")
        return {"Categories": tuple(found)}

    def _history(self, index: int, risk_id: str, rating: str, score: float | None, values: Mapping,
                 bands: Sequence[Band], period: Period) -> list[dict]:
        row = self.table.rows[index]
        entries: dict[Period, dict] = {}
        for plan in self.quarters:
            text = row[plan.position] if plan.position < len(row) else ""
            if not text or is_no_rating(text):
                continue
            word = self._rating(index, plan.position, text, bands)
            entry = {"risk_id": risk_id, "period": plan.period.label, "rating": word, "source": "imported"}
            if as_number(text) is not None:
                entry["score"] = as_number(text)
            entries[plan.period] = entry
        trend_periods = [period.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS))]
        for key, quarter in zip(TREND_KEYS, trend_periods) if self.trend_columns else ():
            trend = str(values.get(key) or "")
            if trend and trend != NOT_APPLICABLE and quarter not in entries:
                entries[quarter] = {"risk_id": risk_id, "period": quarter.label, "rating": "", "trend": trend,
                                    "source": "imported"}
        previous_text, previous_pos = self.cell(row, "previous")
        if previous_text and not is_no_rating(previous_text):
            word = self._rating(index, previous_pos, previous_text, bands)
            entry = {"risk_id": risk_id, "period": period.previous().label, "rating": word, "source": "imported"}
            if as_number(previous_text) is not None:
                entry["score"] = as_number(previous_text)
            entries.setdefault(period.previous(), entry)
        if rating or score is not None:
            current = entries.setdefault(period, {"risk_id": risk_id, "period": period.label, "rating": rating,
                                                  "source": "imported"})
            current["rating"] = current.get("rating") or rating
            for key, source in (("likelihood", "likelihood"), ("impact", "impact_score")):
                if isinstance(values.get(source), int):
                    current[key] = values[source]
            if score is not None and "score" not in current:
                current["score"] = score
            if values.get(TREND_KEYS[-1]) and values[TREND_KEYS[-1]] != NOT_APPLICABLE:
                current["trend"] = values[TREND_KEYS[-1]]
        return [entries[p] for p in sorted(entries)]

    def _settings(self, risks: list[dict], period: Period, scale: int) -> dict:
        settings: dict[str, object] = {"period": period.label, "score_scale": scale, "organisation": "",
                                       "author": "", "contact": "", "committee": ""}
        title = next((v for row in self.table.rows[:self.header] for v in row
                      if v and not _is_furniture([v]) and len(v) <= TITLE_LIMIT), "")
        if title:
            settings["title"] = title
            self.say("note", None, None, title, "title above the header row: used as the register title")
        settings["id_pattern"] = self.mapping.id_pattern or id_pattern([str(r["id"]) for r in risks])
        return settings


def user_key(header: str) -> str:
    """Return the key a user's own column's values go under in a risk's values."""
    return f"{USER_COLUMN_PREFIX}{header}"


def id_pattern(ids: Sequence[str]) -> str:
    """Return a regular expression all of `ids` match, as specific as their shapes allow."""
    shapes = {re.sub(r"\d+", lambda m: rf"\d{{{len(m[0])}}}", re.escape(i)) for i in ids if i}
    if len(shapes) == 1:
        return shapes.pop()
    loose = {re.sub(r"\\d\{\d+\}", r"\\d+", s) for s in shapes}
    return loose.pop() if len(loose) == 1 else r".+"


def plan_import(tables: Sequence[RawTable], period: Period | None, mapping: ImportMapping | None = None) -> Plan:
    """Return the plan of importing the register held in `tables` (the one with the best header)."""
    mapping = mapping or ImportMapping()
    table, header = choose_table(tables, mapping)
    columns = plan_columns(table, header, mapping)
    planner = _Planner(table, header, columns, mapping, period)
    risks, user, history, periods, ratings, settings = planner.plan()
    planner.mapped_summary()
    unread = [t.where for t in tables if t.where and t.where != table.where and
              not (t.where.startswith("table") and table.where.startswith("table") and
                   find_header(t, mapping) is not None and
                   [normalise(v) for v in t.rows[find_header(t, mapping)]] ==
                   [normalise(v) for v in table.rows[header]])]
    if unread:
        planner.say("not read", None, None, "", f"{', '.join(unread)} not imported: only the register's table is "
                    "read; give --sheet to import another")
    for plan in columns:
        if plan.field == KEEP:
            planner.say("kept", header, plan.position, plan.header,
                        f"no register column for it ({plan.why}): kept as your own column")
        elif plan.field in DEPTH_KEYS or plan.stage == "residual":
            planner.say("mapped", header, plan.position, plan.header, f"in-depth column {plan.action()}")
    lists = planner.categories(risks)
    taken = {c.header.lower() for c in COLUMNS}
    renamed = {}
    for header_text in user:
        if header_text.lower() in taken or TREND_HEADER_PATTERN.match(header_text):
            renamed[header_text] = f"{header_text} (imported)"
    if renamed:
        for values in risks:
            for old, new in renamed.items():
                values[user_key(new)] = values.pop(user_key(old), "")
        user = [renamed.get(h, h) for h in user]
    return Plan(table.source, table.where, table.row_numbers[header], columns, risks, user, history, settings,
                ratings, periods, planner.report, lists)
