"""Write the joint paper: the template's title block and pages, the combined summary, then each body's section and
appendix, written by the single paper's own block writers."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from report_builder import appendix, charts, render, wordml
from report_builder.content import PAPER_MARKER
from report_builder.joint import JointBody, JointContent, and_list
from workbook.core.errors import TemplateError
from workbook.core.words import is_are, plural

# The widths of the combined tables: the label column, then the bodies and the total share the rest of the page.
LABEL_CM, PAGE_CM = 4.0, 17.0


def _context(joint: JointContent) -> dict[str, Any]:
    """Return the template's placeholder values for the joint paper: the first register's, with the joint
    paper's own title, bodies and marking."""
    first = joint.bodies[0].content
    values: dict[str, Any] = dict(first.placeholders())

    def each(name: str) -> str:
        return "; ".join(dict.fromkeys(str(getattr(b.content.title_block, name)) for b in joint.bodies))

    values.update({
        "organisation": joint.names, "title": joint.title, "register_title": "Joint risk report",
        "marking": joint.marking, "committee": and_list(list(dict.fromkeys(
            b.content.title_block.committee for b in joint.bodies))),
        "report_of": each("report_of"), "author": each("author"), "risk_count": joint.risk_count,
    })
    return {key: wordml.clean(value) if isinstance(value, str) else value for key, value in values.items()}


def _columns_table(headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str):
    """Return a table whose first column labels the rows and whose others are counts, one per body and a total."""
    share = round((PAGE_CM - LABEL_CM) / max(1, len(headers) - 1), 2)
    table = render._simple_table(list(headers), [list(row) for row in rows], [LABEL_CM] + [share] * (len(headers) - 1))
    render._describe(table, caption, f"{caption}: {len(rows)} rows; columns {', '.join(headers)}.")
    return table


def _summary(joint: JointContent) -> list:
    p = render._paragraph
    elements = [p("1. Purpose", "Heading1"), p(joint.purpose, "Normal"),
                p("2. Summary across the registers", "Heading1"),
                p(f"There {is_are(joint.risk_count)} {plural(joint.risk_count, 'open risk')} on the "
                  f"registers this quarter: " + "; ".join(
                      f"{b.name} {b.content.risk_count}" for b in joint.bodies) + ".", "Normal"),
                p("2.1 Risks by residual rating", "Heading2", keep_next=True)]
    if joint.combined_rows:
        elements.append(_columns_table(joint.combined_headers, joint.combined_rows,
                                       "Open risks by residual rating, per body and in total"))
    else:
        elements.append(p(joint.scales_note, "Normal", keep_next=True))
        for body in joint.bodies:
            elements.append(p(body.name, "FieldLabel", keep_next=True))
            elements.extend(render._rating_table(body.content))
    elements += [p("2.2 Movement this quarter", "Heading2", keep_next=True),
                 _columns_table(joint.movement_headers, joint.movement_rows,
                                "Risks by movement this quarter, per body and in total")]
    return elements


def _as_heading3(elements: list) -> list:
    """Return `elements` with the single paper's Heading 2 risk headings made Heading 3, under the body's own."""
    for element in elements:
        for style in element.iter(render._w("pStyle")):
            if style.get(render._w("val")) == "Heading2":
                style.set(render._w("val"), "Heading3")
    return elements


def _body_section(number: int, body: JointBody) -> list:
    p, content = render._paragraph, body.content
    block = content.title_block
    elements = [p(f"{number}. {body.name}: {block.register_title}", "Heading1", keep_next=True),
                p(f"Protective marking: {body.marking}.", "Normal", keep_next=True),
                *render._data_quality(content),
                p(f"{body.name} has {plural(content.risk_count, 'open risk')} this quarter: "
                  f"{content.rating_counts_text()}.", "Normal"),
                p(f"{number}.1 Risks by residual rating", "Heading2", keep_next=True), *render._rating_table(content),
                p(f"{number}.2 Movement this quarter", "Heading2", keep_next=True), *render._movement_table(content),
                *render._movement_sentences(content)]
    if content.heat_points:
        elements += [p(f"{number}.3 Risk profile", "Heading2", keep_next=True),
                     p(f"Residual likelihood and impact of {body.name}'s open risks: " + (
                         "the number of open risks in each cell" if len(content.heat_points) > charts.LABELLED_RISKS
                         else "each risk in its cell; (was L×I) gives last quarter's cell of a risk that moved"),
                       "Caption", keep_next=True),
                     render._heat_map(content)]
        if content.heat_map_note:
            elements.append(p(content.heat_map_note, "Normal", space_before_pt=6))
    elements += [p(f"{number}.{4 if content.heat_points else 3} Risks requiring the Committee's attention",
                   "Heading2", keep_next=True), *_as_heading3(render._attention_items(content)),
                 *render._provenance(content)]
    return elements


