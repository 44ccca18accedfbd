"""Write the board paper: fill the Word template's placeholders, then put the generated tables and pictures in."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from report_builder import appendix, attention, charts, depth_content, redline, wordml
from report_builder.content import MOVEMENT_LEAD, PaperContent
from report_builder.wordml import escape
from templates import STYLE_IDS
from workbook.core import palette
from workbook.core.errors import TemplateError
from workbook.core.words import is_are, number_text, plural, them_it

PLACEHOLDERS_DOC = "templates/PLACEHOLDERS.md"
QUOTE = {'"': "&quot;", "\n": "&#10;"}

# The libraries the paper is written with, each imported where it is used. build_paper imports them in a second
# thread while python-calamine parses the register, which it does without holding the GIL.
WRITING_LIBRARIES = ("docxtpl", "docx.oxml.table", "docx.opc.part", "docx.section", "jinja2.sandbox", "jinja2.meta",
                     "lxml.etree", "xlsxwriter", "zlib_ng.zlib_ng")

# Placeholders that stand alone in a paragraph and are replaced by generated tables, lists and pictures.
BLOCKS = ("data_quality", "rating_table", "movement_table", "movement_sentences", "changes", "charts", "trend_key",
          "attention", "provenance", "appendix")

HEADER_FILL = palette.NAVY
HEADER_FONT = palette.WHITE
LANGUAGE = "en-GB"
EMU_PER_CM = 360_000
HEAT_MAP_CM = 16.0  # the matrix and its impact column, inside the portrait page's 17 cm
HEAT_LABEL_CM = 2.4
KEEP_TOGETHER_CHARS = 1500  # about a third of a page of 8 pt table text

CHART_TYPE = "http://schemas.openxmlformats.org/drawingml/2006/chart"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EMBEDDED_WORKBOOK = "/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"
CHART_PART = "/word/charts/chart%d.xml"


def _sentinel(name: str) -> str:
    return f"⟦riskreg:{name}⟧"


@functools.lru_cache(maxsize=None)
def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=False)
    env.filters.update(plural=plural, is_are=is_are)
    return env


# A Word Template (.dotx) is a document package whose main part says "template": python-docx opens documents only.
DOTX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _as_document(path: Path) -> str | io.BytesIO:
    """Return what python-docx should open for the template at `path`: the file itself, or for a Word Template
    (.dotx) a copy in memory whose main part is declared a document, so the paper made from it is a .docx."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        types = package.read("[Content_Types].xml")
        if DOTX_MAIN not in types:
            return str(path)
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as converted:
            for member in package.infolist():
                data = types.replace(DOTX_MAIN, DOCX_MAIN) if member.filename == "[Content_Types].xml" \
                    else package.read(member)
                converted.writestr(member, data)
    copy.seek(0)
    return copy


def _template_paragraphs(path: Path) -> Iterator[str]:
    """Yield the text of every paragraph of the template: body, tables, headers and footers."""
    import docx

    document = docx.Document(_as_document(path))
    elements = [document.element.body]
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            elements.append(rel.target_part.element)
    for element in elements:
        for paragraph in element.iter(_w("p")):
            yield "".join(t.text or "" for t in paragraph.iter(_w("t")))


def _syntax_error(path: Path, env, error) -> TemplateError:
    """Return the error naming the paragraph whose tag is broken."""
    from jinja2 import TemplateSyntaxError

    for text in _template_paragraphs(path):
        if "{" not in text and "%" not in text:
            continue
        try:
            env.parse(text)
        except TemplateSyntaxError as exc:
            return TemplateError(
                f"{path.name}: broken placeholder tag in the paragraph \"{text.strip()}\": {(exc.message or '').rstrip('.')}. "
                f"Placeholders are written {{{{ name }}}}; see {PLACEHOLDERS_DOC} for the names.")
    return TemplateError(f"{path.name}: broken placeholder tag: {error.message.rstrip('.')}. Check that every "
                         f"{{% if %}} has its {{% endif %}}; see {PLACEHOLDERS_DOC}.")


