"""Cell formats added to the styles part once each and reused, fills described and put back."""

from __future__ import annotations

from openpyxl import load_workbook
from support.ooxml_schema import part_errors

from workbook.xlsx.book import Book
from workbook.xlsx.sheet_xml import set_value
from workbook.xlsx.styles import STYLES_PART, fill_from_spec, fill_spec, font, solid_fill


def test_a_derived_format_is_added_once_and_reused(sample_workbook):
    book = Book(sample_workbook)
    styles = book.styles
    count = len(styles.root.find(styles.root.tag.replace("styleSheet", "cellXfs")))
    red = styles.derive(0, fill=solid_fill("C00000"), font=font(bold=True), numFmt="dd/mm/yyyy",
                        alignment={"wrapText": "1"})
    assert styles.derive(0, fill=solid_fill("FFC00000"), font=font(bold=True), numFmt="dd/mm/yyyy",
                         alignment={"wrapText": "1"}) == red
    assert len(styles.root.find(styles.root.tag.replace("styleSheet", "cellXfs"))) == count + 1
    cell = book.cells("Settings").cell(30, 2)
    cell.set("s", str(red))
    set_value(cell, 44651)
    book.save(sample_workbook)
    assert part_errors(STYLES_PART, Book(sample_workbook).package.read(STYLES_PART)) == []
    written = load_workbook(sample_workbook)["Settings"]["B30"]
    assert written.fill.fgColor.rgb == "FFC00000" and written.font.bold and written.number_format == "dd/mm/yyyy"
    assert written.alignment.wrap_text


def test_fills_are_described_and_put_back():
    for spec in ("none", "rgb:FF00B0F0", "theme:4:0.4", "indexed:5"):
        assert fill_spec(fill_from_spec(spec)) == spec
    assert fill_spec(fill_from_spec("theme:x")) == "none"  # an edited spec: no fill, the safe guess
