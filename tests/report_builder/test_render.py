"""The Word paper as written: read back with python-docx, and opened by LibreOffice."""

import re
import subprocess
import zipfile

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm
from support.riskreg_testing import required_tool

from report_builder.content import build_content
from report_builder.render import render
from templates import BOARD_PAPER
from workbook.core.errors import TemplateError
from workbook.core.schema import RATING_BY_NAME


@pytest.fixture
def paper(tmp_path, paper_content):
    target = tmp_path / "paper.docx"
    render(paper_content, BOARD_PAPER, target)
    return target


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _appendix(path):
    return docx.Document(str(path)).tables[-1]


def test_every_risk_id_name_and_word_of_text_is_in_the_paper(paper, scored_register):
    document = docx.Document(str(paper))
    body = _text(document.element.body)
    appendix = _text(_appendix(paper)._tbl)
    for risk in scored_register.risks:
        if risk.is_closed:
            assert f"{risk.id} {risk.name}" in body  # named among the closed risks, not in the appendix
            assert risk.id not in appendix
            continue
        assert risk.id in appendix and risk.name in appendix
        for key in ("description", "impact", "controls"):
            for word in re.findall(r"[\w&'-]+", risk.text(key)):
                assert word in appendix, (risk.id, key, word)


def test_appendix_has_a_row_per_open_risk_with_the_header_repeated_and_each_row_on_one_page(paper):
    table = _appendix(paper)
    rows = table._tbl.findall(qn("w:tr"))
    assert len(rows) == 4 + 1
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    # a short row is kept on one page, so every page starts with a row naming its risk
    assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows[1:])
    assert [_text(tc) for tc in rows[0].findall(qn("w:tc"))] == [
        "ID", "Risk Name", "Description", "Impact", "Key Controls and Activities", "Q4 Trending", "Q1 Trending",
        "Q2 Trending", "Residual Risk Rating"]  # scores are on the heat map; Settings may add them
    assert [_text(row.findall(qn("w:tc"))[0]) for row in rows[1:]] == ["CRR18", "CRR02", "CRR05", "CRR11"]


def test_rating_cells_are_shaded_in_the_register_colours(paper):
    for row in _appendix(paper)._tbl.findall(qn("w:tr"))[1:]:
        cell = row.findall(qn("w:tc"))[8]
        rating = RATING_BY_NAME[_text(cell)]
        assert cell.find(f"{qn('w:tcPr')}/{qn('w:shd')}").get(qn("w:fill")) == rating.fill
        assert {c.get(qn("w:val")) for c in cell.iter(qn("w:color"))} == {rating.font}


def test_marking_and_page_x_of_y_are_in_every_section_header_and_footer(paper):
    document = docx.Document(str(paper))
    assert len(document.sections) == 2
    for section in document.sections:
        assert [p.text for p in section.header.paragraphs] == ["OFFICIAL-SENSITIVE"]
        assert [p.text for p in section.footer.paragraphs] == ["Page 1 of 1", "OFFICIAL-SENSITIVE"]
        instructions = [i.text.strip() for i in section.footer._element.iter(qn("w:instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"]


def test_appendix_section_is_landscape_and_its_table_fits_the_printable_width(paper):
    document = docx.Document(str(paper))
    first, appendix = document.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert appendix.orientation == WD_ORIENT.LANDSCAPE and appendix.page_width > appendix.page_height
    printable = appendix.page_width - appendix.left_margin - appendix.right_margin
    grid = [int(col.get(qn("w:w"))) for col in _appendix(paper)._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) * 635 <= printable  # twips to EMU
    assert printable < Cm(25.8)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "Appendix A: Corporate Risk Register – Quarter 2 2021/22"


def test_the_chart_and_the_heat_map_are_in_the_paper_with_captions(paper):
    document = docx.Document(str(paper))
    assert len(document.inline_shapes) == 1  # the chart; the heat map is a table
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"] == [
        "Figure 1: Open risks by residual rating, by quarter",
        "Figure 2: Residual likelihood and impact: each risk in its cell; (was L×I) gives last quarter's cell of a "
        "risk that moved"]


def test_bullets_are_word_list_paragraphs(paper):
    document = docx.Document(str(paper))
    crr05 = _appendix(paper)._tbl.findall(qn("w:tr"))[3].findall(qn("w:tc"))[4]
    styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in crr05.iter(qn("w:p"))]
    assert styles == ["TableBullet", "TableBullet"]
    bullet_style = document.styles.element.get_by_id("TableBullet")
    assert bullet_style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}") is not None
    attention_bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Extra courses funded" in attention_bullets and "Knife crime taskforce" in attention_bullets
    assert "CRR05 Demand Management is → Unchanged this quarter, after ↗ Escalating last quarter." in attention_bullets