def _open_template(path: Path, context: Mapping[str, object]):
    """Return the docxtpl template at `path`, rendered with `context` in a sandbox; raise naming bad tags."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    from workbook.files.package_guard import DOCUMENT, check_package

    check_package(path, DOCUMENT, TemplateError)  # a wrong, damaged or hostile file stops here, named
    env = _environment()
    try:
        template = DocxTemplate(_as_document(path))
        template.init_docx()
    except Exception as err:  # the package passed the guard; what python-docx trips on is in the template
        detail = " ".join(str(err).split())[:200] or type(err).__name__
        raise TemplateError(f"{path.name}: cannot be opened as a Word template ({detail}). Open it in Word and "
                            f"save it as a Word Document (.docx) or Word Template (.dotx), then try again.") from None
    try:
        unknown = _undeclared(template, env, context)
    except TemplateSyntaxError as exc:
        raise _syntax_error(path, env, exc) from None
    if unknown:
        names = ", ".join("{{ " + name + " }}" for name in sorted(unknown))
        raise TemplateError(
            f"{path.name}: unknown {plural(unknown, 'placeholder', with_count=False)} {names}. Use the names "
            f"listed in {PLACEHOLDERS_DOC}, or remove {them_it(unknown)} in Word.")
    try:
        template.render(context, jinja_env=env, autoescape=True)
    except TemplateSyntaxError as exc:
        raise _syntax_error(path, env, exc) from None
    except JinjaError as exc:
        raise TemplateError(f"{path.name}: placeholder error: {(exc.message or '').rstrip('.')}. See {PLACEHOLDERS_DOC}.") from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. {% if risk_count > 'ten' %}: a tag's own mistake
        raise TemplateError(f"{path.name}: placeholder error: {exc}. Counts are numbers and other placeholders "
                            f"text; see {PLACEHOLDERS_DOC}.") from None
    return template


def _undeclared(template, env, context: Mapping[str, object]) -> set[str]:
    """Return the placeholders of the body, headers and footers that `context` lacks.

    What docxtpl's get_undeclared_template_variables finds, read from the document already open rather than from
    the second copy of the template it opens (a fifth of the time the sample paper spends on its template).
    """
    from jinja2 import meta

    xml = template.patch_xml(template.get_xml())
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _, part in template.get_headers_footers(uri):
            xml += template.patch_xml(template.get_part_xml(part))
    return meta.find_undeclared_variables(env.parse(xml)) - set(context)


def _check_styles(document, path: Path) -> None:
    # read from the styles part's XML: python-docx's style objects took 20 times as long for the template's 174
    present = {(style.get(_w("type")) or "paragraph", style.get(_w("styleId")))
               for style in document.styles.element.iterchildren(_w("style"))}
    missing = [sid for kind, ids in STYLE_IDS.items() for sid in ids if (kind, sid) not in present]
    if missing:
        raise TemplateError(f"{path.name}: the template lacks the {plural(missing, 'style', with_count=False)} "
                            f"{', '.join(missing)} (style ids) the paper uses. Restore them, or rebuild the "
                            "template with `python templates/make_board_paper.py` and redo your edits.")


# Low-level builders: paragraphs come from wordml's text writer; tables are lxml elements, styles set by id.

def _paragraph(text: str, style: str, **look):
    """Return a w:p element holding `text` (see wordml.ParagraphWriter for the look)."""
    return wordml.element(wordml.paragraph(text, style, **look))


def _shade(tc, fill: str) -> None:
    from lxml import etree

    tcpr = tc.find(_w("tcPr"))
    if tcpr is None:
        tcpr = etree.Element(_w("tcPr"))
        tc.insert(0, tcpr)
    shd = etree.SubElement(tcpr, _w("shd"))
    shd.set(_w("val"), "clear")
    shd.set(_w("color"), "auto")
    shd.set(_w("fill"), fill)


def _table(widths_cm: Sequence[float], rows: int):
    """Return a new w:tbl (python-docx builds it) with fixed layout, the given widths and `rows` rows."""
    from docx.oxml.table import CT_Tbl
    from docx.shared import Cm
    from lxml import etree

    tbl = CT_Tbl.new_tbl(rows, len(widths_cm), Cm(sum(widths_cm)))
    tblpr = tbl.tblPr
    style = tblpr.find(_w("tblStyle"))
    if style is None:
        style = etree.Element(_w("tblStyle"))
        tblpr.insert(0, style)
    style.set(_w("val"), "TableGrid")
    tblw = tblpr.find(_w("tblW"))
    tblw.set(_w("type"), "dxa")
    tblw.set(_w("w"), str(sum(round(Cm(w).twips) for w in widths_cm)))
    layout = etree.SubElement(tblpr, _w("tblLayout"))
    layout.set(_w("type"), "fixed")
    look = tblpr.find(_w("tblLook"))
    if look is not None:
        tblpr.remove(look)
    for col, width in zip(tbl.tblGrid.findall(_w("gridCol")), widths_cm):
        col.set(_w("w"), str(round(Cm(width).twips)))
    for tr in tbl.findall(_w("tr")):
        for tc, width in zip(tr.findall(_w("tc")), widths_cm):
            tcw = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
            tcw.set(_w("type"), "dxa")
            tcw.set(_w("w"), str(round(Cm(width).twips)))
    return tbl


def _row_props(tr, header: bool = False, cant_split: bool = False, min_height_cm: float | None = None) -> None:
    """Set the row properties, in the order the schema requires (cantSplit, trHeight, tblHeader)."""
    from lxml import etree

    trpr = tr.find(_w("trPr"))
    if trpr is None:
        trpr = etree.Element(_w("trPr"))
        tr.insert(0 if tr.find(_w("tblPrEx")) is None else 1, trpr)
    if cant_split:
        etree.SubElement(trpr, _w("cantSplit"))
    if min_height_cm:
        height = etree.SubElement(trpr, _w("trHeight"))
        height.set(_w("val"), str(round(min_height_cm / 2.54 * 1440)))
        height.set(_w("hRule"), "atLeast")
    if header:
        etree.SubElement(trpr, _w("tblHeader"))


def _fill_cell(tc, paragraphs: list) -> None:
    for old in tc.findall(_w("p")):
        tc.remove(old)
    for p in paragraphs:
        tc.append(p)


def _header_row(tr, headers: Sequence[str], keep_next: bool = False, centred: Sequence[int] = ()) -> None:
    """Mark `tr` as the table's header row (repeated on each page, never split) and write its headers."""
    _row_props(tr, header=True, cant_split=True)
    for index, (tc, header) in enumerate(zip(tr.findall(_w("tc")), headers)):
        _shade(tc, HEADER_FILL)
        _fill_cell(tc, [_paragraph(header, "TableHeading", colour=HEADER_FONT, keep_next=keep_next,
                                   centre=index in centred)])


