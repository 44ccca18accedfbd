"""Cell notes edited note by note: added with their boxes, told apart by author, removed with their boxes."""

from __future__ import annotations

from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment
from support.ooxml_schema import changed_parts, invalid_parts, package_parts

from workbook.core.schema import REGISTER_SHEET
from workbook.xlsx.book import Book
from workbook.xlsx.notes import FINDINGS_AUTHOR

X = "urn:schemas-microsoft-com:office:excel"


def boxes(vml: bytes) -> set[tuple[int, int]]:
    """Return (row, column) of each note box in a VML drawing."""
    return {(int(data.findtext(f"{{{X}}}Row")), int(data.findtext(f"{{{X}}}Column")))
            for data in etree.fromstring(vml).iter(f"{{{X}}}ClientData")}


def test_notes_are_added_with_their_boxes_and_removed_with_them(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb[REGISTER_SHEET]["B2"].comment = Comment("Owner to confirm", "Risk Manager")
    wb.save(sample_workbook)
    book = Book(sample_workbook)
    notes = book.notes(REGISTER_SHEET)
    notes.add({"C3": "riskreg R004 (error): first", "D4": "riskreg R005 (warning): second"}, FINDINGS_AUTHOR,
              (300, 100))
    assert notes.authors() == {"B2": "Risk Manager", "C3": FINDINGS_AUTHOR, "D4": FINDINGS_AUTHOR}
    assert notes.findings() == {"C3", "D4"}
    book.save(sample_workbook)
    assert invalid_parts(changed_parts(package_parts(sample_workbook))) == []
    ws = load_workbook(sample_workbook)[REGISTER_SHEET]
    assert (ws["C3"].comment.text, ws["C3"].comment.author) == ("riskreg R004 (error): first", FINDINGS_AUTHOR)

    book = Book(sample_workbook)
    notes = book.notes(REGISTER_SHEET)
    vml = book.package.read(notes.vml_part)
    notes.remove(notes.findings())
    book.save(sample_workbook)
    after = package_parts(sample_workbook)[notes.vml_part]
    assert boxes(vml) - boxes(after) == {(2, 2), (3, 3)}  # the rows and columns of C3 and D4, from 0
    ws = load_workbook(sample_workbook)[REGISTER_SHEET]
    assert ws["C3"].comment is None and ws["D4"].comment is None and ws["B2"].comment.text == "Owner to confirm"


def test_a_note_riskreg_signed_is_a_finding_only_when_it_reads_as_one(sample_workbook):
    wb = load_workbook(sample_workbook)
    ws = wb[REGISTER_SHEET]
    ws["C5"].comment = Comment("riskreg R010 (error): an old finding", "riskreg")
    ws["D5"].comment = Comment("riskreg keeps the scale in Lists", "riskreg")
    ws["E5"].comment = Comment("riskreg R010 (error): typed by a person", "Risk Manager")
    wb.save(sample_workbook)
    assert Book(sample_workbook).notes(REGISTER_SHEET).findings() == {"C5"}
