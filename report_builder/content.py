"""What the board paper says, worked out from the register: sections, tables, movements (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from report_builder import attention, depth_content
from report_builder.dates import date_text, setting_text
from workbook.core.changes import RiskChanges, changes_since_last, stale_controls
from workbook.core.errors import RegisterFormatError
from workbook.core.findings import quoted
from workbook.core.ids import natural_key
from workbook.core.model import Register, Risk, address, as_text
from workbook.core.ratings import NOT_RATED, rating_scale, severity
from workbook.core.record_text import QUARTER_KEY
from workbook.core.renames import risk_now
from workbook.core.rollover import CLOSED_WITH_ERRORS_FIELD
from workbook.core.schema import (COLUMN_BY_KEY, DEESCALATING, DEPTH_COLUMNS, ESCALATING, OPTIONAL_COLUMNS, RATINGS,
                                  SETTING_BY_KEY, SETTINGS_SHEET, TRENDS, UNCHANGED, Rating)
from workbook.core.trends import Movement, entry_periods
from workbook.core.values import as_date, matrix_cell, score_scale
from workbook.core.words import number_text, plural

BULLET = "• "
ARROWS = (ESCALATING, UNCHANGED, DEESCALATING)
PAPER_MARKER = "riskreg:board-paper"

# The movement kinds in the order the committee reads them, with their labels.
MOVEMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("new", "New"),
    ("escalated", "Escalated"),
    ("de-escalated", "De-escalated"),
    ("unchanged", "Unchanged"),
    ("closed", "Closed"),
)

@dataclass(frozen=True)
class Para:
    """One paragraph of a cell's text; `bullet` marks a list item."""

    text: str
    bullet: bool = False


Text = tuple[Para, ...]


def paragraphs(text: str) -> Text:
    """Return `text` as paragraphs: one per line, lines starting with '• ' as list items."""
    mark = BULLET.strip()
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")] if "\n" in text else [text.strip()]
    return tuple(Para(line[len(mark):].strip(), bullet=True) if line.startswith(mark) else Para(line)
                 for line in lines if line)


@dataclass(frozen=True)
class Distribution:
    """How many risks held each rating in one period."""

    period: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Provenance:
    """Which register file the paper came from."""

    file_name: str
    modified: dt.datetime
    sha256: str  # full hex digest of the file's bytes

    @property
    def short_sha(self) -> str:
        return self.sha256[:12]

    @property
    def modified_text(self) -> str:
        moment = self.modified.astimezone(dt.timezone.utc) if self.modified.tzinfo else self.modified
        return moment.strftime("%d %B %Y %H:%M UTC").lstrip("0")

    @property
    def sentence(self) -> str:
        return (f"Built from register file {self.file_name}, last modified {self.modified_text}, "
                f"SHA-256 {self.short_sha}.")


@dataclass(frozen=True)
class TitleBlock:
    organisation: str
    committee: str
    meeting_date: str
    agenda_item: str
    title: str
    register_title: str
    period: str
    period_long: str
    report_of: str
    author: str
    marking: str
    reviewing_body: str = ""  # Settings: Reviewed by; empty leaves the paper's sentence about it out
    framework: str = ""  # Settings: Risk framework; empty leaves it out


@dataclass(frozen=True)
class RatingRow:
    rating: str
    fill: str
    font: str
    counts: tuple[int, ...]  # one per period of PaperContent.rating_periods


# A row's risks are named while the list is short: at hundreds the row would run to pages of names, and the
# appendix lists every open risk with its trend arrows. Closed risks are always named (the appendix has no row for
# them).
UNCHANGED_NAMED_UP_TO = 20


@dataclass(frozen=True)
class MovementRow:
    kind: str
    label: str
    risks: tuple[str, ...]  # "CRR05 Demand Management"

    @property
    def count(self) -> int:
        return len(self.risks)

    @property
    def which(self) -> str:
        """The row's 'Which risks' cell: the risks named, or what stands for a long list of open ones."""
        if self.kind == "unchanged" and self.count > UNCHANGED_NAMED_UP_TO:
            return "Every other open risk (each is in the appendix)"
        if self.kind != "closed" and self.count > UNCHANGED_NAMED_UP_TO:
            return "Each is in the appendix, with its trend arrows"
        return "; ".join(self.risks) or "None"