def _describe(tbl, caption: str, description: str) -> None:
    """Give a table the caption and description Word shows as its alternative text."""
    from lxml import etree

    tblpr = tbl.tblPr
    etree.SubElement(tblpr, _w("tblCaption")).set(_w("val"), wordml.clean(caption))
    etree.SubElement(tblpr, _w("tblDescription")).set(_w("val"), wordml.clean(description))


def _simple_table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths_cm: Sequence[float],
                  fills: Sequence[tuple[int, str, str] | None] = (), arrow_size_pt: float | None = None):
    """Return a small table: header row, then text rows; `fills[i]` = (column, fill, font) shades one cell."""
    tbl = _table(widths_cm, len(rows) + 1)
    trs = tbl.findall(_w("tr"))
    _header_row(trs[0], headers, keep_next=True)
    # a small table is kept on one page; a long one (a register's every name) flows on instead of leaving a gap
    small = sum(len(value) for values in rows for value in values) <= KEEP_TOGETHER_CHARS
    for index, (tr, values) in enumerate(zip(trs[1:], rows)):
        _row_props(tr)
        last = index == len(rows) - 1 or not small
        fill = fills[index] if index < len(fills) else None
        for column, (tc, value) in enumerate(zip(tr.findall(_w("tc")), values)):
            shaded = fill if fill is not None and fill[0] == column else None
            if shaded is not None:
                _shade(tc, shaded[1])
            # keep-with-next on all rows but the last keeps a small table on one page
            _fill_cell(tc, [_paragraph(value, "TableText", bold=shaded is not None,
                                       colour=shaded[2] if shaded is not None else None,
                                       keep_next=not last, arrow_size_pt=arrow_size_pt)])
    return tbl


