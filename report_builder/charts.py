"""The paper's figures as Word can edit them: a native chart of ratings by quarter, and the heat map's cells.

The chart is DrawingML (the `c:chartSpace` Word, PowerPoint and LibreOffice share), written as text the way
python-pptx's chart writer writes it, with its data in an embedded workbook, so Word's *Edit Data* works.
Importing python-pptx and XlsxWriter for it was a fifth of the sample paper's time (README, Performance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from report_builder.content import Distribution, HeatPoint
from report_builder.wordml import escape
from workbook.core.model import column_letter
from workbook.core.schema import RATINGS, Rating

CELL_LABELS = 10  # risk IDs one matrix cell can name; more are summed up as '+N more'
LABELLED_RISKS = 60  # a larger register's heat map counts the risks in each cell instead of naming them
CHART_FONT = "Arial"
CHART_FONT_PT = 9
AXIS_TEXT = "1F2A44"

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class NativeChart:
    """A chart part's XML, the workbook holding its data, and the alternative text that says what it shows."""

    xml: bytes
    workbook: bytes
    alt_text: str
    width_cm: float
    height_cm: float
    caption: str


def _count_words(counts: dict[str, int]) -> str:
    return ", ".join(f"{int(counts.get(r.name, 0))} {r.name}" for r in RATINGS)


def distribution_alt_text(distribution: Sequence[Distribution]) -> str:
    """Return what the ratings chart shows, in words: each quarter's count of open risks by rating."""
    quarters = "; ".join(f"{d.period}: {sum(int(v) for v in d.counts.values())} open risks, "
                         f"{_count_words(dict(d.counts))}" for d in distribution)
    return f"Stacked column chart of open risks by residual rating, one column per quarter. {quarters}."


def rating_chart(distribution: Sequence[Distribution], package_rid: str, width_cm: float = 15.0) -> NativeChart:
    """Return the stacked column chart of open risks by rating per quarter, its data related as `package_rid`."""
    from workbook.xlsx.data_book import data_book

    order = tuple(reversed(RATINGS))  # least severe at the bottom of each column, Critical on top
    periods = [d.period for d in distribution]
    columns = [[int(d.counts.get(rating.name, 0)) for d in distribution] for rating in order]
    top = max((sum(int(v) for v in d.counts.values()) for d in distribution), default=1)
    series = "".join(_series_xml(index, rating, periods, values)
                     for index, (rating, values) in enumerate(zip(order, columns)))
    xml = CHART_XML.format(series=series, major_unit=float(max(1, _nice_unit(top))), font=CHART_FONT,
                           size=CHART_FONT_PT * 100, text=AXIS_TEXT, rid=package_rid)
    book = data_book([r.name for r in order], [(period, counts) for period, counts in zip(periods, zip(*columns))])
    return NativeChart(xml.encode(), book,
                       distribution_alt_text(distribution), width_cm, width_cm * 0.5,
                       "Open risks by residual rating, by quarter")


# The chart part as Word and PowerPoint write it, element for element as python-pptx 1.0's chart XML writer
# makes it once restyled (tests/report_builder/test_charts.py compares the two): square corners, UK English,
# the rating colours, count labels, titled axes, the legend on the right and the link to the data workbook.
CHART_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    f'xmlns:r="{R_NS}"><c:date1904 val="0"/><c:lang val="en-GB"/><c:roundedCorners val="0"/><c:chart>'
    '<c:autoTitleDeleted val="0"/><c:plotArea><c:barChart><c:barDir val="col"/><c:grouping val="stacked"/>'
    '{series}<c:gapWidth val="60"/><c:overlap val="100"/><c:axId val="-2068027336"/><c:axId val="-2113994440"/>'
    '</c:barChart><c:catAx><c:axId val="-2068027336"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
    '<c:delete val="0"/><c:axPos val="b"/><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:r>'
    '<a:t>Quarter</a:t></a:r></a:p></c:rich></c:tx><c:layout/><c:overlay val="0"/></c:title>'
    '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
    '<c:crossAx val="-2113994440"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
    '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="-2113994440"/>'
    '<c:scaling/><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/><c:title><c:tx><c:rich><a:bodyPr/>'
    '<a:lstStyle/><a:p><a:r><a:t>Open risks</a:t></a:r></a:p></c:rich></c:tx><c:layout/><c:overlay val="0"/>'
    '</c:title><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
    '<c:crossAx val="-2068027336"/><c:crosses val="autoZero"/><c:majorUnit val="{major_unit}"/></c:valAx>'
    '</c:plotArea><c:legend><c:legendPos/><c:overlay val="0"/></c:legend><c:dispBlanksAs val="gap"/></c:chart>'
    '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"><a:solidFill><a:srgbClr val="{text}"/>'
    '</a:solidFill><a:latin typeface="{font}"/></a:defRPr></a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>'
    '<c:externalData r:id="{rid}"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>')


