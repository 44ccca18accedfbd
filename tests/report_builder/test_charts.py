"""The paper's figures: a native chart with its data workbook and alt text, and the heat map's cells."""

import io

import openpyxl
from lxml import etree

from report_builder import charts
from report_builder.content import Distribution, HeatPoint
from workbook.core.schema import RATING_BY_NAME

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
        colour = ser.find("c:spPr/a:solidFill/a:srgbClr", C) if name == "Critical" else \
            ser.find("c:spPr/a:pattFill/a:fgClr/a:srgbClr", C)
        assert colour.get("val") == RATING_BY_NAME[name].fill
        label = ser.find("c:dLbls/c:txPr//a:defRPr/a:solidFill/a:srgbClr", C)
        assert label.get("val") == RATING_BY_NAME[name].font
    high = series[2].findall("c:val//c:pt/c:v", C)
    assert [v.text for v in high] == ["9", "13"]
    assert space.find("c:externalData", C).get(f"{{{charts.R_NS}}}id") == "rId7"
    assert [child.tag.split("}")[1] for child in space][-2:] == ["chart", "externalData"]  # no workbook page setup
    assert space.find("c:lang", C).get("val") == "en-GB"
    assert space.find("c:roundedCorners", C).get("val") == "0"


def test_the_bands_differ_without_colour_each_in_a_pattern_of_its_own_with_its_count_on_a_solid_box():
    """High and Low look alike to a red-green colour-blind reader: each band has its own pattern (the most severe
    solid), shown in the legend too, and each count stands on a box of its band's colour."""
    space = etree.fromstring(charts.rating_chart(DISTRIBUTION, "rId7").xml)
    looks = {}
    for ser in space.findall(".//c:ser", C):
        name = ser.find("c:tx//c:v", C).text
        pattern = ser.find("c:spPr/a:pattFill", C)
        looks[name] = pattern.get("prst") if pattern is not None else "solid"
        if pattern is not None:
            assert pattern.find("a:bgClr/a:srgbClr", C).get("val") == "FFFFFF"
        box = ser.find("c:dLbls/c:spPr/a:solidFill/a:srgbClr", C)
        assert box.get("val") == RATING_BY_NAME[name].fill
    assert looks == {"Critical": "solid", "High": "wdUpDiag", "Medium": "lgGrid", "Low": "dkHorz"}
    assert space.find("c:chart/c:legend", C) is not None  # the key shows each pattern beside its band's name


def test_a_five_band_scale_and_not_rated_each_get_a_pattern_of_their_own():
    from workbook.core.ratings import NOT_RATED
    from workbook.core.schema import Rating

    scale = (Rating("Very High", 5, "8B0000", "FFFFFF"), Rating("High", 4, "C62828", "FFFFFF"),
             Rating("Medium", 3, "FFBF00", "000000"), Rating("Low", 2, "2E7D32", "FFFFFF"),
             Rating("Very Low", 1, "1B5E20", "FFFFFF"), NOT_RATED)
    quarter = Distribution("2021/22 Q2", {r.name: 1 for r in scale})
    space = etree.fromstring(charts.rating_chart((quarter,), "rId7", ratings=scale).xml)
    prsts = [(p.get("prst") if (p := ser.find("c:spPr/a:pattFill", C)) is not None else "solid")
             for ser in space.findall(".//c:ser", C)]
    assert len(set(prsts)) == len(scale) == 6


def test_each_slice_is_labelled_with_its_count_alone():
    """Every part of a data label is said, shown or not: LibreOffice shows an unsaid one (quarter, rating, key)."""
    space = etree.fromstring(charts.rating_chart(DISTRIBUTION, "rId7").xml)
    for labels in space.iter(f"{{{charts.C_NS}}}dLbls"):
        parts = [(child.tag.split("}")[1], child.get("val")) for child in labels if child.tag.split("}")[1] in
                 charts.LABEL_PARTS]
        assert parts == [("showLegendKey", "0"), ("showVal", "1"), ("showCatName", "0"), ("showSerName", "0"),
                         ("showPercent", "0"), ("showBubbleSize", "0")]
        assert labels.find("c:numFmt", C).get("formatCode") == "0;;;"  # no label on an empty slice