# The blocks.

def _rating_table(content: PaperContent) -> list:
    headers = ["Residual rating", *content.rating_periods]
    rows = [[row.rating, *map(number_text, row.counts)] for row in content.rating_rows]
    totals = [sum(row.counts[i] for row in content.rating_rows) for i in range(len(content.rating_periods))]
    rows.append(["Total", *map(number_text, totals)])
    fills = [(0, row.fill, row.font) for row in content.rating_rows]
    widths = [4.0] + [2.6] * len(content.rating_periods)
    exempt = [_paragraph(content.exempt_note, "Normal", space_before_pt=6)] if content.exempt_note else []
    return [_simple_table(headers, rows, widths, fills), *exempt]


def _movement_table(content: PaperContent) -> list:
    rows = [[row.label, number_text(row.count), row.which] for row in content.movement_rows]
    return [_simple_table(["Movement", "Risks", "Which risks"], rows, [3.2, 1.6, 12.2])]


def _movement_sentences(content: PaperContent) -> list:
    if not content.movement_sentences:
        return [_paragraph("No risk changed its trend this quarter.", "Normal", space_before_pt=8)]
    # space above the lead: it follows the movement table
    return [_paragraph(MOVEMENT_LEAD, "Normal", space_before_pt=8, keep_next=True),
            *(_paragraph(sentence, "ListBullet") for sentence in content.movement_sentences)]


def _new_docpr_id(document) -> int:
    ids = [int(e.get("id")) for e in document.element.iter(f"{{{WP_NS}}}docPr") if (e.get("id") or "").isdecimal()]
    return max(ids, default=0) + 1


def _chart_paragraph(document, content: PaperContent):
    """Return a paragraph holding the native ratings chart; add its chart part and embedded workbook."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part

    package = document.part.package
    chart_part = Part(package.next_partname(CHART_PART), CT.DML_CHART, b"", package)
    chart_rid = document.part.relate_to(chart_part, RT.CHART)
    data_part = Part(package.next_partname(EMBEDDED_WORKBOOK), CT.SML_SHEET, b"", package)
    chart = charts.rating_chart(content.distribution, chart_part.relate_to(data_part, RT.PACKAGE),
                                ratings=content.scale())
    chart_part._blob, data_part._blob = chart.xml, chart.workbook
    number = _new_docpr_id(document)
    drawing = (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="{WP_NS}">'
        f'<wp:extent cx="{round(chart.width_cm * EMU_PER_CM)}" cy="{round(chart.height_cm * EMU_PER_CM)}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{number}" name="Chart {number}" title="{escape(chart.caption)}" '
        f'descr="{escape(chart.alt_text, QUOTE)}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{CHART_TYPE}">'
        f'<c:chart xmlns:c="{CHART_TYPE}" xmlns:r="{R_NS}" r:id="{chart_rid}"/>'
        f'</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    paragraph = wordml.element(
        f'<w:p>{wordml.paragraph_properties("Normal", keep_next=True, centre=True)}{drawing}</w:p>')
    return paragraph, chart.caption


def _heat_map(content: PaperContent):
    """Return the likelihood × impact matrix of the residual positions, each with last quarter's when it moved."""
    ratings = dict(content.cell_ratings)
    return _matrix_table(charts.heat_cells(content.heat_points, content.score_scale, ratings),
                         "Likelihood and impact of open risks",
                         charts.heat_map_alt_text(content.heat_points, content.score_scale, ratings))


def _movement_grid(content: PaperContent) -> list:
    """Return the matrix of each risk's inherent, residual and target positions, with its key, when asked for."""
    if not content.movement_points:
        return []
    ratings, scale = dict(content.cell_ratings), content.score_scale
    caption = "Inherent, residual and target positions on the matrix"
    number = bool(content.distribution) + bool(content.heat_points) + 1  # after the charts block's figures
    return [_paragraph(f"Figure {number}: {caption}", "Caption", keep_next=True),
            _matrix_table(charts.movement_cells(content.movement_points, scale, ratings), caption,
                          charts.movement_alt_text(content.movement_points, scale, ratings)),
            _paragraph(f"Key: {depth_content.MOVEMENT_KEY}", "Caption")]


