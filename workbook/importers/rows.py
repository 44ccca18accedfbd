"""Row grouping for imports: what each source row is (a risk, more of one, a heading, a note) and which rows make
one risk, decided from the cells and their spans (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field

from workbook.importers.cleaning import is_footnote, is_furniture
from workbook.importers.columns import normalise
from workbook.importers.ratings import band_heading, is_no_rating, rating_word
from workbook.importers.table import RawTable

# The fields that make a row a risk of its own when it has its own (not merged) value in one of them.
IDENTITY_FIELDS = ("id", "name", "description")
RISK = "risk"
CONTINUATION = "continuation"
CONTINUED = " (continued)"  # the name a riskreg board paper gives an appendix row's further pieces
GOES_ON = "\u2026 "  # how such a piece starts the rest of a paragraph cut at the end of the piece above
HEADING = "heading"
NOTE = "note"  # repeated header, page furniture, footnote, text around the table
DROPPED = "dropped"
BESIDE = "text to the right of the table, beyond its last header: kept on the Import report sheet"
KINDS = (RISK, CONTINUATION, HEADING, NOTE, DROPPED)


@dataclass(frozen=True)
class Group:
    """The rows of one risk: its first row, all its rows, and the heading above it ('band:High', 'section:X')."""

    first: int
    rows: tuple[int, ...]
    section: str = ""


@dataclass
class Grouping:
    """What every source row became: the risks' row groups, and each row's kind with why."""

    groups: list[Group] = field(default_factory=list)
    kinds: dict[int, tuple[str, str]] = field(default_factory=dict)  # row index -> (kind, what)
    group_columns: set[int] = field(default_factory=set)  # columns merged down over several risks
    realigned: list[int] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.kinds.values() if k == kind)


def row_kind(row: Sequence[str], heading: Sequence[str], copies: set[int], width: int, has_more_risks: bool) -> str:
    """Return what a row under the header is: blank, header (repeated), furniture, footnote, heading or risk.

    `heading` is the header row's non-empty cells, normalised; `copies` the columns whose text was copied from a
    merged cell; a heading row has one text (one cell, or one cell spanning the table)."""
    if not any(row):
        return "blank"
    filled = [v for v in row if v]
    if len(filled) == len(heading) and [normalise(v) for v in filled] == list(heading):
        return "header"
    if is_furniture(row):
        return "furniture"
    own = [v for i, v in enumerate(row) if v and i not in copies]
    first_at = next(i for i, v in enumerate(row) if v)
    if len(set(filled)) == 1 and len(own) <= 1 and width > 2 and (first_at == 0 or copies):
        text = filled[0]
        if band_heading(text):
            return HEADING
        if is_footnote(text) or not has_more_risks:
            return "footnote"
        return HEADING
    return RISK


def group_columns(table: RawTable, start: int, positions: Mapping[str, int]) -> set[int]:
    """Return the columns holding a cell merged down over rows that each have their own ID, name or description:
    a group value (a topic, a portfolio) repeated on each risk, never a reason to join the rows."""
    identity = {positions[f] for f in IDENTITY_FIELDS if f in positions}
    found: set[int] = set()
    for span in table.spans:
        if not span.down or span.row < start:
            continue
        rows = range(span.row + 1, span.row + span.rows)
        others = identity - set(range(span.column, span.column + span.columns))
        if positions.get("id") in range(span.column, span.column + span.columns):
            continue  # a merged ID spans the rows of one risk
        if any(any(c < len(table.rows[r]) and table.rows[r][c] and (r, c) not in table.merged for c in others)
               for r in rows):
            found |= set(range(span.column, span.column + span.columns))
    return found


def realign(row: list[str], rating_at: int | None) -> list[str] | None:
    """Return `row` moved one cell right when it arrived one cell short (copied from a PDF or web page, its merged
    first cell lost): the rating column holds text, a known rating sits one column early, and the last cell is
    empty. None when the row is as drawn."""
    if rating_at is None or rating_at < 1 or rating_at >= len(row) or row[-1]:
        return None
    here, early = row[rating_at], row[rating_at - 1]
    if rating_word(early) and here and not rating_word(here) and not is_no_rating(here):
        return ["", *row[:-1]]
    return None


def group_rows(table: RawTable, header_last: int, heading: Sequence[str], positions: Mapping[str, int],
               used: set[int], aside: Set[int] = frozenset()) -> Grouping:
    """Return every row below the header as a risk's rows, a heading or a note: a row continues the risk above
    when none of its ID, name and description is its own (each empty, or copied from a merged cell of that risk)."""
    result = Grouping(group_columns=group_columns(table, header_last + 1, positions))
    width = table.width()
    copies_by_row: dict[int, set[int]] = {}
    for r, c in table.merged:
        copies_by_row.setdefault(r, set()).add(c)
    last_risk_row = max((i for i in range(header_last + 1, len(table.rows))
                         if len({v for v in table.rows[i] if v}) > 1), default=-1)
    section = ""
    for index in range(header_last + 1, len(table.rows)):
        row = table.rows[index]
        copies = copies_by_row.get(index, set())
        kind = row_kind(row, heading, copies, width, index < last_risk_row)
        if kind == "blank":
            continue
        if kind in ("header", "furniture", "footnote"):
            what = {"header": "repeated header row", "furniture": "page furniture (page number, date, file name)",
                    "footnote": "footnote: kept on the Import report sheet"}[kind]
            result.kinds[index] = (NOTE, what)
            continue
        if kind == HEADING:
            text = next(v for v in row if v)
            band = band_heading(text)
            section = f"band:{band[0]}" if band else f"section:{text}"
            result.kinds[index] = (HEADING, text)
            continue
        if not any(row[c] for c in used if c < len(row)) and any(row[c] for c in aside if c < len(row)):
            result.kinds[index] = (NOTE, BESIDE)
            continue
        if not any(row[c] for c in used if c < len(row)):
            result.kinds[index] = (DROPPED, "its text is only in columns the import leaves out")
            continue
        fixed = realign(list(row), positions.get("rating"))
        if fixed is not None:
            table.rows[index] = row = fixed
            result.realigned.append(index)
        if result.groups and _continues(row, copies - result.group_columns, positions):
            previous = result.groups[-1]
            result.groups[-1] = Group(previous.first, (*previous.rows, index), previous.section)
            result.kinds[index] = (CONTINUATION, table.place(previous.first))
            continue
        result.groups.append(Group(index, (index,), section))
        result.kinds[index] = (RISK, "")
    return result


def _continues(row: Sequence[str], copies: set[int], positions: Mapping[str, int]) -> bool:
    """Return whether `row` carries more of the risk above (an action of its own) rather than a new risk."""
    def own(key: str) -> str:
        at = positions.get(key)
        return row[at] if at is not None and at < len(row) and at not in copies else ""

    def text(key: str) -> str:
        at = positions.get(key)
        return row[at] if at is not None and at < len(row) else ""

    if text("name").endswith(CONTINUED):  # a riskreg board paper's appendix row continued in pieces
        return True
    if text("id"):
        return positions["id"] in copies  # a merged ID spans the rows of one risk; an ID of its own starts one
    return not (own("name") or own("description"))