@dataclass(frozen=True)
class HeatPoint:
    """A risk on the likelihood × impact matrix; `before` is last period's cell when known."""

    risk_id: str
    after: tuple[int, int]  # (likelihood, impact)
    before: tuple[int, int] | None = None


@dataclass(frozen=True)
class AttentionItem:
    risk_id: str
    name: str
    rating: str
    reasons: tuple[str, ...]  # "Critical rating", "New this quarter", "Escalating this quarter"
    sections: tuple[tuple[str, Text], ...]  # (column header, text): description, impact, controls
    details: tuple[str, ...] = ()  # positions and proximity, when the register records them
    actions: tuple[str, ...] = ()  # its actions overdue or due next quarter

    @property
    def heading(self) -> str:
        return f"{self.risk_id} {self.name}"


@dataclass(frozen=True)
class AppendixColumn:
    key: str
    header: str
    kind: str


@dataclass(frozen=True)
class AppendixRow:
    risk_id: str
    rating: str
    cells: tuple[Text, ...]  # one per appendix column
    fill: str = ""  # the rating's colours on the register's scale; empty when the rating is not on it
    font: str = ""


@dataclass(frozen=True)
class PaperContent:
    """Everything the board paper says, in reading order; the renderer adds only layout."""

    title_block: TitleBlock
    risk_count: int
    rating_periods: tuple[str, ...]
    rating_rows: tuple[RatingRow, ...]
    movement_rows: tuple[MovementRow, ...]
    movement_sentences: tuple[str, ...]
    distribution: tuple[Distribution, ...]
    heat_points: tuple[HeatPoint, ...]
    score_scale: int
    trend_key: tuple[tuple[str, str], ...]
    attention: tuple[AttentionItem, ...]
    appendix_columns: tuple[AppendixColumn, ...]
    appendix_rows: tuple[AppendixRow, ...]
    provenance: Provenance | None
    data_quality: tuple[str, ...] = ()  # lines of the note shown when a paper is forced past errors
    identifier: str = field(default="")
    uncounted: tuple[str, ...] = ()  # open risks whose rating is blank or not on the scale: counted as Not rated
    changes: tuple[RiskChanges, ...] = ()  # what changed since the last paper (the closed quarter), per risk
    changes_since: str = ""  # that quarter's label; empty when History has no earlier quarter
    stale: tuple[str, ...] = ()  # "CRR02 Demand: controls unchanged since 2021/22 Q4."

    @property
    def rating_total(self) -> int:
        """The rating table's total for this period: equal to `risk_count` when every open risk is counted."""
        return sum(row.counts[-1] for row in self.rating_rows if row.counts)

    def scale(self) -> tuple[Rating, ...]:
        """Return the register's rating scale as the rating table has it, most severe first."""
        return tuple(Rating(row.rating, len(self.rating_rows) - i, row.fill, row.font)
                     for i, row in enumerate(self.rating_rows))

    def rating_counts_text(self) -> str:
        """Return '1 Critical, 13 High, 4 Medium and 0 Low': this period's counts on the register's scale."""
        parts = [f"{number_text(row.counts[-1] if row.counts else 0)} {row.rating}" for row in self.rating_rows]
        return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)
    # Risk management in depth, when the register has an Appetite or Actions sheet (report_builder/depth_content.py).
    appetite_rows: tuple[depth_content.AppetiteRow, ...] = ()
    action_rows: tuple[depth_content.ActionRow, ...] = ()
    has_appetite: bool = False
    has_actions: bool = False
    # above depth_content.NAMED_UP_TO rows, those tables counted instead (the total: every open risk)
    appetite_counted: depth_content.CountedTable | None = None
    actions_counted: depth_content.CountedTable | None = None
    position_rows: tuple[depth_content.PositionRow, ...] = ()  # on request (`riskreg paper --positions`)
    movement_points: tuple[depth_content.MovementPoint, ...] = ()  # with the positions: the movement grid
    cell_ratings: tuple[tuple[tuple[int, int], Rating | None], ...] = ()  # each cell's Matrix sheet band, if any
    heat_map_note: str = ""  # how many risks on the heat map are rated other than their cell's band, and why
    exempt_note: str = ""  # how many risks are in the exempt appendix, under which Schedule 12A paragraphs

    def placeholders(self) -> dict[str, str | int]:
        """Return the values of the template's text placeholders: counts as numbers, text as text ('' when empty)."""
        counts = {row.kind: row.count for row in self.movement_rows}
        current = {row.rating: (row.counts[-1] if row.counts else 0) for row in self.rating_rows}
        values = {name: getattr(self.title_block, name) for name in TitleBlock.__dataclass_fields__}
        names = [row.rating for row in self.rating_rows if row.rating != NOT_RATED.name]
        values.update({
            "risk_count": self.risk_count,
            "attention_count": len(self.attention),
            "attention_in_full": attention.in_full(self.attention),  # else section 5 counts them (attention.py)
            **{f"{r.name.lower()}_count": current.get(r.name, 0) for r in RATINGS},
            **{f"{'_'.join(name.lower().split())}_count": count for name, count in current.items()},
            "rating_counts": self.rating_counts_text(),
            "rating_bands": " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names),
            "most_severe": names[0] if names else "",
            "has_appetite": self.has_appetite,
            **{f"{kind.replace('-', '')}_count": counts.get(kind, 0) for kind, _ in MOVEMENT_KINDS},
            "source_file": self.provenance.file_name if self.provenance else "",
            "source_modified": self.provenance.modified_text if self.provenance else "",
            "source_sha256": self.provenance.short_sha if self.provenance else "",
        })
        return values


