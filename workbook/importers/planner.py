"""Turn a source's raw table into the register's rows, History and settings, saying what was done (pure).

The header is read by `headers`, the rows grouped into risks by `rows`, values cleaned by `cleaning`; this module
puts each risk's values together and accounts for every source row."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from workbook.core.errors import ImportSourceError, PeriodError
from workbook.core.ids import natural_key
from workbook.core.matrix import Matrix
from workbook.core.model import column_letter
from workbook.core.periods import Period
from workbook.core.schema import (
    COLUMNS,
    DEPTH_COLUMNS,
    DEPTH_LISTS,
    NOT_APPLICABLE,
    TREND_HEADER_PATTERN,
    TREND_KEYS,
    USER_COLUMN_PREFIX,
)
from workbook.core.values import as_date, as_number
from workbook.core.words import plural
from workbook.importers.cleaning import id_pattern, is_furniture, quarter_of, strip_footnote, whole
from workbook.importers.columns import DEPTH_KEYS, REGISTER_FIELDS, normalise
from workbook.importers.headers import (
    ASIDE,
    HEADER_SEARCH_ROWS,
    IGNORE,
    KEEP,
    ColumnPlan,
    Header,
    ImportMapping,
    find_header,
    header_score,
    plan_columns,
    read_header,
)
from workbook.importers.ratings import (
    Band,
    band_heading,
    band_of,
    default_bands,
    is_no_rating,
    rating_word,
    source_scale,
    trend_arrow,
)
from workbook.importers.report import Entry
from workbook.importers.rows import (
    BESIDE,
    CONTINUATION,
    DROPPED,
    GOES_ON,
    HEADING,
    NOTE,
    RISK,
    Group,
    Grouping,
    group_rows,
)
from workbook.importers.table import RawTable, Span

__all__ = ["IGNORE", "KEEP", "ColumnPlan", "ImportMapping", "Plan", "choose_table", "find_header", "id_pattern",
           "plan_import", "quarter_of", "user_key"]

UNRATED_SHOWN = 20  # IDs named in the report's one line on risks without a rating
TITLE_LIMIT = 100  # a longer line above the header is a note, not the register's title
LAYOUT_SPANS = 40  # merged cells the dry run lists one by one
NAME_LIMIT = 100  # a description longer than this is not a risk name: its first sentence, or its first words
GENERATED_ID = "R{number:02d}"
CLOSED = "Closed"
# The in-depth positions' likelihood and impact, read as whole numbers like the register's own pair.
POSITION_AXES = ("inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact")
# Where a column merged down over several risks goes, when it was taken for the name: the first free of these.
GROUP_FIELDS = ("portfolio",)
FOOTNOTES = "Footnotes"  # the user's column a footnote goes to on the risks whose cells carry its marker
FOOTNOTE_MARK = re.compile(r"^\s*(\*+|†+|‡+)")


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
    layout: list[str] = field(default_factory=list)  # the dry run's account of header rows, spans and groups

    @property
    def depth(self) -> bool:
        """Whether the new register gets the in-depth columns: the source has an inherent, residual or target
        position, a target date, category or proximity."""
        return any(c.field in DEPTH_KEYS or (c.field == "score" and c.stage == "residual") for c in self.columns)

    @property
    def period(self) -> Period:
        return self.trend_periods[-1]

    def add(self, entry: Entry) -> None:
        """Add `entry` to the report, before the reconciliation line that ends it."""
        at = len(self.report) - 1 if self.report and self.report[-1].kind == "rows" else len(self.report)
        self.report.insert(at, entry)

    def losses(self) -> list[Entry]:
        return [e for e in self.report if e.loses]


# --- the table ------------------------------------------------------------------------------------------------

def choose_table(tables: Sequence[RawTable], mapping: ImportMapping) -> tuple[RawTable, int]:
    """Return the table that holds the register and its header row index; Word tables of one header join up."""
    if mapping.table is not None:
        numbered = [t for t in tables if t.where == f"table {mapping.table}"]
        if not numbered:
            raise ImportSourceError(f"{mapping.source or 'mapping file'}: table = {mapping.table}, but "
                                    f"{tables[0].source} has {plural(len(tables), 'table')}. Give a table number "
                                    f"from 1 to {len(tables)}.")
        tables = numbered
    found = [(t, find_header(t, mapping)) for t in tables]
    usable = [(t, h) for t, h in found if h is not None]
    if not usable:
        where = ", ".join(t.where for t in tables if t.where) or "the file"
        if mapping.header_row:
            raise ImportSourceError(f"{tables[0].source}: header_row = {mapping.header_row} in the mapping file, but "
                                    f"{where} has no such row. Give the row number the headers are on.")
        raise ImportSourceError(
            f"{tables[0].source}: no header row found in {where}: riskreg looks in the first {HEADER_SEARCH_ROWS} "
            "rows for headers such as Ref, Risk, Description, Owner, Likelihood, Impact, Rating. Add a header row, "
            "or name the columns in a mapping file (--mapping).")
    table, header = max(usable, key=lambda th: (header_score(th[0].rows[th[1]]), len(th[0].rows) - th[1]))
    heading = [normalise(v) for v in table.rows[header]]
    joined = RawTable(table.source, table.where, [list(r) for r in table.rows], list(table.row_numbers),
                      set(table.merged), table.row_label, list(table.spans), list(table.around))
    for other, other_header in usable:
        if other is not table and [normalise(v) for v in other.rows[other_header]] == heading and \
                other.where.startswith("table"):
            offset = len(joined.rows)
            joined.rows += [list(r) for r in other.rows]
            joined.row_numbers += other.row_numbers
            joined.merged |= {(r + offset, c) for r, c in other.merged}
            joined.spans += [replace(s, row=s.row + offset) for s in other.spans]
            joined.around += other.around
    return joined, header


def _same_header(table: RawTable, header: int, other: RawTable, mapping: ImportMapping) -> bool:
    found = find_header(other, mapping)
    return found is not None and [normalise(v) for v in other.rows[found]] == \
        [normalise(v) for v in table.rows[header]]


# --- values ---------------------------------------------------------------------------------------------------

def name_from(description: str) -> str:
    """Return a risk name for a risk that has only a description: all of it when short, else its first sentence,
    else its first words."""
    text = " ".join(description.split())
    if len(text) <= NAME_LIMIT:
        return text
    sentence = text.split(". ")[0].split("\n")[0]
    if len(sentence) <= NAME_LIMIT:
        return sentence.rstrip(".")
    return text[:NAME_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def user_key(header: str) -> str:
    """Return the key a user's own column's values go under in a risk's values."""
    return f"{USER_COLUMN_PREFIX}{header}"


