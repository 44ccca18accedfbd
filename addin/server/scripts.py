"""The ribbon's buttons as server scripts: each reads the client's values, calls the jobs and answers in actions.

No xlwings Book: the values go straight into the core's layout (`payload.Workbook`) and the answer is built as
xlwings JSON actions (`actions.Answer`). Roll quarter applies the core's roll-over plan to the values the client
sent, with no scratch workbook; Build board paper and New register write files in the request's private scratch
folder (the paper is built from a workbook file) and send them back through the task pane's `riskregDownload`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from addin.server.actions import DOWNLOAD, Answer  # noqa: F401 (DOWNLOAD: the VBA callback tests read it here)
from addin.server.config import PAPER_ROLE, ROLL_ROLE
from addin.server.limits import Limits, capped_findings
from addin.server.payload import Workbook
from workbook import jobs
from workbook.core.errors import PeriodError, RegisterFormatError, RiskregError
from workbook.core.findings import SEVERITY_FILLS
from workbook.core.model import column_letter
from workbook.core.periods import parse_period
from workbook.core.result_sheets import (
    REGISTER_SHEETS,
    previous_marks,
    restored_fill,
    summary_rows,
    validation_rows,
)
from workbook.core.rollover import check_next_period, record_columns
from workbook.core.schema import (
    HISTORY_SHEET,
    HISTORY_TABLE,
    REGISTER_SHEET,
    SETTINGS_SHEET,
    SUMMARY_SHEET,
    TEXT_SHEET,
    TREND_KEYS,
    VALIDATION_SHEET,
    trend_header,
)
from workbook.core.words import plural

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
WRITTEN_BY = "riskreg (Excel add-in)"  # as the ribbon signs the results sheets: either clears the other's marks
GO_TO = "Go to a cell with Ctrl+G and its address."
SEVERITY_ORDER = ("info", "warning", "error")  # worst last: the worst severity of a cell wins


@dataclass(frozen=True)
class Call:
    """One request's work: the client's workbook, the limits it runs within and its private scratch folder."""

    book: Workbook
    limits: Limits
    scratch: Path


@dataclass(frozen=True)
class Script:
    """A button: the function that answers it, the roles it needs, and whether it builds files (the paper pool)."""

    function: Callable[[Call], Answer]
    roles: tuple[str, ...] = ()
    heavy: bool = False


def run(script: Script, call: Call) -> dict:
    """Return the actions of `script` on the call's workbook; a RiskregError becomes a message box, as the ribbon."""
    try:
        return script.function(call).json()
    except RiskregError as err:
        answer = Answer(call.book.sheet_names)
        answer.alert(err.user_message, critical=True)
        return answer.json()


def _argument(book: Workbook, index: int, default: object = "") -> object:
    return book.args[index] if len(book.args) > index else default


# --- Validate ---------------------------------------------------------------------------------------------------

def validate(call: Call) -> Answer:
    book = call.book
    grids = book.grids((*REGISTER_SHEETS, VALIDATION_SHEET))
    previous = previous_marks(grids.pop(VALIDATION_SHEET, None))
    validation = jobs.validate(book.register(grids))
    findings, more = capped_findings(validation.findings, call.limits.max_findings)
    answer = Answer(book.sheet_names)
    before = {f.cell: previous.get(f.cell, "none") for f in findings if f.cell}
    rows = validation_rows(findings, validation.summary, before, WRITTEN_BY, dt.datetime.now(), GO_TO)
    rows += [[None] * 6 + [line, None] for line in more]
    answer.replace_sheet(VALIDATION_SHEET, rows, after=REGISTER_SHEET)
    fills: dict[str, str | None] = {cell: restored_fill(spec) for cell, spec in previous.items()}
    rank = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}
    for finding in sorted(findings, key=lambda f: rank.get(f.severity, len(rank))):
        if finding.cell:
            fills[finding.cell] = "#" + SEVERITY_FILLS.get(finding.severity, SEVERITY_FILLS["error"])
    answer.paint(fills)
    summary = validation.summary
    answer.alert(f"{summary} — see the Validation sheet." if validation.findings else summary)
    return answer


