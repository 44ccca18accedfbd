"""An .xlsx package edited part by part: untouched parts copied as they were, sheets added and removed with what
hangs from them, names and the active tab kept on their sheets."""

from __future__ import annotations

import zipfile

from lxml import etree
from openpyxl import load_workbook
from support.ooxml_schema import changed_parts, invalid_parts, package_parts

from workbook.xlsx.package import MAIN_NS, M, WORKBOOK_PART, Package, relative, rels_path, resolve


def test_part_names_and_targets():
    assert rels_path("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"
    assert resolve("xl/worksheets/sheet1.xml", "../tables/table1.xml") == "xl/tables/table1.xml"
    assert resolve("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert relative("xl/worksheets/sheet1.xml", "xl/comments1.xml") == "../comments1.xml"


def test_untouched_parts_are_copied_as_stored(sample_workbook, tmp_path):
    package = Package(sample_workbook)
    package.xml("xl/styles.xml")  # read, not changed
    package.put("xl/extra.xml", b"<x/>")
    target = tmp_path / "copy.xlsx"
    package.save(target)
    with zipfile.ZipFile(sample_workbook) as before, zipfile.ZipFile(target) as after:
        old = {i.filename: (i.CRC, i.compress_size) for i in before.infolist()}
        new = {i.filename: (i.CRC, i.compress_size) for i in after.infolist()}
    assert {name: new[name] for name in old} == old and "xl/extra.xml" in new
    assert package.rewritten() == {"xl/extra.xml"} and package.original("xl/extra.xml") is None


def test_a_sheet_added_and_one_removed_keep_names_and_tab_on_their_sheets(sample_workbook):
    package = Package(sample_workbook)
    package.set_defined_name("HistoryHeader", 2, "History!$1:$1")
    root = etree.fromstring(f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'.encode())
    part = package.add_sheet("Notes", 1, root)
    assert package.sheet_names() == ["Register", "Notes", "Lists", "History", "Settings"]
    names = {d.get("name"): d.get("localSheetId") for d in package.xml(WORKBOOK_PART).iter(f"{M}definedName")
             if d.get("localSheetId")}
    assert names["HistoryHeader"] == "3"
    package.remove_sheet("Notes")
    assert package.sheet_names() == ["Register", "Lists", "History", "Settings"] and not package.has(part)
    assert part in package.removed() or part not in package.names()
    package.save(sample_workbook)
    assert invalid_parts(changed_parts(package_parts(sample_workbook))) == []
    assert load_workbook(sample_workbook).sheetnames == ["Register", "Lists", "History", "Settings"]
