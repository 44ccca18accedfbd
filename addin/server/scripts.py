"""The ribbon's buttons as server scripts: each reads the client's values, calls the jobs and answers in actions.

No xlwings Book: the values go straight into the core's layout (`payload.Workbook`) and the answer is built as
xlwings JSON actions (`actions.Answer`). Roll quarter applies the core's roll-over plan to the values the client
sent, with no scratch workbook; Build board paper and New register write files in the request's private scratch
folder (the paper is built from a workbook file) and send them back through the task pane's `riskregDownload`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from addin.server.actions import DOWNLOAD, Answer  # noqa: F401 (DOWNLOAD: the VBA callback tests read it here)
from addin.server.actions import apply_edit
from addin.server.config import PAPER_ROLE, ROLL_ROLE
from addin.server.limits import Limits, capped_findings
from addin.server.payload import BadPayload, Workbook
from workbook import jobs
from workbook.core.errors import PeriodError, RegisterErrorsError, RegisterFormatError, RiskregError
from workbook.core.findings import SEVERITY_FILLS
from workbook.core.periods import parse_period
from workbook.core.result_sheets import (
    REGISTER_SHEETS,
    previous_marks,
    restored_fill,
    summary_rows,
    validation_rows,
)
from workbook.core.rollover import check_next_period
from workbook.core.schema import (
    HISTORY_SHEET,
    HISTORY_TABLE,
    REGISTER_SHEET,
    SETTINGS_SHEET,
    SUMMARY_SHEET,
    VALIDATION_SHEET,
)
from workbook.core.words import plural

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
WRITTEN_BY = "riskreg (Excel add-in)"  # as the ribbon signs the results sheets: either clears the other's marks
GO_TO = "Go to a cell with Ctrl+G and its address."
SEVERITY_ORDER = ("info", "warning", "error")  # worst last: the worst severity of a cell wins
CLOSE_ANYWAY = ("\n\nRun Validate to see every finding and correct them, or press 'Close anyway' in the Risk "
                "Register task pane to close the quarter with them (the Record sheet then says it was closed with "
                "errors).")


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
        # A file the request wrote (an uploaded register) is named as the user knows it, never by the server's path.
        folders = re.escape(f"{call.scratch}{os.sep}") + rf"(?:[^{re.escape(os.sep)}\s]+{re.escape(os.sep)})*"
        answer.alert(re.sub(folders, "", err.user_message), critical=True)
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
    grids = book.grids(REGISTER_SHEETS)
    refresh = jobs.refresh_trends(book.register(grids))
    answer = Answer(book.sheet_names)
    apply_edit(answer, jobs.fills_edit(refresh), book, grids)
    after = VALIDATION_SHEET if VALIDATION_SHEET in book.sheet_names else REGISTER_SHEET
    answer.replace_sheet(SUMMARY_SHEET, summary_rows(refresh.register, refresh.movements, refresh.distribution,
                                                     WRITTEN_BY, dt.datetime.now()).rows, after=after)
    answer.alert(jobs.trends_message(refresh))
    return answer


# --- Roll quarter -----------------------------------------------------------------------------------------------

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
    try:  # refused with errors, as the CLI; the task pane's Close anyway asks again with force (argument 2)
        roll = jobs.plan_quarter(register, new_period, force=bool(_argument(book, 1, False)))
    except RegisterErrorsError as err:
        refused = Answer(book.sheet_names)
        refused.alert(err.listing + CLOSE_ANYWAY, critical=True)
        return refused
    answer = Answer(book.sheet_names)
    apply_edit(answer, roll.edit, book, grids)
    current, stale = register.period, [name for name in roll.edit.remove_sheets if name in book.sheet_names]
    notes = list(roll.edit.notes)
    if stale:
        notes.append(f"Removed the {' and '.join(stale)} {plural(stale, 'sheet', with_count=False)} of "
                     f"{current.label}; run validate and trends again for {new_period.label}.")
    answer.alert("\n\n".join([
        f"Rolled {book.name} from {current.label} to {new_period.label}. {roll.history_line()} The trend columns "
        f"have moved on: fill in the {new_period.label} trends, then Validate. The server keeps no copy: to go back, "
        "use the workbook's version history (File > Info > Version History).", *notes]))
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
    exempt = result.exempt_files()  # the exempt appendix (Schedule 12A), when risks are exempt: sent as well
    for path in exempt:
        answer.download(path.name, path.read_bytes(), PDF if path.suffix == ".pdf" else DOCX)
    if exempt:
        note += f" {result.exempt_sentence(exempt)}"
    answer.alert(f"Board paper built: {' and '.join(p.name for p in files)}, ready to save from the task pane.{note}")
    return answer


def build_joint_paper(call: Call) -> Answer:
    """Build the joint paper of the open workbook and the registers' files chosen in the task pane, as `riskreg
    paper A.xlsx B.xlsx`: argument 1 is --force, then each file's name and its bytes (base64), in turn."""
    from workbook.jobs import joint_paper

    book = call.book
    anyway, uploads = bool(_argument(book, 0, False)), _uploads(book.args[1:])
    grids = book.grids()
    book.register(grids)  # a workbook that is not a register is told so before any file is written
    if not uploads:
        _, named = joint_paper.joint_names(grids.get(SETTINGS_SHEET))
        listed = f" (its Settings row {joint_paper.JOINT_SETTING} names {'; '.join(named)})" if named else ""
        if book.client == "VBA":  # the desktop add-in in remote mode (riskreg.conf's SERVER_URL) sends no files
            raise joint_paper.JointRequestError(
                f"{book.name}: Build joint paper needs the other registers' workbooks{listed}, and the desktop "
                "add-in cannot send them to the Risk Register server. Build it from the Risk Register task pane "
                "(choose them under Joint paper there), or on a computer that has every register's file and riskreg: "
                f"`riskreg paper \"{book.name}\" OTHER.xlsx` in a terminal.")
        raise joint_paper.JointRequestError(
            f"{book.name}: Build joint paper needs the other registers' workbooks{listed}. Choose their .xlsx files "
            "under Joint paper in the Risk Register task pane, then press Build joint paper again.")
    first = jobs.scratch_copy(call.scratch, book.name, grids)
    del grids
    registers = joint_paper.stage_uploads(first, uploads)
    del uploads
    answer = Answer(book.sheet_names)
    try:
        paper = joint_paper.build_joint_paper(registers, force=anyway, pdf=jobs.pdf_available())
    except RegisterErrorsError as err:
        answer.alert(err.listing + "\n\nTo build the joint paper anyway, with a data-quality note naming them, press "
                                   "'Build joint paper anyway' in the Risk Register task pane.", critical=True)
        return answer
    files = [paper.paper] + ([paper.result.pdf] if paper.result.pdf else [])
    exempt = paper.exempt_files()  # each register's exempt appendix (Schedule 12A), when risks are exempt
    for path in files + exempt:
        answer.download(path.name, path.read_bytes(), PDF if path.suffix == ".pdf" else DOCX)
    answer.alert(paper.pane_message([p.name for p in files], [p.name for p in exempt]))
    return answer


