"""Convert an export cell's HTML fragment to clean cell text and back, without losing a word."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

BULLET = "• "
UL_OPEN = '<ul style="list-style-type: none">'

# A dash introduces a bullet when it starts the run or follows whitespace, and is followed by a space or a
# letter (" -The impact"); "Data- Significant" and "-5" are not bullets.
_MARKER = re.compile(r"(?:^|(?<=\s))-(?=\s|[^\W\d_])")
# "&#45;" is a dash the author meant literally (text_to_fragment writes it); it stands in as a private-use
# character while the parser runs so that the bullet split cannot see it.
_LITERAL_DASH_REF = re.compile(r"&#(?:0*45|[xX]0*2[dD]);?")
_LITERAL_DASH = "\ue000"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "section",
           "article", "header", "footer", "dl", "dt", "dd", "address", "hr", "body", "html"}
_LISTS = {"ul", "ol", "menu"}
_CELLS = {"td", "th"}


def _collapse(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


class _Segments(HTMLParser):
    """Collect the fragment's text as (mode, text) runs; mode is plain, p, dash (list without <li>) or item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[tuple[str, str]] = []
        self._buffer: list[str] = []
        self._skip = 0
        self._lists: list[str] = []  # open "ul" and "li" elements, innermost last
        self._paragraphs = 0

    def _mode(self) -> str:
        if self._lists:
            return "item" if self._lists[-1] == "li" else "dash"
        return "p" if self._paragraphs else "plain"

    def _close_list_element(self, tag: str) -> None:
        """Pop open list elements up to and including the innermost `tag` (lists are often left unclosed)."""
        if tag in self._lists:
            while self._lists.pop() != tag:
                pass

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        if _collapse(text):  # a run of control characters alone is no paragraph
            self.segments.append((self._mode(), text))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self._flush()
        elif tag in _LISTS:
            self._flush()
            self._lists.append("ul")
        elif tag == "li":
            self._flush()
            if self._lists and self._lists[-1] == "li":  # an <li> ends the open one
                self._lists.pop()
            self._lists.append("li")
        elif tag == "p":
            self._flush()
            self._paragraphs += 1
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS:
            self._buffer.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br" or tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(self._skip - 1, 0)
        elif tag in _LISTS:
            self._flush()
            self._close_list_element("ul")
        elif tag == "li":
            self._flush()
            self._close_list_element("li")
        elif tag == "p":
            self._flush()
            self._paragraphs = max(self._paragraphs - 1, 0)
        elif tag in _BLOCKS or tag == "br":
            self._flush()
        elif tag in _CELLS:
            self._buffer.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _dash_lines(text: str) -> list[str]:
    """Split a run of ' - ' items into bullet lines; text before the first dash stays a plain line."""
    lead, *items = _MARKER.split(text)
    lines = [lead.strip()] if lead.strip() else []
    lines += [BULLET + item.strip() for item in items if item.strip()]
    return lines


def _segment_lines(mode: str, raw: str) -> list[str]:
    text = _collapse(raw)
    if mode == "item":
        return [BULLET + text]
    if mode == "dash" or (mode == "p" and _MARKER.match(text)):
        return _dash_lines(text)
    return [text]


def fragment_to_text(fragment: str) -> str:
    """Return the clean cell text of an export cell: one line per paragraph, bullets as '• ' lines."""
    if fragment is None:
        return ""
    parser = _Segments()
    parser.feed(_LITERAL_DASH_REF.sub(_LITERAL_DASH, fragment))
    parser.close()
    lines = [line for mode, raw in parser.segments for line in _segment_lines(mode, raw)]
    return "\n".join(lines).replace(_LITERAL_DASH, "-")


def _escape(text: str) -> str:
    """Escape what the parser would misread: every '<' and '>', and an '&' only where it starts an entity."""
    def amp(match: re.Match) -> str:
        ref = match.group(0)
        return ref if html.unescape(ref) == ref else "&amp;" + ref[1:]

    return _CHARREF.sub(amp, text).replace("<", "&lt;").replace(">", "&gt;")


# In an item, a dash the parser could take for the next marker, also one standing alone at the end ("-").
_ITEM_DASH = re.compile(r"(?:^|(?<=\s))-(?=\s|[^\W\d_]|$)")


def _escape_item(text: str) -> str:
    return _ITEM_DASH.sub("&#45;", _escape(text))


def _escape_paragraph(text: str) -> str:
    escaped = _escape(text)
    return "&#45;" + escaped[1:] if _MARKER.match(escaped) else escaped


def _clean_lines(text: str) -> list[str]:
    return [line for line in (_collapse(part) for part in _LINE_BREAK.split(text or "")) if line]


def _is_bullet(line: str) -> bool:
    return line.startswith(BULLET.strip()) and line[1:2] == " " and bool(line[2:].strip())


def text_to_fragment(text: str) -> str:
    """Return the export fragment of cell text: <p> paragraphs and ' - ' bullet runs, as the source writes them."""
    lines = _clean_lines(text)
    if len(lines) == 1 and not _is_bullet(lines[0]):
        return _escape(lines[0])
    parts: list[str] = []
    index = 0
    while index < len(lines):
        if not _is_bullet(lines[index]):
            parts.append(f"<p>{_escape_paragraph(lines[index])}</p>")
            index += 1
            continue
        items = []
        while index < len(lines) and _is_bullet(lines[index]):
            items.append(_escape_item(lines[index][2:].strip()))
            index += 1
        # The source never closes its lists; close one only when a paragraph follows it.
        closing = "</ul>" if index < len(lines) else ""
        parts.append(UL_OPEN + "".join(f" - {item}" for item in items) + " " + closing)
    return " ".join(parts)
