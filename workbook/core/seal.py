"""Sealed quarters: at each close, a digest chain over the quarter's History rows and Record, kept in the Record
sheet, and what has changed in a sealed quarter since (pure).

A seal keeps each History row of its quarter as the close wrote it (one JSON line per risk), a digest of each
Record field of the quarter, the quarter it follows and a SHA-256 chain digest over all of that and the previous
seal's chain: altering a sealed cell shows as that cell, altering the seal itself breaks its chain, and altering
an earlier seal breaks every later one. It guards against changes by hand, not against someone who recomputes the
digests. A correction (`riskreg correct-history`) adds a new version of the seal, with its reason; the newest
version of each quarter's seal counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from workbook.core import trends
from workbook.core.findings import quoted
from workbook.core.model import HistoryEntry, Register, as_text, once_per_register
from workbook.core.periods import Period, parse_period
from workbook.core.errors import PeriodError
from workbook.core.record_text import QUARTER_KEY, fingerprint, record_rows
from workbook.core.schema import HISTORY_COLUMNS, RECORDED_TEXT_KEYS

SEAL_PREFIX = "seal "
SEAL_KEY = SEAL_PREFIX + "{label}"
VERSION_MARK = " #"  # 'seal 2021/22 Q3 #2': the second version, written by a correction
ROWS_FIELD = "rows"  # one JSON line per risk: its ID, then the values of SEALED_KEYS
FIELDS_FIELD = "fields"  # JSON: each Record field of the quarter -> its digest
PREVIOUS_FIELD = "previous"  # the quarter of the seal this one covers; empty for the first
CHAIN_FIELD = "chain"
REASON_FIELD = "reason"  # a correction's reason, with its date
CHANGES_FIELD = "changes"  # what a correction accepted, one line per cell
SEALED_KEYS = tuple(c.key for c in HISTORY_COLUMNS if c.key not in ("risk_id", "period"))
HEADER_OF = {c.key: c.header for c in HISTORY_COLUMNS}
FIELD_DIGEST_LENGTH = 16
_JSON_LINE = json.JSONEncoder(ensure_ascii=False)
_sealed_values = operator.attrgetter(*SEALED_KEYS)  # a History row's values of SEALED_KEYS, as a tuple


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cell_text(value: object) -> str:
    """Return a History value as a seal keeps it: the text a user reads (3.0 and 3 alike, dates as ISO)."""
    if type(value) is str:  # most History cells: as_text gives text back as it is, a whole number or a day as
        return value.strip()  # str() does
    if type(value) is int or type(value) is dt.date:
        return str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    return as_text(value).strip()


def entry_values(entry: HistoryEntry) -> tuple[str, ...]:
    """Return the sealed values of a History row, in SEALED_KEYS order."""
    return tuple([cell_text(value) for value in _sealed_values(entry)])


@dataclass(frozen=True)
class Seal:
    """One quarter's seal, as its newest version on the Record sheet has it."""

    period: Period
    rows: dict[str, tuple[str, ...]]  # risk ID -> sealed values (SEALED_KEYS order), in sheet order
    fields: dict[str, str]  # Record field of the quarter -> digest
    previous: str  # label of the quarter this seal covers, '' for the first
    chain: str
    version: int
    texts: dict[str, str] = field(default_factory=dict, compare=False)  # the seal's own Record fields

    def sealed(self, risk_id: str) -> dict[str, str]:
        """Return the risk's sealed values by History column key."""
        return dict(zip(SEALED_KEYS, self.rows[risk_id]))


def chain_of(label: str, previous_chain: str, rows_text: str, fields_text: str) -> str:
    """Return the chain digest of a seal: its quarter, its rows, its field digests and the previous chain."""
    return _digest("\x1f".join((previous_chain, label, rows_text, fields_text)))