def _uploads(args: Sequence[object]) -> list[tuple[str, bytes]]:
    """Return the (name, bytes) of the files the task pane sent as arguments: a name, then its bytes in base64."""
    import base64
    import binascii

    if len(args) % 2 or not all(isinstance(arg, str) for arg in args):
        raise BadPayload("The request's files are not as the Risk Register task pane sends them (a name, then its "
                         "contents): update the add-in.")
    files = []
    for name, data in zip(args[::2], args[1::2]):
        try:
            files.append((str(name), base64.b64decode(str(data), validate=True)))
        except binascii.Error:
            raise BadPayload(f"{str(name)[:80]}: the file did not arrive whole (its contents are not base64). Choose "
                             "it again under Joint paper in the Risk Register task pane.") from None
    return files


def new_register(call: Call) -> Answer:
    period = jobs.period_or_today(str(_argument(call.book, 0, "") or "") or None)
    name = f"Risk register {period.label.replace('/', '-')}.xlsx"
    data = jobs.new_register(call.scratch / name, period).read_bytes()
    answer = Answer(call.book.sheet_names)
    answer.download(name, data, XLSX)
    answer.alert(f"Created {name}: save it from the task pane, then open it in Excel.")
    return answer


# --- The record: rename a band or a risk, correct a sealed quarter (workbook/jobs/record.py) ---------------------

