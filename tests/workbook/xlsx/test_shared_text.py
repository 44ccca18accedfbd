"""The roll-over stores each risk's words once: the Register and the Record sheet share them."""

import zipfile

from openpyxl import load_workbook

from workbook.core.periods import parse_period
from workbook.jobs import roll_quarter
from workbook.xlsx.reader import read_register


def _parts(path):
    with zipfile.ZipFile(path) as package:
        return {info.filename: info.compress_size for info in package.infolist()}


def test_the_first_roll_grows_the_workbook_by_less_than_a_fifth(sample_workbook):
    before = sample_workbook.stat().st_size
    roll_quarter(sample_workbook, parse_period("2021/22 Q3"), close_with_errors=True)
    assert sample_workbook.stat().st_size < before * 1.2
    parts = _parts(sample_workbook)
    assert "xl/sharedStrings.xml" in parts


def test_shared_words_read_back_the_same_everywhere(sample_workbook):
    register = read_register(sample_workbook)
    roll_quarter(sample_workbook, parse_period("2021/22 Q3"), close_with_errors=True)
    rolled = read_register(sample_workbook)
    assert [r.values["description"] for r in rolled.risks] == [r.values["description"] for r in register.risks]
    texts = {key: fields for key, fields in rolled.recorded_text.items() if "description" in fields}
    assert sorted(f["description"] for f in texts.values()) == sorted(r.text("description") for r in register.risks)
    sheet = load_workbook(sample_workbook)["Register"]  # another reader sees the same words
    assert [sheet.cell(row=r.row, column=3).value for r in rolled.risks] == [r.values["description"]
                                                                              for r in register.risks]


def _shared_after(path, hold):
    """The shared strings, content types and workbook relations after two steps add texts, the first step either
    saving its strings (the general path) or only holding their part's place (the edit's one save at the end)."""
    from workbook.xlsx.book import Book
    from workbook.xlsx.shared_text import SharedText

    book = Book(path)
    shared = SharedText(book)
    first = [shared.of(text) for text in ("Supplier fails", " padded ", "Supplier fails")]
    shared.hold() if hold else shared.save()
    book.package.put("xl/extra.xml", b"<extra/>")  # a part added between the steps keeps its place after them
    book.package.set_content_type("xl/extra.xml", "application/xml")
    book.package.relate("xl/workbook.xml", "xl/extra.xml", "urn:extra")
    second = [shared.of(text) for text in ("Cyber attack", "Supplier fails", "line\rbreak")]
    shared.save()
    package = book.package
    return (first, second, package.read("xl/sharedStrings.xml"), package.read("[Content_Types].xml"),
            package.read("xl/_rels/workbook.xml.rels"), book.shared_strings())


def test_one_save_at_the_end_writes_what_a_save_per_step_writes(sample_workbook, tmp_path):
    assert _shared_after(sample_workbook, hold=True) == _shared_after(sample_workbook, hold=False)
    rolled = tmp_path / "rolled.xlsx"  # and on a workbook that has shared strings already
    rolled.write_bytes(sample_workbook.read_bytes())
    roll_quarter(rolled, parse_period("2021/22 Q3"), close_with_errors=True)
    assert _shared_after(rolled, hold=True) == _shared_after(rolled, hold=False)
