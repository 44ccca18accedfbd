"""Every part of the board paper riskreg generates is valid ECMA-376 (transitional): document, styles, numbering,
settings, the chart, headers and footers, properties, relationships and content types."""

from __future__ import annotations

from support.ooxml_schema import changed_parts, invalid_parts, package_parts, part_errors
from support.riskreg_testing import run_cli

from templates.make_board_paper import build


def test_every_part_of_the_paper_is_valid(sample_workbook):
    paper = sample_workbook.with_name("paper.docx")
    result = run_cli("paper", sample_workbook, "-o", paper, "--force", "--positions")
    assert result.exit_code == 0, result.output
    parts = changed_parts(package_parts(paper))
    for name in ("word/document.xml", "word/styles.xml", "word/numbering.xml", "word/settings.xml",
                 "word/header1.xml", "word/footer1.xml", "docProps/core.xml", "docProps/app.xml",
                 "[Content_Types].xml", "word/_rels/document.xml.rels"):
        assert name in parts, name
    assert any(name.startswith("word/charts/chart") for name in parts)
    assert invalid_parts(parts) == []


def test_the_template_script_writes_a_valid_template(tmp_path):
    """The w:zoom of python-docx's default settings lacked the w:percent ECMA-376 requires: the check caught it."""
    template = build(tmp_path / "board_paper.docx")
    parts = changed_parts(package_parts(template))
    assert invalid_parts(parts) == []
    settings = parts["word/settings.xml"]
    assert b'w:percent="100"' in settings
    before = settings.replace(b' w:percent="100"', b"")
    assert [e.split(": ", 1)[1] for e in part_errors("word/settings.xml", before)] == [
        "Element '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}zoom': The attribute "
        "'{http://schemas.openxmlformats.org/wordprocessingml/2006/main}percent' is required but missing."]
