"""The smallest workbook Excel opens: one sheet of values, written as text (the data behind the paper's chart).

Word's *Edit Data* opens a chart's embedded workbook; this one holds a header row and a row per category, counts
in the number format "0", and nothing else (no theme, no properties: Excel adds what it needs when it saves).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from workbook.core.model import column_letter
from workbook.xlsx.package import CT_WORKSHEET, MAIN_NS, PKG_REL_NS, REL_NS, REL_WORKSHEET
from workbook.xlsx.sheet_xml import cell_xml

SHEET = "Sheet1"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NUMBER_STYLE = 1  # cellXfs entry 1: built-in number format 1, "0"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same data gives the same bytes

PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{CT_NS}"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_WORKSHEET}"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/>'
        '</sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_WORKSHEET}" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
        '</Relationships>'),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
        '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}


def data_book(headers: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> bytes:
    """Return an .xlsx whose sheet has `headers` in B1 on and, from row 2, each row's label in A and its counts
    after it: the layout a chart's series and categories refer to (Sheet1!$B$1, Sheet1!$A$2:$A$n …)."""
    lines = ["<row r=\"1\">" + "".join(cell_xml(f"{column_letter(i + 2)}1", h) for i, h in enumerate(headers))
             + "</row>"]
    for number, (label, counts) in enumerate(rows, start=2):
        cells = [cell_xml(f"A{number}", label)] + [cell_xml(f"{column_letter(i + 2)}{number}", int(count),
                                                            NUMBER_STYLE) for i, count in enumerate(counts)]
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="A1:'
             f'{column_letter(len(headers) + 1)}{len(rows) + 1}"/><sheetData>{"".join(lines)}</sheetData>'
             '</worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in {**PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            package.writestr(zipfile.ZipInfo(name, FIXED_TIME), DECLARATION + xml, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


__all__ = ["data_book", "SHEET"]
