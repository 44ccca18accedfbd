"""The `riskreg` command line: the ribbon's twin. Each command opens, calls one function, reports."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from workbook import jobs
from workbook.core.errors import RiskregError
from workbook.core.words import plural


class UserError(click.ClickException):
    """A RiskregError shown as `Error: …` with exit code 2, never a traceback."""

    exit_code = 2


def user_errors(command: Callable) -> Callable:
    """Turn the project's own errors into `Error: …` and exit code 2; let real bugs raise."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RiskregError as err:
            raise UserError(err.user_message) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="riskreg")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Keep the corporate risk register in Excel, check it, work out trends and build the board paper."""
    jobs.set_command(f"riskreg {ctx.invoked_subcommand}")  # what a second writer is told holds the workbook


# --- register workbook: new, import, export (workbook/xlsx/builder.py, workbook/export/text_format.py, workbook/xlsx/reader.py) ---

# No dir_okay=False: click would answer a folder with a usage screen; check_writable says it in one line.
OUTPUT_FILE = click.Path(path_type=Path)
PERIOD_HELP = "Reporting period, e.g. '2021/22 Q2' (financial year, then quarter; Q1 is April to June)."


def paper_options(command: Callable) -> Callable:
    """Add --organisation, --committee, --report-of and --author: the Settings the board paper names."""
    for name, what in (("--author", "Contact officer named on the board paper, for Settings 'Author'."),
                       ("--report-of", "Who the board paper is from (post title or name), for Settings 'Report of'."),
                       ("--committee", "Committee the board paper goes to, e.g. 'Joint Audit Committee'."),
                       ("--organisation", "Organisation that owns the register, e.g. 'Avon and Somerset Police'.")):
        command = click.option(name, help=what + " Without it Settings holds a placeholder that validate flags "
                               "until it is filled in.")(command)
    return command


@cli.command("new")
@click.argument("path", type=OUTPUT_FILE)
@click.option("--period", help=PERIOD_HELP + " Default: the current quarter.")
@paper_options
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.option("--full", is_flag=True, help="Add inherent and target positions, Category, Target Date and Proximity "
              "columns, and the Matrix, Appetite and Actions sheets.")
@click.option("--exempt", is_flag=True, help="Add the Exempt column: the Schedule 12A paragraph of a risk the "
              "board paper puts in its exempt appendix instead of the public paper.")
@user_errors
def new_command(path: Path, period: str | None, organisation: str | None, committee: str | None,
                report_of: str | None, author: str | None, force: bool, full: bool, exempt: bool = False) -> None:
    """Create an empty register workbook.

    Sheets: Register (a table with dropdowns and rating colours), Lists, History and Settings; with --full also
    Matrix, Appetite and Actions.
    """
    created = jobs.create_register(path, jobs.period_or_today(period), force=force, full=full, exempt=exempt,
                                   settings=jobs.paper_settings(organisation, committee, report_of, author))
    click.echo(created.line())


@cli.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OUTPUT_FILE, required=True, help="Register workbook (.xlsx) to create.")
@click.option("--period", help=PERIOD_HELP + " Required unless the table has quarter columns (e.g. '24/25 Q4'): "
              "the export's headers give quarters, not the year.")
@click.option("--sheet", help="The worksheet (or, in a Word document, the table number) holding the register. "
              "Default: the one whose headers name the most register columns.")
@click.option("--mapping", type=click.Path(path_type=Path), help="TOML file saying what columns mean where the "
              "automatic match is wrong (see the guide, docs/risk-manager/start.md).")
@click.option("--dry-run", is_flag=True, help="Print the column mapping and the import report; write nothing.")
@click.option("--strict", is_flag=True, help="Refuse when any value would be changed or not understood.")
@paper_options
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@user_errors
def import_command(source: Path, output: Path, period: str | None, sheet: str | None, mapping: Path | None,
                   dry_run: bool, strict: bool, organisation: str | None, committee: str | None,
                   report_of: str | None, author: str | None, force: bool) -> None:
    """Import a register into a new register workbook.

    SOURCE is the tab-separated export (.txt), or another organisation's register: a workbook (.xlsx, .xlsm),
    a CSV/TSV file or the table of a Word board paper (.docx). Columns are found by meaning; what was changed,
    joined or kept is listed, and put on an 'Import report' sheet.
    """
    imported = jobs.import_register(source, output, jobs.period_or_none(period), sheet=sheet, mapping=mapping,
                                    dry_run=dry_run, strict=strict, force=force,
                                    settings=jobs.paper_settings(organisation, committee, report_of, author))
    for line in imported.lines():
        click.echo(line)


@cli.command("export")
@click.argument("register", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OUTPUT_FILE, required=True, help="File to write.")
@click.option("--format", "fmt", type=click.Choice(["text", "xlsx", "csv", "tsv"]), default="text",
              show_default=True, help="text: the tab-separated export with HTML cells; xlsx, csv, tsv: one flat "
              "table, a row per risk and a column of ratings per History quarter.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@user_errors
def export_command(register: Path, output: Path, fmt: str, force: bool) -> None:
    """Write a register workbook's risks out in the export format or as a flat table.

    The tab-separated format with HTML cells, or a flat .xlsx/.csv/.tsv table; `riskreg import` reads them all.
    """
    for line in jobs.export_register(register, output, fmt=fmt, force=force).lines():
        click.echo(line)


# --- checks and trends: validate, trends, roll-quarter, rules (workbook/core/checks.py, trends.py, workbook/xlsx/writer.py) ---

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# More rows than this and a table costs more than it helps (rich takes seconds over thousands): plain lines instead.
HANDFUL = 30


def _as_table(rows: int) -> bool:
    """Return whether to draw a table: for a person at a terminal, with a handful of rows."""
    return sys.stdout.isatty() and rows <= HANDFUL


def _settle() -> None:
    """Keep the cycle collector off the register just read: its objects live until the command ends, and walking
    them on every collection cost about 12 % of a write command at 10,000 risks."""
    import gc

    gc.freeze()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cycle collector off while the paper is built: nearly everything it makes (register, content,
    document) lives until the paper is written, and walking it again and again cost about a tenth of a 1,000-risk
    paper and a fifth of a 10,000-risk one; then `_settle`, so the collection at exit does not walk it either."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _settle()
        if was_enabled:
            gc.enable()


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 140)


def _show_findings(findings, line: str) -> None:
    if not _as_table(len(findings)):
        lines = [f"{f.severity}\t{f.rule_id}\t{f.cell}\t{f.risk_id}\t{f.message}" for f in findings]
        click.echo("\n".join([*lines, line]))
        return
    from rich.table import Table
    from rich.text import Text

    console = _console()
    if findings:
        table = Table(show_lines=False, header_style="bold", expand=False)
        for title, style in (("Severity", None), ("Rule", None), ("Cell", None), ("Risk", None),
                             ("Message", None)):
            table.add_column(title, style=style, overflow="fold", no_wrap=title != "Message")
        for f in findings:
            table.add_row(Text(f.severity, style=SEVERITY_STYLES.get(f.severity, "")),
                          *(Text(v) for v in (f.rule_id, f.cell, f.risk_id, f.message)))
        console.print(table)
    console.print(line, markup=False)


def _wrote(lines: list[str]) -> None:
    click.echo("\n".join(lines), err=True)


def _one_writer(path: Path | None) -> None:
    """Hold the workbook's one-writer lock from here to the end of the command: its read and its write."""
    click.get_current_context().with_resource(jobs.writing(path))