def _points(values: Sequence[object]) -> str:
    texts = [escape(str(value)) for value in values]
    return f'<c:ptCount val="{len(values)}"/>' + "".join(
        f'<c:pt idx="{index}"><c:v>{text}</c:v></c:pt>' if text else f'<c:pt idx="{index}"><c:v/></c:pt>'
        for index, text in enumerate(texts))


def _series_xml(index: int, rating: Rating, periods: Sequence[str], values: Sequence[int]) -> str:
    """Return one rating's c:ser: its name, bar colour, count labels in its contrasting text, and its data's
    place in the workbook (column B on, a row per quarter)."""
    column, last = column_letter(index + 2), len(periods) + 1
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:strRef><c:f>Sheet1!${column}$1</c:f>'
            f'<c:strCache>{_points([rating.name])}</c:strCache></c:strRef></c:tx><c:spPr><a:solidFill>'
            f'<a:srgbClr val="{rating.fill}"/></a:solidFill><a:ln><a:solidFill><a:srgbClr val="FFFFFF"/>'
            # no label on an empty slice
            '</a:solidFill></a:ln></c:spPr><c:dLbls><c:numFmt formatCode="0;;;" sourceLinked="0"/><c:txPr>'
            f'<a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr b="1"><a:solidFill><a:srgbClr val="{rating.font}"/>'
            '</a:solidFill></a:defRPr></a:pPr></a:p></c:txPr><c:dLblPos val="ctr"/><c:showLegendKey val="0"/>'
            '<c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
            '<c:showBubbleSize val="0"/><c:showLeaderLines val="1"/></c:dLbls>'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache>{_points(periods)}</c:strCache>'
            f'</c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!${column}$2:${column}${last}</c:f><c:numCache>'
            f'<c:formatCode>0</c:formatCode>{_points(values)}</c:numCache></c:numRef></c:val></c:ser>')


def _nice_unit(top: int) -> int:
    """Return a gridline step that gives at most about eight lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


# The heat map: a table of the likelihood × impact matrix, each cell naming its risks and its rating band.

@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    band: Rating  # the rating the cell's score falls in
    lines: tuple[str, ...]  # risk IDs (with last quarter's cell when moved), or the count


def zone(likelihood: int, impact: int, scale: int) -> Rating:
    """Return the rating band a matrix cell stands in, by its share of the highest score."""
    share = likelihood * impact / (scale * scale)
    for limit, rating in ((0.6, RATINGS[0]), (0.35, RATINGS[1]), (0.15, RATINGS[2])):
        if share >= limit:
            return rating
    return RATINGS[-1]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def heat_cells(points: Sequence[HeatPoint], scale: int) -> list[list[HeatCell]]:
    """Return the matrix rows, highest impact first, each cell listing its risks (or their count)."""
    cells: dict[tuple[int, int], list[HeatPoint]] = {}
    for point in points:
        cells.setdefault(point.after, []).append(point)
    counted = len(points) > LABELLED_RISKS
    rows = []
    for impact in range(scale, 0, -1):
        row = []
        for likelihood in range(1, scale + 1):
            group = sorted(cells.get((likelihood, impact), ()), key=lambda p: p.risk_id)
            if counted:
                lines = (_plural(len(group), "risk"),) if group else ()
            elif len(group) > CELL_LABELS:
                lines = tuple(map(_label, group[:CELL_LABELS - 1])) + (f"+{len(group) - CELL_LABELS + 1} more",)
            else:
                lines = tuple(map(_label, group))
            row.append(HeatCell(likelihood, impact, zone(likelihood, impact, scale), lines))
        rows.append(row)
    return rows


def _label(point: HeatPoint) -> str:
    if point.before and point.before != point.after:
        return f"{point.risk_id} (was {point.before[0]}×{point.before[1]})"
    return point.risk_id


def heat_map_alt_text(points: Sequence[HeatPoint], scale: int) -> str:
    """Return what the heat map says, in words: the risks in each rating band."""
    bands = {r.name: 0 for r in RATINGS}
    for point in points:
        bands[zone(*point.after, scale).name] += 1
    moved = sum(1 for p in points if p.before and p.before != p.after)
    return (f"Likelihood by impact matrix of {_plural(len(points), 'scored open risk')} on a {scale} by {scale} "
            f"scale: {_count_words(bands)} by score band; {_plural(moved, 'risk')} moved cell since last quarter.")


__all__ = ["NativeChart", "rating_chart", "HeatCell", "heat_cells", "zone", "heat_map_alt_text",
           "distribution_alt_text", "LABELLED_RISKS", "CELL_LABELS"]
