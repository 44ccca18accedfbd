"""Moving a risk between registers (escalate, de-escalate): the two edits it makes, decided as data (pure).

A risk is *moved*, not linked: the register it leaves closes its row (Status Closed) and keeps its History rows as
they are (sealed quarters are never altered); the register it joins gets its Register row, every History row of it
that register lacks, and the words of each text fingerprint those rows name. A register the risk left before (it
was escalated, then comes back) reopens its own closed row rather than adding a second one. Both registers record
the move on their Record sheet, and each register's paper of that quarter says where the risk went, once. A sealed
quarter of the receiving register that gains History rows gets a new version of its seal (as correct-history
makes), with the move as its reason: validate stays clean on both. The risk's actions go with it (into its own
earlier rows on a register it comes back to, onto an Actions sheet made for them on one without); the register it
left keeps them beside the closed risk, each marked in its Update. History rows kept under an ID the risk had before
a rename-risk stay behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from workbook.core import seal, trends
from workbook.core.edit import DATE_STYLE, AppendRows, CellChange, ClearCell, SetCell, TableSheet, WorkbookEdit
from workbook.core.errors import PeriodError, RegisterFormatError
from workbook.core.model import HistoryEntry, Register, Risk, as_text
from workbook.core.periods import Period, parse_period
from workbook.core.record_text import record_rows
from workbook.core.rollover import history_columns
from workbook.core.words import plural
from workbook.core.schema import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    ACTIONS_TABLE,
    DEPTH_LISTS,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    HISTORY_TABLE,
    RECORDED_TEXT_KEYS,
    REGISTER_SHEET,
    REGISTER_TABLE,
)

ESCALATED, DE_ESCALATED = "escalated", "de-escalated"
MOVE_PREFIX = "escalation "
MOVE_KEY = MOVE_PREFIX + "{way} {risk} {period} #{number}"  # 'escalation out CRR-D07 2026/27 Q3 #1'
OUT, IN = "out", "in"


@dataclass(frozen=True)
class Move:
    """One move of a risk as a register's Record keeps it: out of it, or into it."""

    way: str  # out | in
    kind: str  # escalated | de-escalated
    risk_id: str  # the ID in this register
    other_id: str  # the ID in the other register
    other: str  # the other register's name
    period: Period


@dataclass(frozen=True)
class ActionsCarried:
    """What moving a risk did with its actions: how many went with it, and what the target did to hold them."""

    count: int = 0  # the risk's actions on the source, each carried to the target
    reused: int = 0  # the target's own earlier rows of the risk, given the carried values
    cleared: int = 0  # the target's earlier rows of the risk the source no longer has, emptied
    marked: bool = False  # the source's rows say in Update where they went
    sheet_made: bool = False  # the target had no Actions sheet: one was added

    def words(self, source: str, target: str) -> str:
        """Return ', 2 actions carried (…)' for the command's sentence ('' when the risk had none)."""
        if not self.count and not self.cleared:
            return ""
        what = [f"{plural(self.count, 'action')} carried with it"]
        if self.sheet_made:
            what.append(f"on a new Actions sheet on {target}")
        if self.reused:
            what.append(f"into {plural(self.reused, 'earlier row')} of it there")
        text = ", " + " ".join(what)
        if self.cleared:
            text += (f", {plural(self.cleared, 'earlier action')} of it there emptied, as {source} no longer has "
                     f"{'them' if self.cleared > 1 else 'it'}")
        if self.count:
            text += f" ({'kept on ' + source + ' and marked in Update' if self.marked else 'kept on ' + source})"
        return text


