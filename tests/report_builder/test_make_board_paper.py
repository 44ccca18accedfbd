"""The template script: what it builds is a template the paper renders with, wording kept as data."""

import docx
import pytest

from report_builder.render import BLOCKS
from templates import STYLE_IDS
from templates.make_board_paper import build
from templates.wording import DEFAULT_WORDING


@pytest.fixture
def fresh_template(tmp_path):
    return build(tmp_path / "board_paper.docx")


def test_each_block_placeholder_stands_alone_once_in_the_body(fresh_template):
    texts = [p.text for p in docx.Document(str(fresh_template)).paragraphs]
    for name in BLOCKS:
        assert texts.count("{{ " + name + " }}") == 1, name


def test_every_page_carries_the_marking_and_page_numbers(fresh_template):
    section = docx.Document(str(fresh_template)).sections[0]
    assert [p.text for p in section.header.paragraphs] == ["{{ marking }}"]
    assert [p.text for p in section.footer.paragraphs] == ["Page 1 of 1", "{{ marking }}"]


def test_the_template_holds_the_default_wording_and_the_styles_the_paper_uses(fresh_template):
    document = docx.Document(str(fresh_template))
    texts = [p.text for p in document.paragraphs]
    for paragraphs in DEFAULT_WORDING.values():
        for text in paragraphs:
            assert text in texts
    ids = {s.style_id for s in document.styles}
    assert {sid for group in STYLE_IDS.values() for sid in group} <= ids


def test_the_template_defines_only_the_styles_it_and_the_paper_use(fresh_template):
    """python-docx's default document brings 174 style definitions and Word 2010's stylesWithEffects copy: every
    paper would parse and save them. Word offers its built-in styles whether defined or not."""
    import zipfile

    with zipfile.ZipFile(fresh_template) as package:
        names = package.namelist()
    assert not [name for name in names if "stylesWithEffects" in name]
    document = docx.Document(str(fresh_template))
    ids = {s.style_id for s in document.styles}
    assert {"Title", "Heading1", "Heading2", "Heading3", "Marking", "PageNumber", "Organisation"} <= ids
    assert not ids & {"LightShading", "MediumGrid1-Accent1", "ListNumber2", "Quote", "TOC1"}
    assert len(ids) < 40


def test_the_template_and_its_papers_carry_no_blank_preview_picture(fresh_template, clean_workbook, tmp_path):
    import zipfile

    from report_builder.build import build_paper

    paper = build_paper(clean_workbook, tmp_path / "paper.docx", template=fresh_template).paper
    for path in (fresh_template, paper):
        with zipfile.ZipFile(path) as archive:
            assert not [n for n in archive.namelist() if "thumbnail" in n], path
            assert b"/thumbnail" not in archive.read("_rels/.rels"), path
