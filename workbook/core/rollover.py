"""What a quarter roll-over records in History and on the Record sheet, worked out as a plan (pure).

The Register as it stands at the close is the truth for the closing quarter: each risk's full state becomes its
History row; a row History already has for that quarter (one `import` wrote, say) is brought up to date cell by
cell, and each value that differed is named. A risk History recorded closed in an earlier quarter, and still
closed, is not recorded again: it was reported closed once, in the quarter it closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from workbook.core import trends
from workbook.core.edit import DATE_STYLE, SetCell
from workbook.core.errors import PeriodError, RegisterFormatError
from workbook.core.matrix import Matrix, matrix_of
from workbook.core.model import HistoryEntry, Register, Risk, as_text
from workbook.core.periods import Period
from workbook.core.renames import bands_renamed_by_hand
from workbook.core.record_text import MATRIX_FIELD, QUARTER_KEY, RATINGS_FIELD, fingerprint, record_rows
from workbook.core.seal import (
    HEADER_OF,
    SEALED_KEYS,
    cell_text,
    entry_values,
    latest_seal,
    seal_fields,
    seal_key,
    seals,
)
from workbook.core.values import as_number, risk_score
from workbook.core.words import plural
from workbook.core.schema import (
    DEPTH_COLUMNS,
    HISTORY_ADDED_KEYS,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    RECORDED_CONFIG_KEYS,
    RECORDED_SETTING_KEYS,
    RECORDED_TEXT_KEYS,
    SETTINGS_SHEET,
    TEXT_COLUMNS,
    TREND_KEYS,
)

TRENDS_FIELD = "trends"
ACTIONS_FIELD = "actions"  # the Actions sheet at the close, as JSON: a past paper lists that quarter's actions
APPETITE_FIELD = "appetite"  # the Appetite sheet at the close, as JSON
CLOSED_WITH_ERRORS_FIELD = "closed with errors"  # the errors a quarter was closed with (--force), one per line
DEPTH_FIELD = "depth"  # each risk's in-depth values (positions, category, target date, proximity), as JSON


CellWrite = SetCell  # one cell the roll-over writes: a cell of the edit plan, its date styled as a date
SEALED_INDEX = {key: index for index, key in enumerate(SEALED_KEYS)}


@dataclass(frozen=True)
class RollPlan:
    """Everything a roll-over records for the closing quarter; the writer applies it as it stands."""

    closing: Period
    positions: dict[str, int]  # History column key -> 1-based column, the added ones included
    headers: tuple[CellWrite, ...]  # History headers added (columns a workbook made earlier lacks)
    rows: tuple[dict[str, object], ...]  # new History rows (column key -> value), appended below the last
    updates: tuple[CellWrite, ...]  # cells of the closing quarter's existing rows brought up to date
    record: tuple[tuple[str, str, str], ...]  # new Record sheet rows: key, field, text
    added: int  # History rows added
    updated: int  # existing rows of the closing quarter with at least one value changed
    kept: int  # existing rows of the closing quarter already up to date
    notes: tuple[str, ...]


def _clean(text: str) -> str:
    if "\n" not in text and "\r" not in text:  # one line, as most recorded texts are: only its ends to trim
        return text.strip()
    return "\n".join([line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")])


def risk_text(risk: Risk, key: str) -> str:
    """Return one of the risk's recorded text fields, as the paper reads it (trimmed, one newline per line)."""
    return _clean(as_text(risk.values.get(key)))


def risk_texts(risk: Risk) -> dict[str, str]:
    """Return the risk's recorded text fields, as the paper reads them."""
    return {key: risk_text(risk, key) for key in RECORDED_TEXT_KEYS}


_EXACT = 2 ** 53  # a whole number a float holds exactly: as_number gives it back the same