@dataclass(frozen=True)
class EscalationPlan:
    """What moving a risk changes: an edit of each register, and what it moved."""

    kind: str
    risk_id: str
    new_id: str
    source_name: str
    target_name: str
    period: Period
    source_edit: WorkbookEdit  # without its Record rows: the applier's job appends them (jobs/record.py)
    target_edit: WorkbookEdit
    source_record: tuple[tuple[str, str, str], ...]
    target_record: tuple[tuple[str, str, str], ...]
    history_rows: int  # History rows copied to the target
    reopened: bool  # the target's own earlier row of the risk was reopened
    resealed: tuple[Period, ...]  # the target's sealed quarters given a new seal
    actions: ActionsCarried = field(default_factory=lambda: ActionsCarried())

    def sentence(self, source: str, target: str) -> str:
        """Return what the command did, in words."""
        moved = f"{self.risk_id} {self.kind} from {source} to {target}" + \
            (f" as {self.new_id}" if self.new_id != self.risk_id else "")
        kept = f"{self.history_rows} History {'row' if self.history_rows == 1 else 'rows'} copied"
        if self.reopened:
            kept += f", its earlier row on {target} reopened"
        if self.resealed:
            kept += f", {', '.join(p.label for p in self.resealed)} re-sealed there"
        return (f"{moved[0].upper()}{moved[1:]} in {self.period.label}: closed on {source} (its History kept), "
                f"{kept}{self.actions.words(source, target)}; the move is recorded in both registers.")


def register_name(register: Register) -> str:
    """Return the register's name as its papers give it: its Register title, else its file's name."""
    title = " ".join(as_text(register.settings.get("title")).split())
    if title:
        return title
    stem = register.source.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem or "the other register"


def _the(name: str) -> str:
    return name if name.lower().startswith("the ") else f"the {name}"


def moves(register: Register) -> tuple[Move, ...]:
    """Return the moves the Record sheet keeps, in the order they were made."""
    source = register.rebuilt_from or register
    found = []
    for key, fields in source.recorded_text.items():
        if not key.startswith(MOVE_PREFIX) or fields.get("way") not in (OUT, IN):
            continue
        try:
            period = parse_period(fields.get("period", ""))
        except PeriodError:
            continue
        found.append(Move(fields["way"], fields.get("kind", ESCALATED), fields.get("risk", ""),
                          fields.get("other_id", ""), fields.get("other", ""), period))
    return tuple(found)


def moved_away(register: Register) -> frozenset[str]:
    """Return the IDs (casefolded) of the closed risks whose last move took them to another register: their actions
    are followed there."""
    last: dict[str, str] = {}
    for move in moves(register):
        last[move.risk_id.casefold()] = move.way
    return frozenset(risk.id.casefold() for risk in register.risks
                     if risk.id and risk.is_closed and last.get(risk.id.casefold()) == OUT)


def escalation_sentences(register: Register) -> tuple[str, ...]:
    """Return 'CRR-D07 was escalated to the Corporate Risk Register.' for each move made in the register's
    quarter: said once, in that quarter's paper."""
    sentences = []
    for move in moves(register):
        if move.period != register.period or not move.risk_id:
            continue
        if move.way == OUT:
            sentences.append(f"{move.risk_id} was {move.kind} to {_the(move.other)}"
                             + (f" (as {move.other_id})." if move.other_id and move.other_id != move.risk_id else "."))
        else:
            sentences.append(f"{move.risk_id} was {move.kind} from {_the(move.other)}"
                             + (f" (where it was {move.other_id})." if move.other_id and move.other_id != move.risk_id
                                else "."))
    return tuple(dict.fromkeys(sentences))


def _risk(register: Register, risk_id: str) -> Risk | None:
    return next((risk for risk in register.risks if risk.id and risk.id.casefold() == risk_id.casefold()), None)


def _set(sheet: str, row: int, column: int, value: object) -> SetCell:
    return SetCell(sheet, row, column, value, DATE_STYLE if isinstance(value, dt.date) else None)


