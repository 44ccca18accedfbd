"""The one Python entry the ribbon calls: button id -> entry point, from an allow-list.

The VBA callback passes `control.Id` here for every button, so the VBA never changes; a button id that
is not in ACTIONS is refused with a message rather than looked up by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbook.core.errors import RiskregError


@dataclass(frozen=True)
class Action:
    """What one ribbon button runs, and the words the user sees about it."""

    label: str
    entry: str  # name of the function in addin.ribbon.entry

    def function(self) -> Callable:
        from addin.ribbon import entry

        return getattr(entry, self.entry)


# The allow-list: every button id in addin/ribbon/customUI14.xml, and nothing else.
ACTIONS: dict[str, Action] = {
    "validate": Action("Validate", "validate"),
    "refresh_trends": Action("Refresh trends", "refresh_trends"),
    "roll_quarter": Action("Roll quarter", "roll_quarter"),
    "build_paper": Action("Build board paper", "build_paper"),
    "build_joint_paper": Action("Build joint paper", "build_joint_paper"),
    "new_register": Action("New register", "new_register"),
    "rename_band": Action("Rename band", "rename_band"),
    "rename_risk": Action("Rename risk", "rename_risk"),
    "correct_history": Action("Correct history", "correct_history"),
}


def run(button_id: str, book=None, **options) -> None:
    """Run the entry point of ribbon button `button_id` on `book` (default: the active workbook).

    Errors the user can fix are shown as a plain message; anything else is a bug: its traceback goes to a
    log file next to the workbook and the message says where.
    """
    from addin.ribbon import live_io

    book = book if book is not None else live_io.active_book()
    app = book.app  # Roll quarter closes the workbook; messages still need its Excel
    action = ACTIONS.get(button_id)
    if action is None:
        live_io.message(app, f"The Risk Register add-in has no button '{button_id}'. Rebuild and reinstall the "
                              "add-in with `riskreg addin build` and `riskreg addin install`.", critical=True)
        return
    from workbook import jobs

    jobs.set_command(f"the Risk Register add-in's {action.label}")  # what a second writer is told holds the workbook
    try:
        action.function()(book, **options)
    except RiskregError as err:
        live_io.message(app, err.user_message, critical=True)
    except Exception as err:  # a bug: keep the traceback for whoever fixes it, tell the user where it is
        log = live_io.log_bug(book, action.label, err)
        live_io.message(app, f"'{action.label}' stopped because of a fault in riskreg, not in your register. "
                              f"The details are in {log}. Please send that file to whoever supports riskreg.",
                        critical=True)