def _text_arguments(book: Workbook, needed: str, *names: str) -> list[str]:
    """Return the task pane's text boxes `names` (arguments in order), refusing any left empty."""
    given = [str(_argument(book, index, "") or "").strip() for index in range(len(names))]
    if not all(given):
        missing = next(name for name, value in zip(names, given) if not value)
        raise RegisterFormatError(f"{needed} needs the {missing}: fill in both Record boxes of the Risk Register "
                                  "task pane and press the button again.")
    return given


def _record_answer(book: Workbook, grids, cells: Sequence[tuple[str, int, int, object]],
                   record: Sequence[tuple[str, str, str]], message: str) -> Answer:
    """Return the answer that sets `cells` (sheet, row, column, value) and adds `record` to the Record sheet, as the
    CLI's edit (workbook/jobs/record.py record_edit) does in the file."""
    from workbook.jobs import record as record_jobs

    answer = Answer(book.sheet_names)
    apply_edit(answer, record_jobs.record_edit(record, cells), book, grids)
    answer.alert(message)
    return answer


def rename_band(call: Call) -> Answer:
    """Rename a rating band, as `riskreg rename-band`: arguments old name, new name."""
    from workbook.core.schema import LISTS_SHEET
    from workbook.jobs import record as record_jobs

    book = call.book
    old, new = _text_arguments(book, "Rename band", "band's current name", "new name")
    grids = book.grids()
    plan = record_jobs.plan_band_rename(book.register(grids), grids.get(LISTS_SHEET) or [], old, new)
    return _record_answer(book, grids, plan.cells, plan.record, record_jobs.rename_message(plan, book.name))


def rename_risk(call: Call) -> Answer:
    """Give a risk a new ID, as `riskreg rename-risk`: arguments old ID, new ID."""
    from workbook.jobs import record as record_jobs

    book = call.book
    old, new = _text_arguments(book, "Rename risk", "risk's current ID", "new ID")
    grids = book.grids()
    plan = record_jobs.plan_risk_rename(book.register(grids), old, new)
    return _record_answer(book, grids, plan.cells, plan.record, record_jobs.rename_message(plan, book.name))


def correct_history(call: Call) -> Answer:
    """Accept a sealed quarter's History as it stands, as `riskreg correct-history`: arguments period, reason."""
    from workbook.jobs import record as record_jobs

    book = call.book
    period, reason = _text_arguments(book, "Correct history", "quarter corrected", "reason")
    grids = book.grids()
    correction = record_jobs.plan_correction(book.register(grids), parse_period(period), reason)
    return _record_answer(book, grids, (), correction.record, record_jobs.correction_message(correction, book.name))


# The allow-list the server answers, in ribbon order: script name -> what runs it (the ribbon's button ids).
SCRIPTS = {"validate": Script(validate), "refresh_trends": Script(refresh_trends),
           "roll_quarter": Script(roll_quarter, (ROLL_ROLE,)),
           "build_paper": Script(build_paper, (PAPER_ROLE,), heavy=True),
           "build_joint_paper": Script(build_joint_paper, (PAPER_ROLE,), heavy=True),
           "new_register": Script(new_register),
           "rename_band": Script(rename_band, (ROLL_ROLE,)), "rename_risk": Script(rename_risk, (ROLL_ROLE,)),
           "correct_history": Script(correct_history, (ROLL_ROLE,))}
