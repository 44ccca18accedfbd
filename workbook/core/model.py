"""The register as the checks, trends and paper see it: plain values, with where each came from."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from workbook.core.periods import Period
from workbook.core.schema import (
    ACTIONS_SHEET,
    APPETITE_SHEET,
    COLUMN_BY_KEY,
    HISTORY_SHEET,
    REGISTER_SHEET,
    SETTING_BY_KEY,
    SETTINGS,
    TREND_KEYS,
)


@functools.cache  # a sheet has at most 16,384 columns, and a roll-over names each trend column 30,000 times
def column_letter(index: int) -> str:
    """Return the Excel column letters of the 1-based column `index` (1 → A, 28 → AB)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def address(sheet: str, row: int, column: int) -> str:
    """Return the address users see, e.g. Register!I7 ('My Sheet'!B2 when quoting is needed)."""
    return f"{_sheet_name(sheet)}!{column_letter(column)}{row}"


@functools.lru_cache(maxsize=256)  # a workbook's few sheet names, each asked for once a cell
def _sheet_name(sheet: str) -> str:
    return f"'{sheet}'" if not sheet.replace("_", "").isalnum() else sheet


class Formula(str):
    """A cell's formula as read from the file, kept apart from text that merely starts with '='."""


def as_text(value: object) -> str:
    """Return a cell value as the text a user reads (numbers without a trailing .0, dates as ISO)."""
    if type(value) is str:  # most cells: checked first, as every rule reads every cell through here
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


@dataclass
class Risk:
    """One row of the Register sheet: values by column key, as typed."""

    row: int
    values: dict[str, object]

    def text(self, key: str) -> str:
        return as_text(self.values.get(key)).strip()

    @property
    def id(self) -> str:
        return self.text("id")

    @property
    def name(self) -> str:
        return self.text("name")

    @property
    def rating(self) -> str:
        return self.text("rating")

    @property
    def trends(self) -> tuple[str, ...]:
        """The trend symbols, oldest period first."""
        return tuple(self.text(key) for key in TREND_KEYS)

    @property
    def is_closed(self) -> bool:
        return self.text("status").lower() == "closed"


# Slots: History runs to a row per risk and quarter for years. Without a __dict__ each row is smaller, and the
# walk Python's cycle collector makes of every live object now and then is some 40% shorter.
@dataclass(slots=True)
class HistoryEntry:
    """One row of the History sheet: a risk's rating in one period."""

    row: int
    risk_id: str
    period: str
    rating: str = ""
    trend: str = ""
    likelihood: object = None
    impact: object = None
    score: object = None
    reviewed_on: object = None
    source: str = ""
    status: str = ""  # Open or Closed at the close of that quarter; empty on rows written before issue 12
    owner: str = ""
    fingerprint: str = ""  # of the risk's text that quarter: the key of its words on the RecordedText sheet

    @property
    def is_closed(self) -> bool:
        return self.status.strip().lower() == "closed"


@dataclass
class SheetRow:
    """One row of the Actions or Appetite sheet: values by column key, as typed."""

    row: int
    values: dict[str, object]

    def text(self, key: str) -> str:
        return as_text(self.values.get(key)).strip()


@dataclass
class Register:
    """The whole workbook's content: risks, trend periods, history, settings and lists."""

    risks: list[Risk]
    trend_periods: tuple[Period, ...]
    settings: dict[str, object] = field(
        default_factory=lambda: {s.key: "" if s.paper else s.default for s in SETTINGS})
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # column key -> 1-based column on the sheet
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header text on the sheet
    header_row: int = 1
    blank_rows: list[int] = field(default_factory=list)
    source: str = ""
    settings_rows: dict[str, int] = field(default_factory=dict)  # setting key -> row on Settings
    history_columns: dict[str, int] = field(default_factory=dict)  # History column key -> 1-based column
    # Each closed quarter's words, by text fingerprint (the RecordedText sheet): column key -> text.
    recorded_text: dict[str, dict[str, str]] = field(default_factory=dict)
    # The optional in-depth sheets: None when the workbook has no such sheet.
    actions: list[SheetRow] | None = None
    action_columns: dict[str, int] = field(default_factory=dict)
    appetite: list[SheetRow] | None = None
    appetite_columns: dict[str, int] = field(default_factory=dict)
    matrix_sheet: list[tuple] | None = None  # the Matrix sheet's values, row by row
    # A closed quarter's register (history.register_as_of): the workbook's register it was rebuilt from.
    rebuilt_from: Register | None = field(default=None, repr=False, compare=False)
    # What the pure core derives from this register (trends, snapshots), kept so that checks, trends and the
    # paper work it out once. A Register is read, then only read from; build a new one after a change.
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def period(self) -> Period:
        """The reporting period: the newest trend column's."""
        return self.trend_periods[-1]

    def setting(self, key: str) -> object:
        """Return a Settings value; a blank one is its default, except a setting the paper needs (never filled)."""
        value = self.settings.get(key)
        setting = SETTING_BY_KEY[key]
        return setting.default if value in (None, "") and not setting.paper else value

    def has_column(self, key: str) -> bool:
        return key in self.columns

    def cell(self, risk: Risk | int, key: str) -> str:
        """Return the address of `key`'s cell in the row of `risk` (a Risk or a row number)."""
        row = risk.row if isinstance(risk, Risk) else risk
        return address(REGISTER_SHEET, row, self.columns[key])

    def history_cell(self, entry: HistoryEntry, column: int) -> str:
        return address(HISTORY_SHEET, entry.row, column)

    def action_cell(self, action: SheetRow, key: str) -> str:
        return address(ACTIONS_SHEET, action.row, self.action_columns[key])

    def appetite_cell(self, entry: SheetRow, key: str) -> str:
        return address(APPETITE_SHEET, entry.row, self.appetite_columns[key])

    def by_id(self) -> dict[str, Risk]:
        return {risk.id: risk for risk in self.risks if risk.id}

    def header_of(self, key: str) -> str:
        return self.headers.get(key) or COLUMN_BY_KEY[key].header


Derived = TypeVar("Derived")


def once_per_register(derive: Callable[[Register], Derived]) -> Callable[[Register], Derived]:
    """Work `derive` out once per register, kept in `register.derived`: several rules, the trends and the paper
    all ask for the same snapshots and scans."""
    name = f"{derive.__module__}.{derive.__qualname__}"

    @functools.wraps(derive)
    def once(register: Register) -> Derived:
        if name not in register.derived:
            register.derived[name] = derive(register)
        return register.derived[name]  # type: ignore[return-value]

    return once
