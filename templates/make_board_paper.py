"""Build templates/board_paper.docx from python-docx's default document, so the template can be reviewed as code.

Run `python templates/make_board_paper.py` after changing this file; the secretariat then edits the .docx in
Word (fonts, headings, fixed wording, logo) and those edits, not this script, shape the next paper.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from templates import BOARD_PAPER, STYLE_IDS  # noqa: E402
from templates.wording import DEFAULT_WORDING  # noqa: E402
from workbook.core import palette  # noqa: E402

FONT = "Arial"
ARROW_FONT = "Segoe UI Symbol"  # has ↗ ↘ →; LibreOffice falls back to DejaVu Sans, which has them too
NAVY = RGBColor.from_string(palette.NAVY)
LANGUAGE = "en-GB"


def set_fonts(rpr_owner, name: str) -> None:
    """Set explicit fonts, dropping theme fonts (Word prefers a theme font over an explicit one)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), name)


def paragraph_style(doc, name: str, base: str = "Normal", size: float | None = None, bold: bool = False,
                    keep_next: bool = False, before: float | None = None, after: float | None = None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    if size:
        style.font.size = Pt(size)
    style.font.bold = bold or None
    fmt = style.paragraph_format
    fmt.keep_with_next = keep_next or None
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    return style


def add_field(paragraph, instruction: str) -> None:
    """Add a Word field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out the pages."""
    def fld_char(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run("1")
    fld_char("end")


def set_language(rpr, language: str) -> None:
    """Set the language of text in `rpr` (spell-check, hyphenation, and what a screen reader speaks)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("val", "eastAsia"):
        lang.set(qn(f"w:{attr}"), language)


def styles(doc) -> None:
    """Restyle the default document in the house look and add the styles the paper's code uses by id."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), FONT)
    set_language(fonts.getparent(), LANGUAGE)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in (("Title", 20, 6), ("Heading 1", 14, 18), ("Heading 2", 12, 12), ("Heading 3", 11, 10)):
        style = doc.styles[name]
        set_fonts(style.element, FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.bold = True
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title = doc.styles["Title"]
    title_ppr = title.element.pPr
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    doc.styles["Caption"].font.color.rgb = NAVY
    doc.styles["Caption"].font.size = Pt(9)
    set_fonts(doc.styles["Caption"].element, FONT)

    paragraph_style(doc, "Marking", size=11, bold=True, after=0).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph_style(doc, "Page Number", size=9, after=0).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph_style(doc, "Organisation", size=14, bold=True, after=0).font.color.rgb = NAVY
    paragraph_style(doc, "Field Label", size=11, bold=True, keep_next=True, before=6, after=2)
    paragraph_style(doc, "Table Text", size=8, after=2).paragraph_format.line_spacing = 1.0
    paragraph_style(doc, "Table Heading", base="Table Text", bold=True)
    bullet = paragraph_style(doc, "Table Bullet", base="Table Text")
    # A list style by id needs its own numbering: copy List Bullet's, with a tighter indent for narrow cells.
    ppr = bullet.element.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    num_id = OxmlElement("w:numId")
    num_id.set(qn("w:val"), doc.styles["List Bullet"].element.pPr.numPr.numId.get(qn("w:val")))
    num_pr.append(num_id)
    ppr.insert(0, num_pr)
    bullet.paragraph_format.left_indent = Cm(0.35)
    bullet.paragraph_format.first_line_indent = Cm(-0.3)
    note = paragraph_style(doc, "Data Quality Note", size=10, bold=True, after=4)
    note.font.color.rgb = RGBColor.from_string(palette.DATA_QUALITY_TEXT)
    paragraph_style(doc, "Provenance", size=8, before=18).font.color.rgb = RGBColor.from_string(palette.PROVENANCE_TEXT)
    arrow = doc.styles.add_style("Trend Arrow", WD_STYLE_TYPE.CHARACTER)
    set_fonts(arrow.element, ARROW_FONT)


def header_footer(section) -> None:
    header = section.header.paragraphs[0]
    header.style = "Marking"
    header.text = "{{ marking }}"
    footer = section.footer
    page = footer.paragraphs[0]
    page.style = "Page Number"
    page.add_run("Page ")
    add_field(page, "PAGE")
    page.add_run(" of ")
    add_field(page, "NUMPAGES")
    footer.add_paragraph("{{ marking }}", style="Marking")


def body(doc) -> None:
    # The title block is paragraphs with tab stops, not a layout table: a screen reader reads it in order and a
    # tagged PDF has no table without headers. The secretariat may paste the force logo before the name.
    top = doc.add_paragraph(style="Organisation")
    top.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    top.add_run("{{ organisation }}")
    item = top.add_run("\t{% if agenda_item %}Agenda item {{ agenda_item }}{% endif %}")
    item.bold, item.font.size = False, Pt(11)
    doc.add_paragraph("{{ title }}", style="Title")

    meeting_date = "{% if meeting_date %}{{ meeting_date }}{% else %}To be confirmed{% endif %}"
    for label, value in (("Committee", "{{ committee }}"), ("Date of meeting", meeting_date),
                         ("Report of", "{{ report_of }}"), ("Author", "{{ author }}"),
                         ("Protective marking", "{{ marking }}")):
        line = doc.add_paragraph()
        line.paragraph_format.tab_stops.add_tab_stop(Cm(4.5))
        line.paragraph_format.space_after = Pt(2)
        line.add_run(label).bold = True
        line.add_run(f"\t{value}")
    doc.add_paragraph("{{ data_quality }}")

    doc.add_heading("1. Purpose", 1)
    for text in DEFAULT_WORDING["purpose"]:
        doc.add_paragraph(text)
    doc.add_heading("2. Recommendation", 1)
    for text in DEFAULT_WORDING["recommendation"]:
        doc.add_paragraph(text)
    doc.add_heading("3. Background", 1)
    for text in DEFAULT_WORDING["background"]:
        doc.add_paragraph(text)

    doc.add_heading("4. Summary of the register", 1)
    doc.add_paragraph("There {{ risk_count | is_are }} {{ risk_count | plural('open risk') }} on the register this "
                      "quarter: {{ rating_counts }}.")
    doc.add_heading("4.1 Risks by residual rating", 2)
    doc.add_paragraph("{{ rating_table }}")
    doc.add_heading("4.2 Movement this quarter", 2)
    doc.add_paragraph("{{ movement_table }}")
    doc.add_paragraph("{{ movement_sentences }}")
    doc.add_heading("4.3 What changed since the last paper", 2)
    doc.add_paragraph("{{ changes }}")
    doc.add_heading("4.4 Risk profile", 2)
    doc.add_paragraph("{{ charts }}")
    doc.add_heading("4.5 Trend key", 2)
    doc.add_paragraph("{{ trend_key }}")

    doc.add_heading("5. Risks requiring the Committee's attention", 1)
    doc.add_paragraph("Every {{ most_severe }} risk and every risk that is new or escalating this quarter"
                      "{% if has_appetite %} or outside its category's appetite{% endif %} "
                      "({{ attention_count | plural('risk') }}){% if attention_in_full %}, with its description, "
                      "impact and key controls{% else %}, counted by rating and reason{% endif %}."
                      ).paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ attention }}")
    doc.add_paragraph("{{ provenance }}")

    appendix = doc.add_section(WD_SECTION.NEW_PAGE)
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Cm(29.7), Cm(21.0)
    doc.add_heading("Appendix A: {{ register_title }} – {{ period_long }}", 1)
    doc.add_paragraph("{{ appendix }}")


STYLE_LINKS = ("basedOn", "next", "link")


def keep_only_used_styles(doc) -> None:
    """Drop the style definitions nothing uses, and Word 2010's stylesWithEffects copy of them.

    python-docx's default document defines 174 styles (every table and list style of Word's gallery) in 790 KB of
    XML that every paper would parse, check and save again. Word offers its built-in styles from the latent list
    whether defined or not, and writes a definition when one is first applied, so the secretary loses nothing.
    Kept: the defaults, the styles the template's parts and the paper's content use, and those they build on.
    """
    import re

    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    styles = doc.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterchildren(qn("w:style"))}
    used = {sid for ids in STYLE_IDS.values() for sid in ids}
    used |= {sid for sid, style in by_id.items() if style.get(qn("w:default")) == "1"}
    for part in (doc.part, *(section.header.part for section in doc.sections),
                 *(section.footer.part for section in doc.sections)):
        used |= set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', part.element.xml))
    kept: set[str] = set()
    while used:
        sid = used.pop()
        if sid in kept or sid not in by_id:
            continue
        kept.add(sid)
        for link in STYLE_LINKS:
            linked = by_id[sid].find(qn(f"w:{link}"))
            if linked is not None:
                used.add(linked.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in kept:
            styles.remove(style)


def build(target: Path = BOARD_PAPER) -> Path:
    """Write the board paper template to `target`."""
    doc = docx.Document()
    styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    section.header_distance = section.footer_distance = Cm(1)
    header_footer(section)
    body(doc)
    keep_only_used_styles(doc)
    # python-docx's default settings say <w:zoom w:val="bestFit"/>; ECMA-376 requires w:percent on w:zoom.
    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")
    props = doc.core_properties
    props.author = "riskreg"
    props.title = "Board paper template"
    props.comments = "Template of the riskreg board paper; placeholders are listed in templates/PLACEHOLDERS.md."
    props.last_modified_by = "riskreg"
    props.language = LANGUAGE
    props.revision = 1
    drop_blank_thumbnail(doc)
    doc.save(str(target))
    return target


def drop_blank_thumbnail(doc) -> None:
    """Remove python-docx's default preview picture, a blank white page: a paper shows no preview rather than a
    wrong one (Word writes a real one when the secretary saves with "Save Thumbnail")."""
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)


if __name__ == "__main__":
    print(build())
