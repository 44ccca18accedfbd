"""Build the board paper from a register file: read, check, work out content, render, convert to PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report_builder.content import PAPER_MARKER, PaperContent, Provenance, build_content, not_rated
from report_builder.exempt_build import (ExemptAppendix, StaleExempt, clear_stale_exempt, exempt_path,
                                         exempt_plan, write_both)
from report_builder.sources import error_findings, movements_of
from workbook.core.errors import OutputError, RegisterErrorsError, RiskregError
from workbook.core.history import register_as_of
from workbook.core.periods import Period
from workbook.core.words import plural, them_it
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.background import in_background
from workbook.files.lock import one_writer

# LibreOffice's PDF export options for a tagged PDF/UA file: headings, tables, figures and their alternative text
# reach the PDF's structure tree, where screen readers find them.
PDF_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"PDFUACompliance":{"type":"boolean","value":"true"}}')


class PaperTotalError(RiskregError):
    """The paper's rating table would not count every open risk, so no paper is written, forced or not."""


def check_totals(source: str, content: PaperContent) -> None:
    """Refuse a paper whose rating table's total is not its number of open risks."""
    if content.rating_total == content.risk_count:
        return
    bands = ", ".join(row.rating for row in content.rating_rows)
    raise PaperTotalError(
        f"{source}: the paper's rating table would total {content.rating_total} but {content.risk_count} risks are "
        f"open (bands {bands}); the paper was not built. This is a fault in riskreg: please report it.")


@dataclass(frozen=True)
class PaperResult:
    paper: Path
    pdf: Path | None
    content: PaperContent
    forced_errors: int
    notes: tuple[str, ...] = ()  # e.g. which font stood in for the template's in the PDF
    exempt: ExemptAppendix | None = None  # the exempt appendix written beside the paper, when risks are exempt
    stale_exempt: StaleExempt | None = None  # an earlier build's exempt appendix, now that none is due


def provenance(path: Path) -> Provenance:
    """Return the register file's name, last-modified time (UTC) and SHA-256."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    return Provenance(path.name, modified, digest)


# A file system may keep times to 2 s (FAT); nobody edits and saves a paper that fast.
SAME_TIME_SECONDS = 2


def _paper_properties(path: Path) -> dict[str, str]:
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return {element.tag.rsplit("}", 1)[-1]: (element.text or "").strip() for element in root}


def _written_at(values: dict[str, str]) -> float | None:
    """Return when riskreg wrote the paper (its 'modified' property, UTC) as a file time."""
    try:
        stamp = dt.datetime.fromisoformat(values.get("modified", "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)).timestamp()


def is_previous_paper(path: Path) -> bool:
    """Return whether `path` is a paper riskreg wrote and nobody has saved since: Word raises the revision, and
    any program that saves it gives the file a time later than the one riskreg gave it."""
    values = _paper_properties(path)
    written = _written_at(values)
    if not values.get("identifier", "").startswith(PAPER_MARKER) or values.get("revision") != "1" or written is None:
        return False
    try:
        return abs(path.stat().st_mtime - written) <= SAME_TIME_SECONDS
    except OSError:
        return False


def _stamp_as_written(path: Path) -> None:
    """Give the paper file the time its properties say riskreg wrote it, which an edit then changes."""
    written = _written_at(_paper_properties(path))
    if written is not None:
        os.utime(path, (written, written))


def _check_replaceable(output: Path, overwrite: bool) -> bool:
    """Refuse to replace a file that is not riskreg's unchanged paper unless `overwrite`; return whether it is ours."""
    ours = output.exists() and is_previous_paper(output)
    if output.exists() and not (ours or overwrite) and _paper_properties(output).get(
            "identifier", "").startswith(PAPER_MARKER):
        raise OutputError(f"{output}: has changed since riskreg wrote it (edited and saved?), so it was not replaced "
                          f"and those edits are kept. Write the new paper under another name with -o, or pass "
                          f"--overwrite to replace it.")
    check_writable(output, force=overwrite, ours=ours, option="--overwrite")
    return ours


def refusal(source: str, errors: list, unrated: Sequence[str] = ()) -> RegisterErrorsError:
    """Return the error listing every register error (file, cell, message) that stops the paper, on one line, and
    the risks a forced paper counts as Not rated."""
    items = [f"{finding.cell}: {finding.message}" if finding.cell else finding.message for finding in errors]
    if len(items) > 1:
        items = [f"({number}) {item}" for number, item in enumerate(items, start=1)]
    listing = (f"{source}: the register has {plural(errors, 'error')}, so the board "
               f"paper was not built: {' '.join(items)}")
    if unrated:
        listing += (f" Not rated: {'; '.join(unrated)}; a paper built with --force counts "
                    f"{them_it(unrated)} in a Not rated row.")
    return RegisterErrorsError(
        f"{listing} Correct {them_it(errors)} in the register "
        f"(`riskreg validate {source}` lists every finding), or pass --force to build the paper with a "
        "data-quality note.", errors, listing)


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _structure(node, seen: set) -> list:
    """Return the structure elements under `node`, depth first (marked-content numbers are skipped)."""
    import pikepdf

    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and item.objgen not in seen:
            if item.objgen != (0, 0):
                seen.add(item.objgen)
            if "/S" in item:
                found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def label_figures(pdf_path: Path, alt_texts: list[str]) -> None:
    """Give the PDF's figures that LibreOffice left without alternative text the paper's own, in order.

    LibreOffice carries a picture's description into the tagged PDF but not a chart's.
    """
    import pikepdf

    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/K" not in root:
            return
        bare = [n for n in _structure(root.K, set()) if n.S == "/Figure" and "/Alt" not in n]
        for node, text in zip(bare, alt_texts):
            node.Alt = pikepdf.String(text)
        pdf.save(pdf_path)