def _move_rows(register: Register, move: Move, today: dt.date) -> list[tuple[str, str, str]]:
    number = 1 + sum(1 for key in register.recorded_text if key.startswith(
        MOVE_PREFIX + f"{move.way} {move.risk_id} {move.period.label} "))
    key = MOVE_KEY.format(way=move.way, risk=move.risk_id, period=move.period.label, number=number)
    return list(record_rows(key, (("way", move.way), ("kind", move.kind), ("risk", move.risk_id),
                                  ("other_id", move.other_id), ("other", move.other),
                                  ("period", move.period.label), ("on", today.isoformat()))))


def plan_escalation(source: Register, target: Register, risk_id: str, *, kind: str = ESCALATED,
                    new_id: str | None = None, today: dt.date) -> EscalationPlan:
    """Return the move of risk `risk_id` from `source` to `target` (as `new_id` there, when given)."""
    risk_id = risk_id.strip()
    risk = _risk(source, risk_id)
    if risk is None:
        raise RegisterFormatError(f"{source.source}: sheet '{REGISTER_SHEET}': no risk has the ID '{risk_id}'. "
                                  "Give the ID the Register has now.")
    risk_id = risk.id
    if risk.is_closed:
        raise RegisterFormatError(f"{source.source}: sheet '{REGISTER_SHEET}' row {risk.row}: {risk_id} is closed, "
                                  "so there is nothing to move. Reopen it first (Status Open) if it is live.")
    if "status" not in source.columns:
        raise RegisterFormatError(f"{source.source}: sheet '{REGISTER_SHEET}' has no Status column, so {risk_id} "
                                  "cannot be closed there. Add the Status column (as `riskreg new` makes it).")
    if source.period != target.period:
        raise PeriodError(f"{target.source}: reports {target.period.label} but {source.source} reports "
                          f"{source.period.label}. Roll the register that is behind to the same quarter first.")
    source_name, target_name = register_name(source), register_name(target)
    if not new_id:  # coming back: the ID it had on the register it left for this one
        new_id = next((m.risk_id for m in reversed(moves(target)) if m.way == OUT and m.other == source_name
                       and m.other_id.casefold() == risk_id.casefold()), risk_id)
    new_id = new_id.strip()
    existing = _risk(target, new_id)
    reopened = existing is not None
    if existing is not None and not _left_for(target, existing, source_name):
        raise RegisterFormatError(
            f"{target.source}: sheet '{REGISTER_SHEET}' row {existing.row}: the ID {existing.id} is already a risk "
            f"here, so nothing was moved. Give {risk_id} an ID of its own on this register with --as NEWID.")
    if existing is None and not _fits(target, new_id):
        raise RegisterFormatError(
            f"{target.source}: {new_id} does not match the Risk ID pattern {as_text(target.setting('id_pattern'))} "
            f"in its Settings, so nothing was moved. Give {risk_id} an ID that fits there with --as NEWID.")
    positions, headers = history_columns(target)
    period = source.period

    # The target: its Register row (added, or its own earlier one reopened) ...
    cells: list[CellChange] = list(headers)
    kept_here = ("id", "escalate_to")  # the ID may change (--as); the mark is done with once the risk has moved
    values = {key: value for key, value in risk.values.items() if key in target.columns and key not in kept_here}
    appends: list[AppendRows] = []
    if existing is not None:
        new_id = existing.id
        for key, value in values.items():
            if value not in (None, "") or existing.values.get(key) not in (None, ""):
                cells.append(_set(REGISTER_SHEET, existing.row, target.columns[key], value))
    else:
        row = {"id": new_id, **{k: v for k, v in values.items() if v not in (None, "")}}
        dated = {key: DATE_STYLE for key, value in row.items() if isinstance(value, dt.date)}
        appends.append(AppendRows(REGISTER_SHEET, dict(target.columns), (row,), REGISTER_TABLE, dated))
    # ... every History row of the risk it lacks, and the words those rows' fingerprints name.
    held = {p for e, p in zip(target.history, trends.entry_periods(target))
            if e.risk_id.casefold() == new_id.casefold() and p is not None}
    copied: list[HistoryEntry] = []
    next_row = max((e.row for e in target.history), default=1) + 1
    seen: set[Period] = set()
    for entry, entry_period in zip(source.history, trends.entry_periods(source)):
        if entry.risk_id.casefold() != risk_id.casefold() or entry_period is None:
            continue
        if entry_period in held or entry_period in seen:
            continue
        seen.add(entry_period)
        copied.append(replace(entry, row=next_row + len(copied), risk_id=new_id))
    history_rows = tuple({c.key: getattr(entry, c.key) for c in HISTORY_COLUMNS if c.key in positions
                          and getattr(entry, c.key) not in (None, "")} for entry in copied)
    dated = {c.key: DATE_STYLE for c in HISTORY_COLUMNS
             if any(isinstance(getattr(e, c.key), dt.date) for e in copied)}
    if history_rows:
        appends.append(AppendRows(HISTORY_SHEET, positions, history_rows, HISTORY_TABLE, dated,
                                  tuple(str(w.value) for w in headers)))
    texts: dict[str, dict[str, str]] = {}
    target_record: list[tuple[str, str, str]] = []
    for entry in copied:
        mark = entry.fingerprint
        if mark and mark not in target.recorded_text and mark not in texts and mark in source.recorded_text:
            words = {key: source.recorded_text[mark][key] for key in RECORDED_TEXT_KEYS
                     if source.recorded_text[mark].get(key)}
            texts[mark] = words
            target_record.extend(record_rows(mark, words.items()))
    # A sealed quarter that gains rows is sealed again, the move its reason; one changed by hand is refused.
    resealed: tuple[Period, ...] = ()
    sealed = seal.seals(target)
    touched = sorted({p for p in seen if p in sealed})
    if touched:
        if seal.alterations(target):
            quarters = ", ".join(p.label for p in seal.altered_quarters(target))
            raise RegisterFormatError(
                f"{target.source}: sealed quarters changed since their close ({quarters}), so nothing was moved. "
                "Run validate, undo or correct those changes (riskreg correct-history), then move the risk.")
        after = replace(target, history=[*target.history, *copied],
                        recorded_text={**target.recorded_text, **texts}, derived={}, rebuilt_from=None)
        record, resealed = _reseal(after, touched[0], copied, f"{today.isoformat()}: {new_id} {kind} from "
                                   f"{source_name}")
        target_record.extend(record)
    target_record.extend(_move_rows(target, Move(IN, kind, new_id, risk_id, source_name, period), today))
    note = f"{new_id} {kind} from {source_name} in {period.label}."
    # ... and the risk's actions, into its earlier rows there first (or onto a new Actions sheet).
    mark = (f"{kind.capitalize()} with {risk_id} to {_the(target_name)} in {period.label}"
            + (f" (as {new_id})" if new_id != risk_id else "") + ": followed there.")
    carried = _carry_actions(source, target, risk_id, new_id if reopened else None, new_id, mark)
    cells += carried.target_cells
    appends += carried.target_appends
    target_edit = WorkbookEdit(cells=tuple(cells), appends=tuple(appends), notes=(note,),
                               table_sheets=carried.table_sheets)

    # The source: the risk's row closed, its History kept, its actions kept and marked, the move recorded.
    source_edit = WorkbookEdit(
        cells=(SetCell(REGISTER_SHEET, risk.row, source.columns["status"], "Closed"), *carried.source_cells),
        notes=(f"{risk_id} {kind} to {target_name} in {period.label}: closed here, its History kept.",))
    source_record = _move_rows(source, Move(OUT, kind, risk_id, new_id, target_name, period), today)
    return EscalationPlan(kind, risk_id, new_id, source_name, target_name, period, source_edit, target_edit,
                          tuple(source_record), tuple(target_record), len(copied), reopened, resealed,
                          carried.done)