def _matrix_table(rows: Sequence[Sequence[charts.HeatCell]], caption: str, alt: str):
    """Return a likelihood × impact matrix as a table: each cell its rating band in words and colour, and its
    lines."""
    scale = len(rows)
    width = round(min(2.6, (HEAT_MAP_CM - HEAT_LABEL_CM) / scale), 2)
    headers = ["Impact", *(f"Likelihood {n}" for n in range(1, scale + 1))]
    tbl = _table([HEAT_LABEL_CM] + [width] * scale, scale + 1)
    trs = tbl.findall(_w("tr"))
    _header_row(trs[0], headers, keep_next=True, centred=range(1, scale + 1))
    for tr, cells in zip(trs[1:], rows):
        _row_props(tr, cant_split=True)
        tcs = tr.findall(_w("tc"))
        _fill_cell(tcs[0], [_paragraph(f"Impact {cells[0].impact}", "TableHeading", keep_next=True)])
        for tc, cell in zip(tcs[1:], cells):
            _shade(tc, cell.band.fill)
            look = {"colour": cell.band.font, "centre": True, "keep_next": True}
            _fill_cell(tc, [_paragraph(cell.band.name, "TableHeading", **look),
                            *(_paragraph(line, "TableText", **look) for line in cell.lines)])
    _describe(tbl, caption, alt)
    return tbl


def _charts(document, content: PaperContent) -> list:
    elements = []
    number = 0
    if content.distribution:
        paragraph, caption = _chart_paragraph(document, content)
        number += 1
        elements += [paragraph, _paragraph(f"Figure {number}: {caption}", "Caption", centre=True)]
    if content.heat_points:
        number += 1
        counted = len(content.heat_points) > charts.LABELLED_RISKS
        caption = ("Residual likelihood and impact: the number of open risks in each cell" if counted else
                   "Residual likelihood and impact: each risk in its cell; (was L×I) gives last quarter's "
                   "cell of a risk that moved")
        elements += [_paragraph(f"Figure {number}: {caption}", "Caption", keep_next=True), _heat_map(content)]
        if counted:
            rows = charts.cell_listing(content.heat_points, content.score_scale, dict(content.cell_ratings))
            elements += [_paragraph(f"Table: the risks in each cell of Figure {number}, most severe first",
                                    "Caption", keep_next=True),
                         _simple_table(["Likelihood × impact", "Band", "Risks"], [list(row) for row in rows],
                                       [3.2, 2.4, 11.4])]
        if content.heat_map_note:
            elements.append(_paragraph(content.heat_map_note, "Normal", space_before_pt=6))
    return elements


def _trend_key(content: PaperContent) -> list:
    return [_simple_table(["Trend", "Meaning"], [list(pair) for pair in content.trend_key], [2.0, 15.0],
                          arrow_size_pt=appendix.ARROW_CELL_PT)]


def _titled_table(title: str, when_empty: str, headers: list[str], rows: list[list], widths: list[float]) -> list:
    """Return a Heading 2 (under section 5's Heading 1) and its table, or the sentence that says the table would
    be empty."""
    heading = _paragraph(title, "Heading2")
    if not rows:
        return [heading, _paragraph(when_empty, "Normal")]
    return [heading, _simple_table(headers, rows, widths)]


def _appetite_table(content: PaperContent) -> list:
    """Return the risks outside appetite, by category, when the register has an Appetite sheet."""
    if not content.has_appetite:
        return []
    measure = content.appetite_rows[0].measure if content.appetite_rows else "rating"
    if content.appetite_counted:
        return _counted_table("Risks outside appetite", content.appetite_counted, [3.0, 2.4, 3.0, 2.8, 2.6],
                              depth_content.APPETITE_NOTES[measure])
    tolerance, residual = depth_content.APPETITE_HEADERS[measure]
    elements = _titled_table("Risks outside appetite", "Every open risk is within its category's tolerance.",
                             ["Category", "Appetite", tolerance, "Risk", residual, "Outside by"],
                             [[r.category, r.appetite, r.tolerance, r.risk, r.residual, r.beyond]
                              for r in content.appetite_rows], [2.6, 2.0, 2.5, 4.7, 2.2, 3.0])
    if content.appetite_rows:  # which measure the table gives, under its title
        elements.insert(1, _paragraph(depth_content.APPETITE_NOTES[measure], "Normal", keep_next=True))
    return elements


