"""Build the board paper from a register file: read, check, work out content, render, convert to PDF."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from report_builder.content import PAPER_MARKER, PaperContent, Provenance, build_content
from report_builder.sources import error_findings, findings_of, movements_of
from workbook.core.errors import OutputError, RiskregError
from workbook.files.atomic import atomic_path, check_writable

PDF_TIMEOUT_SECONDS = 300


class RegisterErrorsError(RiskregError):
    """The register has errors, so the paper is refused unless forced."""

    def __init__(self, message: str, errors: list, listing: str):
        super().__init__(message)
        self.errors = errors
        self.listing = listing  # the errors alone, for a caller that asks its own question


@dataclass(frozen=True)
class PaperResult:
    paper: Path
    pdf: Path | None
    content: PaperContent
    forced_errors: int


def provenance(path: Path) -> Provenance:
    """Return the register file's name, last-modified time (UTC) and SHA-256."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    return Provenance(path.name, modified, digest)


def is_previous_paper(path: Path) -> bool:
    """Return whether `path` is a paper riskreg wrote and nobody has saved since (Word raises the revision)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    values = {element.tag.rsplit("}", 1)[-1]: (element.text or "").strip() for element in root}
    return values.get("identifier", "").startswith(PAPER_MARKER) and values.get("revision") == "1"


def refusal(source: str, errors: list) -> RegisterErrorsError:
    """Return the error listing every register error (file, cell, message) that stops the paper, on one line."""
    items = [f"{finding.cell}: {finding.message}" if finding.cell else finding.message for finding in errors]
    if len(items) > 1:
        items = [f"({number}) {item}" for number, item in enumerate(items, start=1)]
    listing = (f"{source}: the register has {len(errors)} error{'s' if len(errors) != 1 else ''}, so the board "
               f"paper was not built: {' '.join(items)}")
    return RegisterErrorsError(
        f"{listing} Correct {'them' if len(errors) != 1 else 'it'} in the register "
        f"(`riskreg validate {source}` lists every finding), or pass --force to build the paper with a "
        "data-quality note.", errors, listing)


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_path: Path, target: Path) -> Path:
    """Convert `docx_path` to PDF at `target` with LibreOffice headless; raise when it is not installed."""
    binary = soffice_binary()
    if binary is None:
        raise OutputError(f"{docx_path}: written, but no PDF was made: LibreOffice (soffice) is not installed. "
                          "Install LibreOffice, or open the paper in Word and save it as PDF.")
    with tempfile.TemporaryDirectory(prefix="riskreg-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / "paper.docx"
        shutil.copyfile(docx_path, source)
        try:
            result = subprocess.run(
                [binary, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(work_dir), str(source)],
                capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise OutputError(f"{docx_path}: written, but LibreOffice did not finish the PDF within "
                              f"{PDF_TIMEOUT_SECONDS} s. Open the paper in Word and save it as PDF.") from None
        made = work_dir / "paper.pdf"
        if result.returncode != 0 or not made.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise OutputError(f"{docx_path}: written, but LibreOffice could not convert it to PDF"
                              f"{': ' + detail[-1] if detail else ''}. Open the paper in Word and save it as PDF.")
        with atomic_path(target) as temp:
            shutil.copyfile(made, temp)
    return target


def pictures_for(content: PaperContent):
    """Return the charts the paper shows: the rating distribution and, when scored, the heat map."""
    from report_builder import charts
    from report_builder.render import Picture

    pictures = []
    if content.distribution:
        pictures.append(Picture(charts.rating_distribution(content.distribution), 15.0,
                                "Open risks by residual rating, by quarter"))
    if content.heat_points:
        caption = ("Residual likelihood and impact: open risks in each cell"
                   if len(content.heat_points) > charts.LABELLED_RISKS
                   else "Residual likelihood and impact; arrows show each risk's move since last quarter")
        pictures.append(Picture(charts.heat_map(content.heat_points, content.score_scale), 11.0, caption))
    return pictures


def build_paper(register_path: Path | str, output_path: Path | str, template: Path | str | None = None,
                force: bool = False, pdf: bool = False, positions: bool = False) -> PaperResult:
    """Write the board paper for the register at `register_path` to `output_path` (and a PDF beside it);
    `positions` adds the table of each risk's inherent, residual and target positions."""
    from report_builder.render import render
    from templates import BOARD_PAPER
    from workbook.xlsx.reader import read_register

    register_path, output = Path(register_path), Path(output_path)
    if output.suffix.lower() != ".docx":
        raise OutputError(f"{output}: the board paper is a Word document; give an output name ending in .docx.")
    ours = output.exists() and is_previous_paper(output)
    check_writable(output, force=force, ours=ours)
    pdf_target = output.with_suffix(".pdf")
    if pdf:
        check_writable(pdf_target, force=force, ours=ours)
    register = read_register(register_path)
    errors = error_findings(findings_of(register))
    if errors and not force:
        raise refusal(register_path.name, errors)
    movements, distribution = movements_of(register)
    content = build_content(register, movements=movements, distribution=distribution,
                            provenance=provenance(register_path), forced_errors=errors, positions=positions)
    with atomic_path(output) as temp:
        render(content, Path(template) if template else BOARD_PAPER, temp, pictures_for(content))
    made_pdf = convert_to_pdf(output, pdf_target) if pdf else None
    return PaperResult(output, made_pdf, content, len(errors))


__all__ = ["build_paper", "PaperResult", "RegisterErrorsError", "is_previous_paper", "convert_to_pdf"]
