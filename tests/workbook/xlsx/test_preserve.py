"""What openpyxl would drop is found, so commands refuse to save over it; what it keeps passes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment

from workbook.core.errors import OutputError
from workbook.xlsx.preserve import check_in_place, features_lost

X14_VALIDATION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    b'<x14:dataValidation type="list"><x14:formula1><xm:f>Lists!$A$2:$A$5</xm:f></x14:formula1>'
    b'<xm:sqref>I2:I19</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def add_chart(path: Path, sheet: str) -> None:
    wb = load_workbook(path)
    ws = wb.create_sheet(sheet) if sheet not in wb.sheetnames else wb[sheet]
    for row in (("Rating", "Risks"), ("High", 13), ("Medium", 4)):
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "D2")
    wb.save(path)


def patch_zip(path: Path, change: dict[str, callable], add: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info.filename, change[info.filename](data) if info.filename in change else data)
        for name, data in (add or {}).items():
            out.writestr(name, data)


def test_user_edits_openpyxl_keeps_are_not_reported(sample_workbook):
    wb = load_workbook(sample_workbook)
    ws = wb["Register"]
    ws["B2"].comment = Comment("Check with the owner", "Risk Manager")
    ws.column_dimensions["C"].width = 80
    wb.create_sheet("Notes")["A1"] = "Actions from the last meeting"
    wb.save(sample_workbook)
    assert features_lost(sample_workbook) == []
    check_in_place(sample_workbook)


def test_chart_on_a_user_sheet_is_reported(sample_workbook):
    add_chart(sample_workbook, "Dashboard")
    assert features_lost(sample_workbook) == ["a chart on sheet 'Dashboard'"]
    with pytest.raises(OutputError) as err:
        check_in_place(sample_workbook)
    assert err.value.user_message == (
        f"{sample_workbook}: not written, because saving this workbook from riskreg would remove a chart on sheet "
        f"'Dashboard' (the file library riskreg uses cannot keep them). Write a copy instead with -o (e.g. -o "
        f"register-checked.xlsx), or use the riskreg add-in in Excel, which edits the open workbook and keeps "
        f"everything.")


def test_chart_on_the_summary_sheet_is_ours_to_rebuild(sample_workbook):
    add_chart(sample_workbook, "Summary")
    assert features_lost(sample_workbook) == []


def test_x14_validation_is_reported_and_openpyxl_really_drops_it(sample_workbook, tmp_path):
    patch_zip(sample_workbook, {"xl/worksheets/sheet1.xml": lambda d: d.replace(b"</worksheet>",
                                                                                 X14_VALIDATION + b"</worksheet>")})
    assert features_lost(sample_workbook) == [
        "drop-down lists that refer to another sheet (x14 data validation) on sheet 'Register'"]
    saved = tmp_path / "saved.xlsx"
    with pytest.warns(UserWarning, match="Data Validation extension is not supported"):
        load_workbook(sample_workbook).save(saved)
    assert features_lost(saved) == []  # gone: this is what the refusal protects


def test_ribbon_and_macros_are_reported(sample_workbook):
    rels = (b'<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2007/relationships/ui/'
            b'extensibility" Target="customUI/customUI14.xml"/></Relationships>')
    patch_zip(sample_workbook, {"_rels/.rels": lambda d: d.replace(b"</Relationships>", rels)},
              add={"customUI/customUI14.xml": b"<customUI xmlns='http://schemas.microsoft.com/office/2009/07/customui'/>",
                   "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert features_lost(sample_workbook) == ["a custom ribbon (customUI)", "macros (a VBA project)"]


def test_threaded_comments_and_external_links_are_reported(sample_workbook):
    patch_zip(sample_workbook, {}, add={"xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>",
                                        "xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert features_lost(sample_workbook) == ["links to other workbooks",
                                              "threaded comments (they would become plain notes)"]


def test_header_picture_is_reported_and_openpyxl_really_drops_it(sample_workbook, tmp_path):
    element = (b'<legacyDrawingHF xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               b'r:id="rIdHF"/>')
    patch_zip(sample_workbook, {"xl/worksheets/sheet1.xml": lambda d: d.replace(b"</worksheet>",
                                                                                 element + b"</worksheet>")})
    assert features_lost(sample_workbook) == ["a picture in the page header or footer (e.g. a crest) on sheet "
                                              "'Register'"]
    saved = tmp_path / "saved.xlsx"
    load_workbook(sample_workbook).save(saved)
    assert features_lost(saved) == []