# --- Refresh trends ---------------------------------------------------------------------------------------------

def refresh_trends(call: Call) -> Answer:
    book = call.book
    refresh = jobs.refresh_trends(book.register())
    register, filled = refresh.register, refresh.fills
    answer = Answer(book.sheet_names)
    by_value: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for cell, value in filled.items():
        by_value[value].append(cell)
    for value in sorted(by_value, key=str):  # one write per run of cells in a column: no multi-area ranges
        by_column: dict[int, list[int]] = defaultdict(list)
        for row, column in by_value[value]:
            by_column[column].append(row)
        for column, rows in sorted(by_column.items()):
            for first, last in _runs(rows):
                answer.set_values(REGISTER_SHEET, first, column, [[value]] * (last - first + 1))
    after = VALIDATION_SHEET if VALIDATION_SHEET in book.sheet_names else REGISTER_SHEET
    answer.replace_sheet(SUMMARY_SHEET, summary_rows(register, refresh.movements, refresh.distribution, WRITTEN_BY,
                                                     dt.datetime.now()).rows, after=after)
    answer.alert(jobs.trends_message(refresh))
    return answer


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


# --- Roll quarter -----------------------------------------------------------------------------------------------

def _last_used_row(grid: Sequence[Sequence[object]], columns) -> int:
    """Return the last row (1-based) with a value in one of `columns` (0 for none)."""
    wanted = [c - 1 for c in columns]
    for index in range(len(grid or ()) - 1, -1, -1):
        row = grid[index]
        if any(c < len(row) and row[c] not in (None, "") for c in wanted):
            return index + 1
    return 0


def roll_quarter(call: Call) -> Answer:
    book = call.book
    period = str(_argument(book, 0, "") or "").strip()
    if not period:
        raise PeriodError("Roll quarter needs the new period: type it in the Risk Register task pane (for example "
                          "2021/22 Q3) and press Roll quarter there.")
    new_period = parse_period(period)
    grids = book.grids()
    register = book.register(grids)
    check_next_period(register, new_period)
    if HISTORY_SHEET not in grids:
        raise RegisterFormatError(f"{register.source}: no sheet named '{HISTORY_SHEET}', so the quarter's ratings "
                                  f"cannot be kept. Add it (copy it from a workbook made by `riskreg new`).")
    totals = book.totals_rows(HISTORY_SHEET, HISTORY_TABLE)
    if totals:  # values can only be written below it, and the client cannot insert rows into the table for us
        raise RegisterFormatError(
            f"{register.source}: the History table has a Total Row (row {totals[0]}), and Roll quarter over the "
            "server can only write the new rows below it. Turn the Total Row off (Table Design > Total Row), roll "
            "the quarter, then turn it on again.")
    plan = jobs.plan_quarter(register, new_period, force=True).plan  # closed as always: its errors on record
    current = register.period
    answer = Answer(book.sheet_names)
    # Last quarter's highlights point at cells that now hold other quarters: put back the fills they replaced.
    answer.paint({cell: restored_fill(spec) for cell, spec in previous_marks(grids.get(VALIDATION_SHEET)).items()})
    cells: dict[str, object] = {}
    for write in (*plan.headers, *plan.updates):
        cells[write.address] = write.value
    last = _last_used_row(grids[HISTORY_SHEET], plan.positions.values())
    for number, values in enumerate(plan.rows, start=last + 1):
        for key, value in values.items():
            cells[f"{HISTORY_SHEET}!{column_letter(plan.positions[key])}{number}"] = value
    record: list[list[object]] = [list(row) for row in plan.record]
    if record and TEXT_SHEET in grids:
        start = _last_used_row(grids[TEXT_SHEET], range(1, len(record_columns()) + 1)) + 1
        for number, row in enumerate(record, start=start):
            for column, value in enumerate(row, start=1):
                cells[f"{TEXT_SHEET}!{column_letter(column)}{number}"] = value
    elif record:  # the closed quarters' words, out of the user's way (Office.js can hide, not very-hide)
        answer.add_sheet(TEXT_SHEET, after=answer.sheets[-1])
        answer.hide_sheet(TEXT_SHEET)
        answer.set_values(TEXT_SHEET, 1, 1, [list(record_columns()), *record])
    positions = [register.columns[key] for key in TREND_KEYS]
    first = 1 - len(TREND_KEYS)
    for index, position in enumerate(positions):
        cells[f"{REGISTER_SHEET}!{column_letter(position)}{register.header_row}"] = \
            trend_header(new_period.shifted(first + index).quarter)
    register_grid = grids[REGISTER_SHEET]
    for risk in register.risks:
        row = register_grid[risk.row - 1]
        now = [row[p - 1] if p - 1 < len(row) else None for p in positions]
        for position, value in zip(positions, [*now[1:], None]):
            cells[f"{REGISTER_SHEET}!{column_letter(position)}{risk.row}"] = value
    cells[f"{SETTINGS_SHEET}!B{register.settings_rows['period']}"] = new_period.label
    answer.write_cells(cells)
    stale = [name for name in (VALIDATION_SHEET, SUMMARY_SHEET) if name in book.sheet_names]
    for name in stale:
        answer.delete_sheet(name)
    notes = list(plan.notes)
    if stale:
        notes.append(f"Removed the {' and '.join(stale)} {plural(stale, 'sheet', with_count=False)} of "
                     f"{current.label}; run validate and trends again for {new_period.label}.")
    added, kept = plan.added, plan.kept + plan.updated
    answer.alert("\n\n".join([
        f"Rolled {book.name} from {current.label} to {new_period.label}: "
        f"{plural(added, current.label + ' row')} added to the History sheet"
        + (f" ({plural(kept, 'risk')} already had one, brought up to date from the Register)" if kept else "")
        + f", and the trend columns have moved on. Fill in the {new_period.label} trends, then Validate. The server "
        "keeps no copy: to go back, use the workbook's version history (File > Info > Version History).", *notes]))
    return answer


