"""Every text/fill colour pair of the paper and the workbook meets WCAG 2.1 AA contrast (4.5:1)."""

import pytest

from workbook.core.palette import MIN_CONTRAST, contrast, pairs


@pytest.mark.parametrize("pair", pairs(), ids=lambda p: p.where)
def test_each_text_colour_reads_on_its_fill(pair):
    assert contrast(pair.text, pair.fill) >= MIN_CONTRAST, (pair.where, round(contrast(pair.text, pair.fill), 2))


@pytest.mark.parametrize(("text", "fill", "ratio"), [
    ("FFFFFF", "000000", 21.0), ("777777", "777777", 1.0),
    ("FFFFFF", "3A9D23", 3.48),  # the Low green white text failed on: why the palette changed
    ("FFFFFF", "767676", 4.54),  # the lightest grey that passes on white, as WCAG's examples give it
])
def test_contrast_is_wcag_relative_luminance(text, fill, ratio):
    assert contrast(text, fill) == pytest.approx(ratio, abs=0.01)
    assert contrast(fill, text) == contrast(text, fill)


def test_the_workbook_writes_its_colours_from_the_palette():
    from workbook.core.palette import WORKBOOK_HEADER_FILL
    from workbook.xlsx import result_parts

    assert result_parts.HEADER_FILL == WORKBOOK_HEADER_FILL