WRITE_COPY_HELP = "With --write: write a copy to this file instead of changing REGISTER."


@cli.command("validate")
@click.argument("register", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (for scripts).")
@click.option("--write", is_flag=True, help="Also put the findings into the workbook: a Validation sheet "
              "(one row per finding, linked to its cell) and highlighted cells with notes. The previous run's "
              "marks are cleared first and a backup is kept. No value you typed is changed.")
@click.option("--strict", is_flag=True, help="Exit with 1 on warnings as well as errors.")
@click.option("-o", "--output", type=OUTPUT_FILE, help=WRITE_COPY_HELP)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@user_errors
def validate_command(register: Path, as_json: bool, write: bool, strict: bool, output: Path | None,
                     force: bool) -> None:
    """Check a REGISTER workbook against every rule (`riskreg rules` lists them).

    Exit code 0 when clean or only warnings, 1 when there are errors (or warnings with --strict),
    2 when the workbook cannot be read.
    """
    import json

    _one_writer(register if write and output is None else None)
    validation = jobs.validate_file(register)
    _settle()
    content, findings, line = validation.register, validation.findings, validation.summary
    if as_json:
        click.echo(json.dumps({"register": str(register), "period": content.period.label, "summary": line,
                               "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        _show_findings(findings, line)
    if write:
        _wrote(jobs.write_validation(register, validation, output=output, force=force).lines("the Validation sheet"))
    raise click.exceptions.Exit(validation.exit_code(strict=strict))


@cli.command("trends")
@click.argument("register", type=click.Path(path_type=Path))
@click.option("--write", is_flag=True, help="Fill empty trend cells from History and rebuild the Summary sheet "
              "(ratings per quarter with a chart, and this quarter's movements). A backup is kept; arrows you "
              "typed are never changed, and those History contradicts are listed.")
@click.option("-o", "--output", type=OUTPUT_FILE, help=WRITE_COPY_HELP)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@user_errors
def trends_command(register: Path, write: bool, output: Path | None, force: bool) -> None:
    """Work out each risk's trend arrows from History and check them against the REGISTER.

    Arrows compare scores or ratings, as Settings 'Trend basis' says; where History lacks a quarter's
    ratings the recorded arrow is kept and marked 'as recorded'.
    """
    from rich.markup import escape
    from rich.table import Table

    _one_writer(register if write and output is None else None)
    refresh = jobs.refresh_trends_file(register)
    _settle()
    content, computed = refresh.register, refresh.computed
    console = _console()
    if _as_table(len(content.risks)):
        table = Table(header_style="bold", title=f"Trends, {content.period.label}")
        table.add_column("Risk")
        table.add_column("Name", overflow="fold")
        for key in ("trend1", "trend2", "trend3"):
            table.add_column(content.header_of(key))
        table.add_column("Rating")
        for risk in content.risks:
            table.add_row(escape(risk.id), escape(risk.name), *_trend_cells(computed.get(risk.id, ()), escape),
                          escape(risk.rating))
        console.print(table)
    else:
        headers = "\t".join(content.header_of(key) for key in ("trend1", "trend2", "trend3"))
        lines = [f"Trends, {content.period.label}: {plural(content.risks, 'risk')}", f"Risk\tName\t{headers}\tRating"]
        lines += ["\t".join([risk.id, risk.name, *_trend_cells(computed.get(risk.id, ())), risk.rating])
                  for risk in content.risks]
        click.echo("\n".join(lines))
    lines = []
    for label, group in refresh.movements.groups():
        names = "; ".join(f"{m.risk_id} {m.name}".strip() for m in group) or "none"
        lines.append(f"{label} ({len(group)}): {names}")
    for period, by_rating in refresh.distribution.items():
        lines.append(f"{period}: " + ", ".join(f"{n} {rating}" for rating, n in by_rating.items()))
    lines += [f"{finding.cell}: {finding.message}" for finding in refresh.conflicts]
    lines += [note for note in (_scale_note(content),) if note]
    if _as_table(len(content.risks)):
        for line in lines:
            console.print(line, markup=False)
    else:
        click.echo("\n".join(lines))
    if write:
        _wrote(jobs.write_trends(register, refresh, output=output, force=force).lines("the Summary sheet"))


def _trend_cells(trends, escape=None) -> list[str]:
    """Return each trend as shown: the arrow, marked where it is only as recorded or History says otherwise."""
    mark = escape or (lambda text: text)
    cells = []
    for trend in trends:
        if trend.computed is None:
            cells.append(f"{mark(trend.recorded) or '-'} (as recorded)")
        elif trend.agrees:
            cells.append(mark(trend.recorded))
        elif escape:
            cells.append(f"[red]{mark(trend.recorded) or 'empty'} → History: {trend.computed}[/]")
        else:
            cells.append(f"{trend.recorded or 'empty'} → History: {trend.computed}")
    return cells


@cli.command("roll-quarter")
@click.argument("register", type=click.Path(path_type=Path))
@click.option("--period", required=True, help="The quarter to start, e.g. '2021/22 Q3': the one after the "
              "register's reporting period.")
@click.option("-o", "--output", type=OUTPUT_FILE, help="Write a copy to this file instead of changing REGISTER.")
@click.option("--force", is_flag=True, help="Close the quarter even when the register has errors (the Record sheet "
              "then says it was closed with them), and replace the --output file if it exists.")
@user_errors
def roll_quarter_command(register: Path, period: str, output: Path | None, force: bool) -> None:
    """Close the reporting quarter of a REGISTER and start the next one.

    Records each risk's full state in History (Source 'rolled': rating, trend, scores, status, owner, text
    fingerprint; rows already there are brought up to date and each change named), moves the trend columns one
    quarter on (the oldest drops off, the new quarter's column starts empty) and sets the period in
    Settings. Refused if the register already reports that quarter, or has errors (unless --force). A backup is
    kept.
    """
    from workbook.core.periods import parse_period

    roll = jobs.roll_quarter(register, parse_period(period), output=output, force=force,
                             settle=_settle)  # reads under the writer's lock; settles once read, and once planned
    click.echo("\n".join(roll.lines()))


@cli.command("rules")
@click.option("-o", "--output", type=OUTPUT_FILE, help="Write the list to this Markdown file (e.g. docs/rules.md) "
              "instead of printing it; the file is replaced.")
@user_errors
def rules_command(output: Path | None) -> None:
    """List every validation rule: id, severity, columns, what it checks and its message."""
    from workbook.core.rules import rules_markdown

    text = rules_markdown()
    if output:
        jobs.check_output(output, ours=True)
        jobs.write_text(output, text)
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


# --- board paper (report_builder) ---

@cli.command("paper")
@click.argument("register", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OUTPUT_FILE, help="Word paper (.docx) to write. Default: "
              "REGISTER's name with ' board paper.docx', beside it.")
@click.option("--template", type=click.Path(path_type=Path),
              help="Word template to use instead of the bundled one (see templates/PLACEHOLDERS.md).")
@click.option("--pdf", is_flag=True, help="Also save a PDF beside the paper (needs LibreOffice).")
@click.option("--force", is_flag=True, help="Build even when the register has errors (adds a data-quality "
              "note).")
@click.option("--overwrite", is_flag=True, help="Replace the output files even when they are not riskreg's "
              "unchanged previous paper (a paper edited since riskreg wrote it is otherwise kept).")
@click.option("--positions", is_flag=True, help="Add a table of each risk's inherent, residual and target "
              "positions (likelihood × impact = score).")
@click.option("--period", help="A closed quarter, e.g. '2021/22 Q3': build its paper again as History recorded it "
              "at the close. Default name: REGISTER's name with ' board paper 2021-22 Q3.docx'.")
@click.option("--joint", is_flag=True, help="Build one joint paper of REGISTER and the registers its Settings "
              "row 'Joint registers' names (several REGISTERs make a joint paper without it).")
@user_errors
def paper_command(register: tuple[Path, ...], output: Path | None, template: Path | None, pdf: bool, force: bool,
                  overwrite: bool, positions: bool, period: str | None, joint: bool) -> None:
    """Build the committee's board paper (Word) from a REGISTER workbook, or one joint paper from several.

    riskreg's own previous paper is replaced when nobody has changed it since; any other existing file, or a
    paper edited since, is kept unless --overwrite.
    """
    past = jobs.period_or_none(period)
    if joint or len(register) > 1:
        with _collector_paused():
            _joint_paper(register, output, template, pdf, force, overwrite, positions, past, joint)
        return
    single = register[0]
    with _collector_paused():
        if past is not None:
            paper = jobs.build_past_paper(single, past, output, template=template, force=force, pdf=pdf,
                                          overwrite=overwrite, positions=positions)
        else:
            paper = jobs.build_paper(single, output, template=template, force=force, pdf=pdf,
                                     overwrite=overwrite, positions=positions)
    click.echo("\n".join(paper.lines()))
    if paper.forced_errors and past is not None:
        _altered_note(single, past)


def _joint_paper(registers: tuple[Path, ...], output: Path | None, template: Path | None, pdf: bool, force: bool,
                 overwrite: bool, positions: bool, past, from_settings: bool) -> None:
    """Build one joint paper of several registers (`riskreg paper A.xlsx B.xlsx` or `--joint`)."""
    from workbook.jobs.joint_paper import build_joint_paper

    paper = build_joint_paper(registers, output, template=template, force=force, pdf=pdf, overwrite=overwrite,
                              period=past, from_settings=from_settings, positions=positions)
    click.echo("\n".join(paper.lines()))


@cli.group("addin")
def addin_group() -> None:
    """Build and install the Excel add-in (the "Risk Register" ribbon tab)."""


@addin_group.command("build")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("dist/riskreg.xlam"),
              show_default=True, help="Where to write the add-in.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@user_errors
def addin_build(output: Path, force: bool) -> None:
    """Assemble riskreg.xlam from the ribbon sources and xlwings' add-in template (no Excel needed)."""
    from addin.xlam.build import build_addin

    if output == Path("dist/riskreg.xlam"):
        output.parent.mkdir(exist_ok=True)
    jobs.check_output(output, force=force)
    build_addin(output)
    click.echo(f"Wrote {output}")


@addin_group.command("install")
@click.option("--force", is_flag=True, help="Replace an add-in already installed (quit Excel first).")
@click.option("--dry-run", is_flag=True, help="Show where the add-in and its settings would go; change nothing.")
@user_errors
def addin_install(force: bool, dry_run: bool) -> None:
    """Install the add-in into Excel's startup folder and point it at this Python (Windows, macOS).

    On Linux, where there is no desktop Excel, print the steps to follow on the Excel machine.
    """
    from addin.xlam.install import LINUX, current_plan, install, manual_steps

    plan = current_plan()
    if plan.platform == LINUX:
        for line in plan.notes + ["To install on the computer that runs Excel:"] + manual_steps():
            click.echo(line)
        return
    if dry_run:
        click.echo(f"Add-in: {plan.addin}")
        click.echo(f"Settings file: {plan.config_file}")
        for key, value in plan.settings.items():
            click.echo(f'  "{key}","{value}"')
        if plan.applescript:
            click.echo(f"RunPython helper: {plan.applescript[1]}")
        return
    for line in install(plan, force=force):
        click.echo(line)


@addin_group.command("uninstall")
@user_errors
def addin_uninstall() -> None:
    """Remove the add-in and its settings file (quit Excel first)."""
    from addin.xlam.install import current_plan, uninstall

    for line in uninstall(current_plan()):
        click.echo(line)


# --- the whole job on the bundled sample ---

@cli.command("demo")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("riskreg-demo"))
@user_errors
def demo_command(outdir: Path) -> None:
    """Run the whole job on the bundled sample register (18 real risks) into OUTDIR.

    Builds the register workbook from the sample export, runs the checks and writes the Validation sheet,
    works out the trends and writes the Summary sheet, then builds the Word board paper. Files from an
    earlier demo in OUTDIR are replaced.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    workbook_path = outdir / "register.xlsx"
    imported = jobs.import_sample(workbook_path).register
    click.echo(f"1. Register: imported {jobs.risks_with_ratings(imported)} "
               f"into {workbook_path}.")

    validation = jobs.validate_file(workbook_path)
    _show_findings(validation.findings, f"2. Checks: {validation.summary}.")
    jobs.write_validation(workbook_path, validation)
    click.echo(f"   Findings written to the Validation sheet of {workbook_path.name}, cells highlighted.")

    refresh = jobs.refresh_trends_file(workbook_path)
    trends = jobs.write_trends(workbook_path, refresh)
    click.echo(f"3. Trends: worked out from History for {refresh.register.period.label}; Summary sheet and chart "
               "written" + (f"; {plural(trends.findings, 'recorded arrow')} History contradicts." if trends.findings
                            else "."))

    paper = jobs.build_paper(workbook_path, outdir / "board paper.docx", force=True, overwrite=True)
    note = (f" It carries a data-quality note: the register has {plural(paper.forced_errors, 'error')} to fix "
            "before the paper goes to the Committee." if paper.forced_errors else "")
    click.echo(f"4. Board paper: {paper.paper} ({paper.content.title_block.title}).{note}")
    click.echo(f"Open {workbook_path} in Excel and {paper.paper} in Word to see the result.")


def _scale_note(register) -> str:
    from workbook.core.trends import scale_note

    return scale_note(register)


def _altered_note(register: Path, period) -> None:
    from workbook.jobs import record as record_jobs

    altered = record_jobs.altered_quarters(register, period)
    if altered:
        click.echo(f"Note: the record of {' and '.join(p.label for p in altered)} was altered after "
                   f"{'it was' if len(altered) == 1 else 'they were'} closed (see the data-quality note): this paper "
                   "is not the one the Committee had at the time.")


# --- the record: correct-history (workbook/core/seal.py, workbook/jobs/record.py) ---

@cli.command("correct-history")
@click.argument("register", type=click.Path(path_type=Path))
@click.option("--period", required=True, help="The sealed quarter whose History was corrected, e.g. '2021/22 Q3'.")
@click.option("--reason", required=True, help="Why the closed quarter's record was changed; recorded with the "
              "new seal.")
@click.option("-o", "--output", type=OUTPUT_FILE, help="Write a copy to this file instead of changing REGISTER.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@user_errors
def correct_history_command(register: Path, period: str, reason: str, output: Path | None, force: bool) -> None:
    """Accept a hand correction of a closed quarter's History in a REGISTER: re-seal the quarter.

    Every change validate names in that quarter (R100-R102) is accepted and listed on the Record sheet with the
    reason and today's date; the quarter's seal is renewed, and each later seal with it. A backup is kept.
    """
    from workbook.core.periods import parse_period
    from workbook.jobs import record as record_jobs

    done = record_jobs.correct_history(register, parse_period(period), reason, output=output, force=force)
    correction = done.correction
    click.echo(f"Corrected {correction.period.label} in {done.written.path}: "
               f"{plural(correction.accepted, 'change')} accepted and recorded with the reason.")
    for line in correction.accepted:
        click.echo(f"  {line}")
    renewed = [p.label for p in correction.resealed]
    click.echo(f"Sealed {correction.period.label} again" + (f"; renewed the seals of {', '.join(renewed)}, "
                                                            "which cover it." if renewed else "."))
    _backup_lines(done.written)


def _rename_command(name: str) -> Callable:
    """Declare a rename command: REGISTER OLD NEW, --output and --force, its errors shown as `Error: …`."""

    def declare(function: Callable) -> Callable:
        function = user_errors(function)
        for option in (click.option("--force", is_flag=True, help="Replace the --output file if it exists."),
                       click.option("-o", "--output", type=OUTPUT_FILE,
                                    help="Write a copy to this file instead of changing REGISTER."),
                       click.argument("new"), click.argument("old"),
                       click.argument("register", type=click.Path(path_type=Path))):
            function = option(function)
        return cli.command(name)(function)

    return declare


@_rename_command("rename-band")
def rename_band_command(register: Path, old: str, new: str, output: Path | None, force: bool) -> None:
    """Rename the rating band OLD to NEW in a REGISTER, from its open quarter on.

    Sets the Lists entry, the Register's ratings, the Matrix sheet's band and the Appetite tolerances that name it;
    History keeps the closed quarters' words (their papers are built as they were), and trends read them as the
    band of the new name. The rename is recorded on the Record sheet. A backup is kept.
    """
    from workbook.jobs import record as record_jobs

    _renamed(record_jobs.rename_band(register, old, new, output=output, force=force), "Band")


@_rename_command("rename-risk")
def rename_risk_command(register: Path, old: str, new: str, output: Path | None, force: bool) -> None:
    """Give the risk OLD the ID NEW in a REGISTER, from its open quarter on.

    Sets its Register ID and its actions' Risk ID; History keeps the closed quarters' rows under OLD, and trends,
    movements and what changed read them as NEW's. The rename is recorded on the Record sheet, and this quarter's
    paper says it once ('OLD is now NEW'). A backup is kept.
    """
    from workbook.jobs import record as record_jobs

    _renamed(record_jobs.rename_risk(register, old, new, output=output, force=force), "Risk")


def _some(places: list[str], shown: int = 6) -> str:
    if not places:
        return ""
    more = f" and {len(places) - shown} more" if len(places) > shown else ""
    return f" ({', '.join(places[:shown])}{more})"


def _renamed(done, what: str) -> None:
    rename, written = done.plan.rename, done.written
    click.echo(f"{what} {rename.old} is now {rename.new} in {written.path} from {rename.period.label}: "
               f"{plural(done.plan.cells, 'cell')} set{_some(done.plan.places())}; History keeps "
               "the closed quarters' words, and the rename is recorded.")
    _backup_lines(written)


def _backup_lines(written) -> None:
    if written.backup:
        click.echo(f"Backup of the workbook before this change: {written.backup}")
    if written.pruned and written.pruned.removed:
        click.echo(written.pruned.sentence())


def _move_command(name: str, down: bool) -> Callable:
    """Declare escalate / de-escalate: REGISTER RISK_ID --to OTHER [--as NEWID], errors shown as `Error: …`."""

    def declare(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(register: Path, risk_id: str, to: Path, new_id: str | None) -> None:
            from workbook.jobs.escalate import escalate

            done = escalate(register, risk_id, to, new_id=new_id, down=down)
            click.echo(done.line())
            for backup in done.backups:
                click.echo(f"Backup of the workbook before this change: {backup}")

        command: Callable = user_errors(run)
        for option in (click.option("--as", "new_id", metavar="NEWID",
                                    help="The risk's ID on the other register, when its own is taken there."),
                       click.option("--to", "to", required=True, type=click.Path(path_type=Path),
                                    help="The register workbook the risk moves to."),
                       click.argument("risk_id"), click.argument("register", type=click.Path(path_type=Path))):
            command = option(command)
        return cli.command(name)(command)

    return declare


@_move_command("escalate", down=False)
def escalate_command() -> None:
    """Move the risk RISK_ID from REGISTER up to the register given by --to, with its History.

    The risk is closed on REGISTER (its History kept there) and added to the other register with every History
    row and recorded text it lacks, and its actions (kept on REGISTER, marked in Update); both Record sheets note
    the move, and both papers of the quarter say where it went. Both workbooks are written, or neither. A backup
    of each is kept.
    """


@_move_command("de-escalate", down=True)
def de_escalate_command() -> None:
    """Move the risk RISK_ID from REGISTER back down to the register given by --to, with its History.

    As escalate, in the other direction: a register the risk left before reopens its own row. Both workbooks are
    written, or neither. A backup of each is kept.
    """


@cli.command("consolidate")
@click.argument("registers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=OUTPUT_FILE, required=True, help="The overview workbook to write.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@user_errors
def consolidate_command(registers: tuple[Path, ...], output: Path, force: bool) -> None:
    """Build a read-only overview workbook of every risk in REGISTERS, with its register of origin.

    One filterable Excel Table of all risks, and open risks counted by register and rating on the first sheet.
    The overview is protected; change the registers, then build it again.
    """
    from workbook.jobs.consolidate import consolidate

    click.echo(consolidate(list(registers), output, force=force).line())


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; keep 127.0.0.1 behind a "
              "reverse proxy that terminates TLS.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (the server is stateless: any worker answers any request).")
@user_errors
def serve_command(host: str, port: int, workers: int) -> None:
    """Run the Risk Register server for Excel without Python on the PC (its settings: docs/it/server.md)."""
    from addin.server.config import ServerConfig
    from addin.server.serve import serve

    ServerConfig.from_environment()  # refuse a server that would accept no one before any worker starts
    click.echo(f"Risk Register server on http://{host}:{port} ({plural(workers, 'worker')}); "
               f"manifest at /manifest.")
    serve(host, port, workers)


def main(argv: list[str] | None = None) -> None:
    """Run the command line (entry point of the `riskreg` script)."""
    cli.main(args=argv, prog_name="riskreg")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