def test_trend_arrows_are_set_in_the_arrow_font_style(paper):
    document = docx.Document(str(paper))
    arrow_runs = [r for r in document.element.body.iter(qn("w:r")) if _text(r) in ("↗", "→", "↘")]
    assert arrow_runs
    for run in arrow_runs:
        assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "TrendArrow"
    fonts = document.styles.element.get_by_id("TrendArrow").find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == "Segoe UI Symbol"


def test_title_block_and_template_wording_are_filled_in(paper, read_paper):
    lines = read_paper(paper)
    assert "Title: Corporate Risk Register – Quarter 2 2021/22" in lines
    assert "Normal: Date of meeting\t30 September 2021" in lines
    assert "Organisation: West Midlands Police\tAgenda item 7" in lines
    assert ("Normal: There are 4 open risks on the register this quarter: 1 Critical, 2 High, 1 Medium and 0 Low."
            in lines)
    assert not [line for line in lines if "{{" in line or "{%" in line or "⟦" in line]


def test_document_properties_carry_title_and_provenance_and_no_macros_or_external_links(paper):
    props = docx.Document(str(paper)).core_properties
    assert props.title == "Corporate Risk Register – Quarter 2 2021/22"
    assert props.subject == "Joint Audit Committee: Corporate Risk Register, Quarter 2 2021/22"
    assert props.comments == ("Built from register file register.xlsx, last modified 14 September 2021 10:32 UTC, "
                              "SHA-256 3f2a9c1b7d0e.")
    assert "sha256 3f2a9c1b7d0e" in props.keywords
    assert props.identifier == "riskreg:board-paper:3f2a9c1b7d0e"
    with zipfile.ZipFile(paper) as archive:
        names = archive.namelist()
        rels = "".join(archive.read(n).decode() for n in names if n.endswith(".rels"))
    assert not [n for n in names if "vba" in n.lower()]
    assert 'TargetMode="External"' not in rels


def _edited_template(tmp_path, edit):
    document = docx.Document(str(BOARD_PAPER))
    edit(document)
    path = tmp_path / "my_template.docx"
    document.save(str(path))
    return path


def test_edits_to_the_template_wording_change_the_paper(tmp_path, paper_content, read_paper):
    def edit(document):
        for paragraph in document.paragraphs:
            if paragraph.text == "3. Background":
                paragraph.text = "3. Our risk framework"
            elif paragraph.text.startswith("Residual risks are rated"):
                paragraph.text = "Risks are reviewed monthly by {{ report_of }}."

    target = tmp_path / "paper.docx"
    render(paper_content, _edited_template(tmp_path, edit), target)
    lines = read_paper(target)
    assert "Heading 1: 3. Our risk framework" in lines
    assert "Normal: Risks are reviewed monthly by Director of Commercial Services." in lines


@pytest.mark.parametrize(("text", "message"), [
    ("Prepared by {{ secretary }}", "my_template.docx: unknown placeholder {{ secretary }}. Use the names listed in "
                                    "templates/PLACEHOLDERS.md, or remove it in Word."),
    ("Prepared by {{ report_of }", "my_template.docx: broken placeholder tag in the paragraph \"Prepared by "
                                   "{{ report_of }\": unexpected '}'. Placeholders are written {{ name }}; see "
                                   "templates/PLACEHOLDERS.md for the names."),
    ("{% if agenda_item %}Item {{ agenda_item }}", "my_template.docx: broken placeholder tag in the paragraph "
                                                   "\"{% if agenda_item %}Item {{ agenda_item }}\": Unexpected end of "
                                                   "template. Jinja was looking for the following tags: 'elif' or "
                                                   "'else' or 'endif'. The innermost block that needs to be closed is "
                                                   "'if'. Placeholders are written {{ name }}; see "
                                                   "templates/PLACEHOLDERS.md for the names."),
    ("See {{ appendix }} below", "my_template.docx: the placeholder {{ appendix }} must stand alone in its paragraph "
                                 "(found \"See {{ appendix }} below\"). Put it on a line of its own in Word."),
    ("{{ report_of.__class__.__mro__ }}", "my_template.docx: placeholder error: access to attribute '__class__' of "
                                          "'str' object is unsafe. See templates/PLACEHOLDERS.md."),
])
def test_a_bad_placeholder_names_itself_and_the_template(tmp_path, paper_content, text, message):
    template = _edited_template(tmp_path, lambda document: document.add_paragraph(text))
    with pytest.raises(TemplateError) as err:
        render(paper_content, template, tmp_path / "paper.docx")
    assert err.value.user_message == message
    assert not (tmp_path / "paper.docx").exists()