def convert_to_pdf(docx_path: Path, target: Path, alt_texts: list[str] | None = None,
                   timeout: float | None = None) -> Path:
    """Convert `docx_path` to a tagged PDF/UA file at `target` with LibreOffice headless; raise when it is not
    installed.

    LibreOffice runs in a process group of its own that is ended whole on a timeout (by default one that follows
    the document's size) or an interrupt."""
    import subprocess  # only the PDF needs it

    from report_builder.soffice import conversion_timeout, run_group

    binary = soffice_binary()
    if binary is None:
        raise OutputError(f"{docx_path}: written, but no PDF was made: LibreOffice (soffice) is not installed. "
                          "Install LibreOffice, or open the paper in Word and save it as PDF.")
    with tempfile.TemporaryDirectory(prefix="riskreg-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / "paper.docx"
        shutil.copyfile(docx_path, source)
        allowed = conversion_timeout(source) if timeout is None else timeout
        try:
            result = run_group(
                [binary, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", PDF_FILTER, "--outdir", str(work_dir), str(source)], allowed)
        except subprocess.TimeoutExpired:
            size = source.stat().st_size / 1_000_000
            raise OutputError(f"{docx_path}: written, but LibreOffice did not finish the PDF within {allowed:g} s "
                              f"(the time allowed for a paper of {size:.1f} MB) and was stopped. Open the paper in "
                              f"Word and save it as PDF.") from None
        made = work_dir / "paper.pdf"
        if result.returncode != 0 or not made.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise OutputError(f"{docx_path}: written, but LibreOffice could not convert it to PDF"
                              f"{': ' + detail[-1] if detail else ''}. Open the paper in Word and save it as PDF.")
        if alt_texts:
            label_figures(made, alt_texts)
        with atomic_path(target) as temp:
            shutil.copyfile(made, temp)
    return target


def figure_alt_texts(content: PaperContent) -> list[str]:
    """Return the alternative text of each picture-like figure of the paper, in page order."""
    from report_builder import charts

    return [charts.distribution_alt_text(content.distribution, content.scale())] if content.distribution else []


def build_paper(register_path: Path | str, output_path: Path | str, template: Path | str | None = None,
                force: bool = False, pdf: bool = False, overwrite: bool = False,
                positions: bool = False, period: Period | None = None) -> PaperResult:
    """Write the board paper for the register at `register_path` to `output_path` (and a PDF beside it): despite
    register errors when `force`, over a file that is not riskreg's unchanged paper when `overwrite`; `positions`
    adds the table of each risk's inherent, residual and target positions; with `period`, the paper of that closed
    quarter as History recorded it at the close."""
    register_path, output = Path(register_path), Path(output_path)
    if output.suffix.lower() != ".docx":
        raise OutputError(f"{output}: the board paper is a Word document; give an output name ending in .docx.")
    with one_writer(output):
        return _build_locked(register_path, output, template, force, pdf, overwrite, positions, period)


def _build_locked(register_path: Path, output: Path, template: Path | str | None, force: bool,
                  pdf: bool, overwrite: bool, positions: bool, period: Period | None) -> PaperResult:
    from report_builder.render import import_libraries, render
    from templates import BOARD_PAPER
    from workbook.xlsx.reader import read_register

    ours = _check_replaceable(output, overwrite)
    pdf_target = output.with_suffix(".pdf")
    if pdf:
        check_writable(pdf_target, force=overwrite, ours=ours, option="--overwrite")
    libraries_ready = in_background(import_libraries, "riskreg-imports")  # while the register is parsed
    register = read_register(register_path)
    current = register  # a past quarter's paper leaves out the risks exempt now (report_builder/exempt.py)
    if period is not None:
        register = register_as_of(register, period)
    errors = error_findings(register)
    if errors and not force:
        raise refusal(register_path.name, errors, not_rated(register, [r for r in register.risks if not r.is_closed]))
    movements, distribution = movements_of(register)
    source = provenance(register_path)
    plan = exempt_plan(register, current, movements, distribution, errors, source, positions)
    if plan is not None and plan.exempt is not None:
        exempt_ours = _check_replaceable(exempt_path(output), overwrite)
        if pdf:
            check_writable(exempt_path(pdf_target), force=overwrite, ours=exempt_ours, option="--overwrite")
    if plan is not None:
        content = plan.public
    else:
        content = build_content(register, movements=movements, distribution=distribution,
                                provenance=source, forced_errors=errors, positions=positions)
    check_totals(register_path.name, content)
    libraries_ready()
    chosen = Path(template) if template else BOARD_PAPER
    if plan is not None and plan.exempt is not None:
        def write_paper(paper: PaperContent, target: Path) -> None:
            render(paper, chosen, target)
            _stamp_as_written(target)

        write_both(plan, chosen, output, write_paper, _stamp_as_written)
    else:
        with atomic_path(output) as temp:
            render(content, chosen, temp)
            _stamp_as_written(temp)
    made_pdf = convert_to_pdf(output, pdf_target, figure_alt_texts(content)) if pdf else None
    from report_builder.fonts import stand_ins

    notes = tuple(stand_ins(output, made_pdf)) if made_pdf else ()
    exempt = None
    if plan is not None and plan.exempt is not None:
        exempt_pdf = convert_to_pdf(exempt_path(output), exempt_path(pdf_target)) if pdf else None
        exempt = ExemptAppendix(exempt_path(output), exempt_pdf, plan)
    stale = clear_stale_exempt(output, is_previous_paper) if exempt is None else None
    return PaperResult(output, made_pdf, content, len(errors), notes, exempt, stale)


__all__ = ["build_paper", "PaperResult", "RegisterErrorsError", "is_previous_paper", "convert_to_pdf"]