@dataclass(frozen=True)
class _Carried:
    target_cells: tuple[CellChange, ...]
    target_appends: tuple[AppendRows, ...]
    table_sheets: tuple[TableSheet, ...]
    source_cells: tuple[SetCell, ...]
    done: ActionsCarried


def _carry_actions(source: Register, target: Register, risk_id: str, reopened: str | None, new_id: str,
                   mark: str) -> _Carried:
    """Return the edits that carry the risk's actions from `source` to `target` (as `new_id` there): into the
    target's own earlier rows of it when it comes back (`reopened`), the rest appended, or onto a new Actions
    sheet when the target has none; each kept on the source with `mark` before its Update."""
    ours = [a for a in source.actions or () if a.text("risk_id").casefold() == risk_id.casefold()]
    earlier = [a for a in target.actions or () if reopened and a.text("risk_id").casefold() == reopened.casefold()]
    if not ours and not earlier:
        return _Carried((), (), (), (), ActionsCarried())
    keys = [c.key for c in ACTION_COLUMNS if c.key != "risk_id"]
    incoming = [{"risk_id": new_id, **{k: action.values.get(k) for k in keys if k in source.action_columns
                                      and action.values.get(k) not in (None, "")}} for action in ours]
    source_cells: list[SetCell] = []
    update = source.action_columns.get("update")
    if update:
        for action in ours:
            before = action.text("update")
            source_cells.append(SetCell(ACTIONS_SHEET, action.row, update, f"{mark}\n{before}" if before else mark))
    if target.actions is None:
        sheet = TableSheet(ACTIONS_SHEET, ACTIONS_TABLE, ACTION_COLUMNS, tuple(incoming),
                           as_text(target.settings.get("title")), as_text(target.settings.get("marking")),
                           {} if "ActionStatuses" in target.lists else
                           {"ActionStatuses": DEPTH_LISTS["ActionStatuses"]})
        return _Carried((), (), (sheet,), tuple(source_cells),
                        ActionsCarried(len(ours), marked=bool(update), sheet_made=True))
    positions = dict(target.action_columns)
    cells: list[CellChange] = []
    new_headers: list[str] = []
    if any(key not in positions for row in incoming for key in row):  # an optional column the target lacks
        for column in ACTION_COLUMNS:
            if column.key not in positions and any(column.key in row for row in incoming):
                positions[column.key] = max(positions.values()) + 1
                cells.append(SetCell(ACTIONS_SHEET, 1, positions[column.key], column.header))
                new_headers.append(column.header)
    for action, values in zip(earlier, incoming):  # coming back: its own rows take what the other register has
        for key in ("risk_id", *keys):
            value = values.get(key)
            if key in positions and (value not in (None, "") or action.values.get(key) not in (None, "")):
                cells.append(_set(ACTIONS_SHEET, action.row, positions[key], value))
    for action in earlier[len(incoming):]:  # gone from the other register while the risk was there
        cells += [ClearCell(ACTIONS_SHEET, action.row, column) for column in target.action_columns.values()]
    rest = tuple(incoming[len(earlier):])
    dated = {key: DATE_STYLE for row in rest for key, value in row.items() if isinstance(value, dt.date)}
    appends = (AppendRows(ACTIONS_SHEET, positions, rest, ACTIONS_TABLE, dated, tuple(new_headers)),) \
        if rest or new_headers else ()
    return _Carried(tuple(cells), appends, (), tuple(source_cells),
                    ActionsCarried(len(ours), min(len(earlier), len(incoming)),
                                   max(len(earlier) - len(incoming), 0), bool(update)))