def test_a_template_missing_a_style_the_paper_uses_is_refused(tmp_path, paper_content):
    def edit(document):
        style = document.styles.element.get_by_id("TableBullet")
        style.getparent().remove(style)

    with pytest.raises(TemplateError) as err:
        render(paper_content, _edited_template(tmp_path, edit), tmp_path / "paper.docx")
    assert err.value.user_message == (
        "my_template.docx: the template lacks the style TableBullet (style ids) the paper uses. Restore them, or "
        "rebuild the template with `python templates/make_board_paper.py` and redo your edits.")


def test_a_file_that_is_not_a_docx_is_refused(tmp_path, paper_content):
    fake = tmp_path / "template.docx"
    fake.write_text("not a zip")
    with pytest.raises(TemplateError) as err:
        render(paper_content, fake, tmp_path / "paper.docx")
    assert err.value.user_message == (f"{fake}: is a text file (a .csv or the tab-separated export?), not a Word "
                                      "document (.docx). Choose the right file.")


def test_a_zip_bomb_posing_as_a_template_is_refused_before_it_is_opened(tmp_path, paper_content):
    import zipfile

    from workbook.core.errors import UnsafeInputError

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UnsafeInputError) as err:
        render(paper_content, bomb, tmp_path / "paper.docx")
    assert err.value.user_message == (f"{bomb}: part word/document.xml unpacks to 20 MB from 20 KB (ratio 1029:1), "
                                      "a zip bomb. Refused: check where the file came from.")
    assert not (tmp_path / "paper.docx").exists()


def test_same_content_renders_the_same_text_twice(tmp_path, paper_content, read_paper):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    render(paper_content, BOARD_PAPER, first)
    render(paper_content, BOARD_PAPER, second)
    assert read_paper(first) == read_paper(second)


def test_a_thousand_risks_make_a_thousand_rows_most_severe_first(tmp_path, register_factory, rows, movements):
    # speed is the benchmark's business (bench/), not a test's
    many = [[f"CRR{n:04d}", *row[1:]] for n in range(1000) for row in rows[n % len(rows):][:1]]
    content = build_content(register_factory(rows=many), movements=movements)
    render(content, BOARD_PAPER, tmp_path / "big.docx")
    document = docx.Document(str(tmp_path / "big.docx"))
    tables = [t for t in document.tables if t._tbl.tblPr.find(qn("w:tblCaption")) is not None and
              t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) == "The register"]
    severity = ["Critical", "High", "Medium", "Low"]  # the order a committee reads: most severe first, then ID
    expected = [row[0] for row in sorted((r for r in many if r[-1] != "Closed"),
                                         key=lambda r: (severity.index(r[8]), r[0]))]
    assert len(tables) == 800 // 25  # one table per 25 risks, each with its header row
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in tables)
    assert [_text(row._tr.tc_lst[0]) for t in tables for row in t.rows[1:]] == expected


def test_libreoffice_lays_out_the_paper_with_arrows_and_markings(paper, soffice):
    pdf = soffice(paper)
    pdftotext = required_tool("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    assert all("OFFICIAL-SENSITIVE" in page and f"Page {n} of {len(pages)}" in page
               for n, page in enumerate(pages, start=1))
    assert ("CRR05 Demand Management is → Unchanged this quarter, after ↗ Escalating last quarter."
            in " ".join(text.split()))  # the arrow glyphs survive into the PDF
    assert "Appendix A: Corporate Risk Register" in text


@pytest.mark.parametrize(("where", "message"), [
    ("table", "my_template.docx: the placeholder {{ charts }} is inside a table; it makes tables and pictures, so "
              "move it to a paragraph of its own outside the table."),
    ("footer", "my_template.docx: the placeholder {{ charts }} is in a header or footer; it makes tables and "
               "pictures, so move it to a paragraph of its own in the body."),
])
def test_a_block_placeholder_outside_the_body_is_refused(tmp_path, paper_content, where, message):
    def edit(document):
        if where == "table":
            document.add_table(rows=1, cols=1).rows[0].cells[0].add_paragraph("{{ charts }}")
        else:
            document.sections[0].footer.add_paragraph("{{ charts }}")

    with pytest.raises(TemplateError) as err:
        render(paper_content, _edited_template(tmp_path, edit), tmp_path / "paper.docx")
    assert err.value.user_message == message