def _action_table(content: PaperContent) -> list:
    """Return the actions overdue at the end of the quarter or due in the next, when the register has actions."""
    if not content.has_actions:
        return []
    if content.actions_counted:
        return _counted_table("Actions overdue or due next quarter", content.actions_counted, [5.0, 2.6, 2.6])
    return _titled_table("Actions overdue or due next quarter", "No action is overdue or due next quarter.",
                         ["Risk", "Action", "Owner", "Due", "Status", "State"],
                         [[r.risk_id, r.action, r.owner, r.due, r.status, r.state] for r in content.action_rows],
                         [1.6, 6.0, 2.6, 2.4, 2.0, 2.4])


def _counted_table(title: str, counted: depth_content.CountedTable, widths: list[float], note: str = "") -> list:
    """Return a Heading 2, the sentence saying what a long table counts (and `note`), and the counts."""
    lead = [_paragraph(counted.lead, "Normal", keep_next=True)] + ([_paragraph(note, "Normal", keep_next=True)]
                                                                    if note else [])
    return [_paragraph(title, "Heading2"), *lead,
            _simple_table(list(counted.headers), [list(row) for row in counted.rows], widths)]


def _positions_table(content: PaperContent) -> list:
    """Return each risk's inherent, residual and target positions, when the paper was asked for them."""
    if not content.position_rows:
        return []
    rows = [[r.risk, r.inherent, r.residual, r.target, r.target_date] for r in content.position_rows]
    return [_paragraph(POSITIONS_HEADING, "Heading1"),
            _paragraph("Likelihood × impact = score on the register's matrix.", "Normal", keep_next=True),
            _simple_table(["Risk", "Inherent", "Residual", "Target", "Target date"], rows,
                          [5.2, 2.8, 2.8, 2.8, 3.4]), *_movement_grid(content)]


# The in-depth paper's own section for the positions table and the movement grid, after section 5's risks.
POSITIONS_HEADING = "6. Inherent, residual and target positions"


def _attention(content: PaperContent) -> list:
    return _attention_items(content) + _positions_table(content)


def _attention_counts(content: PaperContent) -> list:
    """Return section 5 of a long register: its risks counted by rating and reason, each in full in the appendix."""
    counts = attention.attention_counts(content.attention)
    colours = {row.rating: (row.fill, row.font) for row in content.rating_rows}
    rows = [[rating, number_text(count), *map(number_text, by_reason)] for rating, count, by_reason in counts.rows]
    total, by_reason = counts.total
    rows.append(["Total", number_text(total), *map(number_text, by_reason)])
    fills = [(0, *colours[rating]) if rating in colours else None for rating, _, _ in counts.rows]
    widths = [3.4, 1.8] + [round(11.8 / max(1, len(counts.reasons)), 2)] * len(counts.reasons)
    return [_paragraph(attention.counted_lead(content.attention), "Normal", keep_next=True),
            _paragraph("Table: the risks requiring the Committee's attention, by residual rating and reason", "Caption",
                       keep_next=True),
            _simple_table(["Residual rating", "Risks", *counts.reasons], rows, widths, fills)]


def _attention_items(content: PaperContent) -> list:
    elements = _appetite_table(content) + _action_table(content)
    if not content.attention:
        severest = content.rating_rows[0].rating if content.rating_rows else "in the most severe band"
        reasons = f"{severest}, new, escalating or outside appetite" if content.has_appetite \
            else f"{severest}, new or escalating"
        return elements + [_paragraph(f"No risk is {reasons} this quarter.", "Normal")]
    if not attention.in_full(content.attention):
        return elements + _attention_counts(content)
    heading, normal, lead, label, bullet = (wordml.ParagraphWriter("Heading2"), wordml.ParagraphWriter("Normal"),
                                            wordml.ParagraphWriter("Normal", keep_next=True),
                                            wordml.ParagraphWriter("FieldLabel", keep_next=True),
                                            wordml.ParagraphWriter("ListBullet"))
    written = []  # every risk's paragraphs as text, parsed once: a 1,000-risk register brings some 3,000
    for item in content.attention:
        written.append(heading(item.heading))
        written.append(lead(f"Residual risk rating: {item.rating}. Brought to the Committee for: "
                            f"{', '.join(item.reasons)}."))
        written.extend(lead(line) for line in item.details)
        for name, text in item.sections:
            written.append(label(name))
            written.extend((bullet if para.bullet else normal)(para.text) for para in text)
            if not text:
                written.append(normal(""))
        if item.actions:
            written.append(label("Actions overdue or due next quarter"))
            written.extend(bullet(line) for line in item.actions)
    return elements + wordml.elements("".join(written))


