"""Writes keep what riskreg does not write inside the parts it edits; what it cannot edit safely is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment

from workbook.core.errors import OutputError
from workbook.core.checks import check
from workbook.xlsx.book import Book
from workbook.xlsx.preserve import check_editable
from workbook import jobs
from workbook.xlsx.reader import read_register

X14_VALIDATION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    b'<x14:dataValidation type="list"><x14:formula1><xm:f>Lists!$A$2:$A$5</xm:f></x14:formula1>'
    b'<xm:sqref>I2:I19</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def patch_zip(path: Path, change: dict[str, callable], add: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info.filename, change[info.filename](data) if info.filename in change else data)
        for name, data in (add or {}).items():
            out.writestr(name, data)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def validate_write(path: Path):
    register = read_register(path)
    findings = check(register)
    return jobs.write_validation(path, jobs.validate(register))


def test_x14_validation_and_header_picture_stay_in_the_register_sheet_riskreg_writes_into(sample_workbook):
    header_picture = (b'<legacyDrawingHF xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                      b'relationships" r:id="rIdHF"/>')
    patch_zip(sample_workbook, {"xl/worksheets/sheet1.xml": lambda d: d.replace(
        b"<tableParts", header_picture + b"<tableParts").replace(b"</worksheet>", X14_VALIDATION + b"</worksheet>")})
    validate_write(sample_workbook)
    register = parts(sample_workbook)["xl/worksheets/sheet1.xml"]
    root = etree.fromstring(register)
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ext = root.find(f"{main}extLst/{main}ext")
    assert ext.get("uri") == "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
    sqref = ext.find(".//{http://schemas.microsoft.com/office/excel/2006/main}sqref")
    assert sqref is not None and sqref.text == "I2:I19"
    # The notes riskreg adds go where the schema puts them: before the header picture and the extensions.
    order = [etree.QName(child).localname for child in root]
    assert order[-4:] == ["legacyDrawing", "legacyDrawingHF", "tableParts", "extLst"]


def test_ribbon_macros_threaded_comments_and_external_links_are_copied_as_they_were(sample_workbook):
    rels = (b'<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2007/relationships/ui/'
            b'extensibility" Target="customUI/customUI14.xml"/></Relationships>')
    added = {"customUI/customUI14.xml": b"<customUI xmlns='http://schemas.microsoft.com/office/2009/07/customui'/>",
             "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0",
             "xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>",
             "xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
    patch_zip(sample_workbook, {"_rels/.rels": lambda d: d.replace(b"</Relationships>", rels)}, add=added)
    before = parts(sample_workbook)
    validate_write(sample_workbook)
    after = parts(sample_workbook)
    assert {name: after[name] for name in [*added, "_rels/.rels"]} == {name: before[name] for name in
                                                                      [*added, "_rels/.rels"]}


def note_box(vml: bytes, row: int, column: int) -> bytes:
    """Return the canonical XML of the note box on the 0-based (`row`, `column`)."""
    excel = "{urn:schemas-microsoft-com:office:excel}"
    boxes = [shape for shape in etree.fromstring(vml).iter("{urn:schemas-microsoft-com:vml}shape")
             if shape.findtext(f"{excel}ClientData/{excel}Row") == str(row)
             and shape.findtext(f"{excel}ClientData/{excel}Column") == str(column)]
    assert len(boxes) == 1
    return etree.tostring(boxes[0], method="c14n")


def test_a_user_note_box_keeps_its_size_and_colour(sample_workbook):
    wb = load_workbook(sample_workbook)
    note = Comment("Check with the owner", "Risk Manager", width=300, height=90)
    wb["Register"]["A2"].comment = note
    wb.save(sample_workbook)
    vml = "xl/drawings/commentsDrawing1.vml"
    before = parts(sample_workbook)[vml]
    validate_write(sample_workbook)
    validate_write(sample_workbook)
    after = parts(sample_workbook)[vml]
    assert note_box(after, 1, 0) == note_box(before, 1, 0)  # the same box, byte for byte in canonical form
    assert b"width:300px;height:90px" in note_box(after, 1, 0)
    assert load_workbook(sample_workbook)["Register"]["A2"].comment.text == "Check with the owner"


def test_note_boxes_riskreg_cannot_parse_are_refused_and_nothing_is_written(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["A2"].comment = Comment("Check with the owner", "Risk Manager")
    wb.save(sample_workbook)
    vml = "xl/drawings/commentsDrawing1.vml"
    patch_zip(sample_workbook, {vml: lambda d: d.replace(b"</xml>", b"<br></xml>")})
    before = sample_workbook.read_bytes()
    with pytest.raises(Exception) as err:
        validate_write(sample_workbook)
    assert err.value.user_message == (
        f"{sample_workbook}: the note boxes of sheet 'Register' ({vml}) are in a form riskreg cannot edit safely, "
        f"so nothing was written. Open the workbook in Excel, save it again, and run the command again.")
    assert sample_workbook.read_bytes() == before
    assert not (sample_workbook.parent / "riskreg backups").exists()


def test_a_strict_open_xml_workbook_is_refused(sample_workbook):
    patch_zip(sample_workbook, {"xl/workbook.xml": lambda d: d.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")})
    with pytest.raises(OutputError) as err:
        check_editable(Book(sample_workbook))
    assert err.value.user_message == (
        f"{sample_workbook}: not written, because it is saved as a Strict Open XML Spreadsheet, which riskreg cannot "
        f"edit without changing how Excel reads it. Open it in Excel and save it as an Excel Workbook (.xlsx).")
