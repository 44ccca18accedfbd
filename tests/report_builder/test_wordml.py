"""Paragraphs written as WordprocessingML text: styles, arrows, escaping, characters XML cannot hold."""

from docx.oxml.ns import qn

from report_builder import wordml


def _runs(xml: str) -> list[tuple[str, str | None, bool]]:
    """Return (text, character style, bold) per run of the paragraph written as `xml`."""
    p = wordml.element(xml)
    found = []
    for run in p.iter(qn("w:r")):
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        found.append(("".join(t.text for t in run.iter(qn("w:t"))),
                      style.get(qn("w:val")) if style is not None else None,
                      run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None))
    return found


def test_a_paragraph_has_its_style_and_look_in_schema_order():
    p = wordml.element(wordml.paragraph("Text", "TableText", keep_next=True, centre=True, space_before_pt=8))
    assert p.tag == qn("w:p")
    assert [child.tag for child in p.find(qn("w:pPr"))] == [qn("w:pStyle"), qn("w:keepNext"), qn("w:spacing"),
                                                           qn("w:jc")]
    assert p.find(f"{qn('w:pPr')}/{qn('w:spacing')}").get(qn("w:before")) == "160"


def test_trend_arrows_get_their_own_runs_in_the_arrow_style_and_size():
    xml = wordml.paragraph("Moved from ↗ to →.", "Normal", bold=True, arrow_size_pt=12)
    assert _runs(xml) == [("Moved from ", None, True), ("↗", "TrendArrow", True), (" to ", None, True),
                          ("→", "TrendArrow", True), (".", None, True)]
    sizes = [sz.get(qn("w:val")) for sz in wordml.element(xml).iter(qn("w:sz"))]
    assert sizes == ["24", "24"]  # only the arrows are enlarged


def test_markup_and_formula_like_text_stay_text():
    text = "Costs <£5k> & rising =SUM(A1:A9) \"quoted\""
    assert _runs(wordml.paragraph(text, "Normal")) == [(text, None, False)]


def test_characters_xml_cannot_hold_are_left_out():
    assert _runs(wordml.paragraph("bell\x07 and \ud800 gone", "Normal")) == [("bell and  gone", None, False)]


def test_an_empty_paragraph_has_no_run():
    p = wordml.element(wordml.paragraph("", "TableText"))
    assert p.find(qn("w:r")) is None and p.find(qn("w:pPr")) is not None