def _data_quality(content: PaperContent) -> list:
    if not content.data_quality:
        return []
    first, *rest = content.data_quality
    return [_paragraph(first, "DataQualityNote")] + [_paragraph(line, "ListBullet") for line in rest]


def _provenance(content: PaperContent) -> list:
    return [_paragraph(content.provenance.sentence, "Provenance")] if content.provenance else []


NO_RISKS = "There are no open risks on the register this quarter, so the appendix lists none."


def _appendix(content: PaperContent, widths: Sequence[float]) -> list:
    """Return the full-register table: its header row, and the mark where the rows are streamed in on saving."""
    from lxml import etree

    if not content.appendix_rows:
        return [_paragraph(NO_RISKS, "Normal")]
    columns = content.appendix_columns
    tbl = _table(widths, 1)
    _header_row(tbl.find(_w("tr")), [c.header for c in columns],
                centred=[i for i, c in enumerate(columns) if c.kind in appendix.CENTRED_KINDS])
    _describe(tbl, "The register", f"Every open risk on the register, {len(content.appendix_rows)} rows, most "
                                   "severe rating first, then by ID.")
    tbl.append(etree.Comment(appendix.ROWS_COMMENT))
    return [tbl]


def _printable_width_cm(document, block: str) -> float:
    """Return the width between the margins of the section that holds `block`'s placeholder."""
    from docx.section import Section

    body = document.element.body
    mark = _sentinel(block)
    found = False
    for element in body.iterchildren():
        if not found and element.tag == _w("p") and mark in "".join(t.text or "" for t in element.iter(_w("t"))):
            found = True
        if found:
            sect = element.find(f"{_w('pPr')}/{_w('sectPr')}") if element.tag == _w("p") else None
            if sect is not None:
                break
    else:
        sect = body.find(_w("sectPr"))
    if sect is None:
        return appendix.WIDTH_CM
    section = Section(sect, document.part)
    if not (section.page_width and section.left_margin is not None and section.right_margin is not None):
        return appendix.WIDTH_CM
    return round((section.page_width - section.left_margin - section.right_margin) / EMU_PER_CM - 0.1, 2)