def appendix_order(risks: Iterable[Risk], scale: Sequence[Rating] = RATINGS) -> list[Risk]:
    """Return `risks` as the committee reads them: most severe rating first, then by ID."""
    return sorted(risks, key=lambda r: (-severity(r.rating, scale), natural_key(r.id)))


def title_block(register: Register) -> TitleBlock:
    """Return the title block fields from the register's Settings."""
    setting = lambda key: setting_text(register.setting(key))  # noqa: E731
    period = register.period
    return TitleBlock(
        organisation=setting("organisation"),
        committee=setting("committee"),
        meeting_date=date_text(register.setting("meeting_date")),
        agenda_item=setting("agenda_item"),
        title=f"{without_organisation(setting('title'), setting('organisation'))} – {period.long_label}",
        register_title=without_organisation(setting("title"), setting("organisation")),
        period=period.label,
        period_long=period.long_label,
        report_of=setting("author"),
        author=setting("contact"),
        marking=setting("marking").upper(),
        reviewing_body=setting("reviewing_body"),
        framework=setting("framework"),
    )


SEPARATORS = " -–—:|,"


def without_organisation(title: str, organisation: str) -> str:
    """Return the register title without the organisation it starts with ("West Midlands Police - Corporate Risk
    Register" → "Corporate Risk Register"): the paper prints the organisation above the title once."""
    if organisation and title.casefold().startswith(organisation.casefold()):
        rest = title[len(organisation):]
        if rest[:1] in SEPARATORS and rest.strip(SEPARATORS):
            return rest.lstrip(SEPARATORS)
    return title


def rating_table(open_risks: Sequence[Risk], distribution: Sequence[Distribution], period: str,
                 scale: Sequence[Rating] = RATINGS) -> tuple[tuple[str, ...], tuple[RatingRow, ...]]:
    """Return the periods shown and one row per band of `scale`: counts over the periods, this period's last."""
    earlier = [d for d in distribution if d.period != period]
    periods = tuple(d.period for d in earlier) + (period,)
    current = {r.name: sum(1 for risk in open_risks if risk.rating == r.name) for r in scale}
    rows = tuple(
        RatingRow(r.name, r.fill, r.font,
                  tuple(int(d.counts.get(r.name, 0)) for d in earlier) + (current[r.name],))
        for r in scale)
    names = set(current)
    unrated = tuple(sum(int(n) for name, n in d.counts.items() if name not in names) for d in earlier) + (
        len(open_risks) - sum(current.values()),)
    if any(unrated):  # a blank rating, or one the Lists do not hold: counted, never shown as a band
        rows += (RatingRow(NOT_RATED.name, NOT_RATED.fill, NOT_RATED.font, unrated),)
    return periods, rows


def movement_rows(movements: Sequence[Movement]) -> tuple[MovementRow, ...]:
    """Return one row per movement kind, naming its risks in ID order."""
    rows = []
    for kind, label in MOVEMENT_KINDS:
        told = sorted(((m.risk_id, named(m.risk_id, m.name)) for m in movements if m.kind == kind),
                      key=lambda t: natural_key(t[0]))
        rows.append(MovementRow(kind, label, tuple(text for _, text in told)))
    return tuple(rows)