def _reseal(after: Register, first: Period, copied: list[HistoryEntry],
            reason: str) -> tuple[list[tuple[str, str, str]], tuple[Period, ...]]:
    """Return the Record rows of a new version of each seal from `first` on, over History as it stands with the
    `copied` rows, and the quarters resealed: the chain holds, and no sealed row is altered."""
    from workbook.core.history import rows_of
    from workbook.core.record_text import QUARTER_KEY

    record: list[tuple[str, str, str]] = []
    resealed: list[Period] = []
    previous: seal.Seal | None = None
    periods = dict(zip((entry.row for entry in after.history), trends.entry_periods(after)))
    for period, old in seal.seals(after).items():
        if period < first:
            previous = old
            continue
        quarter = after.recorded_text.get(QUARTER_KEY.format(label=period.label), {})
        rows = [(entry.risk_id, seal.entry_values(entry)) for entry in rows_of(after, period)]
        added = tuple(f"History row {entry.row}: {entry.risk_id} added" for entry in copied
                      if periods.get(entry.row) == period)
        fields = seal.seal_fields(period, rows, quarter, previous, reason=reason, changes=added)
        record.extend(record_rows(seal.seal_key(period, old.version + 1), fields))
        previous = seal.Seal(period, {}, {}, old.previous, dict(fields)[seal.CHAIN_FIELD], old.version + 1)
        resealed.append(period)
    return record, tuple(resealed)


