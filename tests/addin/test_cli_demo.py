"""`riskreg demo`: the README's first command does the whole job on the bundled sample."""

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from addin.cli import cli


def test_demo_builds_workbook_checks_trends_and_paper(tmp_path):
    outdir = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(outdir)])
    assert result.exit_code == 0, result.output
    assert "1. Register: imported 18 risks (1 Critical, 13 High, 4 Medium)" in result.output
    assert "2. Checks: 1 error, 1 warning in 18 risks." in result.output
    assert "4. Board paper:" in result.output and "Quarter 2 2021/22" in result.output

    wb = load_workbook(outdir / "register.xlsx")
    assert {"Register", "Lists", "History", "Settings", "Validation", "Summary"} <= set(wb.sheetnames)
    validation = [row for row in wb["Validation"].iter_rows(values_only=True) if "CRR03" in row]
    assert len(validation) == 2

    paper = Document(outdir / "board paper.docx")
    text = "\n".join(p.text for p in paper.paragraphs)
    assert "Corporate Risk Register – Quarter 2 2021/22" in text
    appendix = paper.tables[-1]
    # a header row and each risk's first row; a tall risk's further pieces say "(continued)"
    assert len([row for row in appendix.rows if not row.cells[1].text.endswith(" (continued)")]) == 19

    again = CliRunner().invoke(cli, ["demo", str(outdir)])  # a second run replaces the first demo's files
    assert again.exit_code == 0, again.output
