"""A worksheet part's rows kept as bytes until a command asks for one: a 10,000-risk Register is not parsed whole.

Parsing a sheet of 36 MB into one XML tree costs seconds and over a gigabyte; a roll-over changes a few cells on
each row. So the sheet is split once into its frame (every element but the rows, parsed as usual) and its rows (a
byte span each); a row is parsed when asked for, and once enough other rows have been asked for it is written back
to bytes, so at most `LIVE_ROWS` rows are parsed at a time. Rows never asked for are written out as they were read.

A sheet is split only when its rows can be found safely by their bytes: riskreg's and Excel's layout (`<sheetData>`
in the default namespace, each row numbered, in order) and no shared formulas (whose cells are rewritten across
the whole sheet when one of them moves); any other sheet is parsed whole.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator

from lxml import etree

LIVE_ROWS = 512  # rows parsed at once: an element handed out stays valid until this many other rows are asked for
_OPEN, _CLOSE, _EMPTY = b"<sheetData>", b"</sheetData>", b"<sheetData/>"
_NUMBER = re.compile(rb'\sr="(\d+)"')
_END_ROW = b"</row>"
_STYLE = re.compile(rb'\ss="(\d*)"')
_DECLARATION = re.compile(rb'\sxmlns(?::[\w.-]+)?="[^"]*"')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def _cell_tag(data: bytes, ref: bytes) -> tuple[int, int] | None:
    """Return where the start tag of cell `ref` is in a row's XML (None when it holds no such cell)."""
    needle = b' r="' + ref + b'"'
    at = data.find(needle)
    while at >= 0:
        start = data.rfind(b"<", 0, at)
        if data[start:start + 3] == b"<c " and data.find(b">", start, at) < 0:
            end = data.find(b">", at)
            return (start, end + 1) if end >= 0 else None
        at = data.find(needle, at + 1)
    return None


