"""The one registry of checks on a register: each rule an id, a severity, a message and a small pure function."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from workbook.core import changes, depth, matrix, renames, seal, trends
from workbook.core.findings import printable, quoted
from workbook.core.model import Formula, HistoryEntry, Register, Risk, address, as_text, once_per_register
from workbook.core.errors import PeriodError
from workbook.core.escalation import moved_away
from workbook.core.periods import Period, parse_period
from workbook.core.record_text import fingerprint
from workbook.core.rollover import risk_texts
from workbook.core.schema import (
    BACKUPS_RANGE,
    CORE_COLUMNS,
    EXCEL_CELL_LIMIT,
    EXEMPT_LIST,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    LISTS_SHEET,
    TEXT_SHEET,
    NEW,
    NOT_APPLICABLE,
    PAPER_SETTINGS,
    REGISTER_SHEET,
    SETTING_BY_KEY,
    SETTINGS,
    SETTINGS_SHEET,
    ACTION_COLUMNS,
    APPETITE_COLUMNS,
    POSITION_KEYS,
    TEXT_KEYS,
    TREND_KEYS,
)
from workbook.core.values import SCALE_RANGE, UNSAVEABLE, as_date, as_number, score_scale, whole_setting
from workbook.core.words import plural

ERROR, WARNING, INFO = "error", "warning", "info"
ERROR_VALUES = ("#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")
# What people type for a trend when they mean one of the symbols.
TREND_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(("->", "-->", "=>", "==>", "—>", "–>", "=", "same", "no change", "unchanged", "stable",
                     "static", "level", "flat", "↔", "⟶", "➝", "➔", "→→"), "→"),
    **dict.fromkeys(("up", "^", "↑", "/", "increasing", "increase", "escalating", "escalated", "rising", "worse",
                     "⬈", "⇗", "up arrow"), "↗"),
    **dict.fromkeys(("down", "v", "↓", "\\", "decreasing", "decrease", "de-escalating", "deescalating",
                     "de-escalated", "falling", "better", "⬊", "⇘", "down arrow"), "↘"),
    **dict.fromkeys(("new risk", "nw", "neww"), "New"),
    **dict.fromkeys(("na", "n.a.", "n.a", "n/a", "n / a", "-", "--", "none", "not applicable", "#n/a"), "N/A"),
}
STRAY_ENDINGS = ".,;:-–—_/\\|"
# Markup left by the export: a tag, or an HTML entity. Two patterns, each starting with its own character, which
# the regex engine skips to far faster than to a pattern that may start with either.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")


@dataclass(frozen=True)
class Hit:
    """Where a rule failed and the words its message needs."""

    cell: str
    value: object
    risk_id: str = ""
    column: str = ""
    fields: Mapping[str, object] = field(default_factory=dict)


Check = Callable[[Register], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One check: stable id, severity, the columns it reads, what it checks, its message and its function."""

    id: str
    severity: str
    columns: tuple[str, ...]
    description: str
    message: str  # str.format template: {column}, {value} (quoted) and the fields the check supplies
    check: Check

    def message_for(self, hit: Hit) -> str:
        # Names and IDs come from the user's cells: escaped, so the message is safe to write into a note.
        fields = {key: printable(value, 200) if isinstance(value, str) else value for key, value in hit.fields.items()}
        return self.message.format(column=printable(hit.column), value=quoted(hit.value),
                                   risk_id=printable(hit.risk_id), **fields)


# ---- helpers shared by the checks ---------------------------------------------------------------------------

def _at(register: Register, risk: Risk, key: str, **fields: object) -> Hit:
    return Hit(register.cell(risk, key), risk.values.get(key), risk.id, register.header_of(key), fields)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_error_text(text: str) -> bool:
    return text.startswith("#") and text.upper() in ERROR_VALUES  # every error value starts with '#'


def _typed(value: object) -> bool:
    """Whether a value-level rule should look at `value` (blank, formulas and error values have their own rules)."""
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and not isinstance(value, Formula) and not _is_error_text(text)
    return value is not None


def _present(register: Register, keys: Iterable[str]) -> list[str]:
    return [key for key in keys if register.has_column(key)]