def _appendix_section(letter: str, body: JointBody, width_cm: float) -> list:
    content = body.content
    block = content.title_block
    heading = render._paragraph(f"Appendix {letter}: {body.name} – {block.register_title} – {block.period_long}",
                                "Heading1", keep_next=True)
    marking = render._paragraph(f"Protective marking: {body.marking}.", "Normal", keep_next=True)
    widths = appendix.column_widths(content.appendix_columns, content.appendix_rows, width_cm)
    elements = render._appendix(content, widths)
    if content.appendix_rows:
        table = elements[0]
        from lxml import etree

        for node in list(table):
            if node.tag is etree.Comment:  # the single paper's mark where its rows are streamed in
                table.remove(node)
        rows = b"".join(appendix.rows_xml(content.appendix_columns, content.appendix_rows, widths)).decode()
        table.extend(wordml.elements(rows))
    return [heading, marking, *elements]


def _section_break(prototype) -> object:
    """Return an empty paragraph that ends a section laid out as `prototype` (a w:sectPr)."""
    paragraph = wordml.element('<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:p>')
    paragraph.find(render._w("pPr")).append(copy.deepcopy(prototype))
    return paragraph


# Word's core properties hold at most 255 characters each; a paper of many registers names more.
PROPERTY_CHARS = 255


def _fit(text: str) -> str:
    """Return `text` cut at a word to fit a core property, marked '…' when cut."""
    return text if len(text) <= PROPERTY_CHARS else text[:PROPERTY_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _set_properties(document, joint: JointContent) -> None:
    shas = [b.content.provenance.short_sha for b in joint.bodies if b.content.provenance]
    props = document.core_properties
    values = {
        "title": joint.title,
        "subject": f"{and_list([b.content.title_block.committee for b in joint.bodies][:1])}: joint risk report of "
                   f"{joint.names}, {joint.period_long}",
        "author": "; ".join(dict.fromkeys(b.content.title_block.author for b in joint.bodies)),
        "last_modified_by": "riskreg",
        "category": "Board paper",
        "identifier": f"{PAPER_MARKER}:joint:{'+'.join(shas) or 'unsaved'}",
        "comments": " ".join(b.content.provenance.sentence for b in joint.bodies if b.content.provenance),
        "keywords": "; ".join(["risk register", "joint paper", joint.period,
                               *(f"register {b.source}" for b in joint.bodies)]),
    }
    for name, value in values.items():
        setattr(props, name, _fit(wordml.clean(value)))
    props.language = render.LANGUAGE
    props.revision = 1  # as the single paper: an edited joint paper is kept, not replaced
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)


def render_joint(joint: JointContent, template: Path, target: Path) -> None:
    """Write the joint paper for `joint` to `target`, laid out by the Word `template` (its title block, header,
    footer, styles and its portrait and landscape pages; its single-register body text is left out)."""
    context = {**_context(joint), **{name: render._sentinel(name) for name in render.BLOCKS}}
    doc_template = render._open_template(Path(template), context)
    document = doc_template.docx
    render._check_styles(document, Path(template))
    body = document.element.body
    width_cm = render._printable_width_cm(document, "appendix")
    children = list(body.iterchildren())
    first_block = next((i for i, e in enumerate(children) if e.getparent() is body and render._sentinel(
        "data_quality") in "".join(t.text or "" for t in e.iter(render._w("t")))), None)
    if first_block is None:
        raise TemplateError(f"{Path(template).name}: the joint paper keeps the template's title block down to its "
                            "{{ data_quality }} paragraph, which this template lacks. Put {{ data_quality }} on a "
                            "line of its own below the title block.")
    breaks = [e.find(f"{render._w('pPr')}/{render._w('sectPr')}") for e in children if e.tag == render._w("p")]
    landscape = copy.deepcopy(body.find(render._w("sectPr")))
    # the template's first page layout (portrait) for each body's section; its last (landscape) for its appendix
    portrait = copy.deepcopy(next((b for b in breaks if b is not None), landscape))
    for element in children[first_block:]:
        if element.tag != render._w("sectPr"):
            body.remove(element)
    final = body.find(render._w("sectPr"))
    elements: list = [render._paragraph(line, "DataQualityNote") for line in joint.data_quality]
    elements += _summary(joint)
    for index, member in enumerate(joint.bodies):
        elements += _body_section(index + 3, member)
        elements.append(_section_break(portrait))
        elements += _appendix_section(chr(ord("A") + index), member, width_cm)
        if index < len(joint.bodies) - 1:
            elements.append(_section_break(landscape))
    for element in elements:
        final.addprevious(element)
    _set_properties(document, joint)
    doc_template.save(str(target))