def _replace_blocks(document, content: PaperContent, path: Path, widths: Sequence[float] = (),
                    appendix_block: list | None = None) -> set[str]:
    """Put each block's generated elements where its placeholder paragraph stands; return the blocks placed."""
    body = document.element.body
    builders = {
        "data_quality": lambda: _data_quality(content),
        "rating_table": lambda: _rating_table(content),
        "movement_table": lambda: _movement_table(content),
        "movement_sentences": lambda: _movement_sentences(content),
        "changes": lambda: redline.changes_block(content),
        "charts": lambda: _charts(document, content),
        "trend_key": lambda: _trend_key(content),
        "attention": lambda: _attention(content),
        "provenance": lambda: _provenance(content),
        "appendix": lambda: appendix_block if appendix_block is not None else _appendix(content, widths),
    }
    sentinels = {_sentinel(name): name for name in BLOCKS}
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            text = "".join(t.text or "" for t in rel.target_part.element.iter(_w("t")))
            for mark, name in sentinels.items():
                if mark in text:
                    raise TemplateError(f"{path.name}: the placeholder {{{{ {name} }}}} is in a header or footer; "
                                        "it makes tables and pictures, so move it to a paragraph of its own in the "
                                        "body.")
    placed = set()
    for paragraph in list(body.iter(_w("p"))):
        text = "".join(t.text or "" for t in paragraph.iter(_w("t")))
        found = [name for mark, name in sentinels.items() if mark in text]
        if not found:
            continue
        if len(found) > 1 or text.strip() != _sentinel(found[0]):
            raise TemplateError(f"{path.name}: the placeholder {{{{ {found[0]} }}}} must stand alone in its "
                                f"paragraph (found \"{text.replace(_sentinel(found[0]), '{{ ' + found[0] + ' }}')}\"). "
                                "Put it on a line of its own in Word.")
        if paragraph.getparent() is not body:
            raise TemplateError(f"{path.name}: the placeholder {{{{ {found[0]} }}}} is inside a table; it makes "
                                "tables and pictures, so move it to a paragraph of its own outside the table.")
        placed.add(found[0])
        elements = builders[found[0]]()
        if found[0] == "provenance" and elements:
            _keep_with_next(paragraph.getprevious())  # the line never stands alone on a page
        for element in elements:
            paragraph.addprevious(element)
        ppr = paragraph.find(_w("pPr"))
        section = ppr.find(_w("sectPr")) if ppr is not None else None
        if section is not None and elements and elements[-1].tag == _w("p"):
            _ppr(elements[-1]).append(section)  # the section break moves onto the block's last paragraph
            paragraph.getparent().remove(paragraph)
        elif section is not None:
            for run in paragraph.findall(_w("r")):
                paragraph.remove(run)
        else:
            paragraph.getparent().remove(paragraph)
    return placed


def _keep_with_next(element) -> None:
    from lxml import etree

    if element is None or element.tag != _w("p"):
        return
    ppr = _ppr(element)
    if ppr.find(_w("keepNext")) is None:
        style = ppr.find(_w("pStyle"))
        keep = etree.Element(_w("keepNext"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)


def _ppr(p):
    from lxml import etree

    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    return ppr


def _set_properties(document, content: PaperContent) -> None:
    import datetime as dt

    block, provenance = content.title_block, content.provenance
    values = {
        "title": block.title,
        "subject": f"{block.committee}: {block.register_title}, {block.period_long}",
        "author": block.author,
        "last_modified_by": "riskreg",
        "category": "Board paper",
        "identifier": content.identifier,
        "comments": provenance.sentence if provenance else "",
        "keywords": "; ".join(filter(None, (
            "risk register", block.period, f"register {provenance.file_name}" if provenance else None,
            f"sha256 {provenance.short_sha}" if provenance else None))),
    }
    props = document.core_properties
    for name, value in values.items():
        setattr(props, name, wordml.clean(value))
    props.language = LANGUAGE
    props.revision = 1  # Word raises it on save: how build.is_previous_paper tells an edited paper
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now


def import_libraries() -> None:
    """Import what writing the paper takes (about a third of a 1,000-risk paper's start), ahead of its use."""
    import importlib

    for name in WRITING_LIBRARIES:
        importlib.import_module(name)


def render(content: PaperContent, template: Path, target: Path) -> None:
    """Write the paper for `content` to `target`, laid out by the Word `template`."""
    template = Path(template)
    context = {**{key: wordml.clean(value) if isinstance(value, str) else value
                  for key, value in content.placeholders().items()},
               **{name: _sentinel(name) for name in BLOCKS}}
    doc_template = _open_template(template, context)
    document = doc_template.docx
    _check_styles(document, template)
    widths = appendix.column_widths(content.appendix_columns, content.appendix_rows,
                                    _printable_width_cm(document, "appendix"))
    # The appendix rows are written and deflated beside the rest of the paper: most of a long paper's bytes. Its
    # table's head comes first: a long appendix is several tables, each opening with it.
    appendix_block = _appendix(content, widths)
    rows = appendix.deflated_rows(content.appendix_columns, content.appendix_rows, widths,
                                  appendix.table_head(appendix_block[0])) if content.appendix_rows else None
    placed = _replace_blocks(document, content, template, widths, appendix_block)
    _set_properties(document, content)
    if "appendix" in placed and rows is not None:
        saved = io.BytesIO()
        doc_template.save(saved)
        appendix.write_with_rows(saved.getvalue(), Path(target), rows())
    else:
        doc_template.save(str(target))