# Above this many sentences the summary groups them by rating and movement, with counts; the appendix names each.
SENTENCES_NAMED_UP_TO = 20
TREND_WORDS = {t.symbol: t.word.capitalize() for t in TRENDS}
MOVEMENT_LEAD = ("The table counts each risk by its trend arrow this quarter (↗ Escalated, → Unchanged, ↘ "
                 "De-escalated); the risks below changed arrow since last quarter.")


def trend_text(symbol: str) -> str:
    """Return an arrow with its meaning in words, for a reader who cannot see it: '↗ Escalating'."""
    return f"{symbol} {TREND_WORDS[symbol]}" if symbol in TREND_WORDS and symbol in ARROWS else symbol


def movement_sentences(movements: Sequence[Movement], ratings: Mapping[str, str] | None = None,
                       scale: Sequence[Rating] = RATINGS) -> tuple[str, ...]:
    """Return a sentence for each risk closed or whose trend arrow changed, in ID order, told as the movement
    table counts it (by this quarter's arrow); above SENTENCES_NAMED_UP_TO, one per rating and movement with its
    count. `ratings` gives each open risk's rating for the grouping."""
    closed = sorted((m for m in movements if m.kind == "closed"), key=lambda m: natural_key(m.risk_id))
    moved = sorted((m for m in movements if m.kind != "closed" and m.before in ARROWS and m.after in ARROWS
                    and m.before != m.after), key=lambda m: natural_key(m.risk_id))
    if len(closed) + len(moved) > SENTENCES_NAMED_UP_TO:
        return grouped_movement_sentences(moved, closed, ratings or {}, scale)
    sentences = []
    for m in sorted((*closed, *moved), key=lambda m: natural_key(m.risk_id)):
        who = named(m.risk_id, m.name)
        if m.kind == "closed" and m.removed:
            sentences.append(f"{who} was removed from the register this quarter without being closed.")
        elif m.kind == "closed":
            sentences.append(f"{who} was closed this quarter.")
        else:
            sentences.append(f"{who} is {trend_text(m.after)} this quarter, after {trend_text(m.before)} last quarter.")
    return tuple(sentences)


def renamed_sentences(register: Register) -> tuple[str, ...]:
    """Return 'CRR05 is now CRR05A.' for each risk renamed this quarter: said once, in that quarter's paper."""
    from workbook.core.renames import renamed_in

    return tuple(f"{r.old} is now {r.new}." for r in renamed_in(register, register.period))


def escalated_sentences(register: Register) -> tuple[str, ...]:
    """Return where each risk moved between registers this quarter went, or came from: said once, in its paper."""
    from workbook.core.escalation import escalation_sentences

    return escalation_sentences(register)


def grouped_movement_sentences(moved: Sequence[Movement], closed: Sequence[Movement],
                               ratings: Mapping[str, str], scale: Sequence[Rating] = RATINGS) -> tuple[str, ...]:
    """Return one sentence per rating and change of arrow, most severe rating first, with its count."""
    groups: dict[tuple[str, str, str], int] = {}
    names = {r.name for r in scale}
    for m in moved:
        rating = ratings.get(m.risk_id, "")
        key = (rating if rating in names else NOT_RATED.name, m.after, m.before)
        groups[key] = groups.get(key, 0) + 1
    sentences = []
    for (rating, after, before), count in sorted(groups.items(), key=lambda kv: (
            -severity(kv[0][0], scale), ARROWS.index(kv[0][1]), ARROWS.index(kv[0][2]))):
        sentences.append(f"{plural(count, f'{rating} risk')} {'is' if count == 1 else 'are'} {trend_text(after)} "
                         f"this quarter, after {trend_text(before)} last quarter.")
    shut = [m for m in closed if not m.removed]
    gone = [m for m in closed if m.removed]
    if shut:
        sentences.append(f"{plural(shut, 'risk')} {'was' if len(shut) == 1 else 'were'} closed this quarter.")
    if gone:
        sentences.append(f"{plural(gone, 'risk')} {'was' if len(gone) == 1 else 'were'} removed from the register "
                         "this quarter without being closed.")
    return tuple(sentences) + ("The appendix lists every open risk with its trend arrows.",)


