"""The paper's figures: a native chart with its data workbook and alt text, and the heat map's cells."""

import io

import openpyxl
import pytest
from lxml import etree

from report_builder import charts
from report_builder.content import Distribution, HeatPoint
from workbook.core.schema import RATING_BY_NAME, RATINGS

C = {"c": charts.C_NS, "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
     "r": charts.R_NS}
DISTRIBUTION = (Distribution("2021/22 Q1", {"Critical": 0, "High": 9, "Medium": 4, "Low": 0}),
                Distribution("2021/22 Q2", {"Critical": 1, "High": 13, "Medium": 4, "Low": 2}))
POINTS = (HeatPoint("CRR02", (3, 4), (2, 4)), HeatPoint("CRR05", (2, 2)), HeatPoint("CRR11", (2, 2), (2, 3)))


def test_the_chart_is_a_stacked_column_chart_in_the_rating_colours_linked_to_its_data():
    chart = charts.rating_chart(DISTRIBUTION, "rId7")
    space = etree.fromstring(chart.xml)
    assert space.find("c:chart/c:plotArea/c:barChart/c:grouping", C).get("val") == "stacked"
    series = space.findall(".//c:ser", C)
    names = [s.find("c:tx//c:v", C).text for s in series]
    assert names == ["Low", "Medium", "High", "Critical"]  # Critical stacked on top
    for ser, name in zip(series, names):
        assert ser.find("c:spPr/a:solidFill/a:srgbClr", C).get("val") == RATING_BY_NAME[name].fill
        label = ser.find("c:dLbls/c:txPr//a:defRPr/a:solidFill/a:srgbClr", C)
        assert label.get("val") == RATING_BY_NAME[name].font
    high = series[2].findall("c:val//c:pt/c:v", C)
    assert [v.text for v in high] == ["9", "13"]
    assert space.find("c:externalData", C).get(f"{{{charts.R_NS}}}id") == "rId7"
    assert space.find("c:lang", C).get("val") == "en-GB"
    assert space.find("c:roundedCorners", C).get("val") == "0"


def _python_pptx_chart(distribution, package_rid: str) -> bytes:
    """Return the chart part as python-pptx's chart XML writer and chart objects make it, restyled as the paper's
    chart is (the way riskreg made it before it wrote the XML itself)."""
    from pptx.chart.chart import Chart
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    data = CategoryChartData(number_format="0")
    data.categories = [d.period for d in distribution]
    order = tuple(reversed(RATINGS))
    for rating in order:
        data.add_series(rating.name, [int(d.counts.get(rating.name, 0)) for d in distribution])
    space = parse_xml(data.xml_bytes(XL_CHART_TYPE.COLUMN_STACKED))
    chart = Chart(space, None)
    chart.font.name, chart.font.size = charts.CHART_FONT, Pt(charts.CHART_FONT_PT)
    chart.font.color.rgb = RGBColor.from_string(charts.AXIS_TEXT)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.RIGHT
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, 100
    for series, rating in zip(plot.series, order):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor.from_string(rating.fill)
        series.format.line.color.rgb = RGBColor.from_string("FFFFFF")
        labels = series.data_labels
        labels.show_value = True
        labels.number_format, labels.number_format_is_linked = "0;;;", False
        labels.position = XL_LABEL_POSITION.CENTER
        labels.font.bold = True
        labels.font.color.rgb = RGBColor.from_string(rating.font)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_unit = max(1, charts._nice_unit(max((sum(d.counts.values()) for d in distribution), default=1)))
    axis.has_title = True
    axis.axis_title.text_frame.text = "Open risks"
    chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = "Quarter"
    c = f"{{{charts.C_NS}}}"
    lang = etree.Element(f"{c}lang")
    lang.set("val", "en-GB")
    corners = etree.Element(f"{c}roundedCorners")
    corners.set("val", "0")
    space.find(f"{c}date1904").addnext(lang)
    lang.addnext(corners)
    external = etree.SubElement(space, f"{c}externalData")
    external.set(f"{{{charts.R_NS}}}id", package_rid)
    etree.SubElement(external, f"{c}autoUpdate").set("val", "0")
    space.find(f"{c}txPr").addnext(external)
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)