def test_ampersands_and_angle_brackets_in_settings_reach_the_paper_intact(tmp_path, register_factory, read_paper):
    settings = [["Setting", "Value"], ["Organisation", "Avon & Somerset <Police>"]]
    content = build_content(register_factory(settings=settings))
    render(content, BOARD_PAPER, tmp_path / "paper.docx")
    assert "Organisation: Avon & Somerset <Police>\t" in read_paper(tmp_path / "paper.docx")


def test_a_register_without_risks_still_makes_a_whole_paper(tmp_path, register_factory, read_paper):
    content = build_content(register_factory(rows=[]))
    render(content, BOARD_PAPER, tmp_path / "paper.docx")
    lines = read_paper(tmp_path / "paper.docx")
    assert "Normal: No risk is Critical, new or escalating this quarter." in lines
    assert "Normal: No risk changed its trend this quarter." in lines
    assert "Normal: There are no open risks on the register this quarter, so the appendix lists none." in lines
    assert not docx.Document(str(tmp_path / "paper.docx")).tables[-1].rows[0].cells[0].text == "ID"


def test_control_characters_and_lone_surrogates_from_cells_are_left_out(tmp_path, register_factory, rows, read_paper):
    rows[0][2] = "Bell \x07 and escape \x1b in text, lone \ud800 surrogate"
    settings = [["Setting", "Value"], ["Organisation", "West\x01 Midlands Police"]]
    content = build_content(register_factory(rows=rows, settings=settings))
    render(content, BOARD_PAPER, tmp_path / "paper.docx")
    text = "\n".join(read_paper(tmp_path / "paper.docx"))
    assert "Bell  and escape  in text, lone  surrogate" in text
    assert "Organisation: West Midlands Police\t" in text


def test_the_chart_is_a_chart_part_with_its_workbook_embedded_and_typed(paper):
    import openpyxl

    with zipfile.ZipFile(paper) as archive:
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
        chart_rels = archive.read("word/charts/_rels/chart1.xml.rels").decode()
        data = archive.read("word/embeddings/Microsoft_Excel_Worksheet1.xlsx")
    assert 'PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.' \
           'drawingml.chart+xml"' in types
    assert re.search(r'Target="charts/chart1.xml" Type="[^"]+/relationships/chart"|'
                     r'Type="[^"]+/relationships/chart" Target="charts/chart1.xml"', rels)
    assert "../embeddings/Microsoft_Excel_Worksheet1.xlsx" in chart_rels and "/relationships/package" in chart_rels
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == [None, "Low", "Medium", "High", "Critical"]
    assert [c.value for c in sheet[3]] == ["2021/22 Q2", 0, 1, 2, 1]  # this quarter: the register's open risks


def test_the_heat_map_is_a_table_with_the_band_in_words_and_each_risk_in_its_cell(paper):
    document = docx.Document(str(paper))
    (table,) = [t for t in document.tables if t.rows[0].cells[0].text == "Impact"]
    assert [c.text for c in table.rows[0].cells] == ["Impact", "Likelihood 1", "Likelihood 2", "Likelihood 3",
                                                     "Likelihood 4"]
    assert table._tbl.tblPr.find(qn("w:tblDescription")).get(qn("w:val")).startswith(
        "Likelihood by impact matrix of 4 scored open risks on a 4 by 4 scale")
    cells = {(row.cells[0].text, n): [p.text for p in cell.paragraphs]
             for row in table.rows[1:] for n, cell in enumerate(row.cells[1:], start=1)}
    assert cells[("Impact 4", 4)] == ["Critical", "CRR18"]
    assert cells[("Impact 4", 3)] == ["Critical", "CRR02 (was 2×4)"]
    assert cells[("Impact 3", 3)] == ["High", "CRR05 (was 4×3)"]
    assert cells[("Impact 2", 2)] == ["Medium", "CRR11"]
    assert cells[("Impact 1", 1)] == ["Low"]
    shade = table.rows[4].cells[1]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert shade == RATING_BY_NAME["Low"].fill


def test_the_provenance_line_keeps_with_the_paragraph_before_it(paper):
    document = docx.Document(str(paper))
    paragraphs = document.paragraphs
    (index,) = [i for i, p in enumerate(paragraphs) if p.style.name == "Provenance"]
    assert paragraphs[index - 1].paragraph_format.keep_with_next