class _Planner:
    def __init__(self, table: RawTable, header: Header, columns: list[ColumnPlan], mapping: ImportMapping,
                 period: Period | None):
        self.table, self.header, self.columns, self.mapping = table, header, columns, mapping
        self.report: list[Entry] = []
        self.by_field = {c.field: c for c in columns
                         if c.field not in (None, KEEP, IGNORE, ASIDE, "quarter", "trends")}
        # (quarter, column) of each quarter column, oldest first
        self.quarters = sorted(((c.period, c) for c in columns if c.field == "quarter" and c.period is not None),
                               key=lambda pc: pc[0])
        self.kept = [c for c in columns if c.field == KEEP]
        self.trend_columns = [c for c in columns if c.field == "trends"]
        self.bands: list[Band] = list(mapping.bands)
        self.period = period
        self.mapped: dict[tuple[str, str], list] = {}
        self.heading_ratings: list[str] = []
        self.grouping = Grouping()
        self.markers: dict[int, set[str]] = {}  # row index -> footnote markers taken off its cells

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
        stripped = strip_footnote(text)
        if stripped != text and position is not None:
            marker = text[len(stripped):].strip()
            self.markers.setdefault(index, set()).add(marker)
            self.say("changed", index, position, text, f"footnote marker '{marker}' taken off")
        return stripped

    def footnotes(self, groups: Sequence[Group], risks: list[dict[str, object]]) -> list[str]:
        """Put each footnote row's text on the risks whose cells carry its marker, in a Footnotes column; return
        that column's header when any risk got one."""
        notes = [(i, self.table.rows[i]) for i, (kind, what) in sorted(self.grouping.kinds.items())
                 if kind == NOTE and what.startswith("footnote")]
        placed = False
        for index, row in notes:
            text = next((v for v in row if v), "")
            marker = FOOTNOTE_MARK.match(text)
            if not marker:
                continue
            concerned = [v for g, v in zip(groups, risks) if marker[1] in self.markers.get(g.first, set())]
            for values in concerned:
                key = user_key(FOOTNOTES)
                values[key] = "\n".join(filter(None, [str(values.get(key) or ""), text]))
            if concerned:
                placed = True
                ids = ", ".join(str(v["id"]) for v in concerned)
                self.say("footnote", index, None, text[:200], f"footnote of {ids}: in their {FOOTNOTES} column")
        return [FOOTNOTES] if placed else []

    # rows -> risks: decided in `rows` from the cells and their spans; said here
    def groups(self) -> list[Group]:
        positions = {key: plan.position for key, plan in self.by_field.items()}
        heading = [normalise(v) for v in self.table.rows[self.header.last] if v]
        used = {c.position for c in self.columns if c.field not in (None, IGNORE, ASIDE)}
        aside = {c.position for c in self.columns if c.field == ASIDE}
        self.grouping = grouping = group_rows(self.table, self.header.last, heading, positions, used, aside)
        self._regroup(grouping.group_columns)
        for index, (kind, what) in sorted(grouping.kinds.items()):
            row = self.table.rows[index]
            text = " | ".join(dict.fromkeys(v for v in row if v))[:200]
            if kind == NOTE and what == BESIDE:
                self._beside(index, aside)
            elif kind == NOTE:
                self.say("footnote" if what.startswith("footnote") else "skipped", index, None, text, what)
            elif kind in (RISK, CONTINUATION):
                self._beside(index, aside)
            elif kind == DROPPED:
                self.say("dropped", index, None, text, f"{what}: not imported; name its column in a mapping file")
            elif kind == HEADING:
                self._heading(index, what)
        for index in grouping.realigned:
            rating, at = self.cell(self.table.rows[index], "rating")
            self.say("realigned", index, None, "", f"one cell short (copied from a PDF or web page?): its cells moved "
                     f"one column right, so '{rating}' is read as the rating in column {column_letter((at or 0) + 1)}")
        for group in grouping.groups:
            if len(group.rows) > 1:
                numbers = self.table.row_numbers
                rows = (f"{self.table.row_label}s {numbers[group.rows[1]]}–{numbers[group.rows[-1]]}"
                        if len(group.rows) > 2 else f"{self.table.row_label} {numbers[group.rows[1]]}")
                self.say("continued", group.first, None, "", f"{plural(len(group.rows) - 1, 'more row')} ({rows}) "
                         "read as more of this risk (one line each in its columns)")
        self._say_merges()
        return grouping.groups

    def _beside(self, index: int, aside: set[int]) -> None:
        """Say each cell of row `index` to the right of the table (notes beside it), so none is lost."""
        row = self.table.rows[index]
        for position in sorted(aside):
            if position < len(row) and row[position]:
                self.say("note", index, position, row[position][:300], "text to the right of the table, beyond "
                         "its last header: kept on this sheet (name the column `keep` in a mapping file to make it "
                         "a column of the register)")

    def _heading(self, index: int, text: str) -> None:
        band = band_heading(text)
        if band:
            self.heading_ratings.append(band[0])
            if band[1] and not self.mapping.bands:
                self.bands.append(band[1])
            self.say("heading", index, None, text, f"band heading: the risks below are rated {band[0]}"
                     + (f"; scores {band[1].low}–{band[1].high}" if band[1] else ""))
        else:
            self.say("heading", index, None, text, "section heading: kept as the Portfolio/Department of "
                     "the risks below" if "portfolio" not in self.by_field else "section heading")

    def _regroup(self, group_columns: set[int]) -> None:
        """Move a name column merged down over several risks to Portfolio (a group value), the names to come
        from each risk's description."""
        for position in sorted(group_columns):
            plan = next((c for c in self.columns if c.position == position), None)
            if plan is None or plan.field != "name" or "description" not in self.by_field:
                continue
            target = next((f for f in GROUP_FIELDS if f not in self.by_field), None)
            new = replace(plan, field=target or KEEP, why=f"{plan.why}; merged down over several risks: a group")
            self.columns[self.columns.index(plan)] = new
            del self.by_field["name"]
            if target:
                self.by_field[target] = new
            else:
                self.kept.append(new)
            self.say("group", self.header.last, position, plan.header, "merged down over rows that are each a risk "
                     f"of their own: a group value, repeated on each risk as {new.action()}")

    def _say_merges(self) -> None:
        """Say each merged cell below the header: a group value once per cell, one risk's merged cells together."""
        numbers, label = self.table.row_numbers, self.table.row_label
        together: dict[tuple[int, int], list[int]] = {}  # (first row, rows) -> columns of one risk's merged cells
        for span in sorted(self.table.spans, key=lambda s: (s.row, s.column)):
            if span.row <= self.header.last or not span.down:
                continue
            rows = f"{label}s {numbers[span.row]}–{numbers[span.row + span.rows - 1]}"
            if span.column in self.grouping.group_columns:
                self.say("filled", span.row, span.column, self.table.rows[span.row][span.column][:60],
                         f"merged cell over {span.rows} rows ({rows}): a group value repeated on each risk")
            else:
                together.setdefault((span.row, span.rows), []).append(span.column)
        for (row, count), columns in together.items():
            rows = f"{label}s {numbers[row]}–{numbers[row + count - 1]}"
            letters = ", ".join(column_letter(c + 1) for c in columns)
            self.say("filled", row, None, "", f"{plural(len(columns), 'merged cell')} "
                     f"({plural(columns, 'column', with_count=False)} {letters}) over {count} rows ({rows}): one "
                     "risk's values")

    def plan(self) -> tuple[list[dict], list[str], list[dict], tuple[Period, ...], tuple[str, ...], dict]:
        groups = self.groups()
        if not groups:
            raise ImportSourceError(
                f"{self.table.place(self.header.last)}: the table has a header row but no risks under it. Check you "
                "picked the right sheet (--sheet) or file.")
        period = self._period()
        scale = self._scale(groups)
        bands = tuple(self.bands) or default_bands(scale)
        below = self.table.rows[self.header.last + 1:]
        quarter_scores = any(plan.position < len(row) and as_number(row[plan.position]) is not None
                             for _, plan in self.quarters for row in below)
        if not self.bands and (quarter_scores or self.by_field.keys() & {"score", "likelihood", "impact_score",
                                                                         "previous"}):
            self.say("note", None, None, "", "score bands: " + ", ".join(
                f"{b.low:g}–{b.high:g} {b.rating}" for b in bands) + f" (riskreg's default for a {scale}×{scale} "
                "matrix; give `bands` in a mapping file to use yours)")
        matrix = Matrix(scale)
        risks, history, user = [], [], [c.header for c in self.kept]
        used_ids = {self.cell(self.table.rows[g.first], "id")[0].rstrip(". ") for g in groups}
        generated = []
        number = 0
        for group in groups:
            values, row_history = self._risk(group, bands, period, matrix)
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
            self.say("generated", None, None, "", f"{plural(len(generated), 'risk')} had no "
                     f"ID: given {generated[0]}{'–' + generated[-1] if len(generated) > 1 else ''} "
                     "(change them in the workbook if you have references)")
        self._names(risks)
        user += self.footnotes(groups, risks)
        unrated = [str(values["id"]) for values in risks if not values.get("rating")]
        if unrated:
            shown = ", ".join(unrated[:UNRATED_SHOWN]) + (" …" if len(unrated) > UNRATED_SHOWN else "")
            self.say("no rating", None, None, shown, f"{plural(len(unrated), 'risk')} without "
                     "a rating: left blank; `riskreg validate` lists them until they are rated")
        history.sort(key=lambda h: (natural_key(str(h["risk_id"])), str(h["period"])))
        ratings = source_scale([str(v["rating"]) for v in risks if v.get("rating") and rating_word(str(v["rating"]))]
                               + [str(h["rating"]) for h in history if h.get("rating") and rating_word(h["rating"])]
                               + [b.rating for b in bands] * bool(self.bands) + self.heading_ratings)
        settings = self._settings(risks, period, scale)
        periods = tuple(period.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS)))
        return risks, user, history, periods, ratings, settings

    def _names(self, risks: list[dict[str, object]]) -> None:
        """Name the risks of a source with descriptions but no names, from the start of each description."""
        if "name" in self.by_field or "description" not in self.by_field:
            return
        named = 0
        for values in risks:
            description = str(values.get("description") or "")
            if description and not values.get("name"):
                values["name"] = name_from(description)
                named += 1
        if named:
            self.say("named", None, None, "", f"{plural(named, 'risk')} named from the start of "
                     "their description (the source has no risk name column): change the names as you wish")

    def _period(self) -> Period:
        newest = self.quarters[-1][0] if self.quarters else None
        if self.period is None and newest is None:
            raise PeriodError(f"{self.table.source}: give the reporting period with --period, e.g. "
                              "--period \"2024/25 Q4\": the table has no quarter columns to tell it.")
        if self.period is not None and newest is not None and newest > self.period:
            self.say("note", None, None, "", f"quarter columns run to {newest.label}, after the reporting period "
                     f"{self.period.label}; those after it are History only")
        return self.period or newest  # type: ignore[return-value]

    def _scale(self, groups: Sequence[Group]) -> int:
        highest = 0
        for group in groups:
            for row in (self.table.rows[i] for i in group.rows):
                for key in ("likelihood", "impact_score", *POSITION_AXES):
                    number = whole(self.cell(row, key)[0])
                    highest = max(highest, number or 0)
                scores = [self.cell(row, key)[0] for key in ("score", "previous")]
                scores += [row[plan.position] for _, plan in self.quarters if plan.position < len(row)]
                if any((as_number(score) or 0) > 16 for score in scores):  # a quarter column's score too
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
        number = as_number(text)
        if number is not None:
            word = band_of(number, bands)
            if word:
                self.say("mapped", index, position, text, f"score {text}: rated {word} by its band")
                return word
        self.say("not understood", index, position, text, "not a rating riskreg knows: kept as typed; add it to "
                 "the Ratings list or give the rating")
        return text

    # one risk: its fields, scores, rating, trend and own columns, each a step of its own
    def _risk(self, group: Group, bands: Sequence[Band], period: Period,
              matrix: Matrix) -> tuple[dict, list[dict]]:
        values = self._field_values(group)
        self._whole_numbers(group.first, values)
        self._depth_values(group.first, values)
        rating, score = self._rated(group, values, bands, matrix)
        self._trend(group.first, values)
        self._kept_values(group, values)
        history = self._history(group.first, str(values.get("id") or ""), rating, score, values, bands, period)
        this_quarter = next((h for h in history if h["period"] == period.label), None)
        if not rating and this_quarter and this_quarter.get("rating"):
            values["rating"] = this_quarter["rating"]  # the quarter column of the reporting period
        self._closed(group.first, values, history, period)
        return values, history

    def _field_values(self, group: Group) -> dict[str, object]:
        """Return the register fields of a risk: one value each, the text fields' rows joined one per line."""
        table, first = self.table, group.first
        values: dict[str, object] = {}
        for key in REGISTER_FIELDS + DEPTH_KEYS:
            plan = self.by_field.get(key)
            if plan is None:
                continue
            texts = [table.rows[i][plan.position] for i in group.rows if plan.position < len(table.rows[i])]
            texts = [t for n, t in enumerate(texts) if t and t not in texts[:n]]
            if len(texts) > 1 and key not in ("controls", "description", "impact"):
                self.say("conflict", first, plan.position, " / ".join(texts)[:200],
                         f"{len(texts)} different values in the rows of one risk; the first is kept")
                texts = texts[:1]
            elif len(texts) > 1:
                self.say("joined", first, plan.position, "", f"{len(texts)} rows of one risk joined, one per line")
            text = "\n".join(texts).replace(f"\n{GOES_ON}", " ")  # a paragraph a paper's appendix cut, whole again
            if key == "id":
                text = self.clean(first, plan.position, text).rstrip(". ")
            elif key in ("name", "category"):
                text = self.clean(first, plan.position, text)
            values[key] = text
        section = group.section
        if section.startswith("section:") and "portfolio" not in self.by_field:
            values["portfolio"] = section[8:]
        return values

    def _whole_numbers(self, first: int, values: dict[str, object]) -> None:
        for key in ("likelihood", "impact_score", *POSITION_AXES):
            if values.get(key):
                number = whole(str(values[key]))
                if number is None:
                    self.say("not understood", first, self.by_field[key].position, str(values[key]),
                             "not a score: kept as typed")
                else:
                    values[key] = number

    def _rated(self, group: Group, values: dict[str, object], bands: Sequence[Band],
               matrix: Matrix) -> tuple[str, float | None]:
        """Set the risk's rating from its rating cell, else its score's band, else its band heading."""
        row, first = self.table.rows[group.first], group.first
        rating_text, rating_pos = self.cell(row, "rating")
        score_text, score_pos = self.cell(row, "score")
        score = as_number(self.clean(first, score_pos, score_text)) if score_text else None
        if score is None:
            score = matrix.score(values.get("likelihood"), values.get("impact_score")) \
                if isinstance(values.get("likelihood"), int) and isinstance(values.get("impact_score"), int) else None
        if score is not None and score_text and self.by_field["score"].stage == "residual":
            values["residual_score"] = int(score) if float(score).is_integer() else score
        rating = self._rating(first, rating_pos, rating_text, bands) if rating_text else ""
        if not rating and score is not None:
            rating = band_of(score, bands) or ""
            if rating:
                self.say("mapped", first, score_pos, str(score_text or f"{score:g}"),
                         f"score {score:g}: rated {rating} by its band")
        if not rating and group.section.startswith("band:"):
            rating = group.section[5:]
        values["rating"] = rating
        return rating, score

    def _trend(self, first: int, values: dict[str, object]) -> None:
        row = self.table.rows[first]
        trend_text, trend_pos = self.cell(row, "trend")
        if trend_text:
            arrow = trend_arrow(self.clean(first, trend_pos, trend_text))
            if arrow and arrow != trend_text:
                self.say("mapped", first, trend_pos, trend_text, f"trend read as {arrow}")
            elif not arrow:
                self.say("not understood", first, trend_pos, trend_text, "not a trend riskreg knows: kept as typed")
            values[TREND_KEYS[-1]] = arrow or trend_text
        for key, plan in zip(TREND_KEYS, self.trend_columns):
            raw = row[plan.position] if plan.position < len(row) else ""
            # a riskreg board paper says each arrow's word beside it ("↗ Escalating"): the arrow is the trend
            values[key] = raw.split(" ", 1)[0] if raw[:1] in "↗→↘" and raw[1:2] == " " else raw

    def _kept_values(self, group: Group, values: dict[str, object]) -> None:
        """Set the user's own columns: one line per row of the risk (an action each), merged copies once."""
        table, first = self.table, group.first
        for plan in self.kept:
            texts = [table.rows[i][plan.position] for i in group.rows
                     if plan.position < len(table.rows[i]) and (i == first or (i, plan.position) not in table.merged)]
            if len([t for t in texts if t]) > 1:
                self.say("joined", first, plan.position, "", f"{len(group.rows)} rows of one risk: one line each")
            values[user_key(plan.header)] = "\n".join(texts).strip("\n")

    def _closed(self, first: int, values: dict[str, object], history: list[dict], period: Period) -> None:
        """Close a risk a quarter-column summary stops rating: rated in earlier quarters, blank in the latest."""
        if not self.quarters or values.get("status") or values.get("rating"):
            return
        rated = [q for q, _ in self.quarters if any(h["period"] == q.label and h.get("rating") for h in history)]
        later = [q for q, _ in self.quarters if rated and rated[-1] < q <= period]
        if not rated or not later:
            return
        left = later[0]
        last = next(h for h in reversed(history) if h["period"] == rated[-1].label)
        values["status"] = CLOSED
        values["rating"] = last["rating"]
        history.append({"risk_id": values.get("id") or "", "period": left.label, "rating": "",
                        "status": CLOSED, "source": "imported"})
        self.say("closed", first, None, str(values.get("id") or ""),
                 f"rated until {rated[-1].label} and blank from {left.label}: closed in {left.label} (Status and "
                 f"History); its last rating {last['rating']} kept")
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
        """Return a risk's History rows: its quarter columns, trend columns, last quarter's and this quarter's."""
        entries = self._quarter_entries(index, risk_id, bands)
        trend_periods = [period.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS))]
        for key, quarter in zip(TREND_KEYS, trend_periods) if self.trend_columns else ():
            trend = str(values.get(key) or "")
            if trend and trend != NOT_APPLICABLE and quarter not in entries:
                entries[quarter] = {"risk_id": risk_id, "period": quarter.label, "rating": "", "trend": trend,
                                    "source": "imported"}
        previous = self._scored_entry(index, "previous", risk_id, period.previous(), bands)
        if previous:
            entries.setdefault(period.previous(), previous)
        if rating or score is not None:
            _current(entries.setdefault(period, {"risk_id": risk_id, "period": period.label, "rating": rating,
                                                 "source": "imported"}), rating, score, values)
        return [entries[p] for p in sorted(entries)]

    def _quarter_entries(self, index: int, risk_id: str, bands: Sequence[Band]) -> dict[Period, dict]:
        row = self.table.rows[index]
        entries: dict[Period, dict] = {}
        for quarter, plan in self.quarters:
            text = row[plan.position] if plan.position < len(row) else ""
            if text and not is_no_rating(text):
                entries[quarter] = self._entry(index, plan.position, text, risk_id, quarter, bands)
        return entries

    def _scored_entry(self, index: int, key: str, risk_id: str, period: Period,
                      bands: Sequence[Band]) -> dict | None:
        text, position = self.cell(self.table.rows[index], key)
        if not text or is_no_rating(text):
            return None
        return self._entry(index, position, text, risk_id, period, bands)

    def _entry(self, index: int, position: int | None, text: str, risk_id: str, period: Period,
               bands: Sequence[Band]) -> dict:
        """Return the History row a rating or score cell gives for `period`."""
        entry: dict[str, object] = {"risk_id": risk_id, "period": period.label,
                                    "rating": self._rating(index, position, text, bands), "source": "imported"}
        if as_number(text) is not None:
            entry["score"] = as_number(text)
        return entry

    def _settings(self, risks: list[dict], period: Period, scale: int) -> dict:
        settings: dict[str, object] = {"period": period.label, "score_scale": scale, "organisation": "",
                                       "author": "", "contact": "", "committee": ""}
        title = ""
        for index in range(self.header.first):  # text above the table: the title, adoption and review dates
            texts = list(dict.fromkeys(v for v in self.table.rows[index] if v))
            if not texts:
                continue
            text = " | ".join(texts)
            if not title and not is_furniture(texts) and len(text) <= TITLE_LIMIT:
                title = text
                settings["title"] = title
                self.say("note", index, None, title, "title above the header row: used as the register title")
            else:
                self.say("note", index, None, text[:300], "text above the table: kept on this sheet")
        ids = [str(r["id"]) for r in risks]
        settings["id_pattern"] = self.mapping.id_pattern or id_pattern(ids)
        return settings

    def reconciliation(self) -> str:
        """Return 'N source rows: R risks, C continuation rows, H headings, F footnotes/notes, D dropped'."""
        kinds = self.grouping
        above = sum(1 for i in range(self.header.first) if any(self.table.rows[i]))
        notes = kinds.count(NOTE) + above
        total = len(kinds.kinds) + above
        return (f"{plural(total, 'source row')}: {plural(kinds.count(RISK), 'risk')}, "
                f"{plural(kinds.count(CONTINUATION), 'continuation row')}, {plural(kinds.count(HEADING), 'heading')}, "
                f"{notes:,} footnotes/notes, {kinds.count(DROPPED):,} dropped")

    def layout(self) -> list[str]:
        """Return the dry run's lines on the header rows, merged cells and groups."""
        numbers, label = self.table.row_numbers, self.table.row_label
        header = self.header
        lines = [f"Header: {label}s {numbers[header.first]}–{numbers[header.last]} (group headers over sub-headers)"
                 if header.two_rows else f"Header: {label} {numbers[header.first]}"]
        spans = sorted(self.table.spans, key=lambda s: (s.row, s.column))
        for span in spans[:LAYOUT_SPANS]:
            lines.append(f"Merged {_span_range(span, numbers)} {self.table.rows[span.row][span.column][:40]!r}: "
                         f"{self._span_meaning(span)}")
        if len(spans) > LAYOUT_SPANS:
            lines.append(f"… and {plural(len(spans) - LAYOUT_SPANS, 'more merged cell')}")
        return lines

    def _span_meaning(self, span: Span) -> str:
        if span.row < self.header.first:
            return "text above the table"
        if span.row <= self.header.last:
            return "group header" if span.across and self.header.two_rows else "header cell"
        kind = self.grouping.kinds.get(span.row, ("", ""))[0]
        if kind == HEADING:
            return "heading"
        if kind == NOTE:
            return "footnote or note"
        if span.column in self.grouping.group_columns:
            return f"group value over {plural(span.rows, 'risk')}"
        return f"one risk over {plural(span.rows, 'row')}" if span.down else "one value"


