"""What a user would otherwise pick, and the floor the file formats allow: the yardsticks ours is measured by."""

from __future__ import annotations

import html
import shutil
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbook.core.schema import RATING_BY_NAME


@dataclass(frozen=True)
class Appendix:
    """The appendix every builder gets: the paper's own columns and rows (report_builder.content), unchanged."""

    columns: tuple  # of content.AppendixColumn: .key, .header, .kind
    rows: tuple  # of content.AppendixRow: .risk_id, .rating, .cells (per column: paragraphs with .text, .bullet)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def rating_column(self) -> int | None:
        return next((i for i, column in enumerate(self.columns) if column.kind == "rating"), None)


# ---- reading the register workbook -------------------------------------------------------------

def read_openpyxl(path: Path) -> dict[str, list[tuple]]:
    """Return every sheet's values the way an openpyxl user reads them fastest (read-only, values only)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def read_calamine(path: Path) -> dict[str, list[list]]:
    """Return every sheet's values with python-calamine (Rust): the fastest reader we know of."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    # Anchored at A1 like the other readers (calamine would otherwise drop empty leading rows and columns).
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


# ---- the appendix table ------------------------------------------------------------------------

def naive_python_docx(appendix: Appendix, out: Path) -> None:
    """Build the table as the python-docx docs show: add_row, cell.text, bullets styled by name."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=len(appendix.columns))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, appendix.headers):
        cell.text = header
    for risk in appendix.rows:
        row = table.add_row()
        for index, text in enumerate(risk.cells):
            cell = row.cells[index]
            first, *rest = text or (None,)
            cell.text = first.text if first else ""
            if first is not None and first.bullet:
                cell.paragraphs[0].style = "List Bullet"
            for para in rest:
                cell.add_paragraph(para.text, style="List Bullet" if para.bullet else None)
    document.save(out)


def table_cell_python_docx(appendix: Appendix, out: Path) -> None:
    """Build the table reaching each cell by `table.cell(r, c)`, the quadratic way."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=1 + len(appendix.rows), cols=len(appendix.columns))
    table.style = "Table Grid"
    for column, header in enumerate(appendix.headers):
        table.cell(0, column).text = header
    for number, risk in enumerate(appendix.rows, start=1):
        for column, text in enumerate(risk.cells):
            cell = table.cell(number, column)
            first, *rest = text or (None,)
            cell.text = first.text if first else ""
            for para in rest:
                cell.add_paragraph(para.text, style="List Bullet" if para.bullet else None)
    document.save(out)


def appendix_html(appendix: Appendix) -> str:
    """Return the appendix as the HTML a user would hand to pandoc: <p> paragraphs, <ul> bullet runs."""
    esc = html.escape
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Appendix</title></head><body>",
             "<table><thead><tr>", *(f"<th>{esc(h)}</th>" for h in appendix.headers), "</tr></thead><tbody>"]
    for risk in appendix.rows:
        parts.append("<tr>")
        for text in risk.cells:
            parts.append("<td>")
            in_list = False
            for para in text:
                if para.bullet and not in_list:
                    parts.append("<ul>")
                elif not para.bullet and in_list:
                    parts.append("</ul>")
                in_list = para.bullet
                parts.append(f"<li>{esc(para.text)}</li>" if para.bullet else f"<p>{esc(para.text)}</p>")
            parts.append("</ul></td>" if in_list else "</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></body></html>")
    return "".join(parts)


def pandoc_missing() -> str | None:
    """Return why pandoc cannot be measured, or None when it can."""
    if shutil.which("pandoc"):
        return None
    return "pandoc not installed (apt-get install pandoc)"


def pandoc_html(appendix: Appendix, out: Path) -> None:
    """Convert the appendix HTML to .docx with pandoc, the whole process."""
    source = out.with_suffix(".html")
    source.write_text(appendix_html(appendix), encoding="utf-8")
    from bench import process

    process.run(["pandoc", "-f", "html", "-t", "docx", "-o", str(out), str(source)])


# The floor: python-docx's own default package, with document.xml written by joining strings.
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:document xmlns:w="{_W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>')
# Landscape A4, 2 cm margins: 14,570 twips (25.7 cm) of printable width.
_SECTION = ('<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
            '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" '
            'w:gutter="0"/></w:sectPr></w:body></w:document>')
PRINTABLE_TWIPS = 14_400


@lru_cache(maxsize=1)
def floor_parts() -> dict[str, bytes]:
    """Return the package parts the floor copies unchanged (python-docx's default.docx, read before timing)."""
    import docx

    template = Path(docx.__file__).resolve().parent / "templates" / "default.docx"
    with zipfile.ZipFile(template) as package:
        return {name: package.read(name) for name in package.namelist() if name != "word/document.xml"}