def heat_map_note(register: Register, points: Sequence[HeatPoint]) -> str:
    """Return the note under the heat map when risks on it are rated other than the band their cell is shaded
    (the heat map shades by the matrix, the rating table counts the ratings): how many, and why; '' when none."""
    from workbook.core.matrix import matrix_of, off_band

    off = off_band(register) if points else ()
    if not off:
        return ""
    on = matrix_of(register)
    why = ("their ratings are not the bands the Matrix sheet gives their scores" if on.defined else
           "the register has no Matrix sheet, so the cells are shaded by default bands (" +
           ", ".join(f"{name} from score {lowest:g}" for name, lowest in on.bands) + ")")
    return (f"{number_text(len(off))} of the {plural(points, 'risk')} on the heat map "
            f"{'is' if len(off) == 1 else 'are'} rated other than the band of {'its' if len(off) == 1 else 'their'} "
            f"cell: {why}. The rating table and the chart count the risks' own ratings.")


def heat_points(register: Register, open_risks: Sequence[Risk]) -> tuple[HeatPoint, ...]:
    """Return each scored risk's matrix cell now and, from History, last period's."""
    if not (register.has_column("likelihood") and register.has_column("impact_score")):
        return ()
    scale, previous = score_scale(register), register.period.previous()
    before = {risk_now(register, e.risk_id, period): matrix_cell(e.likelihood, e.impact, scale)
              for e, period in zip(register.history, entry_periods(register)) if period == previous}
    points = []
    for risk in sorted(open_risks, key=lambda r: natural_key(r.id)):
        now = matrix_cell(risk.values.get("likelihood"), risk.values.get("impact_score"), scale)
        if now is not None:
            points.append(HeatPoint(risk.id, now, before.get(risk.id)))
    return tuple(points)


ATTENTION_KEYS = ("description", "impact", "controls")


def attention_items(register: Register, open_risks: Sequence[Risk],
                    movements: Sequence[Movement]) -> tuple[AttentionItem, ...]:
    """Return every risk in the most severe band, new, escalated or outside appetite, most severe first, with its
    full text."""
    kinds = {m.risk_id: m.kind for m in movements}
    scale = rating_scale(register)
    outside = depth_content.outside_appetite_ids(register)
    items = []
    for risk in appendix_order(open_risks, scale):
        reasons = tuple(reason for reason, applies in (
            (f"{risk.rating} rating", bool(scale) and risk.rating == scale[0].name),
            ("New this quarter", kinds.get(risk.id) == "new"),
            ("Escalating this quarter", kinds.get(risk.id) == "escalated"),
            (depth_content.OUTSIDE_APPETITE, risk.id in outside),
        ) if applies)
        if reasons:
            items.append(AttentionItem(risk.id, risk.name, risk.rating, reasons, tuple(
                (register.header_of(key), paragraphs(risk.text(key))) for key in ATTENTION_KEYS),
                depth_content.risk_details(register, risk), depth_content.risk_actions(register, risk)))
    return tuple(items)


# Columns the paper leaves out of the appendix: every risk there is open.
APPENDIX_SKIP = ("status",)
NO_COLUMNS = "none"


def chosen_optional_columns(register: Register) -> tuple[str, ...]:
    """Return the keys of the optional columns Settings asks the appendix to show; raise naming a bad name."""
    text = as_text(register.setting("appendix_columns")).strip()
    if text.lower() == NO_COLUMNS:
        return ()
    known = {}
    for column in OPTIONAL_COLUMNS + DEPTH_COLUMNS:  # Proximity too, when Settings asks for it
        if column.key not in APPENDIX_SKIP:  # every column validate accepts, the in-depth ones included
            known[column.header.lower()] = known[register.header_of(column.key).lower()] = column.key
    keys = []
    for name in filter(None, (part.strip() for part in text.split(","))):
        if name.lower() not in known:
            cell = address(SETTINGS_SHEET, register.settings_rows.get("appendix_columns", 1), 2)
            choices = ", ".join(c.header for c in OPTIONAL_COLUMNS + DEPTH_COLUMNS if c.key not in APPENDIX_SKIP)
            raise RegisterFormatError(
                f"{register.source or 'register'}: {cell} ({SETTING_BY_KEY['appendix_columns'].label}) names "
                f"{name!r}, which is not an optional column the appendix can show. Use headers from: {choices}; "
                "separate them with commas, or write None.")
        keys.append(known[name.lower()])
    return tuple(keys)