def _current(entry: dict, rating: str, score: float | None, values: Mapping) -> None:
    """Complete this quarter's History row from the risk's rating, likelihood, impact, score and trend."""
    entry["rating"] = entry.get("rating") or rating
    for key, source in (("likelihood", "likelihood"), ("impact", "impact_score")):
        if isinstance(values.get(source), int):
            entry[key] = values[source]
    if score is not None and "score" not in entry:
        entry["score"] = score
    if values.get(TREND_KEYS[-1]) and values[TREND_KEYS[-1]] != NOT_APPLICABLE:
        entry["trend"] = values[TREND_KEYS[-1]]


def _span_range(span: Span, numbers: Sequence[int]) -> str:
    top = f"{column_letter(span.column + 1)}{numbers[span.row]}"
    bottom = f"{column_letter(span.column + span.columns)}{numbers[span.row + span.rows - 1]}"
    return top if top == bottom else f"{top}:{bottom}"


def _unread(tables: Sequence[RawTable], table: RawTable, header: int, mapping: ImportMapping) -> list[str]:
    """Return the sheets or Word tables not imported: all but the register's (and the tables that continue it)."""
    return [t.where for t in tables if t.where and t.where != table.where and
            not (t.where.startswith("table") and table.where.startswith("table") and
                 _same_header(table, header, t, mapping))]


