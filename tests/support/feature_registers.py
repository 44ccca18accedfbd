"""Register workbooks carrying features riskreg does not write itself, made by three producers.

XlsxWriter builds the register with a chart sheet, a picture, sparklines and data bars (x14 extensions), a sized
and coloured note, a drop-down list and, for .xlsm, a VBA project; a pivot table, custom XML and a part nobody
knows are then added to the package; LibreOffice re-saves that workbook as its own .xlsx; openpyxl adds a chart.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from workbook.xlsx.reader import load_grids

SHEETS = ("Register", "Lists", "History", "Settings")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PIVOT_TABLE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml"
PIVOT_CACHE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"
PIVOT_RECORDS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"
UNKNOWN_PART = "xl/vendor/unknownThing.bin"
CUSTOM_XML = "customXml/item1.xml"


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """Return a small solid-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def vba_project() -> bytes:
    """Return the VBA project of xlwings' own macro workbook (a real vbaProject.bin)."""
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_standalone.xlsm") as archive:
        return archive.read("xl/vbaProject.bin")


def xlsxwriter_register(sample: Path, target: Path, tmp: Path) -> Path:
    """Write the sample register's values again with XlsxWriter, with features of Excel's own around them."""
    import xlsxwriter

    grids = load_grids(sample)
    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False})
    if target.suffix == ".xlsm":
        project = tmp / "vbaProject.bin"
        project.write_bytes(vba_project())
        book.add_vba_project(str(project))
    sheets = {}
    for name in SHEETS:
        ws = sheets[name] = book.add_worksheet(name)
        for r, row in enumerate(grids[name]):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    ws.write_datetime(r, c, value, book.add_format({"num_format": "dd/mm/yyyy"}))
                else:
                    ws.write(r, c, value)
    register = sheets["Register"]
    rows = len(grids["Register"])
    register.write_comment("B2", "Owner to confirm before JAC", {"author": "Risk Manager", "color": "#C6EFCE",
                                                                  "x_scale": 2, "y_scale": 1.5, "visible": False})
    register.data_validation(1, 8, rows - 1, 8, {"validate": "list", "source": "=Lists!$A$2:$A$5"})
    register.conditional_format(1, 12, rows - 1, 12, {"type": "data_bar", "data_bar_2010": True})
    picture = tmp / "crest.png"
    picture.write_bytes(png())
    register.insert_image("Q2", str(picture), {"description": "Force crest"})
    trends = book.add_worksheet("Trend lines")
    for r, values in enumerate(([1, 3, 2, 4], [2, 2, 3, 1])):
        trends.write_row(r, 0, values)
        trends.add_sparkline(r, 5, {"range": f"'Trend lines'!A{r + 1}:D{r + 1}"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "High", "categories": "='Trend lines'!$A$1:$D$1", "values": "='Trend lines'!$A$2:$D$2"})
    dashboard = book.add_chartsheet("Dashboard")
    dashboard.set_chart(chart)
    book.define_name("Owners", "=Register!$N$2:$N$19")
    book.close()
    return target


def _add_override(types: etree._Element, part: str, content_type: str) -> None:
    etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/{part}", ContentType=content_type)


def _relate(rels: etree._Element, rel_id: str, kind: str, target: str) -> None:
    etree.SubElement(rels, f"{{{PKG}}}Relationship", Id=rel_id, Type=f"{REL}/{kind}", Target=target)