def _number(value: object) -> object:
    if type(value) is int and -_EXACT < value < _EXACT:  # most scores, likelihoods and impacts: as they are
        return value
    number = as_number(value)
    if number is None:
        return value if value not in ("",) else None
    return int(number) if number.is_integer() else number


def risk_state(register: Register, risk: Risk, fingerprint_of: str) -> dict[str, object]:
    """Return the History row that records `risk` at the close of the register's reporting quarter."""
    return _state(register, risk, risk.id, fingerprint_of, risk.is_closed, matrix_of(register), register.period.label)


def _state(register: Register, risk: Risk, risk_id: str, fingerprint_of: str, is_closed: bool, on: Matrix,
           label: str) -> dict[str, object]:
    values = risk.values
    trend = risk.text(TREND_KEYS[-1])
    if not trend:  # the computed trend stands in for a blank cell: worked out only when a cell is blank
        latest = trends.latest_trends(register).get(risk_id)
        trend = latest.computed if latest is not None and latest.computed else ""
    score = risk_score(risk, on)
    return {
        "risk_id": risk_id, "period": label, "rating": risk.rating or None,
        "trend": trend or None, "likelihood": _number(values.get("likelihood")),
        "impact": _number(values.get("impact_score")), "score": _number(score),
        "reviewed_on": values.get("last_reviewed") or None, "source": "rolled",
        "status": "Closed" if is_closed else "Open",
        "owner": risk.text("owner") or None, "fingerprint": fingerprint_of,
    }


def _same(old: object, new: object) -> bool:
    if type(old) is type(new) and old == new:  # most cells at a close: nothing more to compare
        return True
    if type(old) is str and type(new) is str:  # the same text, or two numbers typed differently ('3', '3.0')
        old_text, new_text = old.strip(), new.strip()
        if old_text == new_text:
            return True
        if not old_text or not new_text:
            return False
    elif type(old) is dt.date and type(new) is dt.date:  # a review date changed since History had it
        return False
    if old in (None, "") and new in (None, ""):
        return True
    a, b = as_number(old), as_number(new)
    if a is not None and b is not None:
        return a == b
    if isinstance(old, dt.datetime) and isinstance(new, dt.date):
        return as_text(old) == as_text(new)
    return as_text(old).strip() == as_text(new).strip()


def history_columns(register: Register) -> tuple[dict[str, int], tuple[CellWrite, ...]]:
    """Return History column key -> column, and the headers to add for columns a workbook made earlier lacks."""
    positions = dict(register.history_columns)
    missing = [c.header for c in HISTORY_COLUMNS if c.key not in positions and c.key not in HISTORY_ADDED_KEYS]
    if not positions:
        raise RegisterFormatError(f"{register.source}: no sheet named '{HISTORY_SHEET}' (or it has no header row), "
                                  "so the quarter's ratings cannot be kept. Add it (copy it from a workbook made by "
                                  "`riskreg new`).")
    if missing:
        needed = ", ".join(c.header for c in HISTORY_COLUMNS if c.key not in HISTORY_ADDED_KEYS)
        raise RegisterFormatError(
            f"sheet '{HISTORY_SHEET}' row 1: missing {plural(missing, 'column', with_count=False)} "
            f"{', '.join(missing)}. Restore the {plural(missing, 'header', with_count=False)} ({needed}) and run "
            f"roll-quarter again.")
    headers = []
    for column in HISTORY_COLUMNS:
        if column.key not in positions:
            positions[column.key] = max(positions.values()) + 1
            headers.append(CellWrite(HISTORY_SHEET, 1, positions[column.key], column.header))
    return positions, tuple(headers)