def test_the_embedded_workbook_holds_the_same_numbers_for_edit_data():
    chart = charts.rating_chart(DISTRIBUTION, "rId1")
    sheet = openpyxl.load_workbook(io.BytesIO(chart.workbook)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [[None, "Low", "Medium", "High", "Critical"], ["2021/22 Q1", 0, 4, 9, 0],
                    ["2021/22 Q2", 2, 4, 13, 1]]


def test_the_chart_part_in_the_paper_has_its_patterns_and_the_drawing_its_data_table_in_words(tmp_path):
    """Read from the written .docx: the chart part Word opens, and the alternative text a screen reader says."""
    import re
    import zipfile

    from report_builder.build import build_paper
    from support.synthetic_register import write_synthetic_workbook

    write_synthetic_workbook(30, tmp_path / "reg.xlsx")
    paper = build_paper(tmp_path / "reg.xlsx", tmp_path / "paper.docx", force=True).paper
    with zipfile.ZipFile(paper) as archive:
        (part,) = [n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
        space = etree.fromstring(archive.read(part))
        document = etree.fromstring(archive.read("word/document.xml"))
    fills = [ser.find("c:spPr/a:pattFill", C) for ser in space.findall(".//c:ser", C)]
    assert [f.get("prst") if f is not None else "solid" for f in fills] == ["dkHorz", "lgGrid", "wdUpDiag", "solid"]
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    (chart,) = [d for d in document.iter(f"{wp}docPr") if d.get("name", "").startswith("Chart")]
    counts = re.findall(r"(\d{4}/\d\d Q\d): (\d+) open risks?, (\d+) Critical, (\d+) High, (\d+) Medium, (\d+) Low",
                        chart.get("descr"))
    cached = {ser.find("c:tx//c:v", C).text: [int(v.text) for v in ser.findall("c:val//c:pt/c:v", C)]
              for ser in space.findall(".//c:ser", C)}
    assert [[int(n) for n in row[2:]] for row in counts] == [
        list(column) for column in zip(cached["Critical"], cached["High"], cached["Medium"], cached["Low"])]
    assert counts[-1][1] == "30"


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


def test_a_large_registers_heat_map_counts_risks_per_cell_and_a_small_ones_names_every_risk():
    many = tuple(HeatPoint(f"CRR{n:04d}", (1 + n % 5, 1 + n % 3)) for n in range(charts.LABELLED_RISKS + 40))
    counted = charts.heat_cells(many, 5)
    expected = sum(1 for p in many if p.after == (1, 1))
    assert counted[4][0].lines == (f"{expected} risks",)
    listing = charts.cell_listing(many, 5)
    assert listing[0] == ("5 × 3", "Critical", "CRR0014, CRR0029, CRR0044, CRR0059, CRR0074, CRR0089")
    assert sum(len(ids.split(", ")) for _, _, ids in listing) == len(many)
    crowded = tuple(HeatPoint(f"CRR{n:02d}", (2, 2)) for n in range(18))  # a small register all in one cell
    assert charts.heat_cells(crowded, 5)[3][1].lines == tuple(f"CRR{n:02d}" for n in range(18))


def test_movement_cells_name_each_risk_with_the_positions_it_holds_there():
    from report_builder.depth_content import MovementPoint

    points = (MovementPoint("CRR03", "inherent", (4, 4)), MovementPoint("CRR03", "residual", (3, 3)),
              MovementPoint("CRR03", "target", (3, 3)), MovementPoint("CRR01", "inherent", (4, 4)),
              MovementPoint("CRR01", "residual", (2, 3)))
    rows = charts.movement_cells(points, 4)
    assert rows[0][3].lines == ("CRR01 I", "CRR03 I")  # impact 4, likelihood 4
    assert rows[1][2].lines == ("CRR03 R T",)  # two positions of one risk share a cell
    assert rows[1][1].lines == ("CRR01 R",) and rows[1][1].band.name == "High"
    assert charts.movement_alt_text(points, 4) == (
        "Likelihood by impact matrix of the inherent, residual and target positions of 2 open risks on a 4 by 4 "
        "scale, by score band. Inherent: 2 Critical, 0 High, 0 Medium, 0 Low; residual: 0 Critical, 2 High, "
        "0 Medium, 0 Low; target: 0 Critical, 1 High, 0 Medium, 0 Low.")
    many = tuple(MovementPoint(f"R{n:03d}", "residual", (1, 1)) for n in range(charts.LABELLED_RISKS + 1))
    assert charts.movement_cells(many, 4)[3][0].lines == (f"{charts.LABELLED_RISKS + 1} R",)


def test_a_matrix_sheets_bands_shade_the_cells_instead_of_the_default_shares():
    from workbook.core.schema import RATING_BY_NAME

    custom = {(4, 4): RATING_BY_NAME["High"], (2, 2): RATING_BY_NAME["Low"], (1, 1): None}
    assert [charts.zone(*cell, 5).name for cell in custom] == ["Critical", "Medium", "Low"]  # the default shares
    assert [charts.zone(*cell, 5, custom).name for cell in custom] == ["High", "Low", "No band"]
    assert charts.zone(1, 1, 5, custom).fill == "FFFFFF"