def short_date(value: object) -> str:
    """Return a date cell as the appendix prints it ('30 Sep 2021'); text that is not a date is kept as typed."""
    day = as_date(value)
    return f"{day.day} {day:%b %Y}" if day else as_text(value).strip()


DETAILS = AppendixColumn("details", "Details", "text")  # the chosen optional columns, one labelled line each


def appendix(register: Register, open_risks: Sequence[Risk]) -> tuple[tuple[AppendixColumn, ...],
                                                                       tuple[AppendixRow, ...]]:
    """Return the appendix columns (the sheet's core columns in sheet order, then a Details column holding the
    optional ones Settings choose, when filled in) and rows."""
    chosen = chosen_optional_columns(register)
    in_order = [key for key, _ in sorted(register.columns.items(), key=lambda kv: kv[1]) if key in COLUMN_BY_KEY]
    keys = [key for key in in_order if not COLUMN_BY_KEY[key].optional]
    details = [key for key in chosen if key in register.columns and any(risk.text(key) for risk in open_risks)]
    columns = tuple(AppendixColumn(key, register.header_of(key), COLUMN_BY_KEY[key].kind) for key in keys)
    columns += (DETAILS,) if details else ()

    def value(risk: Risk, key: str) -> str:
        return short_date(risk.values.get(key)) if COLUMN_BY_KEY[key].kind == "date" else risk.text(key)

    def cells(risk: Risk) -> tuple[Text, ...]:
        core = tuple(paragraphs(risk.text(key)) if COLUMN_BY_KEY[key].kind == "text" else
                     (Para(trend_text(risk.text(key))),) if COLUMN_BY_KEY[key].kind == "trend" else  # read aloud too
                     (Para(risk.text(key) or (NOT_RATED.name if key == "rating" else "")),) for key in keys)
        if not details:
            return core
        lines = tuple(Para(f"{register.header_of(key)}: {shown}") for key in details if (shown := value(risk, key)))
        return core + (lines,)

    scale = rating_scale(register)
    colours = {r.name: (r.fill, r.font) for r in scale}
    rows = tuple(AppendixRow(risk.id, risk.rating, cells(risk), *colours.get(risk.rating, (NOT_RATED.fill,
                                                                                          NOT_RATED.font)))
                 for risk in appendix_order(open_risks, scale))
    return columns, rows


def named(risk_id: str, name: str) -> str:
    """Return "CRR03 Operational Training" for a sentence to go on after: a name's own closing full stop is left
    out ("… Learning. moved" would read as two sentences)."""
    name = " ".join(name.split())  # a line break inside a name would break the one-line message it goes in
    if name.endswith(".") and not name.endswith(".."):
        name = name[:-1].rstrip()
    return " ".join(filter(None, (risk_id, name)))


def not_rated(register: Register, open_risks: Sequence[Risk]) -> tuple[str, ...]:
    """Return a sentence for each open risk whose rating is blank or not on the register's scale, in ID order:
    "CR06 Financial Resilience: blank rating in cell Register!I7"."""
    on_scale = {r.name for r in rating_scale(register)}
    lines = []
    for risk in sorted(open_risks, key=lambda r: (natural_key(r.id), r.row)):
        if risk.rating in on_scale:
            continue
        who = named(risk.id or register.cell(risk, "id"), risk.name)
        where = register.cell(risk, "rating") if register.has_column("rating") else "the Register sheet"
        lines.append(f"{who}: blank rating in cell {where}" if not risk.rating.strip() else
                     f"{who}: rating {quoted(risk.rating)} in cell {where} is not on the Lists sheet's Ratings list")
    return tuple(lines)


def data_quality_lines(errors: Sequence[object], unrated: Sequence[str] = ()) -> tuple[str, ...]:
    """Return the data-quality note: what it means, then one line per error (cell and message), then the risks
    counted as Not rated."""
    if not errors and not unrated:
        return ()
    lines = [f"Data quality: this paper was built although the register has "
             f"{plural(errors, 'error')} that should be corrected before it is relied on:"] if errors else []
    for finding in errors:
        cell = getattr(finding, "cell", "") or ""
        lines.append(f"{cell}: {getattr(finding, 'message', finding)}" if cell else str(getattr(finding, "message", finding)))
    if unrated:
        lines.append(f"{plural(unrated, 'open risk')} {'is' if len(unrated) == 1 else 'are'} counted as "
                     f"{NOT_RATED.name} in every table and the chart until rated: {'; '.join(unrated)}.")
    return tuple(lines)


