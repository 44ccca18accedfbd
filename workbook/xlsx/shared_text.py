"""The workbook's shared strings, added to: a text the Record sheet keeps and the Register shows is stored once.

A zip part is compressed on its own, so a Record sheet of inline strings holds a second copy of every risk's words
(on the sample, the first roll-over grew the file by 58 %, all of it the Record). Cells that refer to one shared
string store the words once, however many sheets show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape  # not xml.sax.saxutils: it imports urllib.request

from lxml import etree

from workbook.core.values import storable
from workbook.xlsx.book import SHARED_STRINGS, Book
from workbook.xlsx.package import M, MAIN_NS, REL_NS, WORKBOOK_PART
from workbook.xlsx.sheet_xml import Cells, SharedString, set_value

CT_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
REL_SHARED_STRINGS = f"{REL_NS}/sharedStrings"


class SharedText:
    """The shared strings of `book`, each plain text found once; `save` writes them back with those added.

    The strings added are kept as their XML, not as elements: a first roll-over of 10,000 risks adds some 120,000
    (28 MB), written after the workbook's own."""

    def __init__(self, book: Book):
        self.book = book
        self.new = not book.package.has(SHARED_STRINGS)
        self.root = etree.Element(f"{M}sst", nsmap={None: MAIN_NS}) if self.new \
            else book.package.xml(SHARED_STRINGS)
        self.index: dict[str, int] = {}
        self.count = 0  # the strings the workbook has, those added included
        for number, item in enumerate(self.root.iterfind(f"{M}si")):
            plain = item.find(f"{M}t")
            if plain is not None and len(item) == 1:  # rich text keeps its runs: not reused for plain text
                self.index.setdefault(plain.text or "", number)
            self.count += 1
        self.items: list[bytes | memoryview] = []  # the strings added, as XML, in order
        self.added = 0  # added since the last save
        self._asked: dict[str, SharedString] = {}  # each text asked for -> its string: a text is cleaned once

    def of(self, text: str) -> SharedString:
        """Return the shared string holding `text`, adding it when the workbook has none."""
        found = self._asked.get(text)
        if found is None:
            found = self._asked[text] = self._of(text)
        return found

    def _of(self, text: str) -> SharedString:
        text = str(storable(text))
        number = self.index.get(text)
        if number is None:
            # As lxml writes a text into the part (UTF-8): a carriage return kept as a character reference.
            escaped = escape(text, quote=False).replace("\r", "&#13;").encode()
            space = b' xml:space="preserve"' if text != text.strip() else b""
            self.items.append(b"<si><t" + space + b">" + escaped + b"</t></si>")
            number = self.index[text] = self.count
            self.count += 1
            self.added += 1
        return SharedString(number)

    def hold(self) -> None:
        """Give the workbook its shared strings part, type and relation now, when it has none and strings were added
        (so they take their places among the parts as a save here would), leaving the strings for `save` to write."""
        if self.new and self.added:
            self._place(etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True))

    def save(self) -> None:
        """Write the shared strings back (adding the part, its type and its relation the first time)."""
        if not self.added:
            return
        self.root.attrib.pop("count", None)  # the count of references: optional, and no longer known
        self.root.set("uniqueCount", str(self.count))
        data = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if data.endswith(b"/>"):  # no strings before these
            data = data[:-2] + b"></sst>"
        end = data.rindex(b"</")
        joined = b"".join([data[:end], *self.items, data[end:]])
        # The strings added are kept as a view of the part written, not a second copy.
        self.items = [memoryview(joined)[end:len(joined) - (len(data) - end)]]
        self._place(joined)
        self.added = 0

    def _place(self, data: bytes) -> None:
        package = self.book.package
        package.put(SHARED_STRINGS, data)
        if self.new:
            package.set_content_type(SHARED_STRINGS, CT_SHARED_STRINGS)
            package.relate(WORKBOOK_PART, SHARED_STRINGS, REL_SHARED_STRINGS)
            self.new = False
        self.book._shared = None  # read again: the book's list of texts has grown


def share_row(book: Book, shared: SharedText, cells: Cells, row: int, columns: Iterable[int]) -> None:
    """Turn the inline-text cells of row `row` in `columns` into references to shared strings."""
    if not cells.may_hold(row, b'"inlineStr"'):
        return  # no inline text on the row (Excel keeps every text shared already)
    for column in columns:
        cell = cells.cell(row, column)
        if cell.get("t") == "inlineStr":
            text = book.text(cell)
            if isinstance(text, str) and text:
                set_value(cell, shared.of(text))
