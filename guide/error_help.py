"""What each user error means and what to do: the catalogue docs/troubleshooting.md is written from.

Each entry explains the messages that contain one of its `matches` (the words of the message, as the source writes
them). tests/docs/test_troubleshooting.py fails when a message riskreg can raise has no entry here, when two entries
claim one message, and when an entry no longer matches any message: a new or reworded message needs its entry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Help:
    """The explanation of the messages that contain one of `matches` (raised as `error`, when given)."""

    matches: tuple[str, ...]
    means: str
    do: str
    error: str | None = None


# Each error class: the heading of its section on the page and what its errors have in common.
BY_CLASS: dict[str, tuple[str, str]] = {
    "RegisterFormatError": ("The register workbook", "riskreg opened the workbook but it is not laid out as a "
                            "register: a sheet, header row or setting it needs is missing or moved."),
    "FormulaRefused": ("Formulas riskreg cannot move", "A cell riskreg must move or clear holds a formula it cannot "
                       "carry over safely, so nothing was written."),
    "PeriodError": ("Reporting periods", "A quarter was written in a way riskreg cannot read, or does not fit the "
                    "register. Periods are financial-year quarters written `2021/22 Q2` (Q1 is April to June)."),
    "OutputError": ("Writing files", "riskreg could not write, replace or back up a file where you asked. Nothing "
                    "was changed: the file on disk is as it was before the command."),
    "UnsafeInputError": ("Files refused for safety", "The file is shaped like an attack on the program that opens "
                         "it (a zip bomb, an XML entity bomb, a link that makes Office fetch something from "
                         "outside). riskreg refuses it before reading any of it."),
    "RiskregError": ("Any file riskreg opens", "Checks made on every workbook, Word document or template before "
                     "riskreg reads it."),
    "ExportFormatError": ("The tab-separated export", "The `.txt` export (the tab-separated format registers are "
                          "exported in, with HTML in its cells) does not read as that format."),
    "ImportSourceError": ("Importing another register", "`riskreg import` could not read another organisation's "
                          "register (a workbook, CSV or Word table) or its mapping file as it stands."),
    "TemplateError": ("The Word template", "The paper's Word template (the bundled one or yours, `--template`) is "
                      "broken or uses a placeholder riskreg does not know. The placeholders are listed in "
                      "[the template's page](secretary/template.md)."),
    "RegisterErrorsError": ("A paper of a register with errors", "The board paper is refused while the register "
                            "has errors, so that a paper with wrong figures does not reach the Committee."),
    "JointPaperError": ("A joint paper of several registers", "The registers given to `riskreg paper A.xlsx "
                        "B.xlsx` cannot make one joint paper as they stand, so none was written. See [the joint "
                        "paper](secretary/joint-paper.md)."),
    "JointRequestError": ("Asking for a joint paper", "The joint paper was asked for in a way riskreg cannot "
                          "follow: the Settings row naming the other registers, or an option only one register's "
                          "paper has."),
    "PaperTotalError": ("A paper whose totals would not add up", "The paper's table of ratings would not count "
                        "every open risk, so no paper is written, even with `--force`."),
    "InstallError": ("Installing the add-in", "`riskreg addin install` cannot put the add-in where Excel looks "
                     "for it."),
    "ServerConfigError": ("Starting the server", "`riskreg serve` refuses to start when its settings (environment "
                          "variables) cannot work, rather than start a server that would accept no one or "
                          "everyone. See [the server](it/server.md)."),
    "ServerAnswer": ("Messages from the server in the task pane", "With the server, the same words appear in the Risk "
                     "Register task pane (or, for the desktop add-in in remote mode, a message box) instead of an "
                     "`Error:` line. Nothing in the workbook was changed. Several are for the server's administrator: "
                     "see [the server](it/server.md)."),
}


HELP: tuple[Help, ...] = (
    # --- the register workbook ---
    Help(("no such file. Check the name and folder, or create one",),
         "There is no file at the path you gave.",
         "Check the spelling and the folder (a path with spaces needs quotes). To start a register, use "
         "`riskreg new` or `riskreg import`."),
    Help(("is a folder, not an Excel workbook",),
         "The path names a folder, not a file.",
         "Give the path of the register file itself, e.g. `registers/register.xlsx`."),
    Help(("not an Excel workbook (.xlsx). Open it in Excel", "is an Excel 97-2003 workbook",
          ": ‹problem›. Open it in Excel and save it as an Excel Workbook"),
         "The file is another kind of file (an old `.xls`, an OpenDocument spreadsheet, a Word document), or a "
         "workbook riskreg cannot read as an `.xlsx`.",
         "Open it in Excel, *File › Save As › Excel Workbook (.xlsx)*, and use that file."),
    Help(("is a text file, not an Excel workbook",),
         "The file is text (such as the tab-separated export), not a workbook.",
         "Turn the export into a register workbook with `riskreg import export.txt -o register.xlsx --period "
         "\"2021/22 Q2\"`, then use the workbook."),
    Help(("is not a valid .xlsx workbook", "cannot be read as an Excel workbook (‹detail›). Open it in Excel and save"),
         "The file has an `.xlsx` name but is damaged or only part of a workbook (a download that stopped, a "
         "file renamed to `.xlsx`).",
         "Open it in Excel (which can often repair it) and save it again; or take the last good copy from "
         "`riskreg backups` beside it; or rebuild it with `riskreg new` and copy the rows across."),
    Help(("is password-protected (encrypted)",),
         "The workbook is encrypted with a password, so its contents cannot be read without it.",
         "In Excel: *File › Info › Protect Workbook › Encrypt with Password*, clear the password, save. Sheet "
         "protection without a password to open is fine."),
    Help(("sheet 'Register' is hidden",),
         "The Register sheet is hidden, so the checks would work on a sheet nobody can see.",
         "Right-click any sheet tab › *Unhide* › Register, save, and run the command again."),
    Help(("no sheet named 'Register'",),
         "The workbook has no sheet called Register (it may have been renamed), so riskreg cannot find the risks.",
         "Rename the sheet back to `Register`. If this workbook was never a register, make one with `riskreg "
         "new` or `riskreg import`."),
    Help(("the header row (with 'ID' and 'Risk Name') is on row",),
         "The Register's header row is further down than riskreg looks.",
         "Delete the empty or extra rows above the headers (a title row or two is fine)."),
    Help(("has no header row with 'ID' and 'Risk Name'",),
         "The Register sheet has no row of headers riskreg recognises: the ID and Risk Name headers were renamed "
         "or deleted.",
         "Restore the headers as a `riskreg new` workbook has them, or start again with `riskreg new` and copy "
         "the rows across."),
    Help(("appears twice (first at column",),
         "Two columns of the Register have the same header, so riskreg cannot tell which one holds the values.",
         "Rename or delete one of the two columns named in the message."),
    Help(("trend columns headed like",),
         "The Register must have three trend columns headed with their quarter (`Q4 Trending`, `Q1 Trending`, "
         "`Q2 Trending`); some are missing or renamed.",
         "Restore the trend headers, or start again with `riskreg new` and copy the rows across."),
    Help(("Expected headers: ‹…› and ‹number› trend columns",),
         "A column the register needs (such as Description or Residual Risk Rating) is missing from the header "
         "row, or its header was changed.",
         "Restore the header named in the message (the message lists the headers expected and those found)."),
    Help(("do not lead up to the reporting period",),
         "The three trend headers must be the three quarters up to the reporting period in Settings; they are "
         "not (the period or a header was changed by hand).",
         "Correct Settings' *Reporting period*, or the trend headers, so that they agree. `riskreg "
         "roll-quarter` keeps them in step."),
    Help(("copy the sheet from a workbook made by `riskreg new --full`",),
         "A Matrix, Appetite or Actions sheet is missing one of its headers, so its rows cannot be read.",
         "Restore the header named, or copy the whole sheet from a workbook made by `riskreg new --full`."),
    Help(("‹file›: ‹place›: ‹message›",),
         "The *Reporting period* on the Settings sheet does not read as a period (the rest of the message says why).",
         "Correct the cell the message names to a period written like `2021/22 Q2`, save, and run the command again."),
    Help(("Is the register workbook the active one?",),
         "A ribbon button was pressed while another workbook was active, or the active workbook is not a register.",
         "Click into the register workbook and press the button again."),
    Help(("no sheet named 'History'",),
         "Closing a quarter keeps each risk's rating on the History sheet, and the workbook has none (or its "
         "header row is missing).",
         "Copy the History sheet from a workbook made by `riskreg new` into this one, then roll the quarter."),
    Help(("sheet 'History' row 1: missing",),
         "The History sheet lacks columns the roll-over writes.",
         "Restore the headers named in the message (as a `riskreg new` workbook has them) and run roll-quarter "
         "again."),
    Help(("has no 'Reporting period' row to move on to",),
         "The Settings sheet has lost its *Reporting period* row, so the roll-over cannot record the new quarter.",
         "Add the row back: column A `Reporting period`, column B the current period; then roll the quarter."),
    Help(("which is not an optional column the appendix can show",),
         "Settings' *Appendix columns* names a column the paper's appendix cannot show.",
         "Use headers from the list in the message, separated by commas, or write `None`."),
    Help(("the History table has a Total Row",),
         "Roll quarter over the server writes the new History rows as values below the table, which a Total Row "
         "stands in the way of.",
         "Turn the Total Row off (*Table Design › Total Row*), roll the quarter, then turn it on again; or roll "
         "the quarter with the desktop add-in or the command, which grow the table themselves."),
    Help(("‹file›: cell ‹sheet›!‹cell› ‹…›",),
         "A cell riskreg must move or clear holds a formula it cannot carry over safely (the rest of the message "
         "says which kind).",
         "Do what the message says (usually: enter the formula as an ordinary one in each cell, or open and save "
         "the workbook in Excel), then run the command again."),
    Help(("holds an array formula over",),
         "An array formula (entered with Ctrl+Shift+Enter) covers several cells, and Excel changes one only whole.",
         "Clear the array formula, or enter it as an ordinary formula in each cell; save and run again."),
    Help(("holds a shared formula whose first cell is missing",),
         "A formula filled down is stored once, in its first cell, which is missing: the workbook is damaged.",
         "Open the workbook in Excel, save it (Excel repairs it), and run the command again."),
    Help(("Give the band's name as the list has it",),
         "`rename-band` was given a band the Ratings list does not have (a typing slip, or a band already renamed).",
         "Give the band's name exactly as the Lists sheet's Ratings list has it."),
    Help(("and the rename is not recorded, so the quarter",),
         "A band was renamed by editing the Lists sheet's Ratings list, so History's closed quarters still use the "
         "old name and would lose its trail at this close.",
         "Run the `riskreg rename-band OLD NEW` the message gives (it records the rename), or put the old name back "
         "on the Lists sheet; then roll the quarter again."),
    Help(("needs two answers, and this Excel cannot ask for them",),
         "Rename band, Rename risk and Correct history ask two questions with Excel's input box, which only Excel for "
         "Windows offers to riskreg.",
         "Run the command the message gives in a terminal, or press the button in the Risk Register task pane, "
         "which has boxes for both answers."),
    Help(("fill in both Record boxes of the Risk Register task pane",),
         "A Record button of the task pane (Rename band, Rename risk, Correct history) was pressed with a box "
         "left empty.", "Fill in both boxes above the buttons and press the button again."),
    Help(("Give the band a new name of its own",),
         "The new band name is already a band of the list (or the same as the old one).",
         "Choose a name the list does not have."),
    Help(("no risk has the ID",),
         "`rename-risk`, `escalate` or `de-escalate` was given an ID that is not on the Register.",
         "Give the ID the Register has now."),
    Help(("Give the risk an ID of its own",),
         "The new ID is already another risk's (or the same as the old one).", "Choose an ID no risk has."),
    Help(("Change the pattern first if the register's IDs now take that form",),
         "The new ID does not fit Settings' *Risk ID pattern*, so Validate would flag it on every risk check.",
         "Choose an ID that fits the pattern, or change the pattern in Settings first (for example `CRR\\d{2}A?`)."),
    Help(("so its rows cannot be added. Add it",),
         "A command that adds rows to a sheet (History at the close, say) found no sheet of that name.",
         "Copy the sheet from a workbook made by `riskreg new` into this one, then run the command again."),
    Help(("the workbook already has a sheet named",),
         "riskreg adds a sheet of its own (Validation, Summary, Record…) and a sheet of yours already has that name.",
         "Rename your sheet and try again."),
    Help(("or pass --force to close the quarter anyway",),
         "The register has errors (listed first in the message), and closing the quarter would record them in "
         "History for good.",
         "Correct them (`riskreg validate` lists every finding with its cell) and roll again, or add `--force` to "
         "close the quarter anyway: the Record sheet then says it was closed with errors."),
    Help(("the note boxes of sheet",),
         "The workbook's cell notes are stored in a form riskreg cannot change without risking damage, so it "
         "wrote nothing.",
         "Open the workbook in Excel, save it again (Excel rewrites the notes), and run the command again."),
    Help(("is not well-formed XML (‹detail›), so riskreg cannot write into it",),
         "A part of the workbook that riskreg would change is damaged, so it wrote nothing.",
         "Open the workbook in Excel, save it again, and run the command again."),

    # --- periods ---
    Help(("give the reason for the correction with --reason",),
         "A correction of a sealed quarter is recorded with its reason, and none was given.",
         "Add `--reason \"…\"` saying why the closed quarter's record was changed."),
    Help(("is not a sealed quarter (sealed:",),
         "The quarter named was never sealed (closed before seals existed, or not closed yet), so there is no seal "
         "to renew.", "Nothing to do: its History can be edited as it stands."),
    Help(("nothing to correct. Edit History first",),
         "The quarter's History and record are as its seal recorded them.",
         "Edit the History cells first (Validate then lists them as R100–R102), then run correct-history."),
    Help(("does not parse: write it as",),
         "The period is not written as riskreg reads periods.",
         "Write the financial year and the quarter: `2021/22 Q2` (Q1 is April to June, so 2021/22 Q2 is July to "
         "September 2021)."),
    Help(("must span two consecutive years",),
         "A financial year runs from one April to the next, so its two years follow each other.",
         "Write it as the message suggests, e.g. `2021/22`."),
    Help(("Roll quarter needs the new period: this Excel cannot ask",),
         "The ribbon's Roll quarter could not ask you for the new period (this Excel has no input box for it).",
         "Run `riskreg roll-quarter register.xlsx --period \"2021/22 Q3\"` instead."),
    Help(("type it in the Risk Register task pane",),
         "Roll quarter over the server needs the new period, which the pane's box did not hold.",
         "Type the period in the task pane's box (e.g. 2021/22 Q3) and press Roll quarter there."),
    Help(("is not a closed quarter: the register reports",),
         "`riskreg paper --period` rebuilds a closed quarter's paper; the period given is the current one (or "
         "later).",
         "Leave out `--period` for this quarter's paper."),
    Help(("so its paper cannot be built again",),
         "History has no rows for that quarter: it was never closed with roll-quarter in this workbook.",
         "Give one of the quarters the message lists."),
    Help(("does not fit the export, whose newest trend column is",),
         "The export's trend headers end in a quarter that differs from the period you gave.",
         "Give a period in the quarter the message names (for example `--period \"2021/22 Q2\"`)."),
    Help(("give the reporting period with --period, e.g. --period \"2024/25 Q4\"",),
         "The table has no quarter columns, so riskreg cannot tell which quarter it reports.",
         "Add `--period \"2024/25 Q4\"` (your quarter) to the import command."),
    Help(("give the reporting period of the export with --period",),
         "The export's trend headers name quarters (Q1, Q2…) but not the financial year.",
         "Add `--period \"2021/22 Q2\"` (the export's quarter) to the command."),
    Help(("it was rolled to that quarter before, so nothing was changed",),
         "The register already reports that quarter: rolling again would record the quarter twice.",
         "Nothing to do if you meant that quarter. To start the quarter after, run roll-quarter with the period "
         "the message gives."),
    Help(("so it can only roll to the next quarter",),
         "A roll-over moves one quarter at a time, and the period given is not the next one.",
         "Roll to the next quarter (the message names it), and again for each later quarter."),

    # --- writing files ---
    Help(("cannot be read (‹system message›), so nothing was changed",),
         "The system would not let riskreg read the file (permissions, or a file on a disconnected drive).",
         "Check that you can open the file, and run the command again."),
    Help(("changed on disk while riskreg was writing it",),
         "Another program (usually Excel) saved the file after riskreg read it. riskreg kept that version rather "
         "than overwrite it.",
         "Close the workbook in Excel and run the command again."),
    Help(("is read-only, so nothing was changed",),
         "The file is marked read-only.",
         "Make it writable (the file's properties, or whoever manages the folder), or write a copy with `-o`."),
    Help(("is read-only for you, so nothing was changed",),
         "You may not create files in that folder.",
         "Ask for write access to the folder, or write to a file in another folder with `-o`."),
    Help(("is a folder. Give a file name for the output",),
         "The output path names a folder.",
         "Give a file name, e.g. `-o papers/board paper.docx`."),
    Help(("already exists. Choose another name, or pass",),
         "riskreg does not replace a file unless asked.",
         "Choose another name, or add the option the message names (`--force`) to replace it."),
    Help(("does not exist. Create it first or choose another path",),
         "The folder of the output file does not exist.",
         "Create the folder first, or choose another path."),
    Help(("is a file, not a folder. Choose another path",),
         "Part of the output path is a file where a folder should be.",
         "Choose another path."),
    Help(("cannot write in ‹folder›",),
         "The system refused to create a file in the folder (no permission, disk full, read-only drive).",
         "Choose a folder you can write to, or free some space."),
    Help(("cannot be replaced; is it open in Excel or Word?",),
         "The file is held open by another program, so it cannot be replaced (Windows refuses).",
         "Close it in Excel or Word and run the command again."),
    Help(("was moved or deleted while riskreg worked",),
         "Someone moved, renamed or deleted the file while the command ran, so riskreg wrote nothing.",
         "Find the file (its last version is in `riskreg backups` beside it when one was kept) and run the "
         "command again."),
    Help(("so there is nothing to back up",),
         "The file to back up before a change is not there.",
         "Check the name and folder."),
    Help(("is a file, so backups cannot be kept there",),
         "riskreg keeps backups in a folder `riskreg backups` beside the workbook; a file has that name.",
         "Rename or move that file and run the command again."),
    Help(("cannot make the backup folder",),
         "The backup folder beside the workbook cannot be created.",
         "Make the folder writable, or write a copy with `-o` instead of changing the register."),
    Help(("the register was not changed. Free some space",),
         "The backup copy could not be written (a full disk or a read-only folder), so the register was left as "
         "it was.",
         "Free some space or make the folder writable, then run again."),
    Help(("too many backups made this second",),
         "Backups are named by the second they are made, and many commands ran within one second.",
         "Wait a moment and run again."),
    Help(("is beside it), so nothing was changed. Close it in ‹…›", "is open in LibreOffice"),
         "The file is open in Excel, Word or LibreOffice (their lock file, `~$…` or `.~lock…#`, is beside it). "
         "Writing it now would lose what is saved from there next.",
         "Close it there and run the command again. If no one has it open (a program that crashed leaves its "
         "lock file behind), delete the lock file the message names."),
    Help(("which holds a lock on it",),
         "Another program holds a lock on the file.",
         "Close it in that program and run the command again."),
    Help(("cannot make the lock file",),
         "riskreg marks a workbook it is writing with a small lock file beside it, and cannot create it there.",
         "Write to a folder you can write to."),
    Help(("is being written by",),
         "Another riskreg command (or the ribbon) is writing the same workbook now; two writers would lose one's "
         "work.",
         "Wait for it to finish and run the command again. If none is running (a computer that crashed), delete "
         "the lock file the message names."),
    Help(("is not saved on this computer",),
         "The ribbon's button works on the saved file, and this workbook has never been saved on this computer "
         "(new, or opened from e-mail or the web).",
         "Save the workbook (*File › Save As*) and click the button again."),
    Help(("has unsaved changes, and",),
         "The button works on the saved file, and the workbook has changes not yet saved.",
         "Save (Ctrl+S) and click the button again."),
    Help(("files named",),
         "The folder already has 999 files of that name (`… (2).docx` and so on).",
         "Tidy the folder and try again."),
    Help(("has changed since riskreg wrote it (edited and saved?)",),
         "The paper at that name was edited after riskreg wrote it; riskreg keeps those edits rather than replace "
         "them.",
         "Write the new paper under another name with `-o`, or add `--overwrite` to replace it."),
    Help(("no PDF was made: LibreOffice (soffice) is not installed",),
         "`--pdf` asks LibreOffice to make the PDF, and it is not installed. The Word paper was written.",
         "Install LibreOffice (on Debian or Ubuntu: `apt-get install libreoffice-writer-nogui`), or open the paper "
         "in Word and save it as PDF."),
    Help(("did not finish the PDF within",),
         "LibreOffice took longer than allowed for a paper that size and was stopped. The Word paper was "
         "written.",
         "Open the paper in Word and save it as PDF, or try again when the computer is less busy."),
    Help(("could not convert it to PDF",),
         "LibreOffice failed to make the PDF (its own reason follows in the message). The Word paper was written.",
         "Open the paper in Word and save it as PDF."),
    Help(("give an output name ending in .docx",),
         "The paper is a Word document, and the output name has another ending.",
         "Give a name ending in `.docx` (add `--pdf` for a PDF beside it)."),
    Help(("it is saved as a Strict Open XML Spreadsheet",),
         "The workbook was saved in Excel's *Strict Open XML* format, which riskreg cannot edit without changing "
         "how Excel reads it.",
         "Open it in Excel and save it as an *Excel Workbook (.xlsx)*."),
    Help(("is not a worksheet riskreg can write cells into",),
         "A sheet riskreg writes (Register, History or Settings) is a chart sheet or another kind of sheet.",
         "Rebuild that sheet from a workbook made by `riskreg new`."),

    # --- any file ---
    Help(("no such file. Check the name and folder.",),
         "There is no file at the path you gave.",
         "Check the spelling and the folder; a path with spaces needs quotes.", error="RiskregError"),
    Help(("Give the path of the file",),
         "The path names a folder.", "Give the path of the file itself.", error="RiskregError"),
    Help(("‹file›: is ‹kind of file›, ‹…› ‹…›. ‹…›",),
         "The file is not the kind of file expected (say, a Word document given as the register, or a renamed "
         "file).",
         "Do what the message says: usually, save it from Office in the right format and use that file."),
    Help(("is damaged (not a complete zip package", "is damaged (not well-formed XML", "is damaged (‹detail›)",
          "is not well-formed XML (‹detail›). Restore the file"),
         "The file is damaged: an Office file is a zip package of XML parts, and part of it is missing or "
         "broken.",
         "Take the last good copy (from `riskreg backups` beside a register, or your own backups), or open the "
         "file in Office, which can often repair it, and save it again."),
    Help(("holds macros",),
         "The Word template holds macros (`.docm` or `.dotm`); every paper made from it would carry them.",
         "In Word, *Save As › Word Document (.docx)*, which leaves the macros out, and use that file."),

    # --- unsafe input ---
    Help(("files over 50 MB are refused",),
         "The file is far larger than any register or template, so it is probably not the file you meant.",
         "Check you picked the right file."),
    Help(("an Office file this shape is built to exhaust the machine", "a zip bomb"),
         "The file unpacks to far more than it holds (a zip bomb), or holds more parts than any Office file: "
         "opening it would exhaust the computer.",
         "Do not use it. Check where the file came from; ask its sender for a fresh copy saved from Office."),
    Help(("declares a DOCTYPE or entities",),
         "The file's XML declares entities, which Office never writes: the shape of an XML entity bomb or an "
         "attack that reads files from the computer.",
         "Do not use it. Check where the file came from."),
    Help(("from outside the file when it opens",),
         "The file makes Office fetch something from outside when it opens (a remote attached template, or a "
         "picture or object inserted with *Link to File*), which can leak who opened it.",
         "Remove the link in Office (insert the picture itself; detach the template), save, and use that file."),

    # --- the export ---
    Help(("not the tab-separated text export",),
         "The file given as the export is another kind of file.",
         "Give the register export saved as tab-separated text (`.txt`)."),
    Help(("byte-order mark but is not valid",),
         "The file says it is UTF-8 or UTF-16 text but its bytes are not.",
         "Save the export again as *Unicode Text* or UTF-8 and import it again."),
    Help(("is not text in UTF-8, UTF-16 or Windows-1252",),
         "The file is not text in any encoding riskreg reads.",
         "Save the export as *Unicode Text* or UTF-8 and import it again."),
    Help(("‹file› line ‹line›: ‹problem›. Expected headers",),
         "The export's header row lacks a column or holds one riskreg does not know.",
         "Correct the header row (the message lists the headers expected and found), or export the register "
         "again."),
    Help(("are not consecutive quarters, oldest first",),
         "The export's three trend columns must be consecutive quarters, oldest first.",
         "Correct the trend headers, or export the register again."),
    Help(("holds NUL bytes",),
         "The file holds binary bytes: it is a spreadsheet or Word file, not text.",
         "Give the register export saved as tab-separated text."),
    Help(("expected the header row",),
         "The export's first rows are risks, not the header row.",
         "Put the header row back at the top, or export the register again."),
    Help(("this header row differs from the one on line",),
         "The export holds a second header row that differs from the first (two exports joined?).",
         "Remove the repeated or different header row, or export the register again."),
    Help(("tab-separated cells (as in the header row on line",),
         "A row has more or fewer cells than the header row: a cell holds a stray tab or line break, or is "
         "missing.",
         "Correct the row on the line named, or export the register again."),
    Help(("appears twice, on lines",),
         "Two rows of the export have the same risk ID.",
         "Give each risk its own ID, or remove the repeated row."),
    Help(("the file is empty. Export the register again",),
         "The export is empty.", "Export the register again and import that file."),
    Help(("no header row found (expected",),
         "No row of the export is the header row.", "Export the register again with its header row."),
    Help(("is a folder, not the export",),
         "The path names a folder.", "Give the path of the exported `.txt` file."),
    Help(("no such file. Check the name and folder of the export",),
         "There is no export at that path.", "Check the name and folder of the export."),
    Help(("exports over",),
         "The file is far larger than a register export.", "Check you picked the right file."),
    Help(("cell holds ‹number› characters; Excel allows",),
         "A cell of the export holds more text than an Excel cell can.",
         "Shorten that cell's text and import again."),

    # --- importing ---
    Help(("no such mapping file",),
         "The `--mapping` file is not there.", "Check the name and folder of the mapping file."),
    Help(("is not a TOML mapping file",),
         "The mapping file is not valid TOML (a missing quote or `=`, say; the reason is in brackets).",
         "Correct it to the shape the message shows."),
    Help(("the keys are columns, bands, header_row, table and id_pattern",),
         "The mapping file has a key riskreg does not know (a typing slip?).",
         "Use only `columns`, `bands`, `header_row`, `table` and `id_pattern`."),
    Help(("give the Word table's number, e.g. table = 2",),
         "The mapping's `table` must be a table number.", "Write it as a whole number, e.g. `table = 2`."),
    Help(("Give a table number from 1 to",),
         "The mapping's `table` names a table the document does not have.",
         "Give a table number the message allows (the first table is 1)."),
    Help(("in the mapping file, but ‹place› has no such row",),
         "The mapping's `header_row` is beyond the table's last row.",
         "Give the number of the row the headers are on."),
    Help(("no column of ‹place› (columns:",),
         "A `[columns]` key of the mapping file names a header the source does not have (spelt differently?).",
         "Use a header exactly as the message lists it, or the column's letter, such as `\"Column B\"`."),
    Help(("not a field. Use one of",),
         "A column in the mapping's `[columns]` is given a field riskreg does not know.",
         "Use one of the fields the message lists (the table of fields is in [starting a register]"
         "(risk-manager/start.md)), or `keep` or `ignore`."),
    Help(("does not read as 'LOW-HIGH Rating'",),
         "The mapping's `bands` are not written as score ranges with their ratings.",
         "Write them like `bands = \"16-25 High, 12-15 Medium, 1-11 Low\"`."),
    Help(("give the row number, e.g. header_row = 3",),
         "`header_row` must be a row number.", "Write it as a whole number, e.g. `header_row = 3`."),
    Help(("for headers such as Ref, Risk, Description",),
         "No row near the top of the table reads as headers of a register.",
         "Add a header row to the source, or name the columns in a mapping file (`--mapping`)."),
    Help(("both read as",),
         "Two columns of the source seem to hold the same field, and riskreg will not guess which is right.",
         "Say which is which in a mapping file (`--mapping`); `riskreg import --dry-run` shows the mapping."),
    Help(("the table has a header row but no risks under it",),
         "The sheet or table chosen has headers but no rows.",
         "Check you picked the right sheet (`--sheet`) or file."),
    Help(("no such file. Check the name and folder.",),
         "There is no file at the path you gave.", "Check the spelling and the folder.", error="ImportSourceError"),
    Help(("is a folder. Give the register file",),
         "The path names a folder.", "Give the register file itself."),
    Help(("riskreg imports .xlsx, .xlsm, .csv, .tsv, .txt and .docx files",),
         "riskreg cannot read that kind of file.",
         "Save the register as one of those (an old `.xls` as `.xlsx`) and import that."),
    Help(("--sheet is for workbooks and Word documents",),
         "A text file holds one table, so `--sheet` has nothing to choose.", "Leave out `--sheet`."),
    Help(("cannot be read as an Excel workbook (‹…›). Open it in Excel, save it as .xlsx",),
         "The workbook is damaged or in a form the reader cannot open.", "Open it in Excel, save it as `.xlsx` "
         "and import that."),
    Help(("Give one of those with --sheet",),
         "The workbook has no sheet of the name given.", "Give one of the sheet names the message lists."),
    Help(("says it is ‹…› but is not",),
         "The file's byte-order mark claims an encoding its bytes do not follow.",
         "Save it again as *CSV UTF-8* and import that."),
    Help(("text registers over",),
         "The file is far larger than a register.", "Check you picked the right file."),
    Help(("not a text table. Give it its real extension",),
         "The file has a text extension but is another kind of file.",
         "Give it its real extension, or save the register as CSV."),
    Help(("is empty. Export the register with its header row",),
         "The file is empty.", "Export the register with its header row and import that."),
    Help(("cannot be read as a table",),
         "The text does not read as a table of rows and columns.",
         "Open it in Excel, save it as *CSV UTF-8* and import that."),
    Help(("cannot be read as a Word document",),
         "The Word document is damaged or in a form that cannot be opened.",
         "Open it in Word, save it as `.docx` and import that."),
    Help(("has no table. riskreg imports the register table",),
         "The Word document has no table; riskreg imports a paper's appendix table.",
         "Check you picked the right document."),
    Help(("the document has ‹…›; give --sheet",),
         "`--sheet` names a table number the document does not have.", "Give a table number the message offers."),
    Help(("is the tab-separated register export, read exactly by its headers",),
         "`--dry-run` and `--strict` are for other layouts; the export is read exactly, so they have nothing to "
         "show.",
         "Import it without them."),
    Help(("with --strict nothing may change on the way in",),
         "`--strict` refuses an import where any value would be changed on the way in (a footnote marker taken "
         "off, a rating read another way).",
         "Run with `--dry-run` to see every change, correct the source, or import without `--strict`."),

    # --- the template ---
    Help(("broken placeholder tag",),
         "A placeholder in the template is not closed (`{{ title }` or an `{% if %}` without its "
         "`{% endif %}`).",
         "Correct the tag in Word; the placeholders are listed in [the template's page](secretary/template.md)."),
    Help(("cannot be opened as a Word template",),
         "The template is not a Word document riskreg can open.",
         "Open it in Word and save it as *Word Document (.docx)* or *Word Template (.dotx)*."),
    Help(("Use the names listed in",),
         "The template uses a placeholder name riskreg does not have.",
         "Correct the name (the list is in [the template's page](secretary/template.md)), or remove it in Word."),
    Help(("placeholder error:",),
         "A placeholder could not be filled in (a comparison of text with a number, say).",
         "Correct the placeholder; counts are numbers and the other placeholders text."),
    Help(("(style ids) the paper uses",),
         "The template has lost styles the paper is written with (deleted or renamed in Word).",
         "Restore the styles, or start again from the bundled template and redo your changes."),
    Help(("is in a header or footer; it makes tables and pictures",),
         "A block placeholder (one that makes tables or pictures) was put in a header or footer.",
         "Move it to a paragraph of its own in the body."),
    Help(("must stand alone in its paragraph",),
         "A block placeholder shares its paragraph with other text.", "Put it on a line of its own in Word."),
    Help(("is inside a table; it makes tables and pictures",),
         "A block placeholder was put inside a table.",
         "Move it to a paragraph of its own outside the table."),
    Help(("lower on the Markings list than the paper's Protective marking",),
         "Settings' *Exempt marking* (the marking of the paper's exempt appendix, Schedule 12A) is below the paper's "
         "own *Protective marking* on the Lists sheet's Markings list: the private appendix would be marked lower "
         "than the public paper. Nothing was written.",
         "Raise the Exempt marking (e.g. OFFICIAL-SENSITIVE), or clear it: the exempt appendix then carries the "
         "paper's own marking."),
    Help(("placeholder, so the exempt appendix cannot be written",),
         "Some risks are exempt (the Register's Exempt column), and their exempt appendix is the template's title "
         "block and appendix table: the template has lost its `{{ appendix }}` placeholder. Neither the public paper "
         "nor the exempt appendix was written.",
         "Put `{{ appendix }}` back on a paragraph of its own at the end of the template, or start again from the "
         "bundled template."),
    Help(("Reporting period: ‹message›",),
         "The period given for a new register does not read (the rest of the message says why).",
         "Write it as `2021/22 Q2`."),

    # --- the paper ---
    Help(("pass --force to build the paper with a data-quality note",),
         "The register has errors (listed first in the message), and a paper built from it would carry them.",
         "Correct them (`riskreg validate` lists every finding with its cell), or add `--force` to build the "
         "paper anyway with a note listing them."),
    Help(("or pass --force to build the joint paper with a data-quality note",),
         "One or more of the registers of a joint paper have errors (each register and its errors are listed first "
         "in the message), and the joint paper would carry them.",
         "Correct them in each register named (`riskreg validate` on that register lists every finding), or add "
         "`--force` to build the joint paper anyway: its first page then says which registers have errors, and "
         "each body's section lists them."),
    Help(("so the joint paper cannot tell whether it is higher than the others'",),
         "A register's protective marking is on neither riskreg's Markings list (OFFICIAL, OFFICIAL-SENSITIVE) nor "
         "the register's own Lists sheet, so riskreg cannot tell which marking the joint paper must carry (the "
         "highest of its registers').",
         "Add the marking to the Markings column of that register's Lists sheet, below the markings it is higher "
         "than, or correct the register's Protective marking setting."),
    Help(("a joint paper reports one quarter, so it was not built",),
         "The registers report different quarters (their Settings' Reporting period), and a joint paper reports "
         "one.",
         "Roll the register that is behind to the same quarter (`riskreg roll-quarter`), or rebuild a quarter every "
         "register has closed with `--period`."),
    Help(("named twice; a joint paper takes each register once",),
         "The same register file was given twice.",
         "Name each register once."),
    Help(("so there are no registers to join",),
         "`riskreg paper REGISTER --joint` reads the other registers from REGISTER's Settings row labelled "
         "*Joint registers*; the row is missing or empty.",
         "Add a row labelled `Joint registers` to the Settings sheet with the other registers' file names in "
         "column B (relative to the workbook's folder, separated by semicolons), or name every register on the "
         "command line instead. From the ribbon's Build joint paper: add the row, save the workbook and click the "
         "button again."),
    Help(("chosen twice, or named as",),
         "Build joint paper in the task pane was sent the same register twice, or a register with the open "
         "workbook's file name (or two registers whose names differ only in capitals).",
         "Choose each other register's file once, and not the open workbook itself; if two different registers "
         "share a name, rename one of them."),
    Help(("Build joint paper needs the other registers' workbooks",),
         "The Risk Register server sees only the workbook open in Excel, so the other registers of the joint paper "
         "must be sent with it, and none was chosen (the message names the files its Settings row *Joint "
         "registers* lists, if any).",
         "Under *Joint paper* in the task pane, choose the other registers' `.xlsx` files, then press Build joint "
         "paper again. The desktop add-in set to use a server (`SERVER_URL` in riskreg.conf) cannot send them: use "
         "the task pane, or `riskreg paper A.xlsx B.xlsx` where every register's file is at hand."),
    Help(("(Joint registers) names",),
         "A file named in the Settings row *Joint registers* is not there (names are read relative to the "
         "workbook's own folder).",
         "Correct the name in that cell, or move the register where it says."),
    Help(("the joint paper keeps the template's title block down to its",),
         "The joint paper takes the template's title block (everything above the `{{ data_quality }}` paragraph), "
         "its header, footer and page layouts, and writes its own sections below; this template has no "
         "`{{ data_quality }}` paragraph, so riskreg cannot tell where the title block ends.",
         "Put `{{ data_quality }}` on a line of its own below the title block, as in the bundled template."),
    Help(("--positions is for one register's paper",),
         "The positions table is built for a single register's paper, not for the joint paper.",
         "Leave out `--positions`, and build each register's own paper with `--positions` when the Committee "
         "needs them."),
    Help(("the paper's rating table would total",),
         "A risk has a rating that is not on the Lists sheet's Ratings list, so the paper's totals would not add "
         "up to the open risks.",
         "Add the band to the Ratings list in its place (most severe first), or correct the rating."),

    # --- installing the add-in ---
    Help(("the server must be reached over https://",),
         "The add-in's server address must be `https://` (Office refuses plain HTTP).",
         "Give the server's `https://` address (`http://127.0.0.1` only for a test)."),
    Help(("APPDATA or USERPROFILE is not set",),
         "Windows did not give the folders Excel uses (a service or stripped-down shell).",
         "Run `riskreg addin install` from a normal Windows command prompt as the user who runs Excel."),
    Help(("HOME is not set",),
         "macOS did not give your home folder.", "Run `riskreg addin install` from Terminal."),
    Help(("contains a double quote, which xlwings' settings file cannot hold",),
         "The path of Python or riskreg has a `\"` in it, which the add-in's settings file cannot hold.",
         "Install Python and riskreg in a folder whose path has no quotes."),
    Help(("the add-in is already installed",),
         "An add-in is already in Excel's startup folder.",
         "Quit Excel and run `riskreg addin install --force` to replace it."),

    # --- the server ---
    Help(("RISKREG_API_KEY is shorter than 24 characters",),
         "A short key can be guessed.", "Use a long random key, as the message shows how to make."),
    Help(("RISKREG_API_KEY_ROLES: unknown role",),
         "The key's roles name one riskreg does not have.", "Use the roles the message lists."),
    Help(("RISKREG_ENTRA_TENANT_ID is set but RISKREG_ENTRA_AUDIENCE is not",),
         "Entra ID sign-in needs both the tenant and the audience tokens are issued for.",
         "Set `RISKREG_ENTRA_AUDIENCE` to the add-in's Application ID URI (`api://…`) or client id."),
    Help(("the server would accept no one",),
         "No way to sign in is set, so every request would be refused.",
         "Set Entra ID (`RISKREG_ENTRA_TENANT_ID` and `RISKREG_ENTRA_AUDIENCE`), or an API key "
         "(`RISKREG_API_KEY`), or both."),
    Help(("cannot read a JSON key set",),
         "The signing keys file is missing or not a JSON key set.", "Point `RISKREG_ENTRA_JWKS_FILE` at the key "
         "set's JSON file, or unset it to fetch the tenant's keys."),
    Help(("(above 0, at most",),
         "A setting that is a number (a size in megabytes or a time in seconds) is not one, or is out of range.",
         "Set it to a number in the range the message gives, or unset it for the default."),
    Help(("must be a whole number from",),
         "A limit (rows, cells, findings, requests, workers' queues) is not a whole number in its range.",
         "Set it to a whole number in the range the message gives, or unset it for the default."),
    Help(("is not the address users reach the server at",),
         "`RISKREG_PUBLIC_URL` is not a web address (it is written into the manifest Office loads).",
         "Give the address users reach the server at, e.g. `https://riskreg.example.org`."),
    Help(("RISKREG_ENTRA_JWKS_URL must be an https:// address",),
         "The address of Entra's signing keys is not a web address.",
         "Give the key set's `https://` address, or unset it to use the tenant's."),
    Help(("needs a licence key: set XLWINGS_LICENSE_KEY",),
         "The server runs on xlwings' remote engine, which needs a licence key.",
         "Set `XLWINGS_LICENSE_KEY`: a commercial key, or `noncommercial` where the PolyForm Noncommercial "
         "licence covers you (see [the server](it/server.md#licence))."),
    # Moving risks between registers (escalate, de-escalate) and the consolidated view.
    Help(("so there is nothing to move",),
         "`escalate` or `de-escalate` was given a risk that is closed on the register it would leave.",
         "Reopen it first (Status Open) if it is still live, or move the risk from the register that holds it."),
    Help(("cannot be closed there. Add the Status column",),
         "A moved risk is closed on the register it leaves, which needs a Status column for that.",
         "Add the Status column to the Register (as `riskreg new` makes it), then move the risk."),
    Help(("Roll the register that is behind to the same quarter first",),
         "The two registers report different quarters, so the risk's trends and History would not line up.",
         "Roll the register that is behind (`riskreg roll-quarter`) until both report the same quarter."),
    Help(("is already a risk here, so nothing was moved",),
         "The risk's ID is another risk's on the register it would join.",
         "Give it an ID of its own there with `--as NEWID`; its History goes with it under the new ID."),
    Help(("an ID that fits there with --as NEWID",),
         "The risk's ID does not fit the *Risk ID pattern* in the other register's Settings (a directorate's "
         "CRR-D07 on a corporate register of CRR21, CRR22 …), so validate would flag it there.",
         "Give it an ID in the other register's form with `--as NEWID`, or widen that register's pattern first."),
    Help(("then move the risk",),
         "A sealed quarter of the receiving register was changed by hand; moving a risk there re-seals it, which "
         "would accept that change without a word.",
         "Run validate on that register, undo the change or record it with `riskreg correct-history`, then move "
         "the risk."),
    Help(("is the register the risk is on",),
         "`--to` names the same workbook the risk is on.", "Give the other register after `--to`."),
    Help(("was written, but a file written with it could not be",),
         "A command that writes two files together (escalate: both registers) replaced the first, could not "
         "replace the second, and could not put the first back either (the disk or share failed at that moment). "
         "This is the one case where the two files disagree.",
         "Copy the backup the message names over the first file (or the version it names, kept beside it), check "
         "both with `riskreg validate`, then run the command again."),
    Help(("is one of the registers being consolidated",),
         "The overview would overwrite one of the registers it is built from.",
         "Give the overview a file name of its own (`-o view.xlsx`)."),
    Help(("Give at least one register workbook to consolidate",),
         "`consolidate` was given no register.", "Name the register workbooks to put in the overview."),
)



def answer(matches: tuple[str, ...], means: str, do: str) -> Help:
    """Return the entry of a server answer (shown in the task pane, not as an `Error:` line)."""
    return Help(matches, means, do, error="ServerAnswer")


SERVER_HELP: tuple[Help, ...] = (
    answer(("The Risk Register server is busy with other",),
         "Every worker is busy and its queue is full (a burst of users, or papers being built).",
         "Press the button again in a minute. Administrator: more workers or machines, or a longer queue "
         "(`RISKREG_QUEUE`, `RISKREG_PAPER_QUEUE`)."),
    answer(("The client went away before its turn",),
         "The task pane stopped waiting (closed, or the network dropped) before the server reached the request, "
         "so it was not run.", "Press the button again."),
    answer(("Risk Register requests in progress",),
         "You already have as many requests running as one person may (`RISKREG_UPLOADS_PER_CLIENT`).",
         "Wait for them to finish, then press the button again."),
    answer(("The workbook is too large for this server", "cells of values, more than this server takes"),
         "The workbook sent is larger than the server accepts (`RISKREG_MAX_BODY_MB`, `RISKREG_MAX_CELLS`).",
         "Remove what the workbook does not need (stray sheets, thousands of empty formatted rows), or ask the "
         "administrator to raise the limit."),
    answer(("rows, more than this server takes",),
         "A sheet has more rows than the server accepts (`RISKREG_MAX_ROWS`), usually empty rows far below the "
         "data.", "Delete the empty or stray rows at the bottom of that sheet, or ask the administrator."),
    answer(("more than this server gives one request",),
         "The workbook is so large that the button's work would run past the server's time limit for one request "
         "(`RISKREG_TIME_LIMIT_S`, `RISKREG_PAPER_TIME_LIMIT_S`), so it was refused before it started.",
         "Delete the empty or stray rows at the bottom of the sheets, or ask the administrator to raise the limit."),
    answer(("the most this server gives one request, and nothing was changed",),
         "The work ran past the server's time limit for one request and was stopped (LibreOffice too, for a "
         "paper); its files were removed and nothing was sent to your workbook.",
         "Press the button again when the server is less busy, or ask the administrator to raise the limit "
         "(`RISKREG_TIME_LIMIT_S`, `RISKREG_PAPER_TIME_LIMIT_S`)."),
    answer(("The workbook did not arrive within",),
         "The workbook took too long to reach the server (`RISKREG_BODY_TIMEOUT_S`).",
         "Check the network and press the button again."),
    answer(("is missing the following roles",),
         "Rolling the quarter and building the paper need a role (`RiskRegister.RollQuarter`, "
         "`RiskRegister.BuildPaper`) that your account does not have.",
         "Ask whoever runs the server to assign you the role (Entra ID: *Enterprise applications › Users and "
         "groups*)."),
    answer(("stopped because of a fault in riskreg, not in your register",),
         "A fault in riskreg, not something in your register: the server logged the details under the reference "
         "given, without any of your register's text.",
         "Give the reference to your administrator, who finds the request in the server's log."),
    answer(("This server has no script",),
         "The add-in asked for a button the server does not have: the add-in and the server are of different "
         "versions.", "Administrator: upgrade the server, or upload its current manifest ([upgrades](it/upgrades.md))."),
    answer(("has run out of disk space for its work",),
         "The server's scratch folder (`RISKREG_SCRATCH_DIR`) is full; the request's files were removed.",
         "Tell the administrator (with the reference), then press the button again later."),
    answer(("This server has no public address set, so it serves no manifest",),
         "The manifest names the server's address, and `RISKREG_PUBLIC_URL` is not set.",
         "Administrator: set `RISKREG_PUBLIC_URL` to the `https://` address users reach the server at."),
    answer(("the Office.js client comes with",),
         "The task pane's client (the `officejs` extra) is not installed on the server.",
         "Administrator: `pip install \"riskreg[officejs]\"` in the server's environment and restart it."),
    answer(("No such file.",),
         "The address asked for is not one of the server's files.", "Check the address."),
    answer(("No such page on the Risk Register server",),
         "The address is not one the server answers.", "Check the address (the manifest is at `/manifest`)."),
    answer(("That method is not allowed here",),
         "Something called the server in a way it does not answer (not the add-in).", "Use the add-in."),
    answer(("No credentials: sign in",),
         "The request carried no sign-in and no API key.",
         "Sign in to the add-in (Microsoft 365), or set the server's API key in the add-in's settings."),
    answer(("The credentials were not accepted",),
         "The API key is wrong, or the sign-in was refused.",
         "Check the API key in the add-in's settings (`riskreg.conf`), or sign in again."),
    answer(("Your sign-in has expired",),
         "The sign-in token has expired.", "Close and reopen the Risk Register task pane."),
    answer(("The sign-in token is for another application",),
         "The token was issued for another application than this server (`RISKREG_ENTRA_AUDIENCE`).",
         "Administrator: check that the add-in's app registration and the server's audience agree."),
    answer(("The sign-in token is from another organisation",),
         "The token comes from another Microsoft Entra tenant than the server's (`RISKREG_ENTRA_TENANT_ID`).",
         "Sign in with your organisation's account."),
    answer(("The sign-in token is not valid", "The sign-in token names no user"),
         "The sign-in token could not be checked, or names no user.", "Sign in again."),
    answer(("which is not a cell address", "The request is not the JSON an xlwings client sends",
          "is not a workbook as xlwings' clients send it"),
         "The request is not a workbook as the add-in sends it: an old or foreign client, or a damaged request.",
         "Update the add-in (upload the server's current manifest, or rebuild the `.xlam`), and press the button "
         "again."),
    answer(("The request's files are not as the Risk Register task pane sends them",
            "the file did not arrive whole (its contents are not base64)"),
         "The registers' files sent with Build joint paper did not arrive as the task pane sends them: an old or "
         "foreign client, or a request damaged on the way.",
         "Choose the files again under *Joint paper* in the task pane and press Build joint paper again; if it "
         "happens again, update the add-in."),
    answer(("Your xlwings version is different on the client",),
         "The add-in's xlwings client and the server's xlwings differ.",
         "Rebuild the desktop add-in with the server's version (`riskreg addin install --force`), or upgrade the "
         "server ([upgrades](it/upgrades.md))."),
)
HELP += SERVER_HELP

# click's own answers to a command typed wrongly: (an example, its message with ‹word› placeholders, what to do).
# tests/docs/test_troubleshooting.py runs each example and checks its message.
USAGE: tuple[tuple[str, str, str], ...] = (
    ("riskreg valdate register.xlsx", "Error: No such command 'valdate'.",
     "The command is misspelt. `riskreg --help` lists the commands."),
    ("riskreg validate register.xlsx --wirte", "Error: No such option '--wirte'.",
     "The option is misspelt (click may suggest the one you meant). `riskreg validate --help` lists them."),
    ("riskreg validate", "Error: Missing argument 'REGISTER'.",
     "The command needs a file name: here, the register workbook."),
    ("riskreg paper register.xlsx -o", "Error: Option '-o' requires an argument.",
     "The option needs a value after it: here, the output file."),
    ("riskreg import export.txt --period \"2021/22 Q2\"", "Error: Missing option '-o' / '--output'.",
     "The command needs that option: here, the workbook to create."),
    ("riskreg export register.xlsx -o out.txt --format pdf",
     "Error: Invalid value for '--format': 'pdf' is not one of 'text', 'xlsx', 'csv', 'tsv'.",
     "The value is not one of those allowed, which the message lists."),
)
