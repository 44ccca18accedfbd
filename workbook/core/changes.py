"""What changed since the last paper, and controls nobody has touched for quarters, from History's record (pure)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from workbook.core import renames, trends
from workbook.core.matrix import matrix_of
from workbook.core.model import HistoryEntry, Register, Risk, as_text, once_per_register
from workbook.core.periods import Period
from workbook.core.rollover import risk_text
from workbook.core.values import as_number, entry_score, risk_score, whole_setting

STALE_DEFAULT = 2
_WORDS = re.compile(r"\S+|\s+")
EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass(frozen=True)
class FieldChange:
    """One field of a risk that differs from the closed quarter: before, after and, for text, the words."""

    key: str
    label: str
    before: str
    after: str
    words: tuple[tuple[str, str], ...] = ()  # (equal | insert | delete, text), in reading order


@dataclass(frozen=True)
class RiskChanges:
    risk_id: str
    name: str
    since: Period
    fields: tuple[FieldChange, ...]


def word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Return `after` as runs of kept, inserted and deleted words (whitespace kept), deletions before insertions."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append((EQUAL, "".join(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            runs.append((DELETE, "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            runs.append((INSERT, "".join(new[j1:j2])))
    return tuple(run for run in runs if run[1])


def recorded_texts(register: Register, entry: HistoryEntry) -> dict[str, str] | None:
    """Return the words a History row recorded at its quarter's close (the RecordedText sheet), None without any."""
    return register.recorded_text.get(entry.fingerprint) if entry.fingerprint else None


def _score_text(value: object) -> str:
    number = as_number(value)
    return f"{number:g}" if number is not None else ""


def changes_since_last(register: Register) -> tuple[RiskChanges, ...]:
    """Return, per open risk the last closed quarter recorded, the fields that differ from it (register order)."""
    last = register.period.previous()
    rows = trends.earlier_rows(register)
    on = matrix_of(register)
    result = []
    for risk in register.risks:
        if not risk.id or risk.is_closed or last not in rows.get(risk.id, {}):
            continue
        entry = rows[risk.id][last]
        if entry.is_closed:  # reopened: its movement says so
            continue
        fields = []
        for key, label, before, after in (
                ("rating", register.header_of("rating"), renames.band_now(register, entry.rating, last), risk.rating),
                ("score", "Score", _score_text(entry_score(entry, on)), _score_text(risk_score(risk, on))),
                ("owner", register.header_of("owner"), entry.owner, risk.text("owner"))):
            if not entry.fingerprint and not as_text(before).strip():
                continue  # a row not recorded at a close (imported, typed) says nothing of what it leaves empty
            if as_text(before).strip() != as_text(after).strip():
                fields.append(FieldChange(key, label, as_text(before), as_text(after)))
        texts = recorded_texts(register, entry)
        if texts is not None:
            for key in ("description", "impact", "controls"):
                before, after = texts.get(key, ""), risk_text(risk, key)
                if before != after:
                    fields.append(FieldChange(key, register.header_of(key), before, after, word_diff(before, after)))
        if fields:
            result.append(RiskChanges(risk.id, risk.name, last, tuple(fields)))
    return tuple(result)


def stale_quarters(register: Register) -> int:
    """Return the Settings threshold: closed quarters of unchanged controls that make them stale."""
    number = whole_setting(register, "stale_quarters")
    return number if number is not None and number >= 1 else STALE_DEFAULT


def controls_unchanged_since(register: Register, risk: Risk) -> tuple[Period, int] | None:
    """Return the first closed quarter of the run the risk's controls have been the same, and its length."""
    rows = trends.earlier_rows(register).get(risk.id, {})
    current = None
    since, quarters, period = None, 0, register.period.previous()
    while period in rows:
        entry = rows[period]
        texts = recorded_texts(register, entry)
        if texts is None or entry.is_closed:
            break
        if current is None:  # cleaned only for a risk whose words History recorded
            current = risk_text(risk, "controls")
        if texts.get("controls", "") != current:
            break
        since, quarters, period = period, quarters + 1, period.previous()
    return (since, quarters) if since is not None else None


@once_per_register
def stale_controls(register: Register) -> dict[str, tuple[Period, int]]:
    """Return the open risks whose Key Controls text has not changed for the Settings' number of closed quarters."""
    threshold = stale_quarters(register)
    stale = {}
    for risk in register.risks:
        if not risk.id or risk.is_closed:
            continue
        run = controls_unchanged_since(register, risk)
        if run is not None and run[1] >= threshold:
            stale[risk.id] = run
    return stale