def _floor_widths(appendix: Appendix) -> list[int]:
    narrow = {"id", "trend", "rating", "score", "date", "status"}
    weights = [1 if column.kind in narrow else 4 for column in appendix.columns]
    return [PRINTABLE_TWIPS * w // sum(weights) for w in weights]


def floor_string_join(appendix: Appendix, out: Path, parts: dict[str, bytes] | None = None) -> None:
    """Write the same table as document.xml by joining strings, then zip it: the least any builder can do."""
    esc = html.escape
    parts = parts if parts is not None else floor_parts()
    widths = _floor_widths(appendix)
    rating_at = appendix.rating_column
    out_parts = [_DOCUMENT_HEAD, '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                 '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
                 *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
                 "<w:tr><w:trPr><w:tblHeader/></w:trPr>",
                 *(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr><w:b/></w:rPr>'
                   f"<w:t>{esc(h)}</w:t></w:r></w:p></w:tc>" for w, h in zip(widths, appendix.headers)),
                 "</w:tr>"]
    for risk in appendix.rows:
        out_parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        rating = RATING_BY_NAME.get(risk.rating)
        for index, text in enumerate(risk.cells):
            shading = ""
            if index == rating_at and rating is not None:
                shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{rating.fill}"/>'
            out_parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[index]}" w:type="dxa"/>{shading}</w:tcPr>')
            for para in text:
                style = '<w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>' if para.bullet else ""
                out_parts.append(f'<w:p>{style}<w:r><w:t xml:space="preserve">{esc(para.text, quote=False)}'
                                 "</w:t></w:r></w:p>")
            out_parts.append("</w:tc>" if text else "<w:p/></w:tc>")
        out_parts.append("</w:tr>")
    out_parts += ["</w:tbl><w:p/>", _SECTION]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", parts["[Content_Types].xml"])
        package.writestr("word/document.xml", "".join(out_parts))
        for name, data in parts.items():
            if name != "[Content_Types].xml":
                package.writestr(name, data)


def lxml_elements(appendix: Appendix, out: Path, parts: dict[str, bytes] | None = None) -> None:
    """Build the same table as lxml elements (tags computed once), serialise and zip: what lxml itself allows."""
    from lxml import etree

    parts = parts if parts is not None else floor_parts()
    w = "{%s}" % _W
    P, R, T, PPR, PSTYLE, TC, TCPR, TCW, TR, SHD, VAL = (w + tag for tag in (
        "p", "r", "t", "pPr", "pStyle", "tc", "tcPr", "tcW", "tr", "shd", "val"))
    space = "{http://www.w3.org/XML/1998/namespace}space"
    widths = _floor_widths(appendix)
    rating_at = appendix.rating_column
    document = etree.fromstring((_DOCUMENT_HEAD + _SECTION).encode())
    body = document[0]
    # Built in place: moving a finished table into the document costs more than building it (lxml re-homes
    # every node's namespace), and grows faster than linearly.
    tbl = etree.Element(w + "tbl")
    body.insert(0, tbl)
    tblpr = etree.SubElement(tbl, w + "tblPr")
    etree.SubElement(tblpr, w + "tblStyle").set(VAL, "TableGrid")
    grid = etree.SubElement(tbl, w + "tblGrid")
    for width in widths:
        etree.SubElement(grid, w + "gridCol").set(w + "w", str(width))

    def cell(tr, width: int, fill: str | None):
        tc = etree.SubElement(tr, TC)
        tcpr = etree.SubElement(tc, TCPR)
        tcw = etree.SubElement(tcpr, TCW)
        tcw.set(w + "w", str(width))
        tcw.set(w + "type", "dxa")
        if fill:
            shd = etree.SubElement(tcpr, SHD)
            shd.set(VAL, "clear")
            shd.set(w + "fill", fill)
        return tc

    def paragraph(tc, text: str, bullet: bool) -> None:
        p = etree.SubElement(tc, P)
        if bullet:
            etree.SubElement(etree.SubElement(p, PPR), PSTYLE).set(VAL, "ListBullet")
        t = etree.SubElement(etree.SubElement(p, R), T)
        t.text = text
        t.set(space, "preserve")

    header = etree.SubElement(tbl, TR)
    for width, text in zip(widths, appendix.headers):
        paragraph(cell(header, width, None), text, False)
    for risk in appendix.rows:
        tr = etree.SubElement(tbl, TR)
        rating = RATING_BY_NAME.get(risk.rating)
        for index, text in enumerate(risk.cells):
            tc = cell(tr, widths[index], rating.fill if rating and index == rating_at else None)
            for para in text:
                paragraph(tc, para.text, para.bullet)
            if not text:
                etree.SubElement(tc, P)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", parts["[Content_Types].xml"])
        package.writestr("word/document.xml", etree.tostring(document, xml_declaration=True, encoding="UTF-8",
                                                              standalone=True))
        for name, data in parts.items():
            if name != "[Content_Types].xml":
                package.writestr(name, data)