# ---- templates get real values (issue 12, item 8) and the paper's words agree with its numbers (item 9) ----------

def test_counts_reach_the_template_as_numbers_and_an_empty_date_as_empty(tmp_path, register_factory, rows,
                                                                         read_paper):
    def edit(document):
        document.add_paragraph("{% if new_count > 0 %}New: {{ new_count + 0 }}.{% else %}Nothing new.{% endif %}")
        document.add_paragraph("{% if meeting_date %}Meets {{ meeting_date }}{% else %}Date to follow{% endif %}")
        document.add_paragraph("{% if closed_count %}Some closed{% else %}None closed{% endif %}")

    settings = [["Setting", "Value"], ["Meeting date", ""]]
    content = build_content(register_factory(rows=rows[:1], settings=settings))
    render(content, _edited_template(tmp_path, edit), tmp_path / "paper.docx")
    lines = read_paper(tmp_path / "paper.docx")
    assert "Normal: Nothing new." in lines
    assert "Normal: Date to follow" in lines
    assert "Normal: None closed" in lines
    assert "Normal: Date of meeting\tTo be confirmed" in lines  # the default template words the empty date itself


def test_one_open_risk_is_worded_in_the_singular(tmp_path, register_factory, rows, read_paper):
    content = build_content(register_factory(rows=rows[1:2]))  # CRR18, Critical and new
    render(content, BOARD_PAPER, tmp_path / "paper.docx")
    lines = read_paper(tmp_path / "paper.docx")
    assert ("Normal: There is 1 open risk on the register this quarter: 1 Critical, 0 High, 0 Medium and 0 Low."
            in lines)
    assert any("the 1 risk on the register, how they moved" in line for line in lines)
    assert any("the 1 risk brought to its attention in section 5." in line for line in lines)
    assert any("escalating this quarter (1 risk), with its description" in line for line in lines)


def test_a_template_filter_words_any_count(tmp_path, paper_content, read_paper):
    template = _edited_template(tmp_path, lambda document: document.add_paragraph(
        "{{ closed_count | plural('closed risk') }} {{ closed_count | is_are }} listed; "
        "{{ unchanged_count | plural('risk') }} unchanged."))
    render(paper_content, template, tmp_path / "paper.docx")
    assert "Normal: 1 closed risk is listed; 2 risks unchanged." in read_paper(tmp_path / "paper.docx")


def _as_word_template(source, target):
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in package.infolist():
            data = package.read(member)
            if member.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            copy.writestr(member, data)
    return target


def test_a_word_template_dotx_makes_a_word_document(tmp_path, paper_content, read_paper):
    template = _as_word_template(BOARD_PAPER, tmp_path / "board paper.dotx")
    render(paper_content, template, tmp_path / "paper.docx")
    with zipfile.ZipFile(tmp_path / "paper.docx") as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert "wordprocessingml.document.main+xml" in types and "template.main" not in types
    assert read_paper(tmp_path / "paper.docx") == read_paper(_rendered(tmp_path, paper_content))


def _rendered(tmp_path, content):
    target = tmp_path / "from docx.docx"
    render(content, BOARD_PAPER, target)
    return target


def test_a_comparison_a_count_cannot_make_is_one_error_line(tmp_path, paper_content):
    template = _edited_template(tmp_path, lambda document: document.add_paragraph(
        "{% if risk_count > 'ten' %}Many{% endif %}"))
    with pytest.raises(TemplateError) as err:
        render(paper_content, template, tmp_path / "paper.docx")
    assert err.value.user_message == (
        "my_template.docx: placeholder error: '>' not supported between instances of 'int' and 'str'. Counts are "
        "numbers and other placeholders text; see templates/PLACEHOLDERS.md.")
    assert not (tmp_path / "paper.docx").exists()


def test_with_no_risk_to_bring_the_paper_names_the_scales_own_most_severe_band(tmp_path, register_factory, read_paper):
    register = register_factory(rows=[])
    register.lists["Ratings"] = ("Very High", "High", "Medium", "Low", "Very Low")  # the Lists sheet's scale
    render(build_content(register), BOARD_PAPER, tmp_path / "paper.docx")
    lines = read_paper(tmp_path / "paper.docx")
    assert "Normal: No risk is Very High, new or escalating this quarter." in lines
    assert ("Normal: Every Very High risk and every risk that is new or escalating this quarter (0 risks), with its "
            "description, impact and key controls.") in lines
