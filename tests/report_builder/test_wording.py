"""The paper's words come from the register: its reviewing body, framework and bands, never another body's."""

import docx

from report_builder.build import build_paper


def _body_text(path) -> str:
    document = docx.Document(str(path))
    return "\n".join(t.text or "" for t in document.element.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))


def test_a_council_paper_names_its_own_body_and_bands_and_counts_the_unrated_risk(council_workbook, tmp_path,
                                                                                   read_paper):
    result = build_paper(council_workbook, tmp_path / "paper.docx", force=True)
    lines = read_paper(result.paper)
    background = lines[lines.index("Heading 1: 3. Background") + 1:lines.index("Heading 1: 4. Summary of the register")]
    assert background == [
        "Normal: Each risk on the register has an accountable owner who reviews it every quarter, records the "
        "controls in place and the actions under way, and assesses the residual risk: the risk that remains once "
        "those controls work.",
        "Normal: Residual risks are rated High, Medium or Low. The trend arrows show the direction of travel in each "
        "quarter. The register is reviewed by the Corporate Management Team before it comes to this Committee."]
    assert lines[4:6] == ["Organisation: Shire County Council\t", "Title: Strategic Risk Register – Quarter 2 2021/22"]
    assert "Normal: There are 18 open risks on the register this quarter: 13 High, 4 Medium, 0 Low and 1 Not rated." \
        in lines
    assert ("Normal: 14 of the 18 risks on the heat map are rated other than the band of their cell: the register has "
            "no Matrix sheet, so the cells are shaded by default bands (High from score 11, Medium from score 6, Low "
            "from score 1). The rating table and the chart count the risks' own ratings.") in lines
    text = _body_text(result.paper)
    for foreign in ("Critical", "Force Executive Team", "`", "riskreg "):  # the risks' own text says "Force"
        assert foreign not in text, foreign
    assert result.content.rating_total == result.content.risk_count == 18


def test_the_demo_paper_keeps_its_force_wording_from_its_settings(clean_workbook, tmp_path, read_paper):
    lines = read_paper(build_paper(clean_workbook, tmp_path / "paper.docx").paper)
    assert ("Normal: West Midlands Police manages risk under its Risk Management Framework. Each risk on the register "
            "has an accountable owner") in "\n".join(lines)
    assert "The register is reviewed by the Force Executive Team before it comes to this Committee." in "\n".join(lines)