def _unclashed(risks: list[dict[str, object]], user: list[str]) -> list[str]:
    """Return the user's column headers with those the register has already renamed '… (imported)'."""
    taken = {c.header.lower() for c in COLUMNS + DEPTH_COLUMNS}
    renamed = {h: f"{h} (imported)" for h in user if h.lower() in taken or TREND_HEADER_PATTERN.match(h)}
    for values in risks if renamed else ():
        for old, new in renamed.items():
            values[user_key(new)] = values.pop(user_key(old), "")
    return [renamed.get(h, h) for h in user]


def plan_import(tables: Sequence[RawTable], period: Period | None, mapping: ImportMapping | None = None) -> Plan:
    """Return the plan of importing the register held in `tables` (the one with the best header)."""
    mapping = mapping or ImportMapping()
    table, found = choose_table(tables, mapping)
    header = read_header(table, found)
    notes: list[tuple[int | None, str, str]] = []
    columns = plan_columns(table, header, mapping, notes)
    planner = _Planner(table, header, columns, mapping, period)
    for position, value, what in notes:
        planner.say("renamed" if "renamed" in what else "note", header.last, position, value, what)
    risks, user, history, periods, ratings, settings = planner.plan()
    planner.mapped_summary()
    unread = _unread(tables, table, found, mapping)
    if unread and mapping.table is None:
        planner.say("not read", None, None, "", f"{', '.join(unread)} not imported: only the register's table is "
                    "read; give --sheet to import another")
    for plan in planner.columns:
        if plan.field == KEEP:
            planner.say("kept", header.last, plan.position, plan.header,
                        f"no register column for it ({plan.why}): kept as your own column")
        elif plan.field in DEPTH_KEYS or plan.stage == "residual":
            planner.say("mapped", header.last, plan.position, plan.header, f"in-depth column {plan.action()}")
    lists = planner.categories(risks)
    user = _unclashed(risks, [c.header for c in planner.kept] + [h for h in user if h == FOOTNOTES])
    for where, text in table.around:
        planner.say("note", None, None, text[:300], f"text {where} the table in the document: kept on this sheet")
    planner.report.append(Entry("rows", table.source, "", planner.reconciliation()))
    return Plan(table.source, table.where, table.row_numbers[header.first], planner.columns, risks, user, history,
                settings, ratings, periods, planner.report, lists, planner.layout())