def add_pivot_and_parts(path: Path) -> None:
    """Add a pivot table of risks by rating (sheet 'Pivot', cached from Register!A1:I19), custom XML and a part
    of a vendor nobody knows, as Excel and document-management systems put them in a package."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    ratings = sorted({"Critical", "High", "Medium", "Low"})
    cache = (f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1" refreshOnLoad="1" recordCount="0">'
             '<cacheSource type="worksheet"><worksheetSource ref="A1:I19" sheet="Register"/></cacheSource>'
             '<cacheFields count="2"><cacheField name="ID" numFmtId="0"><sharedItems/></cacheField>'
             f'<cacheField name="Residual Risk Rating" numFmtId="0"><sharedItems count="{len(ratings)}">'
             + "".join(f'<s v="{r}"/>' for r in ratings) + '</sharedItems></cacheField></cacheFields>'
             '</pivotCacheDefinition>').encode()
    records = f'<pivotCacheRecords xmlns="{MAIN}" xmlns:r="{REL}" count="0"/>'.encode()
    table = (f'<pivotTableDefinition xmlns="{MAIN}" name="RisksByRating" cacheId="7" dataCaption="Values" '
             'applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" '
             'applyAlignmentFormats="0" applyWidthHeightFormats="1" updatedVersion="6" createdVersion="6">'
             f'<location ref="A3:B{4 + len(ratings)}" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
             '<pivotFields count="2"><pivotField dataField="1" showAll="0"/>'
             f'<pivotField axis="axisRow" showAll="0"><items count="{len(ratings) + 1}">'
             + "".join(f'<item x="{i}"/>' for i in range(len(ratings))) + '<item t="default"/></items></pivotField>'
             f'</pivotFields><rowFields count="1"><field x="1"/></rowFields><rowItems count="{len(ratings) + 1}">'
             + "".join(f'<i><x v="{i}"/></i>' if i else '<i><x/></i>' for i in range(len(ratings)))
             + '<i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems>'
             '<dataFields count="1"><dataField name="Count of ID" fld="0" subtotal="count"/></dataFields>'
             '<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1"/>'
             '</pivotTableDefinition>').encode()
    sheet = (f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>'
             '<row r="3"><c r="A3" t="inlineStr"><is><t>Row Labels</t></is></c>'
             '<c r="B3" t="inlineStr"><is><t>Count of ID</t></is></c></row></sheetData></worksheet>').encode()
    names = {"sheet": "xl/worksheets/sheetPivot.xml", "table": "xl/pivotTables/pivotTable1.xml",
             "cache": "xl/pivotCache/pivotCacheDefinition1.xml", "records": "xl/pivotCache/pivotCacheRecords1.xml"}
    parts[names["sheet"]] = sheet
    parts[names["table"]] = table
    parts[names["cache"]] = cache
    parts[names["records"]] = records
    parts["xl/worksheets/_rels/sheetPivot.xml.rels"] = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/pivotTable" '
        f'Target="../pivotTables/pivotTable1.xml"/></Relationships>').encode()
    parts["xl/pivotTables/_rels/pivotTable1.xml.rels"] = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/pivotCacheDefinition" '
        f'Target="../pivotCache/pivotCacheDefinition1.xml"/></Relationships>').encode()
    parts["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/pivotCacheRecords" '
        f'Target="pivotCacheRecords1.xml"/></Relationships>').encode()
    parts[CUSTOM_XML] = b'<?xml version="1.0"?><metadata xmlns="urn:example:records"><owner>Risk team</owner></metadata>'
    parts[UNKNOWN_PART] = bytes(range(256)) * 4

    types = etree.fromstring(parts["[Content_Types].xml"])
    _add_override(types, names["sheet"], "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml")
    _add_override(types, names["table"], PIVOT_TABLE_CT)
    _add_override(types, names["cache"], PIVOT_CACHE_CT)
    _add_override(types, names["records"], PIVOT_RECORDS_CT)
    if not any(d.get("Extension") == "bin" for d in types.iter(f"{{{CT}}}Default")):
        etree.SubElement(types, f"{{{CT}}}Default", Extension="bin", ContentType="application/octet-stream")
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)

    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    _relate(rels, "rIdPivotSheet", "worksheet", "worksheets/sheetPivot.xml")
    _relate(rels, "rIdPivotCache", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")
    _relate(rels, "rIdCustom", "customXml", "../customXml/item1.xml")
    parts["xl/_rels/workbook.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                         standalone=True)
    book = etree.fromstring(parts["xl/workbook.xml"])
    sheets = book.find(f"{{{MAIN}}}sheets")
    ids = [int(s.get("sheetId")) for s in sheets]
    pivot = etree.SubElement(sheets, f"{{{MAIN}}}sheet", name="Pivot", sheetId=str(max(ids) + 1))
    pivot.set(f"{{{REL}}}id", "rIdPivotSheet")
    caches = etree.Element(f"{{{MAIN}}}pivotCaches")
    entry = etree.SubElement(caches, f"{{{MAIN}}}pivotCache", cacheId="7")
    entry.set(f"{{{REL}}}id", "rIdPivotCache")
    # pivotCaches come after calcPr (CT_Workbook order), before extLst and the rest.
    after = [e for e in book if etree.QName(e).localname in ("sheets", "functionGroups", "externalReferences",
                                                              "definedNames", "calcPr", "oleSize",
                                                              "customWorkbookViews")]
    after[-1].addnext(caches)
    parts["xl/workbook.xml"] = etree.tostring(book, xml_declaration=True, encoding="UTF-8", standalone=True)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def part_bytes(path: Path) -> dict[str, bytes]:
    """Return every part of the package at `path` by name."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def make_producers(folder: Path) -> dict[str, Path]:
    """Return the sample register as four producers write it, made in `folder`: XlsxWriter (.xlsx and .xlsm, with a
    pivot table and parts nobody knows added), LibreOffice's re-save of the XlsxWriter one, and openpyxl."""
    import shutil
    import subprocess

    from workbook.core.periods import parse_period
    from workbook.export.sample import SAMPLE_PERIOD, sample_export_path
    from workbook.xlsx.builder import import_export

    sample = folder / "sample.xlsx"
    import_export(sample_export_path(), sample, parse_period(SAMPLE_PERIOD))
    made = {}
    for suffix in (".xlsx", ".xlsm"):
        made[f"XlsxWriter {suffix}"] = xlsxwriter_register(sample, folder / f"xlsxwriter{suffix}", folder)
        add_pivot_and_parts(made[f"XlsxWriter {suffix}"])
    binary = shutil.which("soffice")
    assert binary, "LibreOffice is needed to make the LibreOffice register"
    out = folder / "libreoffice"
    subprocess.run([binary, f"-env:UserInstallation=file://{folder / '.lo-profile'}", "--headless", "--norestore",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                    str(made["XlsxWriter .xlsx"])], check=True, capture_output=True, timeout=240)
    made["LibreOffice"] = out / "xlsxwriter.xlsx"
    openpyxl_made = folder / "openpyxl.xlsx"
    shutil.copyfile(sample, openpyxl_made)
    _openpyxl_features(openpyxl_made)
    add_pivot_and_parts(openpyxl_made)
    made["openpyxl"] = openpyxl_made
    return made


def _openpyxl_features(path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    wb = load_workbook(path)
    wb["Register"]["B2"].comment = Comment("Owner to confirm the rating before JAC", "Risk Manager")
    ws = wb.create_sheet("Dashboard")
    for row in (("Rating", "Risks"), ("Critical", 1), ("High", 13), ("Medium", 4)):
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    ws.add_chart(chart, "D2")
    wb.save(path)
