"""WordprocessingML paragraphs written as text: one writer for the small tables and the 10,000-row appendix.

The appendix is streamed into the saved file as text (see `appendix.py`); the other blocks parse the same
text into lxml elements, so every paragraph the paper makes comes from here.
"""

from __future__ import annotations

import re

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

ARROWS = re.compile(r"([←↑→↓↗↘↙↖])")
# Characters XML 1.0 cannot hold (control bytes, lone surrogates): a register cell may carry them; Word cannot.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ARROW_STYLE = "TrendArrow"  # character style whose font has the arrows


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """Return `text` with &, < and > escaped, and each key of `entities` replaced by its value.

    What xml.sax.saxutils.escape does, without importing it: it imports urllib.request, and with it the HTTP,
    e-mail and SSL modules, a tenth of the sample paper's start-up.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


def clean(text: str) -> str:
    """Return `text` without the characters XML cannot hold."""
    # every such character is unprintable, and nearly every text is printable: a scan in C rules the regex out
    return text if text.isprintable() else NOT_XML.sub("", text)


def run_properties(char_style: str | None = None, bold: bool = False, colour: str | None = None,
                   size_pt: float | None = None) -> str:
    """Return a w:rPr (children in schema order), or '' when the run is plain."""
    parts = []
    if char_style:
        parts.append(f'<w:rStyle w:val="{char_style}"/>')
    if bold:
        parts.append("<w:b/>")
    if colour:
        parts.append(f'<w:color w:val="{colour}"/>')
    if size_pt:
        parts.append(f'<w:sz w:val="{round(size_pt * 2)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def paragraph_properties(style: str, keep_next: bool = False, centre: bool = False,
                         space_before_pt: int | None = None) -> str:
    """Return a w:pPr (children in schema order)."""
    parts = [f'<w:pStyle w:val="{style}"/>']
    if keep_next:
        parts.append("<w:keepNext/>")
    if space_before_pt is not None:
        parts.append(f'<w:spacing w:before="{space_before_pt * 20}"/>')
    if centre:
        parts.append('<w:jc w:val="center"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>"


def _run(text: str, rpr: str) -> str:
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # escape(), inlined
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _has_arrows(text: str) -> bool:
    return not text.isascii() and ARROWS.search(text) is not None  # most text is ASCII: skip the regex


class ParagraphWriter:
    """Writes paragraphs of one look (style, weight, colour, alignment); the properties are built once."""

    def __init__(self, style: str, bold: bool = False, colour: str | None = None, keep_next: bool = False,
                 centre: bool = False, space_before_pt: int | None = None, arrow_size_pt: float | None = None):
        self.open = f"<w:p>{paragraph_properties(style, keep_next, centre, space_before_pt)}"
        self.text_rpr = run_properties(None, bold, colour)
        self.arrow_rpr = run_properties(ARROW_STYLE, bold, colour, arrow_size_pt)
        self.blank = f"{self.open}</w:p>"
        self.text_open = f'{self.open}<w:r>{self.text_rpr}<w:t xml:space="preserve">'  # what _run writes first

    def __call__(self, text: str) -> str:
        """Return the w:p holding `text`; trend arrows get the Trend Arrow character style."""
        if text.isprintable() and (text.isascii() or ARROWS.search(text) is None):  # one plain run, as _run does
            if not text:
                return self.blank
            return (f'{self.text_open}{text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}'
                    "</w:t></w:r></w:p>")
        if not _has_arrows(text):
            return f"{self.open}{_run(text, self.text_rpr) if text else ''}</w:p>"
        runs = [_run(piece, self.arrow_rpr if ARROWS.fullmatch(piece) else self.text_rpr)
                for piece in ARROWS.split(text) if piece]
        return f"{self.open}{''.join(runs)}</w:p>"


def paragraph(text: str, style: str, **look) -> str:
    """Return one w:p as text (see ParagraphWriter for the look's keywords)."""
    return ParagraphWriter(style, **look)(text)


def elements(xml: str) -> list:
    """Return the lxml elements written one after another as `xml` (text using the w: prefix): a block of
    paragraphs parsed at once rather than one by one."""
    from lxml import etree

    return list(etree.fromstring(f'<w:x xmlns:w="{W_NS}">{xml}</w:x>'))


def element(xml: str):
    """Return the lxml element written as `xml` (text using the w: prefix)."""
    return elements(xml)[0]
