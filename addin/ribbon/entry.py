"""Ribbon entry points, a few lines each: read the live workbook, call the same core as the CLI, report back.

Each takes the workbook to work on, by default the one the user clicked in (`live_io.active_book`).
Arguments after `book` stand in for the questions Excel asks the user, for engines that cannot ask (the
remote engine the tests use) and for tests that give the saved file's path.
"""

from __future__ import annotations

from pathlib import Path

from addin.ribbon import live_io
from workbook import jobs
from workbook.core.errors import PeriodError, RegisterErrorsError
from workbook.core.periods import parse_period


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
        try:
            result = jobs.build_paper(source, output, force=bool(force))
        except RegisterErrorsError as err:
            if force is not None or live_io.is_remote(book) or not live_io.confirm(book, _anyway(err)):
                raise
            result = jobs.build_paper(source, output, force=True)
    live_io.message(book, result.excel_message())
    return result.paper


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
