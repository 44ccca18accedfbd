"""The ribbon's buttons as xlwings scripts: each reads the client's workbook and calls the same jobs as the ribbon.

Validate and Refresh trends are the ribbon's own entry points, unchanged. Roll quarter and Build board paper work on
a scratch copy of the values the client sent (there is no saved file on the server) and send back the cells to write
or the paper to save. Files go back to the client through the `riskregDownload` callback of the task pane.
"""

from __future__ import annotations

import base64
import functools

import xlwings as xw
from xlwings.server import script  # the server's decorator (xw.script is the desktop one unless XLWINGS_ON_SERVER)

from addin.ribbon import entry, live_io
from addin.server.config import PAPER_ROLE, ROLL_ROLE
from workbook import jobs
from workbook.core.errors import PeriodError, RiskregError
from workbook.core.words import plural
from workbook.core.periods import parse_period
from workbook.core.result_sheets import previous_marks, restored_fill
from workbook.core.schema import VALIDATION_SHEET

DOWNLOAD = "riskregDownload"  # the client callback (task pane JavaScript) that offers a file to save
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def shown(function):
    """Show a RiskregError as the ribbon does, in a message box on the client; let bugs raise."""
    @functools.wraps(function)
    def wrapper(book: xw.Book, *args):
        try:
            function(book, *args)
        except RiskregError as err:
            live_io.message(book, err.user_message, critical=True)
    return wrapper


def download(book, name: str, data: bytes, mime: str) -> None:
    """Hand `data` to the client as a file called `name` to save."""
    book.app.macro(DOWNLOAD)(name, base64.b64encode(data).decode("ascii"), mime)


@script(name="Validate")
@shown
def validate(book: xw.Book):
    entry.validate(book)


@script(name="Refresh trends")
@shown
def refresh_trends(book: xw.Book):
    entry.refresh_trends(book)


@script(name="Roll quarter", required_roles=[ROLL_ROLE], show_taskpane=True)
@shown
def roll_quarter(book: xw.Book, period: str = ""):
    if not str(period).strip():
        raise PeriodError("Roll quarter needs the new period: type it in the Risk Register task pane (for example "
                          "2021/22 Q3) and press Roll quarter there.")
    register = live_io.read_register(book)
    new_period = parse_period(str(period))
    grids = live_io.read_grids(book, live_io.sheet_names(book))
    rolled = jobs.roll_quarter_values(grids, book.name, new_period, register)
    # Last quarter's highlights point at cells that now hold other quarters: put back the fills they replaced.
    marks = previous_marks(grids.get(VALIDATION_SHEET))
    live_io.paint(book, {cell: restored_fill(spec) for cell, spec in marks.items()})
    for name in rolled.added_sheets:  # the Record sheet: the closed quarters' words, out of the user's way
        live_io.add_hidden_sheet(book, name)
    live_io.write_values(book, rolled.values)
    for name in rolled.removed_sheets:
        book.sheets[name].delete()
    written = rolled.roll.written
    added, kept = rolled.roll.history_rows_added, rolled.roll.history_rows_kept
    live_io.message(book, "\n\n".join([
        f"Rolled {book.name} from {register.period.label} to {new_period.label}: "
        f"{plural(added, register.period.label + ' row')} added to the History sheet"
        + (f" ({plural(kept, 'risk')} already had one, brought up to date from the Register)" if kept else "")
        + f", and the trend columns have moved on. Fill in the {new_period.label} trends, then Validate. The server "
        "keeps no copy: to go back, use the workbook's version history (File > Info > Version History).",
        *written.notes]))


@script(name="Build board paper", required_roles=[PAPER_ROLE], show_taskpane=True)
@shown
def build_paper(book: xw.Book, anyway: bool = False, positions: bool = False):
    """Build the paper as `riskreg paper` does: `anyway` is --force, `positions` is --positions."""
    from report_builder.build import RegisterErrorsError, soffice_binary

    grids = live_io.read_grids(book, live_io.sheet_names(book))
    try:
        result, files = jobs.build_paper_values(grids, book.name, force=bool(anyway), pdf=soffice_binary() is not None,
                                                positions=bool(positions))
    except RegisterErrorsError as err:
        live_io.message(book, err.listing + "\n\nTo build the paper anyway, with a data-quality note listing them, "
                              "press 'Build anyway' in the Risk Register task pane.", critical=True)
        return
    for name, data in files.items():
        download(book, name, data, PDF if name.endswith(".pdf") else DOCX)
    note = (f" It carries a data-quality note listing {result.forced_errors} register error"
            f"{'s' if result.forced_errors != 1 else ''}." if result.forced_errors else "")
    live_io.message(book, f"Board paper built: {' and '.join(files)}, ready to save from the task pane.{note}")


@script(name="New register")
@shown
def new_register(book: xw.Book, period: str = ""):
    name, data = jobs.new_register_bytes(jobs.period_or_today(str(period) or None))
    download(book, name, data, XLSX)
    live_io.message(book, f"Created {name}: save it from the task pane, then open it in Excel.")


# The allow-list the server answers, in ribbon order: script name -> function (the ribbon's button ids).
SCRIPTS = {"validate": validate, "refresh_trends": refresh_trends, "roll_quarter": roll_quarter,
           "build_paper": build_paper, "new_register": new_register}
