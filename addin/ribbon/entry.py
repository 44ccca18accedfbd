"""Ribbon entry points, a few lines each: read the live workbook, call the same core as the CLI, report back.

Each takes the workbook to work on, by default the one the user clicked in (`live_io.active_book`).
Arguments after `book` stand in for the questions Excel asks the user, for engines that cannot ask (the
remote engine the tests use) and for tests that give the saved file's path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from addin.ribbon import live_io
from workbook import jobs
from workbook.core.errors import PeriodError, RegisterErrorsError, RegisterFormatError
from workbook.core.periods import parse_period

T = TypeVar("T")


def validate(book=None) -> None:
    """Run the checks; list the findings on the Validation sheet and highlight their cells, as `validate --write`."""
    book = book if book is not None else live_io.active_book()
    with live_io.progress(book, "Risk Register: checking the register…"):
        validation = jobs.validate(live_io.read_register(book))
        live_io.apply_edit(book, jobs.findings_edit(validation))
    summary = validation.summary
    live_io.message(book, f"{summary} — see the Validation sheet." if validation.findings else summary)


def refresh_trends(book=None) -> None:
    """Fill empty trend cells from History and rebuild the Summary sheet, as `trends --write`."""
    book = book if book is not None else live_io.active_book()
    with live_io.progress(book, "Risk Register: working out trends…"):
        refresh = jobs.refresh_trends(live_io.read_register(book))
        live_io.apply_edit(book, jobs.trends_edit(refresh))
    live_io.message(book, jobs.trends_message(refresh))


def roll_quarter(book=None, period: str | None = None, register_path: Path | None = None,
                 force: bool | None = None) -> None:
    """Close the quarter in the saved file, as `roll-quarter`: ratings kept on History, trends moved on, backup made;
    a register with errors is closed only when the user says so (`force`), as with --force."""
    book = book if book is not None else live_io.active_book()
    source = Path(register_path) if register_path else live_io.saved_path(book, "the quarter is rolled in the "
                                                                               "saved file")
    register = jobs.read_register(source)
    new_period = parse_period(period) if period else _ask_period(book, register.period, register.period.next())
    if new_period is None:
        return
    try:
        jobs.plan_quarter(register, new_period, force=bool(force))  # refused before Excel lets go of the file
    except RegisterErrorsError as err:
        if force is not None or live_io.is_remote(book) or not live_io.confirm(book, _close_anyway(err)):
            raise
        force = True
    app = live_io.release(book, source)  # Excel locks the file it has open: close it while it is rewritten
    try:
        roll = jobs.roll_quarter(source, new_period, close_with_errors=bool(force))  # read again under the lock
    finally:
        reopened = live_io.reopen(app, source)
    live_io.message(app if app is not None else book, roll.excel_message(source.name) +
                    ("" if reopened else f"\n\nOpen {source} again to see the changes."))


def _ask_period(book, current, proposed):
    """Return the period the user confirms, or None when they cancel."""
    if live_io.is_remote(book):
        raise PeriodError("Roll quarter needs the new period: this Excel cannot ask, so pass period='2021/22 Q3'.")
    if live_io.can_ask_text(book):
        answer = live_io.ask_text(book, f"Roll the register from {current.label} to which period?",
                                  proposed.label)
        return parse_period(answer) if answer else None
    ok = live_io.confirm(book, f"Roll the register from {current.label} to {proposed.label}? This records "
                               f"{current.label}'s ratings on the History sheet and moves the trend columns on.")
    return proposed if ok else None


def build_paper(book=None, register_path: Path | None = None, force: bool | None = None) -> Path | None:
    """Write the Word board paper beside the saved workbook, as `riskreg paper`; return its path."""
    book = book if book is not None else live_io.active_book()
    source = Path(register_path) if register_path else live_io.saved_path(book, "the board paper is built from "
                                                                               "the saved file")
    output = jobs.free_paper_path(source)
    with live_io.progress(book, "Risk Register: building the board paper…"):
        result = _asking_anyway(book, force, lambda anyway: jobs.build_paper(source, output, force=anyway))
    live_io.message(book, result.excel_message())
    return result.paper


def build_joint_paper(book=None, register_path: Path | None = None, force: bool | None = None) -> Path | None:
    """Write one joint paper for the saved workbook and the registers its Settings row 'Joint registers' names, beside
    the workbook, as `riskreg paper REGISTER --joint`; return its path."""
    from workbook.jobs import joint_paper

    book = book if book is not None else live_io.active_book()
    source = Path(register_path) if register_path else live_io.saved_path(book, "the joint paper is built from "
                                                                               "the saved files")
    registers = joint_paper.joint_register_paths(source, instead="then save the workbook and click Build joint "
                                                                 "paper again")
    output = joint_paper.free_joint_path(source)
    with live_io.progress(book, "Risk Register: building the joint paper…"):
        paper = _asking_anyway(book, force,
                               lambda anyway: joint_paper.build_joint_paper(registers, output, force=anyway))
    live_io.message(book, paper.excel_message(source))
    return paper.paper


def _asking_anyway(book, force: bool | None, build: Callable[[bool], T]) -> T:
    """Return `build(force)`; when it refuses a register with errors and `force` was not given, ask whether to build
    anyway (where Excel can ask) and build with force on OK."""
    try:
        return build(bool(force))
    except RegisterErrorsError as err:
        if force is not None or live_io.is_remote(book) or not live_io.confirm(book, _anyway(err)):
            raise
        return build(True)


def _anyway(err, limit: int = 900) -> str:
    """Turn the refusal into the question the ribbon asks: the errors listed, long lists cut."""
    text = err.listing
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text + ("\n\nBuild the paper anyway, with a data-quality note listing them? "
                   "(Validate marks them in the workbook.)")


def _close_anyway(err: RegisterErrorsError) -> str:
    """Turn the refusal to close a quarter with errors into the question the ribbon asks."""
    return err.listing + ("\n\nClose the quarter anyway? The Record sheet will say it was closed with these errors. "
                          "(Validate marks them in the workbook.)")


def new_register(book=None, folder: Path | None = None, period: str | None = None) -> Path:
    """Create an empty register workbook from the template, as `riskreg new`, and open it."""
    book = book if book is not None else live_io.active_book()
    chosen = jobs.period_or_today(period)
    target = jobs.free_path(Path(folder) if folder else live_io.default_folder(book),
                               f"Risk register {chosen.label.replace('/', '-')}", ".xlsx")
    created = jobs.create_register(target, chosen)
    opened = live_io.open_book(book, target)
    live_io.message(book, created.line() + ("" if opened else " Open it from that folder."))
    return target


# --- The record: rename a band or a risk, correct a sealed quarter (workbook/jobs/record.py) ---------------------
# Each asks its two answers with Excel's input box (Windows), one after the other, as Roll quarter asks the period;
# an Excel that cannot ask (macOS, the remote engine) is told the command line that does the same.

def _ask_pair(book, button: str, command: str, questions: tuple[tuple[str, str | None], ...]) -> list[str] | None:
    """Return the answers to `questions` (prompt, answer given by the caller), or None when the user cancels."""
    answers = [given.strip() if given else "" for _, given in questions]
    if all(answers):
        return answers
    if not live_io.can_ask_text(book):
        raise RegisterFormatError(f"{button} needs two answers, and this Excel cannot ask for them: run `{command}` "
                                  "in a terminal, or use the Risk Register task pane.")
    for index, (prompt, _) in enumerate(questions):
        if not answers[index]:
            answer = live_io.ask_text(book, prompt, "")
            if not answer:
                return None
            answers[index] = answer
    return answers


def _rewrite_saved(book, source: Path, write) -> str:
    """Close the workbook, let `write` change its saved file (returning the message), open it again."""
    app = live_io.release(book, source)  # Excel locks the file it has open: close it while it is rewritten
    try:
        message = write()
    finally:
        reopened = live_io.reopen(app, source)
    live_io.message(app if app is not None else book, message +
                    ("" if reopened else f"\n\nOpen {source} again to see the changes."))
    return message


RENAMES = {  # button -> (the job's name in workbook.jobs.record, its command line, what is renamed, the questions)
    "rename_band": ("rename_band", "riskreg rename-band REGISTER OLD NEW", "band",
                    ("Rename which rating band? (its name on the Lists sheet's Ratings list, e.g. Medium)",
                     "New name for the band (e.g. Moderate):")),
    "rename_risk": ("rename_risk", "riskreg rename-risk REGISTER OLD NEW", "risk",
                    ("Give which risk a new ID? (its ID on the Register now, e.g. CRR05)",
                     "New ID for the risk (e.g. CRR05A):")),
}


def _rename(button: str, book, old: str | None, new: str | None, register_path: Path | None) -> None:
    """Run a rename button: the two answers asked (or given), the job run on the saved file."""
    from workbook.jobs import record as record_jobs

    job, command, what, questions = RENAMES[button]
    book = book if book is not None else live_io.active_book()
    source = Path(register_path) if register_path else live_io.saved_path(book, f"the {what} is renamed in the "
                                                                               "saved file")
    label = button.replace("_", " ").capitalize()
    answers = _ask_pair(book, label, command, tuple(zip(questions, (old, new))))
    if answers is not None:
        _rewrite_saved(book, source, lambda: _written(getattr(record_jobs, job)(source, *answers), source))


def rename_band(book=None, old: str | None = None, new: str | None = None,
                register_path: Path | None = None) -> None:
    """Rename a rating band in the saved file from the open quarter on, as `riskreg rename-band`."""
    _rename("rename_band", book, old, new, register_path)


def rename_risk(book=None, old: str | None = None, new: str | None = None,
                register_path: Path | None = None) -> None:
    """Give a risk a new ID in the saved file from the open quarter on, as `riskreg rename-risk`."""
    _rename("rename_risk", book, old, new, register_path)


def correct_history(book=None, period: str | None = None, reason: str | None = None,
                    register_path: Path | None = None) -> None:
    """Accept a hand correction of a sealed quarter's History in the saved file, as `riskreg correct-history`."""
    from workbook.jobs import record as record_jobs

    book = book if book is not None else live_io.active_book()
    source = Path(register_path) if register_path else live_io.saved_path(book, "the correction is recorded in "
                                                                               "the saved file")
    answers = _ask_pair(book, "Correct history", 'riskreg correct-history REGISTER --period "…" --reason "…"', (
        ("Which closed quarter's History did you correct? (e.g. 2021/22 Q3)", period),
        ("Why was it corrected? (recorded with the new seal)", reason)))
    if answers is not None:
        quarter = parse_period(answers[0])
        _rewrite_saved(book, source, lambda: _written(
            record_jobs.correct_history(source, quarter, answers[1]), source))


def _written(done, source: Path) -> str:
    """Return the message of a rename or a correction written to `source`, with its backup."""
    from workbook.jobs import record as record_jobs

    text = (record_jobs.correction_message(done.correction, source.name) if hasattr(done, "correction") else
            record_jobs.rename_message(done.plan, source.name))
    backup = done.written.backup
    return text + (f"\n\nA copy of the workbook before the change is in {backup}." if backup else "")