def closed_with_errors_lines(register: Register) -> tuple[str, ...]:
    """Return the note of a quarter closed with errors (roll-quarter --force, or Close anyway), as its Record keeps them: the
    sentence, then one line per error; () for a quarter closed clean or still open."""
    quarter = register.recorded_text.get(QUARTER_KEY.format(label=register.period.label)) or {}
    errors = [line for line in quarter.get(CLOSED_WITH_ERRORS_FIELD, "").split("\n") if line.strip()]
    if not errors:
        return ()
    return (f"This quarter was closed anyway with {plural(errors, 'error')} not corrected first, so History keeps "
            "the values as they stood at the close:", *errors)


def build_content(register: Register, *, movements: Sequence[Movement] = (),
                  distribution: Sequence[Distribution] = (), provenance: Provenance | None = None,
                  forced_errors: Sequence[object] = (), positions: bool = False,
                  withheld: Sequence[Risk] = (), exempt_note: str = "") -> PaperContent:
    """Return what the paper for `register` says; the same inputs always give the same content. `withheld` are
    open risks in the exempt appendix (report_builder/exempt.py): counted in the totals, named nowhere."""
    open_risks = [risk for risk in register.risks if not risk.is_closed]
    block = title_block(register)
    scale = rating_scale(register)
    periods, ratings = rating_table([*open_risks, *withheld], distribution, block.period, scale)
    unrated = not_rated(register, open_risks)
    points = heat_points(register, open_risks)
    columns, rows = appendix(register, open_risks)
    outside, actions = depth_content.appetite_rows(register), depth_content.action_rows(register, open_risks)
    return PaperContent(
        title_block=block,
        risk_count=len(open_risks) + len(withheld),
        exempt_note=exempt_note,
        rating_periods=periods,
        rating_rows=ratings,
        movement_rows=movement_rows(movements),
        movement_sentences=renamed_sentences(register) + escalated_sentences(register) + movement_sentences(
            movements, {risk.id: risk.rating for risk in open_risks}, scale),
        distribution=tuple(Distribution(p, {r.rating: r.counts[i] for r in ratings}) for i, p in enumerate(periods)),
        heat_points=points,
        heat_map_note=heat_map_note(register, points),
        score_scale=score_scale(register),
        trend_key=tuple((t.symbol, t.meaning) for t in TRENDS),
        attention=attention_items(register, open_risks, movements),
        appendix_columns=columns,
        appendix_rows=rows,
        provenance=provenance,
        data_quality=closed_with_errors_lines(register) + data_quality_lines(forced_errors, unrated),
        identifier=f"{PAPER_MARKER}:{provenance.short_sha if provenance else 'unsaved'}",
        uncounted=unrated,
        **changes_content(register),
        appetite_rows=outside,
        action_rows=actions,
        appetite_counted=depth_content.appetite_counted(register, open_risks, outside),
        actions_counted=depth_content.actions_counted(open_risks, actions),
        has_appetite=bool(register.appetite),
        has_actions=register.actions is not None,
        position_rows=depth_content.position_rows(register, appendix_order(open_risks)) if positions else (),
        movement_points=depth_content.movement_points(register, open_risks) if positions else (),
        cell_ratings=depth_content.cell_ratings(register),
    )


class ChangesContent(TypedDict):
    """The PaperContent fields of the changes since the last paper."""

    changes: tuple[RiskChanges, ...]
    changes_since: str
    stale: tuple[str, ...]


def changes_content(register: Register) -> ChangesContent:
    """Return the paper's changes since the last paper and its stale controls, as PaperContent fields."""
    last = register.period.previous()
    recorded = any(entry.fingerprint and entry.period.strip() == last.label for entry in register.history)
    names = {risk.id: risk.name for risk in register.risks}
    stale = tuple(" ".join(filter(None, (risk_id, names.get(risk_id)))) + f": controls unchanged since {since.label}."
                  for risk_id, (since, _) in stale_controls(register).items())
    return {"changes": changes_since_last(register), "changes_since": last.label if recorded else "",
            "stale": stale}