QUARTERS = [f"{2020 + n // 4}/{21 + n // 4} Q{n % 4 + 1}" for n in range(12)]


@pytest.mark.parametrize("distribution", [
    DISTRIBUTION[1:],
    DISTRIBUTION,
    tuple(Distribution(q, {"Critical": 40 * n, "High": 2000 + n, "Medium": 4000, "Low": 3})
          for n, q in enumerate(QUARTERS)),  # a force-wide register over three years: gridlines every 1,000
    (Distribution("Q<1> & \"Q2\" – é", {"High": 1}), Distribution("", {})),  # text that needs escaping
], ids=["one quarter", "two quarters", "twelve quarters", "escaped labels"])
def test_the_chart_xml_is_what_python_pptx_writes_for_the_same_chart(distribution):
    assert charts.rating_chart(distribution, "rId3").xml == _python_pptx_chart(distribution, "rId3")


def test_the_embedded_workbook_holds_the_same_numbers_for_edit_data():
    chart = charts.rating_chart(DISTRIBUTION, "rId1")
    sheet = openpyxl.load_workbook(io.BytesIO(chart.workbook)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [[None, "Low", "Medium", "High", "Critical"], ["2021/22 Q1", 0, 4, 9, 0],
                    ["2021/22 Q2", 2, 4, 13, 1]]
    assert sheet.title == "Sheet1"  # the sheet the chart's references name
    assert {sheet.cell(row, column).number_format for row in (2, 3) for column in range(2, 6)} == {"0"}


def test_alt_text_states_each_quarters_counts():
    assert charts.distribution_alt_text(DISTRIBUTION) == (
        "Stacked column chart of open risks by residual rating, one column per quarter. 2021/22 Q1: 13 open risks, "
        "0 Critical, 9 High, 4 Medium, 0 Low; 2021/22 Q2: 20 open risks, 1 Critical, 13 High, 4 Medium, 2 Low.")


def test_heat_cells_name_each_risk_its_move_and_the_band_in_words():
    rows = charts.heat_cells(POINTS, 4)
    assert [cell.impact for cell in rows[0]] == [4, 4, 4, 4]  # highest impact first
    cell = rows[0][2]
    assert (cell.likelihood, cell.impact, cell.lines, cell.band.name) == (3, 4, ("CRR02 (was 2×4)",), "Critical")
    assert rows[2][1].lines == ("CRR05", "CRR11 (was 2×3)")
    assert rows[2][1].band.name == "Medium" and rows[3][0].band.name == "Low" and rows[3][0].lines == ()
    assert charts.heat_map_alt_text(POINTS, 4) == (
        "Likelihood by impact matrix of 3 scored open risks on a 4 by 4 scale: 1 Critical, 0 High, 2 Medium, 0 Low "
        "by score band; 2 risks moved cell since last quarter.")


def test_a_large_registers_heat_map_counts_risks_per_cell_and_a_full_cell_sums_up_the_rest():
    many = tuple(HeatPoint(f"CRR{n:04d}", (1 + n % 5, 1 + n % 3)) for n in range(charts.LABELLED_RISKS + 40))
    counted = charts.heat_cells(many, 5)
    expected = sum(1 for p in many if p.after == (1, 1))
    assert counted[4][0].lines == (f"{expected} risks",)
    crowded = tuple(HeatPoint(f"CRR{n:02d}", (2, 2)) for n in range(charts.CELL_LABELS + 3))
    lines = charts.heat_cells(crowded, 5)[3][1].lines
    assert len(lines) == charts.CELL_LABELS and lines[-1] == "+4 more" and lines[0] == "CRR00"
