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


def test_parts_deflated_beside_each_other_are_the_bytes_one_thread_writes(sample_workbook, tmp_path):
    """Each part written is deflated in stretches, each in a thread of its own while the next is cut: the file is
    byte for byte the one written stretch after stretch in one thread (a part of several stretches, and untouched
    parts between, included)."""
    from workbook.files.zip_parts import ZIP_EPOCH, ZipWriter, deflate, stretches, write_deflated
    from workbook.xlsx.package import STRETCH_BYTES

    package = Package(sample_workbook)
    words = b"".join(b"<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\"><is><t>risk %d of the register</t></is></c></row>"
                     % (n, n, n * 7919 % 10007) for n in range(1, 200_000))
    assert len(words) > 2 * STRETCH_BYTES  # three stretches at least
    package.put("xl/worksheets/sheet3.xml", b'<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>'
                % (MAIN_NS.encode(), words))
    package.xml("xl/styles.xml").set("x", "1")
    package.changed("xl/styles.xml")
    package.put("xl/extra.xml", b"<x/>")
    beside = tmp_path / "beside.xlsx"
    package.save(beside)

    one_thread = tmp_path / "one-thread.xlsx"
    untouched = package.untouched()
    with ZipWriter(one_thread) as out:
        for name in package.names():
            info = package._raw.get(name)
            if info is not None and name in untouched:
                package._copy_compressed(info, out)
            else:
                write_deflated(out, name, *(deflate((stretch,), last=last)
                                            for stretch, last in stretches(package.chunks(name), STRETCH_BYTES)),
                               date_time=info.date_time if info else ZIP_EPOCH)
    assert beside.read_bytes() == one_thread.read_bytes()
    with zipfile.ZipFile(beside) as saved:
        assert saved.testzip() is None
        assert saved.read("xl/worksheets/sheet3.xml").endswith(words + b"</sheetData></worksheet>")


def _saved_part(package: Package, target, name: str) -> bytes:
    package.save(target)
    with zipfile.ZipFile(target) as saved:
        assert saved.testzip() is None
        return saved.read(name)


def _register_part(package: Package) -> str:
    return dict(package.sheets())["Register"]


def test_parts_deflated_ahead_and_left_alone_are_saved_as_they_stand(sample_workbook, tmp_path):
    """A sheet's rows and a part put in as bytes, deflated before the save: the file holds them as they are, the
    sheet's frame as it stands at the save (changed after the rows were deflated)."""
    package = Package(sample_workbook)
    part = _register_part(package)
    rows = package.sheet_rows(part)
    assert rows is not None
    first = rows.numbers()[1]
    rows.replace(first, rows.raw(first).replace(b"</row>", b'<c r="Z%d" t="inlineStr"><is><t>ahead</t></is></c></row>'
                                                                % first))
    package.changed(part)
    package.put("xl/extra.xml", b"<x>extra</x>")
    package.deflate_ahead([part, "xl/extra.xml"])
    assert set(package._ahead) == {part, "xl/extra.xml"}
    package.xml(part).find(f"{M}dimension").set("ref", "A1:Z99")  # the frame, after its rows were deflated
    plain = Package(sample_workbook)  # the same edits, saved without deflating ahead
    plain_rows = plain.sheet_rows(part)
    plain_rows.replace(first, rows.raw(first))
    plain.changed(part)
    plain.put("xl/extra.xml", b"<x>extra</x>")
    plain.xml(part).find(f"{M}dimension").set("ref", "A1:Z99")
    saved = _saved_part(package, tmp_path / "ahead.xlsx", part)
    assert saved == _saved_part(plain, tmp_path / "plain.xlsx", part)
    assert b"<t>ahead</t>" in saved and b'<dimension ref="A1:Z99"/>' in saved
    with zipfile.ZipFile(tmp_path / "ahead.xlsx") as ahead:
        assert ahead.read("xl/extra.xml") == b"<x>extra</x>"


def test_a_part_changed_after_it_was_deflated_ahead_is_saved_as_changed(sample_workbook, tmp_path):
    """What was deflated ahead is never written for a part changed since: a row replaced, a row parsed (its element
    may have changed), a part put in again."""
    package = Package(sample_workbook)
    part = _register_part(package)
    rows = package.sheet_rows(part)
    numbers = rows.numbers()
    package.changed(part)
    package.put("xl/extra.xml", b"<x>before</x>")
    package.deflate_ahead([part, "xl/extra.xml"])
    rows.replace(numbers[1], rows.raw(numbers[1]).replace(b"</row>", b'<c r="Z%d"><v>7</v></c></row>' % numbers[1]))
    element = rows.get(numbers[2])  # parsed after: changed through its element
    etree.SubElement(element, f"{M}c", r=f"Y{numbers[2]}", t="inlineStr").append(etree.fromstring(
        f'<is xmlns="{MAIN_NS}"><t>parsed</t></is>'))
    package.put("xl/extra.xml", b"<x>after</x>")
    saved = _saved_part(package, tmp_path / "changed.xlsx", part)
    assert b'<c r="Z%d"><v>7</v></c>' % numbers[1] in saved and b"<t>parsed</t>" in saved
    with zipfile.ZipFile(tmp_path / "changed.xlsx") as after:
        assert after.read("xl/extra.xml") == b"<x>after</x>"


def test_rows_being_edited_as_elements_are_not_deflated_ahead(sample_workbook):
    package = Package(sample_workbook)
    part = _register_part(package)
    rows = package.sheet_rows(part)
    rows.get(rows.numbers()[1])  # parsed now: its element may still change
    package.changed(part)
    package.deflate_ahead([part, "xl/styles.xml"])  # a parsed part is not one to deflate ahead either
    assert package._ahead == {}


def test_a_sheet_read_but_not_changed_is_not_deflated_ahead(sample_workbook):
    """A part the save copies as it was read has nothing to deflate."""
    package = Package(sample_workbook)
    part = _register_part(package)
    assert package.sheet_rows(part) is not None
    package.deflate_ahead([part])
    assert package._ahead == {}
    package.changed(part)
    package.deflate_ahead([part])
    assert set(package._ahead) == {part}