def _allowed_text(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _setting_cell(register: Register, key: str) -> str:
    return address(SETTINGS_SHEET, register.settings_rows.get(key, 1), 2)


def _history_column(register: Register, key: str) -> int:
    """Return the History sheet column of `key`: as read when the adapter recorded it, else the schema's order."""
    return register.history_columns.get(key) or [c.key for c in HISTORY_COLUMNS].index(key) + 1


def _history_hit(register: Register, entry: HistoryEntry, key: str, value: object, **fields: object) -> Hit:
    header = next(c.header for c in HISTORY_COLUMNS if c.key == key)
    return Hit(register.history_cell(entry, _history_column(register, key)), value, entry.risk_id, header,
               {"row": entry.row, **fields})


def suggest(value: object, choices: tuple[str, ...], aliases: Mapping[str, str] | None = None) -> str | None:
    """Return the list value `value` most likely means: same but for case or spacing, a known alias, a near miss."""
    text = as_text(value)
    squeezed = " ".join(text.split()).casefold()
    for choice in choices:
        if " ".join(choice.split()).casefold() == squeezed:
            return choice
    alias = (aliases or {}).get(squeezed) or (aliases or {}).get(squeezed.replace(" ", ""))
    if alias in choices:
        return alias
    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(squeezed, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _not_in_list(register: Register, keys: tuple[str, ...], list_name: str,
                 aliases: Mapping[str, str] | None = None) -> Iterable[Hit]:
    """Yield each risk's cells of `keys` whose value is not in the list `list_name`."""
    choices = trends.allowed(register, list_name)
    for risk in register.risks:
        for key in keys:
            value = risk.values.get(key)
            if _typed(value) and as_text(value) not in choices:
                guess = suggest(value, choices, aliases)
                yield _at(register, risk, key, list=list_name, allowed=_allowed_text(choices),
                          hint=f" Did you mean '{guess}'?" if guess else "")


def _pattern(register: Register) -> re.Pattern | None:
    try:
        return re.compile(str(register.setting("id_pattern")))
    except (re.error, OverflowError, RecursionError, ValueError):
        return None


# ---- the checks ---------------------------------------------------------------------------------------------

_REQUIRED_FIX = {
    "id": "Give the risk its reference, e.g. CRR07.",
    "rating": "Choose the residual rating from the drop-down.",
    "trend": "Choose the direction of travel from the drop-down (New, ↗, →, ↘ or N/A).",
    "text": "Fill it in: the board paper prints it.",
}


def not_collected(register: Register) -> tuple[str, ...]:
    """Return the keys of the required text columns Settings' Not collected names (an imported register's source
    had none of them), by the header the register gives them or the schema's."""
    named = {part.strip().casefold() for part in as_text(register.settings.get("not_collected") or "").split(",")}
    return tuple(c.key for c in CORE_COLUMNS if c.required and c.kind == "text"
                 and {register.header_of(c.key).casefold(), c.header.casefold()} & named)


def trends_from(register: Register) -> Period | None:
    """Return Settings' Trends recorded from: the first quarter whose blank trend cells are errors (None: every
    quarter's, as for a blank or unreadable setting)."""
    value = register.settings.get("trends_from")
    try:
        return parse_period(value) if not _blank(value) else None
    except PeriodError:
        return None


def trends_from_unreadable(register: Register) -> Iterable[Hit]:
    """Settings' Trends recorded from holding something that is not a quarter: read as blank (every quarter's trends
    checked), which this says, rather than leaving the user to wonder why the blanks are errors again."""
    value = register.settings.get("trends_from")
    if _typed(value) and trends_from(register) is None:
        yield Hit(_setting_cell(register, "trends_from"), value, "", SETTING_BY_KEY["trends_from"].label)


def _not_recorded(register: Register, period: Period) -> bool:
    start = trends_from(register)
    return start is not None and period < start


def required_fields(register: Register) -> Iterable[Hit]:
    uncollected = not_collected(register)
    required = [column for column in CORE_COLUMNS if column.required and column.key not in uncollected]
    period_of = dict(zip(TREND_KEYS, register.trend_periods))
    for risk in register.risks:
        for column in required:
            if not _blank(risk.values.get(column.key)):
                continue
            if column.kind == "trend" and _not_recorded(register, period_of[column.key]):
                continue  # a quarter before the imported register's source recorded trends: R060 says so once
            if column.kind == "trend" and (risk.is_closed or trends.closed_at(register, risk.id,
                                                                              period_of[column.key])):
                continue  # a closed risk gets no further trends, nor a reopened one for the quarters it was closed
            yield _at(register, risk, column.key, fix=_REQUIRED_FIX.get(column.kind, _REQUIRED_FIX["text"]))


def uncollected_fields(register: Register) -> Iterable[Hit]:
    """One warning per column Settings says is not collected, and one for the trends before Trends recorded from,
    when they have blank cells: the source the register was imported from never had them."""
    for key in not_collected(register):
        blanks = sum(1 for risk in register.risks if _blank(risk.values.get(key)))
        if blanks and register.has_column(key):
            header = register.header_of(key)
            yield Hit(_setting_cell(register, "not_collected"), header, "", header,
                      {"what": f"{header} column", "blanks": plural(blanks, "blank cell"),
                       "start": f"To start collecting it, fill them in and take '{header}' out of Settings' "
                                f"{SETTING_BY_KEY['not_collected'].label}."})
    start = trends_from(register)
    if start is None:
        return
    blanks = sum(1 for risk in register.risks if not risk.is_closed
                 for key, period in zip(TREND_KEYS, register.trend_periods)
                 if period < start and _blank(risk.values.get(key)))
    if blanks:
        label = SETTING_BY_KEY["trends_from"].label
        yield Hit(_setting_cell(register, "trends_from"), start.label, "", f"Trends before {start.label}",
                  {"what": "trends for those quarters", "blanks": plural(blanks, "blank trend cell"),
                   "start": f"Trends are collected from {start.label} on; to fill the earlier ones too, choose "
                            f"them from the drop-down and clear Settings' {label}."})


def id_pattern(register: Register) -> Iterable[Hit]:
    pattern = _pattern(register)
    if pattern is None:
        return
    for risk in register.risks:
        value = risk.values.get("id")
        if _typed(value) and not pattern.fullmatch(as_text(value)):
            yield _at(register, risk, "id", pattern=pattern.pattern)


def id_unique(register: Register) -> Iterable[Hit]:
    first: dict[str, Risk] = {}
    for risk in register.risks:
        if not risk.id or not _typed(risk.values.get("id")):
            continue
        earlier = first.setdefault(risk.id.casefold(), risk)
        if earlier is not risk:
            yield _at(register, risk, "id", first_row=earlier.row, first_cell=register.cell(earlier, "id"))


def _name_key(name: str) -> str:
    return " ".join(name.casefold().rstrip(STRAY_ENDINGS + " ").split())


def name_unique(register: Register) -> Iterable[Hit]:
    first: dict[str, Risk] = {}
    for risk in register.risks:
        if not risk.name or not _typed(risk.values.get("name")):
            continue
        earlier = first.setdefault(_name_key(risk.name), risk)
        if earlier is not risk:
            yield _at(register, risk, "name", other=earlier.id or f"the risk in row {earlier.row}",
                      first_row=earlier.row)


def name_punctuation(register: Register) -> Iterable[Hit]:
    for risk in register.risks:
        value = risk.values.get("name")
        if not _typed(value):
            continue
        text = as_text(value)
        if text != text.rstrip():
            problem = "ends with a space"
        elif text != text.lstrip():
            problem = "starts with a space"
        elif text[-1] in STRAY_ENDINGS:
            problem = f"ends with '{text[-1]}'"
        else:
            continue
        yield _at(register, risk, "name", problem=problem)


def rating_in_list(register: Register) -> Iterable[Hit]:
    return _not_in_list(register, ("rating",), "Ratings")


def trend_in_list(register: Register) -> Iterable[Hit]:
    return _not_in_list(register, TREND_KEYS, "Trends", TREND_ALIASES)


def status_in_list(register: Register) -> Iterable[Hit]:
    return _not_in_list(register, ("status",), "Statuses") if register.has_column("status") else ()


def score_range(register: Register) -> Iterable[Hit]:
    scale = score_scale(register)
    for key in _present(register, _SCORE_KEYS):
        for risk in register.risks:
            value = risk.values.get(key)
            if not _typed(value):
                continue
            number = as_number(value)
            if number is None or not number.is_integer() or not 1 <= number <= scale:
                yield _at(register, risk, key, scale=scale)


@once_per_register
def _sequence_problems(register: Register) -> list[tuple[str, Risk, str, str]]:
    """Return (problem, risk, column key, earlier column key) of each trend cell whose value cannot follow the ones
    before it: one walk of the trend columns for the four rules that ask (R010–R013)."""
    arrows = set(trends.allowed(register, "Trends")) - {NEW, NOT_APPLICABLE}
    problems: list[tuple[str, Risk, str, str]] = []
    for risk in register.risks:
        first_new: str | None = None
        last_arrow: str | None = None
        last_present: str | None = None
        previous_key: str | None = None
        for key in TREND_KEYS:
            value = as_text(risk.values.get(key))
            found: str | None = None
            earlier: str | None = None
            if not value:  # a quarter the risk was closed: it may come back as New
                first_new = last_arrow = last_present = None
            if value == NOT_APPLICABLE and last_present:
                found, earlier = "na_after", last_present
            elif value == NEW and first_new:
                found, earlier = "new_twice", first_new
            elif value == NEW and last_arrow:
                found, earlier = "new_after_arrow", last_arrow
            elif value in arrows and not last_present and previous_key \
                    and as_text(risk.values.get(previous_key)) == NOT_APPLICABLE:
                found, earlier = "arrow_after_na", previous_key
            if found and earlier:  # each problem names the earlier cell it cannot follow
                problems.append((found, risk, key, earlier))
            if value == NEW:
                first_new = first_new or key
            if value in arrows:
                last_arrow = key
            if value == NEW or value in arrows:
                last_present = key
            previous_key = key
    return problems


def _sequence(register: Register, kind: str) -> Iterable[Hit]:
    """Yield the trend cells whose value cannot follow the ones before it, for one `kind` of problem."""
    for found, risk, key, earlier in _sequence_problems(register):
        if found == kind:
            yield _at(register, risk, key, earlier_column=register.header_of(earlier),
                      earlier=as_text(risk.values.get(earlier)))


def new_twice(register: Register) -> Iterable[Hit]:
    return _sequence(register, "new_twice")


def new_after_arrow(register: Register) -> Iterable[Hit]:
    return _sequence(register, "new_after_arrow")


def arrow_after_na(register: Register) -> Iterable[Hit]:
    return _sequence(register, "arrow_after_na")


def na_after_appearing(register: Register) -> Iterable[Hit]:
    return _sequence(register, "na_after")


def trend_contradicts_history(register: Register) -> Iterable[Hit]:
    choices = trends.allowed(register, "Trends")
    for risk, trend in trends.trend_cells(register, trends.compute_trends(register)):
        if trend.recorded in choices and not trend.agrees:
            yield _at(register, risk, trend.key, reason=trend.reason, expected=trend.computed)


def _first_markup(text: str) -> str | None:
    """Return the first tag or entity in `text`, None when it holds neither."""
    # `in` rules most text out faster still than the patterns can.
    found = [match for match in (_TAG.search(text) if "<" in text else None,
                                 _ENTITY.search(text) if "&" in text else None) if match]
    return min(found, key=lambda match: match.start()).group(0) if found else None


def markup_left(register: Register) -> Iterable[Hit]:
    for key in _present(register, TEXT_KEYS):
        for risk in register.risks:
            value = risk.values.get(key)
            if isinstance(value, str) and (markup := _first_markup(value)):
                yield _at(register, risk, key, markup=quoted(markup))


@once_per_register
def _text_cell_problems(register: Register) -> dict[str, list[tuple[Risk, str, str]]]:
    """Return, for each of the four every-cell rules (R016–R019), the cells it flags, row by row: one walk of the
    whole sheet rather than four. All four look at text only (a formula is text too)."""
    found: dict[str, list[tuple[Risk, str, str]]] = {"unsaveable": [], "too_long": [], "formula": [], "error": []}
    keys = sorted(register.columns, key=register.columns.__getitem__)
    for risk in register.risks:
        values = risk.values
        for key in keys:
            value = values.get(key)
            if not isinstance(value, str):
                continue
            if UNSAVEABLE.search(value):
                found["unsaveable"].append((risk, key, value))
            if len(value) > EXCEL_CELL_LIMIT:
                found["too_long"].append((risk, key, value))
            if isinstance(value, Formula):
                found["formula"].append((risk, key, value))
            if _is_error_text(value.strip()):
                found["error"].append((risk, key, value))
    return found


def unsaveable_characters(register: Register) -> Iterable[Hit]:
    for risk, key, value in _text_cell_problems(register)["unsaveable"]:
        match = UNSAVEABLE.search(value)
        char = match.group(0)  # type: ignore[union-attr]
        kind = "a broken character" if 0xD800 <= ord(char) <= 0xDFFF else "the control character"
        yield _at(register, risk, key, what=f"{kind} U+{ord(char):04X}", position=match.start() + 1)  # type: ignore


def too_long(register: Register) -> Iterable[Hit]:
    for risk, key, value in _text_cell_problems(register)["too_long"]:
        yield _at(register, risk, key, length=f"{len(value):,}", limit=f"{EXCEL_CELL_LIMIT:,}")


@once_per_register
def _other_cells(register: Register) -> list[Hit]:
    """Return every Settings value and History cell as a Hit (cell, value, column as a user names it), for the
    rules that look at every cell: Settings and History are read into the paper and the trends too."""
    cells = [Hit(_setting_cell(register, key), register.settings.get(key), "",
                 f"Settings {SETTING_BY_KEY[key].label}")
             for key in sorted(register.settings_rows, key=register.settings_rows.__getitem__)]
    columns = [(c.key, f"History {c.header}", _history_column(register, c.key), c.key == "reviewed_on")
               for c in HISTORY_COLUMNS if c.key in register.history_columns]
    for entry in register.history:
        for key, label, column, is_date in columns:
            value = getattr(entry, key)
            # A formula, text that may be an error value, or a date to check: most History cells are none of them.
            if type(value) is Formula or (type(value) is str and (value[:1] == "#" or is_date)) \
                    or (is_date and value is not None and not isinstance(value, (str, dt.date))):
                cells.append(Hit(register.history_cell(entry, column), value, entry.risk_id, label))
    return cells


def formula(register: Register) -> Iterable[Hit]:
    for risk, key, _ in _text_cell_problems(register)["formula"]:
        yield _at(register, risk, key)
    yield from (hit for hit in _other_cells(register) if isinstance(hit.value, Formula))


def error_value(register: Register) -> Iterable[Hit]:
    for risk, key, _ in _text_cell_problems(register)["error"]:
        yield _at(register, risk, key)
    yield from (hit for hit in _other_cells(register)
                if isinstance(hit.value, str) and not isinstance(hit.value, Formula)
                and _is_error_text(hit.value.strip()))


def blank_rows(register: Register) -> Iterable[Hit]:
    first_column = min(register.columns.values()) if register.columns else 1
    for row in register.blank_rows:
        yield Hit(address(REGISTER_SHEET, row, first_column), None, "", "", {"row": row})


def date_invalid(register: Register) -> Iterable[Hit]:
    for key in _present(register, ("date_raised", "last_reviewed", "target_date")):
        for risk in register.risks:
            value = risk.values.get(key)
            if _typed(value) and as_date(value) is None:
                yield _at(register, risk, key)
    dates = {f"Settings {s.label}" for s in SETTINGS if s.kind == "date"} | {"History Reviewed on"}
    for hit in _other_cells(register):
        if hit.column in dates and _typed(hit.value) and as_date(hit.value) is None:
            yield hit


def paper_settings_missing(register: Register) -> Iterable[Hit]:
    for setting in PAPER_SETTINGS:
        value = register.settings.get(setting.key)
        row = register.settings_rows.get(setting.key)
        if row is None:
            problem, fix = "is missing", (f"Add a row with '{setting.label}' in column A of sheet "
                                          f"'{SETTINGS_SHEET}' and the value in column B.")
        elif _blank(value):
            problem, fix = "is empty", f"Type it in cell B{row}."
        elif as_text(value).strip().casefold() == setting.placeholder.casefold():
            problem, fix = f"is still the placeholder {quoted(setting.placeholder)}", f"Type your own in cell B{row}."
        else:
            continue
        yield Hit(_setting_cell(register, setting.key), value, "", "Value",
                  {"label": setting.label, "problem": problem, "fix": fix})


def controls_stale(register: Register) -> Iterable[Hit]:
    stale = changes.stale_controls(register)
    for risk in register.risks:
        if risk.id in stale and register.has_column("controls"):
            since, quarters = stale[risk.id]
            yield _at(register, risk, "controls", since=since.label, quarters=quarters,
                      threshold=changes.stale_quarters(register))
            stale = {k: v for k, v in stale.items() if k != risk.id}  # a duplicated ID: its first row only


def review_overdue(register: Register) -> Iterable[Hit]:
    cycle = whole_setting(register, "review_cycle_days")
    if not register.has_column("last_reviewed") or cycle is None or cycle <= 0:
        return
    end = register.period.end_date
    for risk in register.risks:
        if risk.is_closed:
            continue
        reviewed = as_date(risk.values.get("last_reviewed"))
        if reviewed is not None and (end - reviewed).days > cycle:
            yield _at(register, risk, "last_reviewed", days=plural((end - reviewed).days, "day"),
                      period=register.period.label, end=end.isoformat(), cycle=plural(cycle, "day"))


def history_incomplete(register: Register) -> Iterable[Hit]:
    for entry in register.history:
        for key in ("risk_id", "period"):
            if not getattr(entry, key):
                yield _history_hit(register, entry, key, None,
                                   what=next(c.header for c in HISTORY_COLUMNS if c.key == key))


def history_period(register: Register) -> Iterable[Hit]:
    for entry, period in zip(register.history, trends.entry_periods(register)):
        if entry.period and period is None:
            yield _history_hit(register, entry, "period", entry.period)


def history_unknown_risk(register: Register) -> Iterable[Hit]:
    on_register = {risk.id.casefold() for risk in register.risks if risk.id}
    pattern = _pattern(register)
    for entry, period in zip(register.history, trends.entry_periods(register)):
        if not entry.risk_id or period is None or entry.risk_id.casefold() in on_register or \
                renames.risk_now(register, entry.risk_id, period).casefold() in on_register:
            continue
        # Rows for risks closed in earlier periods are how closed risks are found: only a row for the
        # reporting period, or an ID that cannot be a risk's, points at a mistake.
        if period >= register.period or (pattern is not None and not pattern.fullmatch(entry.risk_id)):
            yield _history_hit(register, entry, "risk_id", entry.risk_id, period=period.label)


def history_duplicate(register: Register) -> Iterable[Hit]:
    # By risk, then period: one small dict per risk rather than a key tuple per row, which would wake
    # Python's cycle collector again and again on a long History.
    first: dict[str, dict[Period, HistoryEntry]] = {}
    for entry, period in zip(register.history, trends.entry_periods(register)):
        if not entry.risk_id or period is None:
            continue
        earlier = first.setdefault(entry.risk_id.casefold(), {}).setdefault(period, entry)
        if earlier is not entry:
            yield _history_hit(register, entry, "period", entry.period, first_row=earlier.row,
                               period=period.label)


def history_value_in_list(register: Register) -> Iterable[Hit]:
    lists = [(key, list_name, trends.allowed(register, list_name), aliases)
             for key, list_name, aliases in (("rating", "Ratings", None), ("trend", "Trends", TREND_ALIASES))]
    by_hand = {found.old.casefold() for found in renames.bands_renamed_by_hand(register)}  # R105 says it once
    for entry, period in zip(register.history, trends.entry_periods(register)):
        for key, list_name, choices, aliases in lists:
            value = getattr(entry, key)
            if value and key == "rating" and renames.band_now(register, value, period).casefold() in by_hand:
                continue
            # A closed quarter keeps the band's name of its day: renamed since, it is the band of today's name.
            if value and key == "rating" and renames.band_now(register, value, period) in choices:
                continue
            if value and value not in choices:
                guess = suggest(value, choices, aliases)
                yield _history_hit(register, entry, key, value, list=list_name, allowed=_allowed_text(choices),
                                   hint=f" Did you mean '{guess}'?" if guess else "")


def history_disagrees(register: Register) -> Iterable[Hit]:
    by_id = register.by_id()
    spellings = trends.rating_spellings(register)
    reporting = register.period
    # Whether each period is the reporting one: once a period, not once a row.
    in_reporting = {period: period == reporting for period in trends.history_periods(register)}
    for entry, period in zip(register.history, trends.entry_periods(register)):
        risk = by_id.get(entry.risk_id)
        if risk is None or not in_reporting[period]:
            continue
        recorded = trends.spelt_rating(spellings, entry.rating)
        current = trends.spelt_rating(spellings, risk.values.get("rating"))
        if recorded and current and recorded != current:
            yield _history_hit(register, entry, "rating", entry.rating, period=register.period.label,
                               current=current, register_cell=register.cell(risk, "rating"))


def settings_invalid(register: Register) -> Iterable[Hit]:
    def hit(key: str, problem: str) -> Hit:
        return Hit(_setting_cell(register, key), register.settings.get(key), "", "Value",
                   {"label": SETTING_BY_KEY[key].label, "problem": problem})

    try:
        re.compile(str(register.setting("id_pattern")))
    except (re.error, OverflowError, RecursionError, ValueError) as err:
        yield hit("id_pattern", f"is not a pattern riskreg can use ({err}); IDs are not checked until it is "
                                r"corrected, e.g. CRR\d{2}")
    cycle = whole_setting(register, "review_cycle_days")
    if cycle is None or cycle <= 0:
        yield hit("review_cycle_days", "must be a whole number of days, e.g. 92; review dates are not checked "
                                       "until it is")
    scale = whole_setting(register, "score_scale")
    if scale is None or scale not in SCALE_RANGE:
        yield hit("score_scale", f"must be a whole number from 2 to 10, e.g. 4 or 5; scores are checked against "
                                 f"{score_scale(register)} until it is")
    keep = whole_setting(register, "backups_keep")
    if keep is None or keep not in BACKUPS_RANGE:
        yield hit("backups_keep", f"must be a whole number from 1 to {BACKUPS_RANGE[-1]}, e.g. 10; riskreg keeps "
                                  f"the last {SETTING_BY_KEY['backups_keep'].default} backups until it is")
    basis = as_text(register.setting("trend_basis")).strip()
    choices = trends.allowed(register, "TrendBasis")
    if basis not in choices:
        yield hit("trend_basis", f"must be one of {_allowed_text(choices)}; arrows compare ratings until it is")


# ---- risk management in depth: matrix, positions, appetite, actions ---------------------------------------------

_SCORE_KEYS = ("likelihood", "impact_score", "inherent_likelihood", "inherent_impact", "target_likelihood",
               "target_impact")
_POSITION_WORDS = {"inherent": "inherent", "residual": "residual", "target": "target"}


def _position_hit(register: Register, risk: Risk, position: str, **fields: object) -> Hit:
    """Return a hit on the first cell a position's score comes from."""
    likelihood, impact, score = POSITION_KEYS[position]
    on = matrix.matrix_of(register)
    key = likelihood if on.score(risk.values.get(likelihood), risk.values.get(impact)) is not None else score
    return _at(register, risk, key, **fields)


def rating_follows_matrix(register: Register) -> Iterable[Hit]:
    on = matrix.matrix_of(register)
    if not on.defined or not depth.has_position(register, "residual"):
        return
    spellings = trends.rating_spellings(register)
    for risk in register.risks:
        score = matrix.position_score(register, risk, "residual")
        expected = on.rating(score)
        typed = trends.spelt_rating(spellings, risk.values.get("rating"))
        if expected is not None and typed is not None and typed != expected:
            yield _at(register, risk, "rating", score=f"{score:g}", expected=expected,
                      score_cells=matrix.position_cells(register, risk, "residual"))


def rating_follows_default_bands(register: Register) -> Iterable[Hit]:
    if matrix.matrix_of(register).defined:  # R031 checks the Matrix sheet's bands
        return
    for risk, score, band in matrix.off_band(register):
        yield _at(register, risk, "rating", score=f"{score:g}", expected=band,
                  score_cells=f"{register.cell(risk, 'likelihood')} × {register.cell(risk, 'impact_score')}")


def matrix_sheet(register: Register) -> Iterable[Hit]:
    for problem in matrix.matrix_of(register).problems:
        yield Hit(problem.cell, problem.value, "", "Matrix", {"problem": problem.problem})


def positions_order(register: Register) -> Iterable[Hit]:
    for risk in register.risks:
        scores = depth.positions(register, risk)
        for lower, upper in (("target", "residual"), ("residual", "inherent")):
            if lower in scores and upper in scores and scores[lower] > scores[upper]:
                yield _position_hit(register, risk, lower, which=lower, score=f"{scores[lower]:g}",
                                    cells=matrix.position_cells(register, risk, lower),
                                    other=upper, other_score=f"{scores[upper]:g}",
                                    other_cells=matrix.position_cells(register, risk, upper))


def target_date_passed(register: Register) -> Iterable[Hit]:
    if not register.has_column("target_date"):
        return
    end = register.period.end_date
    for risk in register.risks:
        target_date = as_date(risk.values.get("target_date"))
        scores = depth.positions(register, risk)
        if risk.is_closed or target_date is None or target_date > end or "target" not in scores \
                or "residual" not in scores or scores["residual"] <= scores["target"]:
            continue
        yield _at(register, risk, "target_date", period=register.period.label, end=end.isoformat(),
                  residual=f"{scores['residual']:g}", target=f"{scores['target']:g}")


def above_target_no_action(register: Register) -> Iterable[Hit]:
    if register.actions is None:
        return
    for risk in register.risks:
        scores = depth.positions(register, risk)
        if risk.is_closed or "target" not in scores or "residual" not in scores \
                or scores["residual"] <= scores["target"] or depth.open_actions(register, risk):
            continue
        yield _position_hit(register, risk, "residual", residual=f"{scores['residual']:g}",
                            target=f"{scores['target']:g}")


def outside_appetite(register: Register) -> Iterable[Hit]:
    for found in depth.outside_appetite(register):
        yield _at(register, found.risk, "rating", category=found.risk.text("category"), how=found.how,
                  appetite=depth.appetite_text(found.entry) or "not stated",
                  appetite_cell=register.appetite_cell(found.entry, "tolerance"))


def category_in_list(register: Register) -> Iterable[Hit]:
    return _not_in_list(register, ("category",), "Categories") if register.has_column("category") else ()


def proximity_in_list(register: Register) -> Iterable[Hit]:
    return _not_in_list(register, ("proximity",), "Proximities") if register.has_column("proximity") else ()


def _sheet_hit(register: Register, row, key: str, cell: str, header: str, **fields: object) -> Hit:
    return Hit(cell, row.values.get(key), row.text("risk_id"), header, {"row": row.row, **fields})


def appetite_invalid(register: Register) -> Iterable[Hit]:
    headers = {c.key: c.header for c in APPETITE_COLUMNS}
    categories = trends.allowed(register, "Categories")
    levels = trends.allowed(register, "AppetiteLevels")
    for entry in register.appetite or ():
        cell = lambda key: register.appetite_cell(entry, key)  # noqa: E731
        category, level = entry.text("category"), entry.text("level")
        if not category:
            yield _sheet_hit(register, entry, "category", cell("category"), headers["category"],
                             problem="is empty: name the category this row sets the appetite for")
        elif category not in categories:
            yield _sheet_hit(register, entry, "category", cell("category"), headers["category"],
                             problem=f"is not in the Categories list ({_allowed_text(categories)})")
        if level and level not in levels:
            yield _sheet_hit(register, entry, "level", cell("level"), headers["level"],
                             problem=f"is not in the AppetiteLevels list ({_allowed_text(levels)})")
        if depth.tolerance(register, entry) is None:
            top = matrix.matrix_of(register).highest
            yield _sheet_hit(register, entry, "tolerance", cell("tolerance"), headers["tolerance"],
                             problem=f"is neither a score from 1 to {top:g} nor a rating from the Ratings list")


def action_unknown_risk(register: Register) -> Iterable[Hit]:
    on_register = {risk.id.casefold() for risk in register.risks if risk.id}
    header = next(c.header for c in ACTION_COLUMNS if c.key == "risk_id")
    for action in register.actions or ():
        if action.text("risk_id").casefold() not in on_register:
            yield _sheet_hit(register, action, "risk_id", register.action_cell(action, "risk_id"), header)


def action_invalid(register: Register) -> Iterable[Hit]:
    headers = {c.key: c.header for c in ACTION_COLUMNS}
    statuses = trends.allowed(register, "ActionStatuses")
    for action in register.actions or ():
        status = action.values.get("status")
        if _typed(status) and as_text(status).strip() not in statuses:
            guess = suggest(status, statuses)
            yield _sheet_hit(register, action, "status", register.action_cell(action, "status"), headers["status"],
                             problem=f"is not in the ActionStatuses list ({_allowed_text(statuses)})."
                                     f"{f' Did you mean {guess!r}?' if guess else ''} Choose one from the drop-down")
        for key in ("due", "completed_on"):
            value = action.values.get(key)
            if _typed(value) and as_date(value) is None:
                yield _sheet_hit(register, action, key, register.action_cell(action, key), headers[key],
                                 problem="is not a date. Enter it as a date, e.g. 30/09/2021")


def action_overdue(register: Register) -> Iterable[Hit]:
    header = next(c.header for c in ACTION_COLUMNS if c.key == "due")
    end = register.period.end_date
    followed_elsewhere = moved_away(register)  # moved with their risk: the other register follows them up
    for action in register.actions or ():
        if action.text("risk_id").casefold() in followed_elsewhere:
            continue
        days = depth.overdue(register, action)
        if days is not None:
            yield _sheet_hit(register, action, "due", register.action_cell(action, "due"), header, days=days,
                             period=register.period.label, end=end.isoformat(),
                             state=f"is {action.text('status')}" if action.text("status") else "has no status")


def action_done_undated(register: Register) -> Iterable[Hit]:
    header = next(c.header for c in ACTION_COLUMNS if c.key == "completed_on")
    for action in register.actions or ():
        if depth.is_done(action) and _blank(action.values.get("completed_on")):
            yield _sheet_hit(register, action, "completed_on", register.action_cell(action, "completed_on"), header)


def serious_risk_no_action(register: Register) -> Iterable[Hit]:
    if register.actions is None:
        return
    ratings = trends.allowed(register, "Ratings")
    # High or worse: the Ratings list runs most severe first, High second in the default list.
    serious = set(ratings[:2])
    for risk in register.risks:
        rating = trends.canonical_rating(register, risk.values.get("rating"))
        if not risk.is_closed and rating in serious and not depth.open_actions(register, risk):
            yield _at(register, risk, "rating")


# ---- the registry -------------------------------------------------------------------------------------------

_TRENDS = "Trend columns (Qn Trending)"
_TEXT = "Risk Name, Description, Impact, Key Controls and Activities, Risk Owner, Portfolio/Department"
_EVERY = "Every Register column"
_OTHER = "Settings values and History cells"
_LIST_MESSAGE = "{column} {value} is not in the {list} list ({allowed}).{hint} Choose a value from the drop-down."

RULES: tuple[Rule, ...] = (
    Rule("R001", ERROR, tuple(c.header for c in CORE_COLUMNS if c.kind != "trend") + (_TRENDS,),
         "Every risk has an ID, name, description, impact, controls, three trends and a residual rating.",
         "{column} is empty. {fix}", required_fields),
    Rule("R002", ERROR, ("ID", "Settings: Risk ID pattern"),
         "The ID matches the Risk ID pattern in Settings.",
         "ID {value} does not match the Risk ID pattern {pattern} in Settings. Correct the ID, or the pattern "
         "in Settings if the register uses another scheme.", id_pattern),
    Rule("R003", ERROR, ("ID",), "No two risks share an ID.",
         "ID {value} is also used by the risk in row {first_row} ({first_cell}). Give each risk its own ID.",
         id_unique),
    Rule("R004", WARNING, ("Risk Name",), "No two risks share a name (ignoring case, spacing and end punctuation).",
         "Risk Name {value} is also the name of {other} (row {first_row}). Give each risk a name the committee "
         "can tell apart, or merge the two.", name_unique),
    Rule("R005", WARNING, ("Risk Name",), "A risk name does not start or end with a space or stray punctuation.",
         "Risk Name {value} {problem}. Remove it: a risk name is a title, and the board paper adds its own "
         "punctuation.", name_punctuation),
    Rule("R006", ERROR, ("Residual Risk Rating", "Lists: Ratings"), "The residual rating is in the Ratings list.",
         _LIST_MESSAGE, rating_in_list),
    Rule("R007", ERROR, (_TRENDS, "Lists: Trends"), "Each trend is in the Trends list.", _LIST_MESSAGE,
         trend_in_list),
    Rule("R008", ERROR, ("Status", "Lists: Statuses"), "The status, when the register has a Status column, "
         "is in the Statuses list.", _LIST_MESSAGE, status_in_list),
    Rule("R009", ERROR, ("Likelihood", "Impact Score", "Inherent and Target Likelihood and Impact",
                         "Settings: Likelihood and impact scale"),
         "Likelihood and impact scores are whole numbers from 1 to the scale in Settings.",
         "{column} {value} is not a whole number from 1 to {scale} (the likelihood and impact scale in "
         "Settings). Correct the score, or the scale in Settings.", score_range),
    Rule("R010", ERROR, (_TRENDS,), "A risk is New in one quarter only.",
         "{column} is New, but {earlier_column} already marks the risk New. A risk is New only in the quarter "
         "it joins the register: use ↗, → or ↘ here, or correct {earlier_column}.", new_twice),
    Rule("R011", ERROR, (_TRENDS,), "A risk is not New after a quarter that already gave it an arrow.",
         "{column} is New, but {earlier_column} already gives the risk a direction of travel "
         "({earlier}). Use ↗, → or ↘ here, or correct the earlier quarter.", new_after_arrow),
    Rule("R012", ERROR, (_TRENDS,), "A quarter after N/A is New or N/A, not an arrow.",
         "{column} is {value}, but {earlier_column} is N/A (not on the register). The quarter a risk joins "
         "the register is marked New: use New here, or correct {earlier_column}.", arrow_after_na),
    Rule("R013", ERROR, (_TRENDS,), "A risk is not N/A once it has been on the register.",
         "{column} is N/A (not on the register), but {earlier_column} is {earlier}. Use ↗, → or ↘ for a "
         "risk that is on the register, or correct the earlier quarter.", na_after_appearing),
    Rule("R014", WARNING, (_TRENDS, "History: Rating, Likelihood, Impact, Score", "Settings: Trend basis"),
         "The recorded trend agrees with History (scores or ratings, as Settings says), where History has "
         "the data.",
         "{column} shows {value}, but {reason}, which makes it {expected}. Correct the arrow, or the History "
         "rows it compares.", trend_contradicts_history),
    Rule("R015", WARNING, (_TEXT,), "Text holds no leftover markup or HTML entities from the export.",
         "{column} still holds the markup {markup} left over from the export. Remove it, or re-import the "
         "export with `riskreg import`, which converts it to plain text.", markup_left),
    Rule("R016", ERROR, (_EVERY,), "Text holds no control or broken characters, which Excel and Word cannot save.",
         "{column} holds {what} at character {position}, which Excel and Word cannot save. Delete it.",
         unsaveable_characters),
    Rule("R017", ERROR, (_EVERY,), "No cell holds more than Excel's 32,767 characters.",
         "{column} is {length} characters long; an Excel cell holds at most {limit}. Shorten it.", too_long),
    Rule("R018", ERROR, (_EVERY, _OTHER), "Cells hold typed values, not formulas.",
         "{column} holds the formula {value}; riskreg and the board paper read the formula, not its result. "
         "Replace it with the value itself (Copy, then Paste Special > Values).", formula),
    Rule("R019", ERROR, (_EVERY, _OTHER), "No cell holds an Excel error value such as #REF! or #N/A.",
         "{column} holds the error value {value}. Type the value in, or mend what the formula refers to.",
         error_value),
    Rule("R020", WARNING, ("Every Register row",), "No blank rows inside the register.",
         "Row {row} is blank inside the register. Delete the row so that sorting, filters and the board paper "
         "see one table.", blank_rows),
    Rule("R021", ERROR, ("Date Raised", "Last Reviewed", "Target Date", "Settings: Meeting date",
                         "History: Reviewed on"),
         "Dates, when the register has those columns, are dates.",
         "{column} {value} is not a date. Enter it as a date, e.g. 30/09/2021.", date_invalid),
    Rule("R022", WARNING, ("Last Reviewed", "Settings: Review cycle (days)", "Settings: Reporting period"),
         "An open risk was reviewed within the review cycle in Settings, counted back from the end of the "
         "reporting period.",
         "Last Reviewed {value} is {days} before the end of {period} ({end}); the review cycle in Settings "
         "is {cycle}. Review the risk and update the date.", review_overdue),
    Rule("R023", ERROR, ("History: Risk ID, Period",), "Every History row names a risk and a period.",
         "History row {row} has no {what}. Fill it in, or delete the row.", history_incomplete),
    Rule("R024", ERROR, ("History: Period",), "History periods are labels such as 2021/22 Q2.",
         "History period {value} in row {row} does not parse. Write it as '2021/22 Q2' (financial year, then "
         "quarter; Q1 is April to June).", history_period),
    Rule("R025", WARNING, ("History: Risk ID",),
         "History rows for the reporting period (or with an ID that cannot be a risk's) name a risk on the "
         "Register.",
         "History row {row} records {value} for {period}, but no risk on the Register has that ID. Correct the "
         "Risk ID, or delete the row.", history_unknown_risk),
    Rule("R026", ERROR, ("History: Risk ID, Period",), "History has one row per risk and period.",
         "History rows {first_row} and {row} both record {risk_id} for {period}. Delete one of them.",
         history_duplicate),
    Rule("R027", ERROR, ("History: Rating, Trend", "Lists: Ratings, Trends"),
         "History ratings and trends are in their lists.",
         "History {column} {value} in row {row} is not in the {list} list ({allowed}).{hint} Correct it.",
         history_value_in_list),
    Rule("R028", WARNING, ("History: Rating", "Residual Risk Rating"),
         "History's row for the reporting period agrees with the Register's rating.",
         "History row {row} gives {risk_id} the rating {value} for {period}, but the Register says {current} "
         "({register_cell}). Correct one so they agree.", history_disagrees),
    Rule("R029", ERROR, ("Settings: Risk ID pattern, Review cycle (days), Likelihood and impact scale, "
                         "Trend basis, Backups to keep",),
         "Settings the checks rely on hold usable values.",
         "Settings {label} {value} {problem}.", settings_invalid),
    Rule("R030", ERROR, ("Settings: " + ", ".join(s.label for s in PAPER_SETTINGS),),
         "Settings the board paper prints are filled in; none is taken from anywhere else.",
         "Settings {label} {problem}, and the board paper prints it. {fix}",
         paper_settings_missing),
    Rule("R031", WARNING, ("Residual Risk Rating", "Likelihood", "Impact Score", "Residual Score", "Matrix"),
         "When the register has a Matrix sheet, a scored risk's rating is the one its residual score earns there.",
         "Residual Risk Rating {value} disagrees with the matrix: the residual score {score} ({score_cells}) is "
         "rated {expected} on the Matrix sheet. Correct the rating, or the scores.", rating_follows_matrix),
    Rule("R032", ERROR, ("Matrix",), "The Matrix sheet's scoring, bands and grid hold usable values.",
         "Matrix sheet value {value} {problem}. Correct it; until then riskreg scores likelihood × impact, and "
         "a band it cannot read is left out.", matrix_sheet),
    Rule("R033", WARNING, ("Inherent, Residual and Target Likelihood, Impact and Score",),
         "A risk's target score is at most its residual score, and its residual at most its inherent score.",
         "The {which} score {score} ({cells}) is above the {other} score {other_score} ({other_cells}). A "
         "risk's target is at most its residual, and its residual at most its inherent: correct the scores.",
         positions_order),
    Rule("R034", WARNING, ("Target Date", "Residual and Target Score", "Settings: Reporting period"),
         "An open risk whose target date has passed (by the end of the reporting period) has reached its target.",
         "Target Date {value} has passed (the reporting period {period} ends {end}), but the residual score "
         "{residual} is still above the target score {target}. Agree a new target date, or the actions that "
         "reach the target.", target_date_passed),
    Rule("R035", WARNING, ("Residual and Target Score", "Actions"),
         "When the register has an Actions sheet, an open risk above its target score has an open action.",
         "The residual score {residual} of {risk_id} is above its target score {target}, but the Actions sheet "
         "has no open action for it. Add the action that will bring it to target.", above_target_no_action),
    Rule("R036", WARNING, ("Category", "Residual Risk Rating", "Residual Score", "Appetite"),
         "An open risk is within the tolerance the Appetite sheet sets for its category.",
         "{risk_id} is outside the appetite for {category} ({appetite}): {how} ({appetite_cell}). Bring it "
         "within tolerance, or to the Committee's attention as outside appetite.", outside_appetite),
    Rule("R037", ERROR, ("Category", "Lists: Categories"), "The category, when the register has a Category "
         "column, is in the Categories list.", _LIST_MESSAGE, category_in_list),
    Rule("R038", ERROR, ("Proximity", "Lists: Proximities"), "The proximity, when the register has a Proximity "
         "column, is in the Proximities list.", _LIST_MESSAGE, proximity_in_list),
    Rule("R039", ERROR, ("Appetite: Category, Appetite, Tolerance", "Lists: Categories, AppetiteLevels"),
         "Each Appetite row names a category from the list, an appetite level from the list, and a tolerance "
         "that is a score on the matrix or a rating.",
         "Appetite {column} {value} in row {row} {problem}. Correct it on the Appetite sheet.", appetite_invalid),
    Rule("R040", ERROR, ("Actions: Risk ID",), "Every action is for a risk on the Register.",
         "Action in row {row} is for {value}, but no risk on the Register has that ID. Correct the Risk ID, or "
         "delete the action.", action_unknown_risk),
    Rule("R041", ERROR, ("Actions: Status, Due date, Completed on", "Lists: ActionStatuses"),
         "Action statuses are in the ActionStatuses list, and their dates are dates.",
         "Actions {column} {value} in row {row} {problem}.", action_invalid),
    Rule("R042", WARNING, ("Actions: Due date, Status", "Settings: Reporting period"),
         "No action still to do fell due before the end of the reporting period (one that moved with its risk to "
         "another register is followed up there).",
         "Action in row {row} for {risk_id} was due {value}, {days} days before the end of {period} ({end}), and "
         "{state}. Complete it, or agree a new due date and say why in Update.", action_overdue),
    Rule("R043", WARNING, ("Actions: Status, Completed on",), "A Done action has its completion date.",
         "Action in row {row} for {risk_id} is Done but has no Completed on date. Enter the date it was "
         "completed.", action_done_undated),
    Rule("R044", WARNING, ("Residual Risk Rating", "Actions"),
         "When the register has an Actions sheet, every open risk rated High or worse has an open action.",
         "{risk_id} is rated {value}, but the Actions sheet has no open action for it. Add the action that "
         "treats it, or record why none is needed.", serious_risk_no_action),
    Rule("R045", WARNING, ("Key Controls and Activities", "History: Text fingerprint",
                           "Settings: Stale controls after (quarters)"),
         "An open risk's Key Controls text has changed within the number of closed quarters Settings allows.",
         "{column} unchanged since {since} ({quarters} closed quarters; Settings allows {threshold}). Review the "
         "controls and record what has been done since.", controls_stale),
    Rule("R050", WARNING, ("Residual Risk Rating", "Likelihood", "Impact Score", "Lists: Ratings"),
         "Without a Matrix sheet, a scored risk's rating is the band the heat map's default bands give its cell.",
         "Residual Risk Rating {value} is not the band the board paper's heat map shades its cell: likelihood × "
         "impact ({score_cells}) scores {score}, {expected} on the default bands, as the register has no Matrix "
         "sheet. Add a Matrix sheet with the register's own bands, or correct the rating or the scores.",
         rating_follows_default_bands),
    Rule("R060", WARNING, ("Settings: Not collected", "Settings: Trends recorded from",
                         "Risk Name, Description, Impact, Key Controls and Activities", _TRENDS),
         "A column an imported register's source never had (Settings' Not collected, and trends before Trends "
         "recorded from) is one warning, not an error per blank cell.",
         "{column} not collected: the source this register was imported from had no {what}, so its {blanks} are "
         "not errors. {start}", uncollected_fields),
    Rule("R061", ERROR, ("Settings: Trends recorded from",),
         "Settings' Trends recorded from, when filled in, is a quarter.",
         "{column} {value} is not a quarter, so every quarter's blank trend cells are checked. Write the first "
         "quarter the register records trends for as the Current Period is written (e.g. 2024/25 Q3), or clear it.",
         trends_from_unreadable),
)
# ---- sealed quarters and vanished rows (issue 24) ------------------------------------------------------------

_CORRECT = "riskreg correct-history --period \"{period}\" --reason \"…\""


def _correct(period: Period) -> str:
    return _CORRECT.format(period=period.label)


def sealed_cells(register: Register) -> Iterable[Hit]:
    for found in seal.alterations(register):
        if found.kind == seal.CHANGED and found.entry is not None:
            yield _history_hit(register, found.entry, found.key, found.now, period=found.period.label,
                               sealed=quoted(found.sealed), correct=_correct(found.period))


def sealed_rows(register: Register) -> Iterable[Hit]:
    source = register.rebuilt_from or register
    for found in seal.alterations(register):
        if found.kind == seal.DELETED:
            yield Hit(address(HISTORY_SHEET, 1, _history_column(source, "risk_id")), found.risk_id, found.risk_id,
                      "Risk ID", {"period": found.period.label, "sealed": found.sealed,
                                  "correct": _correct(found.period), "what": "has no row", "done": "deleted",
                                  "fix": "Restore the row"})
        elif found.kind == seal.ADDED and found.entry is not None:
            hit = _history_hit(source, found.entry, "risk_id", found.risk_id)
            yield Hit(hit.cell, hit.value, hit.risk_id, hit.column, {
                "period": found.period.label, "sealed": "no row for it", "correct": _correct(found.period),
                "what": f"has row {found.entry.row}", "done": "added", "fix": "Delete the row"})


_RECORD_PARTS = {seal.RECORD: "the '{key}' field", seal.TEXT: "the words of {risk_id}", seal.BROKEN: "the seal"}


def sealed_record(register: Register) -> Iterable[Hit]:
    for found in seal.alterations(register):
        if found.kind in _RECORD_PARTS:
            yield Hit(address(TEXT_SHEET, 1, 1), found.key, found.risk_id, "Record",
                      {"period": found.period.label, "correct": _correct(found.period),
                       "what": _RECORD_PARTS[found.kind].format(key=found.key, risk_id=found.risk_id)})


def risk_vanished(register: Register) -> Iterable[Hit]:
    if register.rebuilt_from is not None:
        return
    for risk_id in trends.vanished(register):
        name = trends.recorded_name(register, risk_id)
        yield Hit(address(REGISTER_SHEET, register.header_row, register.columns.get("id", 1)), risk_id, risk_id,
                  "ID", {"name": f" ({printable(name, 200)})" if name else "",
                         "previous": register.period.previous().label})


def risk_renamed_unrecorded(register: Register) -> Iterable[Hit]:
    if register.rebuilt_from is not None:
        return
    rows = trends.earlier_rows(register)
    gone: dict[str, str] = {}
    for risk_id in trends.vanished(register):
        latest = rows[risk_id][max(rows[risk_id])] if rows.get(risk_id) else None
        if latest is not None and latest.fingerprint:
            gone.setdefault(latest.fingerprint, risk_id)
    if not gone:
        return
    for risk in register.risks:
        old = gone.get(fingerprint(risk_texts(risk))) if risk.id and risk.id not in rows else None
        if old is not None:
            yield _at(register, risk, "id", old=old)


def band_renamed_by_hand(register: Register) -> Iterable[Hit]:
    for found in renames.bands_renamed_by_hand(register):
        yield Hit(address(LISTS_SHEET, 1, 1), found.new, "", "Ratings",
                  {"old": found.old, "new": found.new, "period": found.period.label})


SEAL_RULES: tuple[Rule, ...] = (
    Rule("R100", ERROR, ("History: every column of a sealed quarter",),
         "A sealed quarter's History cells hold what its close recorded.",
         "History {column} of {risk_id} for {period} is {value}, but the seal of {period} recorded {sealed}: "
         "the cell was changed after the quarter was closed. Put back {sealed}, or record the correction with "
         "`{correct}`.", sealed_cells),
    Rule("R101", ERROR, ("History: the rows of a sealed quarter",),
         "A sealed quarter's History has the rows its close recorded, and no others.",
         "History {what} for {risk_id} in {period}, but the seal of {period} recorded {sealed}: the row was "
         "{done} after the quarter was closed. {fix}, or record the correction with `{correct}`.", sealed_rows),
    Rule("R102", ERROR, ("Record",),
         "A sealed quarter's Record (settings, words, the seal itself) is as its close recorded it.",
         "On the Record sheet, {what} of {period} was changed after the quarter was closed: its digest no longer "
         "matches the seal. Restore the workbook from a backup, or record the correction with `{correct}`.",
         sealed_record),
    Rule("R103", WARNING, ("ID", "History"),
         "A risk on the Register last quarter is still on it, or was closed (Status Closed).",
         "{risk_id}{name} was on the Register in {previous} and is not on it now, but it was never closed: the "
         "board paper says it was removed. To close it, put its row back with Status Closed.", risk_vanished),
    Rule("R104", WARNING, ("ID", "History: Text fingerprint"),
         "A new risk does not have the very words of a risk that left the Register the same quarter.",
         "{risk_id} is new but has the same words as {old}, which was on the Register last quarter and is not on it "
         "now. If {old} was renamed, run `riskreg rename-risk {old} {risk_id}` so that its History, trends and "
         "actions carry over.", risk_renamed_unrecorded),
    Rule("R105", WARNING, ("Lists: Ratings", "History: Rating"),
         "A band the last closed quarter rated risks with is still on the Ratings list, or its rename is recorded.",
         "The Ratings list has '{new}' where {period} had '{old}', which History rates risks with. If {old} was "
         "renamed, run `riskreg rename-band {old} {new}` so that History keeps the closed quarters' words and the "
         "trends carry over.", band_renamed_by_hand),
)
RULES = RULES + SEAL_RULES

# ---- exempt information (issue 28) ---------------------------------------------------------------------------

# What people type for a Schedule 12A paragraph: "7", "Para. 7", "paragraph 7", "12A(7)".
EXEMPT_ALIASES: Mapping[str, str] = {
    alias: f"Para {n}" for n in range(1, 8)
    for alias in (str(n), f"para. {n}", f"para.{n}", f"paragraph {n}", f"p{n}", f"p {n}", f"12a({n})",
                  f"sch 12a para {n}", f"schedule 12a paragraph {n}")}


def exempt_in_list(register: Register) -> Iterable[Hit]:
    if not register.has_column("exempt"):
        return
    choices = trends.allowed(register, EXEMPT_LIST)
    for risk in register.risks:
        value = risk.values.get("exempt")
        if _typed(value) and as_text(value) not in choices:
            # only a paragraph the value names: a near spelling of another paragraph is not a guess to offer
            guess = EXEMPT_ALIASES.get(" ".join(as_text(value).split()).casefold())
            yield _at(register, risk, "exempt", list=EXEMPT_LIST, allowed=_allowed_text(choices),
                      hint=f" Did you mean '{guess}'?" if guess in choices else "")


EXEMPT_RULES: tuple[Rule, ...] = (
    Rule("R115", ERROR, ("Exempt", "Lists: Exempt"),
         "The Exempt column, when the register has one, is blank or names a paragraph of Schedule 12A (Part 1) "
         "to the Local Government Act 1972 from the Exempt list.",
         "{column} {value} is not a paragraph of Schedule 12A in the {list} list ({allowed}).{hint} Leave it blank "
         "for a risk the public paper may show, or choose the paragraph from the drop-down: an exempt risk goes "
         "in the exempt appendix only.", exempt_in_list),
)
RULES = RULES + EXEMPT_RULES

# ---- marked for escalation, not moved (issue 28) --------------------------------------------------------------

def marked_not_moved(register: Register) -> Iterable[Hit]:
    if not register.has_column("escalate_to"):
        return
    for risk in register.risks:
        if risk.id and risk.text("escalate_to") and not risk.is_closed:
            yield _at(register, risk, "escalate_to")


ESCALATION_RULES: tuple[Rule, ...] = (
    Rule("R120", WARNING, ("Escalate to",),
         "A risk marked for escalation has been moved to the register it names.",
         "{risk_id} is marked for escalation to {value} but is still open on this register. Move it with "
         "`riskreg escalate REGISTER {risk_id} --to OTHER.xlsx`, or clear {column} if it stays here.",
         marked_not_moved),
)
RULES = RULES + ESCALATION_RULES

RULE_BY_ID = {rule.id: rule for rule in RULES}
# The rules whose findings stop a board paper: the paper runs only these (warnings do not reach it).
ERROR_RULES = tuple(rule for rule in RULES if rule.severity == ERROR)


def rules_markdown() -> str:
    """Return docs/rules.md: the rules table, generated from the registry."""
    lines = [
        "# Validation rules",
        "",
        "Generated from `workbook/core/rules.py` by `riskreg rules -o docs/rules.md`; do not edit by hand.",
        "",
        "`riskreg validate` exits with 1 when it finds an error, 0 when it finds only warnings "
        "(1 with `--strict`), and 2 when the workbook cannot be read. Lists come from the Lists sheet and "
        "thresholds from the Settings sheet, so an organisation changes them there, not in code.",
        "",
        "| Rule | Severity | Columns | Checks | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in RULES:
        cells = (rule.id, rule.severity, "; ".join(rule.columns), rule.description, rule.message)
        lines.append("| " + " | ".join(_md(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