class SheetRows:
    """The rows of one worksheet part: byte spans of the part as read, rows parsed on demand, rows changed."""

    def __init__(self, content: bytes, spans: dict[int, tuple[int, int]]):
        self._content = content  # the part as read: not copied, its rows are found in it by their spans
        self._spans = spans  # row number -> (start, end) in `content`
        self._written: dict[int, bytes | None] = {}  # rows changed (None: taken out), as bytes
        self._live: OrderedDict[int, etree._Element] = OrderedDict()  # rows parsed now, least recently used first
        self._wrapper = b""
        self._declarations: set[bytes] = set()
        self.on_release: Callable[[int], None] = lambda number: None  # told when a parsed row goes back to bytes
        self.version = 0  # counts the changes made to the rows (a row parsed counts: its element may be changed)

    @classmethod
    def split(cls, data: bytes) -> tuple[bytes, SheetRows] | None:
        """Return the part's frame (its rows left out) and its rows, or None when the part is not laid out so."""
        start = data.find(_OPEN)
        end = data.rfind(_CLOSE)
        if start < 0 or end < start or data.find(_OPEN, start + 1) >= 0 or data.find(_EMPTY) >= 0:
            return None
        first = start + len(_OPEN)
        if data.find(b't="shared"', first, end) >= 0:
            return None
        spans: dict[int, tuple[int, int]] = {}
        position, last = first, 0
        while True:  # a loop of finds, not a regex: a 36 MB Register is cut in a few hundredths of a second
            start = data.find(b"<row", position, end)
            if start < 0:
                if data[position:end].strip():
                    return None
                break
            if data[position:start].strip() or data[start + 4:start + 5] not in (b" ", b">", b"/"):
                return None  # something between rows, or not a row: not a layout to cut by bytes
            close = data.find(b">", start, end)
            if close < 0:
                return None
            found = _NUMBER.search(data, start, close)
            if found is None:
                return None
            number = int(found.group(1))
            if data[close - 1:close] == b"/":
                stop = close + 1
            else:
                stop = data.find(_END_ROW, close, end)
                if stop < 0:
                    return None
                stop += len(_END_ROW)
            if number <= last:
                return None
            spans[number] = (start, stop)
            position, last = stop, number
        return data[:first] + data[end:], cls(data, spans)

    def bind(self, frame: etree._Element) -> None:
        """Take the namespaces the frame declares: each row is parsed, and written back, inside them."""
        names = {prefix: uri for prefix, uri in frame.nsmap.items()}
        self._wrapper = b"<sheetData" + b"".join(
            (b' xmlns="%s"' % uri.encode() if prefix is None else b' xmlns:%s="%s"' % (prefix.encode(), uri.encode()))
            for prefix, uri in names.items()) + b">"
        self._declarations = {(b' xmlns="%s"' % uri.encode() if prefix is None
                               else b' xmlns:%s="%s"' % (prefix.encode(), uri.encode())) for prefix, uri in names.items()}

    def numbers(self) -> list[int]:
        """Return the numbers of the sheet's rows, in order."""
        present = set(self._spans) | set(self._written) | set(self._live)
        return sorted(n for n in present if n in self._live or self._written.get(n, b"") is not None)

    def may_hold(self, number: int, text: bytes) -> bool:
        """Return whether row `number` may hold `text` in its XML (False only when its bytes do not)."""
        if number in self._live:
            return True
        if number in self._written:
            return text in (self._written[number] or b"")
        if number in self._spans:
            first, last = self._spans[number]
            return self._content.find(text, first, last) >= 0
        return False

    def restyle(self, number: int, ref: str, change: Callable[[int], int | None]) -> int | None:
        """Give cell `ref` of row `number` the cell format `change(its format)` (None: leave it) in the row's bytes,
        without parsing the row (a run of Validate marks thousands of cells, one or two a row); return the format
        it had, or None when the row is parsed now or its bytes hold no such cell (then the caller edits the
        element)."""
        if number in self._live:
            return None
        data = self._row_bytes(number)
        found = _cell_tag(data, ref.encode()) if data else None
        if found is None or data is None:
            return None
        start, end = found
        tag = data[start:end]
        style = _STYLE.search(tag)
        before = int(style.group(1) or 0) if style else 0
        after = change(before)
        if after is None:
            return before
        if style:
            tag = tag[:style.start(1)] + str(after).encode() + tag[style.end(1):]
        else:  # added last, where lxml adds an attribute
            close = -2 if tag.endswith(b"/>") else -1
            tag = tag[:close].rstrip() + b' s="%d"' % after + tag[close:]
        self._written[number] = data[:start] + tag + data[end:]
        self.version += 1
        self.on_release(number)
        return before

    def _row_bytes(self, number: int) -> bytes | None:
        """Return row `number`'s XML as it stands when it is not parsed (None when the sheet has no such row)."""
        if number in self._written:
            return self._written[number]
        if number in self._spans:
            first, last = self._spans[number]
            return self._content[first:last]
        return None

    def get(self, number: int) -> etree._Element | None:
        """Return row `number`, parsed (None when the sheet has no such row)."""
        live = self._live.get(number)
        if live is not None:
            self._live.move_to_end(number)
            return live
        data = self._row_bytes(number)
        if data is None:
            return None
        row = etree.fromstring(self._wrapper + data + _CLOSE, _PARSER)[0]
        self._keep(number, row)
        return row

    def raw(self, number: int) -> bytes | None:
        """Return row `number`'s XML as it stands (a parsed row written back first), None when the sheet has none."""
        live = self._live.pop(number, None)
        if live is not None:
            self._written[number] = self._bytes(live)
            self.on_release(number)
        if number in self._written:
            return self._written[number]
        span = self._spans.get(number)
        return self._content[span[0]:span[1]] if span is not None else None

    def replace(self, number: int, data: bytes) -> None:
        """Put `data` in as the XML of row `number` (one `raw` gave, changed)."""
        self._written[number] = data
        self.version += 1

    def add(self, number: int, row: etree._Element) -> etree._Element:
        """Put `row` in as row `number` (a number the sheet has no row for); return it, now part of the sheet."""
        holder = etree.fromstring(self._wrapper + _CLOSE, _PARSER)
        holder.append(row)  # in the sheet's namespaces, as a parsed row is
        self._keep(number, row)
        return row

    def take(self, number: int) -> etree._Element | None:
        """Remove row `number` and return it."""
        row = self.get(number)
        if row is not None:
            self._live.pop(number, None)
            self._written[number] = None
            self.version += 1
            self.on_release(number)
        return row

    def _keep(self, number: int, row: etree._Element) -> None:
        self._live[number] = row
        self.version += 1
        while len(self._live) > LIVE_ROWS:
            old, element = self._live.popitem(last=False)
            self._written[old] = self._bytes(element)
            self.on_release(old)

    def _bytes(self, row: etree._Element) -> bytes:
        """Return the row's XML, without the namespace declarations the frame already makes."""
        data = etree.tostring(row, with_tail=False)
        end = data.index(b">")
        head = _DECLARATION.sub(lambda m: b"" if m.group(0) in self._declarations else m.group(0), data[:end])
        return head + data[end:]

    def join(self, frame: bytes) -> bytes:
        """Return the whole part: `frame` (the serialised frame) with every row in its place."""
        return b"".join(self.pieces(frame))

    def pieces(self, frame: bytes) -> Iterator[bytes | memoryview]:
        """Yield the whole part in pieces, as `join` puts them together: a part is compressed as it is written,
        never held twice (rows kept as read are views of the part as read, not copies)."""
        ends = self.ends(frame)
        if ends is None:
            yield frame
            return
        yield ends[0]
        yield from self._row_pieces()
        yield ends[1]

    def ends(self, frame: bytes) -> tuple[bytes, bytes] | None:
        """Return the part's bytes before its rows and after them, given its frame (None: it has no rows)."""
        at = frame.find(_EMPTY)
        if at >= 0:
            return (frame[:at] + _OPEN, _CLOSE + frame[at + len(_EMPTY):]) if self.numbers() else None
        at = frame.find(_OPEN) + len(_OPEN)
        return frame[:at], frame[at:]

    def settled_pieces(self) -> list[bytes | memoryview] | None:
        """Return the rows' bytes in order, as they stand (the part's middle), or None while a row is parsed (its
        element may still change): what may be deflated ahead of the save while `version` stays as it is."""
        return None if self._live else list(self._row_pieces())

    def _row_pieces(self) -> Iterator[bytes | memoryview]:
        content = memoryview(self._content)
        for number in self.numbers():
            if number in self._live:
                yield self._bytes(self._live[number])
            elif number in self._written:
                yield self._written[number] or b""
            else:
                first, last = self._spans[number]
                yield content[first:last]

    def may_contain(self, frame: bytes, text: bytes) -> bool:
        """Return whether the whole part may hold `text` (False only when neither its frame nor a row does)."""
        if text in frame or any(text in row for row in self._written.values() if row):
            return True
        if any(text in self._bytes(row) for row in self._live.values()):
            return True
        return self._content.find(text) >= 0