def seal_fields(period: Period, rows: Iterable[tuple[str, Sequence[str]]], record: dict[str, str],
                previous: Seal | None, *, reason: str = "", changes: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Return the Record fields (field, text) of the seal of `period` over `rows` (risk ID, sealed values) and the
    quarter's Record fields `record`, covering `previous`."""
    line = _JSON_LINE.encode  # json.dumps(..., ensure_ascii=False), without a new encoder for each of 10,000 rows
    rows_text = "\n".join([line([risk_id, *values]) for risk_id, values in rows])
    fields_text = json.dumps({name: _digest(text)[:FIELD_DIGEST_LENGTH] for name, text in sorted(record.items())},
                             ensure_ascii=False, sort_keys=True)
    previous_label = previous.period.label if previous is not None else ""
    chain = chain_of(period.label, previous.chain if previous is not None else "", rows_text, fields_text)
    fields = [(ROWS_FIELD, rows_text), (FIELDS_FIELD, fields_text), (PREVIOUS_FIELD, previous_label),
              (CHAIN_FIELD, chain)]
    if reason:
        fields += [(REASON_FIELD, reason), (CHANGES_FIELD, "\n".join(changes))]
    return fields


def seal_key(period: Period, version: int = 1) -> str:
    """Return the Record key of version `version` of the seal of `period`."""
    return SEAL_KEY.format(label=period.label) + (f"{VERSION_MARK}{version}" if version > 1 else "")


def _parse_key(key: str) -> tuple[Period, int] | None:
    if not key.startswith(SEAL_PREFIX):
        return None
    label, mark, number = key[len(SEAL_PREFIX):].partition(VERSION_MARK)
    try:
        period = parse_period(label)
    except PeriodError:
        return None
    if mark and not number.isdecimal():
        return None
    return period, int(number) if mark else 1


def _seal(period: Period, version: int, texts: dict[str, str]) -> Seal:
    rows: dict[str, tuple[str, ...]] = {}
    for line in texts.get(ROWS_FIELD, "").split("\n"):
        try:
            item = json.loads(line) if line else None
        except ValueError:
            item = None
        if isinstance(item, list) and item and all(isinstance(v, str) for v in item):
            values = tuple(item[1:]) + ("",) * (len(SEALED_KEYS) - len(item) + 1)
            rows.setdefault(item[0], values[:len(SEALED_KEYS)])
    try:
        fields = json.loads(texts.get(FIELDS_FIELD) or "{}")
    except ValueError:
        fields = {}
    return Seal(period, rows, fields if isinstance(fields, dict) else {}, texts.get(PREVIOUS_FIELD, ""),
                texts.get(CHAIN_FIELD, ""), version, texts)


@once_per_register
def seals(register: Register) -> dict[Period, Seal]:
    """Return each sealed quarter's seal (its newest version), oldest quarter first."""
    found: dict[Period, tuple[int, dict[str, str]]] = {}
    for key, texts in register.recorded_text.items():
        parsed = _parse_key(key)
        if parsed is not None and (parsed[0] not in found or found[parsed[0]][0] < parsed[1]):
            found[parsed[0]] = (parsed[1], texts)
    return {period: _seal(period, version, texts) for period, (version, texts) in sorted(found.items())}


def latest_seal(register: Register, before: Period) -> Seal | None:
    """Return the seal of the newest sealed quarter before `before`, None when there is none."""
    earlier = [seal for period, seal in seals(register).items() if period < before]
    return earlier[-1] if earlier else None


# ---- what changed in a sealed quarter -----------------------------------------------------------------------

CHANGED, DELETED, ADDED, RECORD, TEXT, BROKEN = "changed", "deleted", "added", "record", "text", "broken"


@dataclass(frozen=True)
class Alteration:
    """One difference between a sealed quarter and its seal."""

    kind: str  # changed | deleted | added | record | text | broken
    period: Period
    risk_id: str = ""
    entry: HistoryEntry | None = None  # the History row, for changed and added
    key: str = ""  # the History column key (changed), or the Record field (record)
    sealed: str = ""  # the value the seal recorded (changed), or the sealed row in words (deleted)
    now: str = ""


def _row_words(values: dict[str, str]) -> str:
    return ", ".join(f"{HEADER_OF[key]} {quoted(value)}" for key, value in values.items() if value) or "no values"


@once_per_register
def _rows_by_quarter(register: Register) -> dict[Period, list[HistoryEntry]]:
    """Return each quarter's History rows, one per risk (the first), in sheet order: one pass over History."""
    rows: dict[Period, list[HistoryEntry]] = {}
    seen: set[tuple[Period, str]] = set()
    for entry, period in zip(register.history, trends.entry_periods(register)):
        if period is not None and entry.risk_id and (period, entry.risk_id.casefold()) not in seen:
            seen.add((period, entry.risk_id.casefold()))
            rows.setdefault(period, []).append(entry)
    return rows


def _quarter_rows(register: Register, period: Period) -> list[HistoryEntry]:
    return _rows_by_quarter(register).get(period, [])


def seal_alterations(register: Register, seal: Seal, chain_before: str | None) -> list[Alteration]:
    """Return what differs in `seal`'s quarter from the seal: History cells and rows, its Record, the seal itself.

    `chain_before` is the chain of the seal it covers ('' for none, None when that seal is missing)."""
    found: list[Alteration] = []
    period = seal.period
    rows_text, fields_text = seal.texts.get(ROWS_FIELD, ""), seal.texts.get(FIELDS_FIELD, "")
    if chain_before is None or chain_of(period.label, chain_before, rows_text, fields_text) != seal.chain:
        found.append(Alteration(BROKEN, period))
    sealed_ids = {risk_id.casefold(): risk_id for risk_id in seal.rows}
    present = set()
    for entry in _quarter_rows(register, period):
        risk_id = sealed_ids.get(entry.risk_id.casefold())
        if risk_id is None:
            found.append(Alteration(ADDED, period, entry.risk_id, entry))
            continue
        present.add(risk_id)
        for key, sealed, now in zip(SEALED_KEYS, seal.rows[risk_id], entry_values(entry)):
            if sealed != now:
                found.append(Alteration(CHANGED, period, entry.risk_id, entry, key, sealed, now))
    for risk_id in seal.rows:
        if risk_id not in present:
            found.append(Alteration(DELETED, period, risk_id, sealed=_row_words(seal.sealed(risk_id))))
    quarter = register.recorded_text.get(QUARTER_KEY.format(label=period.label), {})
    for name, digest in seal.fields.items():
        if name not in quarter or _digest(quarter[name])[:FIELD_DIGEST_LENGTH] != digest:
            found.append(Alteration(RECORD, period, key=name))
    checked = set()
    for risk_id in seal.rows:
        mark = seal.sealed(risk_id)["fingerprint"]
        if not mark or mark in checked:
            continue
        checked.add(mark)
        texts = register.recorded_text.get(mark)
        if texts is None or fingerprint({key: texts.get(key, "") for key in RECORDED_TEXT_KEYS}) != mark:
            found.append(Alteration(TEXT, period, risk_id, key=mark))
    return found


@once_per_register
def alterations(register: Register) -> tuple[Alteration, ...]:
    """Return every difference between the sealed quarters up to the register's period and their seals.

    A closed quarter's register (history.register_as_of) answers for the workbook it was rebuilt from, so that a
    past paper sees what was changed in its quarter and the ones before."""
    source = register.rebuilt_from or register
    found: list[Alteration] = []
    chains: dict[str, str] = {}
    for period, seal in seals(source).items():
        if period > register.period:
            break
        chain_before = chains.get(seal.previous) if seal.previous else ""
        found.extend(seal_alterations(source, seal, chain_before))
        chains[period.label] = seal.chain
    return tuple(found)


def altered_quarters(register: Register) -> list[Period]:
    """Return the sealed quarters (up to the register's period) changed since they were sealed, oldest first."""
    return sorted({alteration.period for alteration in alterations(register)})


# ---- a recorded correction: re-sealing a quarter as it stands ---------------------------------------------------

@dataclass(frozen=True)
class Correction:
    """What `riskreg correct-history` records: the changes it accepts, and the new seals (Record rows)."""

    period: Period
    accepted: tuple[str, ...]  # one line per change accepted, as validate named it
    record: tuple[tuple[str, str, str], ...]  # Record rows: the quarter's new seal, then each later one's
    resealed: tuple[Period, ...]  # the later sealed quarters whose seal was renewed, since each covers the one before


def accepted_line(found: Alteration) -> str:
    """Return one line naming what a correction accepts of `found`."""
    if found.kind == CHANGED:
        return (f"History row {found.entry.row if found.entry else '?'}: {found.risk_id} {HEADER_OF[found.key]} "
                f"{quoted(found.sealed)} → {quoted(found.now)}")
    if found.kind == DELETED:
        return f"{found.risk_id}: row deleted (the seal recorded {found.sealed})"
    if found.kind == ADDED:
        return f"History row {found.entry.row if found.entry else '?'}: {found.risk_id} added"
    what = {RECORD: f"Record field '{found.key}'", TEXT: f"Record words of {found.risk_id}", BROKEN: "the seal"}
    return f"{what[found.kind]} changed"


def plan_correction(register: Register, period: Period, reason: str, today: dt.date) -> Correction:
    """Return the correction of `period` with `reason`: its seal renewed over History and the Record as they stand,
    and every later seal renewed so that the chain holds; refused when there is nothing to correct."""
    reason = " ".join(reason.split())
    known = seals(register)
    if not reason:
        raise PeriodError(f"{register.source}: give the reason for the correction with --reason (it is recorded "
                          "with the new seal).")
    if period not in known:
        sealed = ", ".join(p.label for p in known) or "none yet"
        raise PeriodError(f"{register.source}: {period.label} is not a sealed quarter (sealed: {sealed}), so there "
                          "is no seal to renew; its History can be edited as it stands.")
    found = [a for a in alterations(register) if a.period == period]
    if not found:
        raise PeriodError(f"{register.source}: History and the Record of {period.label} are as its seal recorded "
                          "them: nothing to correct. Edit History first, then run correct-history.")
    seal = known[period]
    earlier = [s for p, s in known.items() if p < period and p.label == seal.previous]
    previous = earlier[-1] if earlier else None
    quarter = register.recorded_text.get(QUARTER_KEY.format(label=period.label), {})
    rows = [(entry.risk_id, entry_values(entry)) for entry in _quarter_rows(register, period)]
    accepted = tuple(accepted_line(a) for a in found)
    stamped = f"{today.isoformat()}: {reason}"
    fields = seal_fields(period, rows, quarter, previous, reason=stamped, changes=accepted)
    record = list(record_rows(seal_key(period, seal.version + 1), fields))
    chain = dict(fields)[CHAIN_FIELD]
    resealed = []
    for later_period, later in known.items():
        if later_period <= period:
            continue
        rows_text, fields_text = later.texts.get(ROWS_FIELD, ""), later.texts.get(FIELDS_FIELD, "")
        chain = chain_of(later_period.label, chain, rows_text, fields_text)
        record.extend(record_rows(seal_key(later_period, later.version + 1), (
            (ROWS_FIELD, rows_text), (FIELDS_FIELD, fields_text), (PREVIOUS_FIELD, later.previous),
            (CHAIN_FIELD, chain), (REASON_FIELD, f"{today.isoformat()}: renewed after the correction of "
                                                 f"{period.label}"), (CHANGES_FIELD, ""))))
        resealed.append(later_period)
    return Correction(period, accepted, tuple(record), tuple(resealed))