def quarter_record(register: Register) -> dict[str, str]:
    """Return what the Record sheet keeps of the closing quarter itself: its paper settings and rating scale."""
    from workbook.core.ratings import rating_scale

    fields = {key: as_text(register.settings.get(key)).strip() for key in RECORDED_SETTING_KEYS}
    # The configuration in force, defaults resolved: a past paper is drawn, scored and listed as it was then.
    fields.update({key: as_text(register.setting(key)).strip() for key in RECORDED_CONFIG_KEYS})
    fields[RATINGS_FIELD] = "\n".join(r.name for r in rating_scale(register))
    # The trend cells as they stood, older quarters included: the first quarters have no History to give them.
    fields[TRENDS_FIELD] = "\n".join("\t".join((risk.id, *risk.trends)) for risk in register.risks if risk.id)
    # The in-depth sheets and columns, when the register has them: a past paper's appetite, actions and
    # positions are those of its quarter.
    for name, rows in ((ACTIONS_FIELD, register.actions), (APPETITE_FIELD, register.appetite)):
        if rows is not None:
            fields[name] = _json([{"row": row.row, **{k: _plain(v) for k, v in row.values.items()}} for row in rows])
    if register.matrix_sheet is not None:
        fields[MATRIX_FIELD] = _json([[_plain(v) for v in row] for row in register.matrix_sheet])
    depth_keys = [c.key for c in DEPTH_COLUMNS if c.key in register.columns]
    if depth_keys:
        fields[DEPTH_FIELD] = _json({risk.id: {k: _plain(risk.values.get(k)) for k in depth_keys}
                                     for risk in register.risks if risk.id})
    return fields  # empty ones too: a past paper must not take a value typed since


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _plain(value: object) -> object:
    """Return a cell value JSON can hold: dates as ISO text, numbers and text as they are."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return value if isinstance(value, (str, int, float, bool)) or value is None else as_text(value)


def plan_roll(register: Register, closed_with_errors: str = "") -> RollPlan:
    """Return what closing the register's reporting quarter records (History rows, Record sheet rows); a quarter
    closed despite errors keeps them (`closed_with_errors`, one per line) with the rest of its record."""
    closing = register.period
    _refuse_band_renamed_by_hand(register)
    positions, headers = history_columns(register)
    existing: dict[str, HistoryEntry] = {}
    for row, period in zip(register.history, trends.entry_periods(register)):
        if period == closing and row.risk_id:
            existing.setdefault(row.risk_id.casefold(), row)
    gone: dict[str, Period] | None = None  # History's closed risks: looked for once a risk is closed
    on = matrix_of(register)
    recorded = set(register.recorded_text)
    record: list[tuple[str, str, str]] = []
    rows: list[dict[str, object]] = []
    updates: list[CellWrite] = []
    notes: list[str] = []
    added = updated = kept = 0
    seen: set[str] = set()
    first_row: dict[str, int] = {}
    # The closing quarter's History rows as they will stand, for its seal: the rows it has, then those added.
    final: dict[str, tuple[str, tuple[str, ...]]] = {entry.risk_id.casefold(): (entry.risk_id, entry_values(entry))
                                                     for entry in existing.values()}
    for risk in register.risks:
        risk_id = risk.id
        if not risk_id:
            continue
        folded = risk_id.casefold()
        if folded in seen:  # the checks call it an error; closed anyway, it is named, never lost
            notes.append(f"{risk_id} is on Register rows {first_row[folded]} and {risk.row}: only row "
                         f"{first_row[folded]} was recorded for {closing.label}. Give the risk on row "
                         f"{risk.row} its own ID.")
            continue
        seen.add(folded)
        first_row[folded] = risk.row
        is_closed = risk.is_closed
        if is_closed:
            if gone is None:
                gone = trends.closed_in(register)
            if risk_id in gone:
                notes.append(f"{risk_id} was closed in {gone[risk_id].label} and is still closed: not recorded "
                             f"for {closing.label}.")
                continue
        texts = risk_texts(risk)
        key = fingerprint(texts)
        if key not in recorded:
            recorded.add(key)
            record.extend(record_rows(key, [(name, text) for name, text in texts.items() if text]))
        state = _state(register, risk, risk_id, key, is_closed, on, closing.label)
        entry = existing.get(folded)
        if entry is None:
            added += 1
            rows.append(state)
            final[folded] = (risk_id, tuple([cell_text(state[key]) for key in SEALED_KEYS]))
            continue
        changed = False
        sealed: list[str] | None = None  # the row's sealed values, once one differs from History's
        for name, value in state.items():
            if name == "source":
                continue
            old = getattr(entry, name)
            if _same(old, value):
                continue
            if name in SEALED_INDEX:
                if sealed is None:
                    sealed = list(final[folded][1])
                sealed[SEALED_INDEX[name]] = cell_text(value)
            cell = CellWrite(HISTORY_SHEET, entry.row, positions[name], value,
                             DATE_STYLE if isinstance(value, dt.date) else None)
            updates.append(cell)
            if old not in (None, ""):
                changed = True
                header = HEADER_OF[name]
                notes.append(f"{cell.address} ({risk_id} {closing.label} {header}): {as_text(old)} → "
                             f"{as_text(value) or 'empty'}, as the Register has it at the close.")
        updated += changed
        kept += not changed
        if sealed is not None:  # unchanged, the row's seal is the one History gives (put in `final` above)
            final[folded] = (entry.risk_id, tuple(sealed))
    quarter = QUARTER_KEY.format(label=closing.label)
    fields = register.recorded_text.get(quarter)
    if fields is None:
        fields = quarter_record(register)
        if closed_with_errors:
            fields[CLOSED_WITH_ERRORS_FIELD] = closed_with_errors
        record.extend(record_rows(quarter, fields.items()))
    elif closed_with_errors:
        fields = {**fields, CLOSED_WITH_ERRORS_FIELD: closed_with_errors}
        record.extend(record_rows(quarter, [(CLOSED_WITH_ERRORS_FIELD, closed_with_errors)]))
    record.extend(_seal_rows(register, closing, final.values(), fields, notes))
    return RollPlan(closing, positions, headers, tuple(rows), tuple(updates), tuple(record), added, updated, kept,
                    tuple(notes))


def _refuse_band_renamed_by_hand(register: Register) -> None:
    """Refuse to close a quarter whose Ratings list renamed a band by hand: History would lose the band's trail."""
    found = bands_renamed_by_hand(register)
    if found:
        first = found[0]
        raise RegisterFormatError(
            f"{register.source}: the Ratings list has '{first.new}' where {first.period.label} had '{first.old}', "
            f"and the rename is not recorded, so the quarter {register.period.label} was not closed. Run riskreg "
            f"rename-band {first.old} {first.new} first (or put '{first.old}' back on the Lists sheet).")


def _seal_rows(register: Register, closing: Period, rows, fields: dict[str, str],
               notes: list[str]) -> list[tuple[str, str, str]]:
    """Return the Record rows of the closing quarter's seal (none when it is sealed already), noting once that the
    quarters closed before seals existed stay unsealed."""
    if closing in seals(register):
        return []
    previous = latest_seal(register, closing)
    if previous is None:
        unsealed = sorted(trends.covered_periods(register) - {closing})
        if unsealed:
            span = unsealed[0].label if len(unsealed) == 1 else f"{unsealed[0].label} to {unsealed[-1].label}"
            notes.append(f"Sealed {closing.label}: from now on a change to a closed quarter shows in validate. "
                         f"{span} {'was' if len(unsealed) == 1 else 'were'} closed before riskreg sealed quarters "
                         "and stay unsealed.")
    return list(record_rows(seal_key(closing), seal_fields(closing, rows, fields, previous)))


def record_columns() -> tuple[str, ...]:
    """Return the Record sheet's headers, in order."""
    return tuple(c.header for c in TEXT_COLUMNS)


def check_next_period(register: Register, new_period: Period) -> None:
    """Refuse a roll-over to anything but the quarter after the register's, or of a register with no period row."""
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