# --- Build board paper and New register -------------------------------------------------------------------------

def build_paper(call: Call) -> Answer:
    """Build the paper as `riskreg paper` does: argument 1 is --force, argument 2 is --positions."""
    from workbook.core.errors import RegisterErrorsError

    book = call.book
    anyway, positions = bool(_argument(call.book, 0, False)), bool(_argument(call.book, 1, False))
    grids = book.grids()
    book.register(grids)  # a workbook that is not a register is told so before any file is written
    answer = Answer(book.sheet_names)
    scratch = jobs.scratch_copy(call.scratch, book.name, grids)
    del grids
    try:
        result = jobs.build_paper(scratch, force=anyway, pdf=jobs.pdf_available(), positions=positions)
    except RegisterErrorsError as err:
        answer.alert(err.listing + "\n\nTo build the paper anyway, with a data-quality note listing them, press "
                                   "'Build anyway' in the Risk Register task pane.", critical=True)
        return answer
    files = [result.paper] + ([result.pdf] if result.pdf else [])
    for path in files:
        answer.download(path.name, path.read_bytes(), PDF if path.suffix == ".pdf" else DOCX)
    note = (f" It carries a data-quality note listing {plural(result.forced_errors, 'register error')}."
            if result.forced_errors else "")
    answer.alert(f"Board paper built: {' and '.join(p.name for p in files)}, ready to save from the task pane.{note}")
    return answer


def new_register(call: Call) -> Answer:
    period = jobs.period_or_today(str(_argument(call.book, 0, "") or "") or None)
    name = f"Risk register {period.label.replace('/', '-')}.xlsx"
    data = jobs.new_register(call.scratch / name, period).read_bytes()
    answer = Answer(call.book.sheet_names)
    answer.download(name, data, XLSX)
    answer.alert(f"Created {name}: save it from the task pane, then open it in Excel.")
    return answer


# The allow-list the server answers, in ribbon order: script name -> what runs it (the ribbon's button ids).
SCRIPTS = {"validate": Script(validate), "refresh_trends": Script(refresh_trends),
           "roll_quarter": Script(roll_quarter, (ROLL_ROLE,)),
           "build_paper": Script(build_paper, (PAPER_ROLE,), heavy=True), "new_register": Script(new_register)}
