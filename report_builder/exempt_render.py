"""Write the exempt appendix: the paper's title block and its appendix table for the exempt risks alone."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from report_builder import appendix
from report_builder.content import PaperContent
from report_builder.render import (BLOCKS, _open_template, _paragraph, _printable_width_cm, _replace_blocks,
                                   _sentinel, _set_properties, _w)
from workbook.core.errors import TemplateError

# The blocks the exempt appendix keeps from the template: the data-quality note, the line naming the register file
# it was built from, and the appendix table.
KEPT_BLOCKS = ("data_quality", "provenance", "appendix")


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


def _is_heading(element) -> bool:
    style = element.find(f"{_w('pPr')}/{_w('pStyle')}")
    return style is not None and style.get(_w("val"), "").startswith("Heading")


REFERENCES = ("headerReference", "footerReference")


def _carry_references(element, final) -> None:
    """Give the last section the headers and footers (the marking) of a section whose break is removed, when it
    inherited them instead of having its own."""
    sect = element.find(f"{_w('pPr')}/{_w('sectPr')}") if element.tag == _w("p") else None
    if sect is None or final is None:
        return
    for tag in REFERENCES:
        for reference in sect.findall(_w(tag)):
            kind = reference.get(_w("type"))
            if not any(r.get(_w("type")) == kind for r in final.findall(_w(tag))):
                final.insert(0, reference)


def _trim(document, template: Path, lines: Sequence[tuple[str, str]], heading: str) -> None:
    """Keep the title block, the data-quality note and the appendix; put `lines` (text, style) before the appendix
    under `heading`."""
    body = document.element.body
    children = list(body.iterchildren())
    marks = {name: next((i for i, e in enumerate(children) if e.tag == _w("p") and _sentinel(name) in _text(e)),
                        None) for name in KEPT_BLOCKS}
    if marks["appendix"] is None:
        raise TemplateError(f"{template.name}: has no {{{{ appendix }}}} placeholder, so the exempt appendix "
                            "cannot be written. Put it back on a paragraph of its own at the end of the template.")
    end = marks["appendix"]
    start = next((i for i, e in enumerate(children[:end]) if e.tag == _w("p") and _is_heading(e)), end)
    keep_heading = end - 1 if end > start and _is_heading(children[end - 1]) else None
    final = body.find(_w("sectPr"))
    kept = {marks["data_quality"], marks["provenance"], keep_heading}
    for index in range(start, end):
        if index not in kept:
            _carry_references(children[index], final)
            body.remove(children[index])
    anchor = children[keep_heading] if keep_heading is not None else children[end]
    if keep_heading is not None:
        runs = list(anchor.iter(_w("t")))
        for run in runs:
            run.text = ""
        if runs:
            runs[0].text = heading
    else:
        anchor.addprevious(_paragraph(heading, "Heading1"))
    first = anchor if keep_heading is not None else anchor.getprevious()
    for number, (text, style) in enumerate(lines):
        look = {"space_before_pt": 12} if number == 0 or (style == "Normal" and number) else {}
        first.addprevious(_paragraph(text, style, **look))


def render_exempt(content: PaperContent, template: Path, target: Path, lines: Sequence[tuple[str, str]],
                  heading: str) -> None:
    """Write the exempt appendix for `content` (the exempt risks' paper content) to `target`."""
    template = Path(template)
    from report_builder.wordml import clean

    context: dict = {**{key: clean(value) if isinstance(value, str) else value
                        for key, value in content.placeholders().items()},
                     **{name: _sentinel(name) for name in BLOCKS}}
    doc_template = _open_template(template, context)
    document = doc_template.docx
    _trim(document, template, lines, heading)
    widths = appendix.column_widths(content.appendix_columns, content.appendix_rows,
                                    _printable_width_cm(document, "appendix"))
    rows = appendix.deflated_rows(content.appendix_columns, content.appendix_rows, widths) \
        if content.appendix_rows else None
    _replace_blocks(document, content, template, widths)
    _set_properties(document, content)
    saved = io.BytesIO()
    doc_template.save(saved)
    if rows is not None:
        appendix.write_with_rows(saved.getvalue(), target, rows())
    else:
        target.write_bytes(saved.getvalue())
