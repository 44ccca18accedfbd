"""Looking for an exempt risk's words in every part of a public paper: the .docx package (embedded packages
included) and the PDF's text and metadata."""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
from lxml import etree

from workbook.core.schema import TEXT_KEYS
from workbook.xlsx.reader import read_register


def zip_texts(data: bytes, name: str = "") -> dict[str, str]:
    """Return every part of the zip package `data` as text (XML unescaped, plus its text nodes run together);
    an embedded package (the chart's workbook) is opened and read part by part too."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            raw = package.read(info)
            where = f"{name}!{info.filename}" if name else info.filename
            if raw[:2] == b"PK":
                found.update(zip_texts(raw, where))
                continue
            text = html.unescape(raw.decode("utf-8", "ignore"))
            try:
                root = etree.fromstring(raw)
                text += "\n" + "".join(root.itertext()) + "\n" + " ".join(root.itertext())
            except etree.XMLSyntaxError:
                pass
            found[where] = text
    return found


def pdf_texts(path: Path) -> dict[str, str]:
    """Return the PDF's text (pdftotext), its document information and its XMP metadata."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    with pikepdf.open(path) as pdf:
        info = " ".join(f"{key} {value}" for key, value in pdf.docinfo.items())
        xmp = str(pdf.open_metadata())
        alts = " ".join(str(obj.get("/Alt", "")) + " " + str(obj.get("/ActualText", ""))
                        for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary))
    return {"text": text, "info": info, "xmp": xmp, "alt": alts}


WORD = re.compile(r"[\w'’&-]+")


def words_of(text: str) -> str:
    """Return `text` as its words, case-folded, one space apart, with a space at each end."""
    return f" {' '.join(WORD.findall(text.casefold()))} "


def leaks(texts: dict[str, str], needles: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Return (part, risk ID, needle) for each needle (a run of words) found in a part."""
    folded = {part: words_of(text) for part, text in texts.items()}
    return [(part, risk_id, needle) for risk_id, found in needles.items() for needle in found
            for part, text in folded.items() if words_of(needle) in text]


def id_leaks(texts: dict[str, str], ids: set[str]) -> list[tuple[str, str]]:
    """Return (part, ID) for each exempt ID standing as a word of its own in a part."""
    return [(part, risk_id) for risk_id in ids for part, text in texts.items()
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(risk_id)}(?![0-9])", text)]


def shingles(text: str, size: int = 4) -> set[str]:
    """Return every run of `size` words within a line (a paragraph of the paper) of `text`."""
    runs = set()
    for line in text.splitlines():
        words = WORD.findall(line.casefold())
        runs |= {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
    return runs


def sample_needles(register_path: Path, exempt: set[str]) -> dict[str, set[str]]:
    """Return, per exempt risk of the real sample, its name and every run of four words of its text that no
    public risk shares (real risks share phrases such as 'in the event of')."""
    register = read_register(register_path)
    public = set().union(*(shingles(r.text(k)) for r in register.risks if r.id not in exempt for k in TEXT_KEYS))
    return {risk.id: {" ".join(risk.name.split())} | {s for k in TEXT_KEYS for s in shingles(risk.text(k))} - public
            for risk in register.risks if risk.id in exempt}


def assert_public_clean(paper: Path, pdf: Path | None, ids: set[str], needles: dict[str, set[str]], *,
                        chart: bool = True) -> None:
    """Fail naming each part of the public paper (and its PDF) where an exempt risk's ID or words turn up."""
    texts = zip_texts(paper.read_bytes())
    assert any(part.startswith("word/embeddings/") and "!" in part for part in texts) == chart  # the chart's workbook
    assert {"docProps/core.xml", "docProps/app.xml"} <= set(texts)
    if pdf is not None:
        texts |= {f"pdf:{part}": text for part, text in pdf_texts(pdf).items()}
    assert id_leaks(texts, ids) == []
    assert leaks(texts, needles) == []


def rejoined_appendix(paper: Path) -> str:
    """Return the appendix table's text, each risk's pieces joined per column as `riskreg import` joins them (a
    paragraph the appendix cut between two pieces whole again)."""
    import docx

    texts: dict[tuple[str, int], list[str]] = {}
    for row in docx.Document(str(paper)).tables[-1].rows[1:]:
        cells = [cell.text for cell in row.cells]
        for column, text in enumerate(cells):
            texts.setdefault((cells[0], column), []).append(text)
    return " ".join("\n".join(parts).replace("\n… ", " ") for parts in texts.values())
