"""Render the guide's pictures from the demo's real output: LibreOffice → PDF → PNG, into docs/images/.

Each picture is one page of the demo's board paper or of its register workbook (as LibreOffice prints it), found
by the words it starts with, not by its number. Beside the pictures, docs/images/rendered.json records each page's
words (dates and times masked) and its document's page count; tests/docs/test_images.py renders the demo again and
compares those, so a picture that no longer shows what riskreg writes fails the tests. Words, not pixels: a font
or anti-aliasing change moves pixels without changing what the page says, while a changed wording, figure or layout
of the output changes the words.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
RECORD = IMAGES / "rendered.json"
PAPER, WORKBOOK = "board paper.docx", "register.xlsx"  # the files `riskreg demo` writes
MAX_BYTES = 120_000  # per picture: the guide must not make the repository heavy


@dataclass(frozen=True)
class Picture:
    """One picture: which demo file, the page whose text starts with `starts`, and how it is rendered."""

    name: str
    source: str
    starts: str  # the page's first words, as pdftotext reads them (after the protective marking)
    dpi: int
    crop: tuple[int, int] | None = None  # width and height in pixels from the top left, when only part is shown


PICTURES = (
    Picture("paper-first-page", PAPER, "West Midlands Police Corporate Risk Register", 45),
    Picture("paper-movement", PAPER, "4.2 Movement this quarter", 45),
    Picture("workbook-register", WORKBOOK, "ID Risk Name Description", 62, crop=(727, 292)),
    Picture("workbook-summary", WORKBOOK, "Summary:", 55),
)

_MASKS = (
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?"), "‹date›"),
    (re.compile(r"\b\d{1,2} [A-Z][a-z]+ \d{4} \d{1,2}:\d{2}( UTC)?"), "‹date›"),
    (re.compile(r"SHA-256 [0-9a-f]+"), "SHA-256 ‹digest›"),
)


def words(text: str) -> str:
    """Return a page's words in order, one space apart, with the run's dates, times and digests masked."""
    joined = " ".join(text.replace("\f", " ").split())
    for pattern, mask in _MASKS:
        joined = pattern.sub(mask, joined)
    return joined


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed: `python3 dev.py test` installs LibreOffice and poppler.")
    return found


def render_demo(workdir: Path) -> dict[str, Path]:
    """Run `riskreg demo` into `workdir` and print its paper and workbook to PDF; return the PDFs by demo file."""
    demo = workdir / "demo"
    subprocess.run([sys.executable, "-m", "addin", "demo", str(demo)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    pdfs = {}
    for name in (PAPER, WORKBOOK):
        subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{(workdir / 'lo-profile').resolve()}",
                        "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(workdir),
                        str(demo / name)], check=True, capture_output=True, timeout=240)
        pdfs[name] = workdir / (Path(name).stem + ".pdf")
    return pdfs


def page_count(pdf: Path) -> int:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def page_words(pdf: Path, page: int) -> str:
    text = subprocess.run([tool("pdftotext"), "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return words(text)


def find_page(pdf: Path, picture: Picture) -> int:
    """Return the number of the first page whose words (after the protective marking) start as `picture` says."""
    for page in range(1, page_count(pdf) + 1):
        if words(page_words(pdf, page).removeprefix("OFFICIAL")).startswith(picture.starts):
            return page
    raise SystemExit(f"{picture.name}: no page of {pdf.name} starts with {picture.starts!r}; the demo's output has "
                     "changed: update guide/images.py's PICTURES.")


def record(pdfs: dict[str, Path]) -> dict[str, dict]:
    """Return, for each picture, its page, its document's page count and the page's words."""
    out = {}
    for picture in PICTURES:
        pdf = pdfs[picture.source]
        page = find_page(pdf, picture)
        out[picture.name] = {"source": picture.source, "page": page, "pages": page_count(pdf),
                             "words": page_words(pdf, page)}
    return out


def write_images(images: Path = IMAGES) -> list[Path]:
    """Render every picture into `images` and write its record; return the files written."""
    images.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="riskreg-guide-") as work:
        pdfs = render_demo(Path(work))
        rendered = record(pdfs)
        for picture in PICTURES:
            target = images / f"{picture.name}.png"
            command = [tool("pdftoppm"), "-png", "-singlefile", "-r", str(picture.dpi),
                       "-f", str(rendered[picture.name]["page"]), "-l", str(rendered[picture.name]["page"])]
            if picture.crop:
                command += ["-x", "0", "-y", "0", "-W", str(picture.crop[0]), "-H", str(picture.crop[1])]
            subprocess.run([*command, str(pdfs[picture.source]), str(target.with_suffix(""))], check=True)
            written.append(target)
    (images / RECORD.name).write_text(json.dumps(rendered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [*written, images / RECORD.name]
