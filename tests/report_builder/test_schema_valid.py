"""Every part of the board paper riskreg generates is valid ECMA-376 (transitional): document, styles, numbering,
settings, the chart, headers and footers, properties, relationships and content types."""

from __future__ import annotations

from support.ooxml_schema import changed_parts, invalid_parts, package_parts
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
    assert invalid_parts(changed_parts(package_parts(template))) == []