def _fits(register: Register, risk_id: str) -> bool:
    """Return whether `risk_id` fits the register's Risk ID pattern (one that cannot be used: validate names it)."""
    import re

    try:
        return re.fullmatch(as_text(register.setting("id_pattern")), risk_id) is not None
    except re.error:
        return True


def _left_for(register: Register, risk: Risk, other: str) -> bool:
    """Return whether `risk`, closed on `register`, is the one that left it for the register named `other`."""
    return risk.is_closed and any(m.way == OUT and m.risk_id.casefold() == risk.id.casefold() and m.other == other
                                  for m in moves(register))


# ---- the consolidated view: every register's risks in one read-only workbook ---------------------------------

OVERVIEW_COLUMNS = ("Register", "File", "ID", "Risk Name", "Residual Risk Rating", "Status", "Risk Owner",
                    "Portfolio/Department", "Last Reviewed")
OVERVIEW_NOTE = ("Read-only overview built by riskreg consolidate from {count}: change the registers themselves, "
                 "then build it again. Counts are of open risks; a closed risk is listed with its Status.")


@dataclass(frozen=True)
class Overview:
    """What `riskreg consolidate` writes: one row per risk with its register, and open risks per register and
    rating."""

    rows: tuple[tuple[object, ...], ...]  # OVERVIEW_COLUMNS order
    ratings: tuple[str, ...]  # most severe first, then any other rating found
    counts: tuple[tuple[str, tuple[int, ...]], ...]  # register -> open risks per rating (ratings order), in order
    note: str


def overview(registers: list[Register]) -> Overview:
    """Return the consolidated view of `registers`, in the order given."""
    from workbook.core.ratings import rating_scale

    ratings: list[str] = []
    for register in registers:
        ratings += [r.name for r in rating_scale(register) if r.name not in ratings]
    rows = []
    open_counts: list[tuple[str, dict[str, int]]] = []
    names = [register_name(register) for register in registers]
    for register, name in zip(registers, names):
        file = register.source.replace("\\", "/").rsplit("/", 1)[-1]
        if names.count(name) > 1:  # two registers of one title: each counted under its own file's name too
            name = f"{name} ({file})"
        counted: dict[str, int] = {}
        for risk in register.risks:
            if not risk.id:
                continue
            rows.append((name, file, risk.id, risk.text("name"), risk.rating, "Closed" if risk.is_closed else "Open",
                         risk.text("owner"), risk.text("portfolio"), risk.values.get("last_reviewed") or None))
            if not risk.is_closed:
                rating = risk.rating or "No rating"
                counted[rating] = counted.get(rating, 0) + 1
                if rating not in ratings:
                    ratings.append(rating)
        open_counts.append((name, counted))
    counts = tuple((name, tuple(counted.get(r, 0) for r in ratings)) for name, counted in open_counts)
    return Overview(tuple(rows), tuple(ratings), counts,
                    OVERVIEW_NOTE.format(count=plural(registers, "register")))
