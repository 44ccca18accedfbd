"""What the accessibility tests check on a written paper (a .docx riskreg wrote): alternative text, repeating header
rows, heading order, contrast, the language and the protective marking on every page."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from workbook.core.palette import MIN_CONTRAST, contrast

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc": "http://purl.org/dc/elements/1.1/"}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def _parts(path: Path, pattern: str) -> list:
    with zipfile.ZipFile(path) as archive:
        return [etree.fromstring(archive.read(n)) for n in archive.namelist() if re.fullmatch(pattern, n)]


TALLER_THAN_A_PAGE = 3000  # characters in one cell: more than a page of 8 pt text in a column of 8 cm


def problems(paper: Path, marking: str) -> list[str]:
    """Return every accessibility problem found in the written paper (empty when it passes)."""
    found = []
    document = _part(paper, "word/document.xml")
    styles = _part(paper, "word/styles.xml")
    names = {s.get(_w("styleId")): s.find("w:name", NS).get(_w("val")) for s in styles.iter(_w("style"))}
    # every picture and chart says what it shows, with numbers
    for doc_pr in document.iter(f"{{{NS['wp']}}}docPr"):
        if not re.search(r"\d", doc_pr.get("descr", "")):
            found.append(f"drawing {doc_pr.get('name')} has no alternative text stating counts")
    # every table has a header row that repeats; no data row too tall for a page is kept from breaking across one
    for number, tbl in enumerate(document.iter(_w("tbl")), start=1):
        rows = tbl.findall("w:tr", NS)
        if not rows or rows[0].find("w:trPr/w:tblHeader", NS) is None:
            found.append(f"table {number} has no repeating header row")
        if any(tr.find("w:trPr/w:tblHeader", NS) is None and tr.find("w:trPr/w:cantSplit", NS) is not None
               and max(len("".join(tc.itertext())) for tc in tr.findall("w:tc", NS)) > TALLER_THAN_A_PAGE
               for tr in rows):
            found.append(f"table {number} keeps a row taller than a page from breaking")
    # headings in order: start at level 1, never skip a level going down
    level = 0
    for p in document.iter(_w("p")):
        style = p.find("w:pPr/w:pStyle", NS)
        name = names.get(style.get(_w("val")) if style is not None else "Normal", "")
        if match := re.fullmatch(r"[Hh]eading (\d)", name):
            new = int(match.group(1))
            if new > level + 1:
                text = "".join(t.text or "" for t in p.iter(_w("t")))
                found.append(f"heading '{text}' at level {new} follows level {level}")
            level = new
    # every shaded cell's text contrasts with its fill (runs without a colour are black)
    for tc in document.iter(_w("tc")):
        shd = tc.find("w:tcPr/w:shd", NS)
        fill = shd.get(_w("fill")) if shd is not None else None
        if not fill or fill == "auto":
            continue
        for r in tc.iter(_w("r")):
            colour = r.find("w:rPr/w:color", NS)
            text = colour.get(_w("val")) if colour is not None else "000000"
            if contrast(text, fill) < MIN_CONTRAST and "".join(t.text or "" for t in r.iter(_w("t"))).strip():
                found.append(f"text {text} on fill {fill}: {contrast(text, fill):.2f}:1")
    for space in _parts(paper, r"word/charts/chart\d+\.xml"):
        for ser in space.iter(f"{{{NS['c']}}}ser"):  # each count stands on a box of its band's colour
            fill = ser.find("c:dLbls/c:spPr/a:solidFill/a:srgbClr", NS).get("val")
            label = ser.find("c:dLbls/c:txPr//a:defRPr/a:solidFill/a:srgbClr", NS).get("val")
            if contrast(label, fill) < MIN_CONTRAST:
                found.append(f"chart label {label} on {fill}")
    # title, language and author in the properties; language of the text in the styles
    core = _part(paper, "docProps/core.xml")
    for tag in ("dc:title", "dc:creator", "dc:language"):
        element = core.find(tag, NS)
        if element is None or not (element.text or "").strip():
            found.append(f"document property {tag} is empty")
    if core.findtext("dc:language", namespaces=NS) != "en-GB":
        found.append("document language is not en-GB")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    if lang is None or lang.get(_w("val")) != "en-GB":
        found.append("text language in the styles is not en-GB")
    # the protective marking in the header and the footer of every section (a section without its own
    # header or footer shows the previous section's)
    found += _marking_problems(paper, document, marking)
    return found


def _marking_problems(paper: Path, document, marking: str) -> list[str]:
    import docx

    found = []
    for number, section in enumerate(docx.Document(str(paper)).sections, start=1):
        for kind, part in (("header", section.header), ("footer", section.footer)):
            if marking not in [p.text.strip() for p in part.paragraphs]:
                found.append(f"section {number} {kind} lacks the marking {marking}")
    return found
