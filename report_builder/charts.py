"""The paper's figures as Word can edit them: a native chart of ratings by quarter, and the heat map's cells.

The chart is DrawingML (the `c:chartSpace` Word, Excel and LibreOffice share) written by XlsxWriter, with its
data in an embedded workbook XlsxWriter writes too, so Word's *Edit Data* works.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from report_builder.content import Distribution, HeatPoint
from report_builder.depth_content import POSITION_MARKS, MovementPoint
from workbook.core import palette
from workbook.core.ids import natural_key
from workbook.core.ratings import default_band
from workbook.core.schema import RATINGS, Rating
from workbook.core.words import plural

# Up to this many risks each matrix cell names all of its risks; a larger register's counts them, and a table
# below the grid names the risks of each cell.
LABELLED_RISKS = 60
CHART_FONT = "Arial"
CHART_FONT_PT = 9
AXIS_TEXT = "1F2A44"

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
DATA_SHEET = "Sheet1"  # the sheet name Word gives a chart's data
# Each band's fill has a pattern of its own, most severe first, so the bands differ without colour (High and Low
# look alike to a red-green colour-blind reader, and on a grey printer): the most severe solid, then stripes,
# a grid, bars, diamonds. Each count's label stands on a solid box of its band's colour, readable on any pattern.
PATTERNS: tuple[str | None, ...] = (None, "wide_upward_diagonal", "large_grid", "dark_horizontal", "dotted_diamond",
                                    "dark_vertical", "large_check")
PATTERN_GROUND = "FFFFFF"


@dataclass(frozen=True)
class NativeChart:
    """A chart part's XML, the workbook holding its data, and the alternative text that says what it shows."""

    xml: bytes
    workbook: bytes
    alt_text: str
    width_cm: float
    height_cm: float
    caption: str


def _count_words(counts: dict[str, int], ratings: Sequence[Rating] = RATINGS) -> str:
    return ", ".join(f"{int(counts.get(r.name, 0))} {r.name}" for r in ratings)


def distribution_alt_text(distribution: Sequence[Distribution], ratings: Sequence[Rating] = RATINGS) -> str:
    """Return what the ratings chart shows, in words: each quarter's count of open risks by rating (the
    register's scale, most severe first)."""
    quarters = "; ".join(f"{d.period}: {plural(sum(int(v) for v in d.counts.values()), 'open risk')}, "
                         f"{_count_words(dict(d.counts), ratings)}" for d in distribution)
    return f"Stacked column chart of open risks by residual rating, one column per quarter. {quarters}."


def rating_chart(distribution: Sequence[Distribution], package_rid: str, width_cm: float = 15.0,
                 ratings: Sequence[Rating] = RATINGS) -> NativeChart:
    """Return the stacked column chart of open risks by rating per quarter, its data related as `package_rid`.

    XlsxWriter writes both parts: the chart as it would stand in a workbook (the same `c:chartSpace` a Word
    chart is, with each value cached), and the data alone as the embedded workbook Word's *Edit Data* opens.
    """
    periods = [d.period for d in distribution]
    order = tuple(reversed(ratings))  # least severe at the bottom of each column, the most severe on top
    columns = [(rating, [int(d.counts.get(rating.name, 0)) for d in distribution]) for rating in order]
    top = max((sum(int(v) for v in d.counts.values()) for d in distribution), default=1)
    charted = _data_workbook(periods, columns, lambda book, sheet: _chart(book, sheet, len(periods), columns, top))
    space = _finish(zipfile.ZipFile(io.BytesIO(charted)).read("xl/charts/chart1.xml"), package_rid)
    return NativeChart(space, _data_workbook(periods, columns), distribution_alt_text(distribution, ratings),
                       width_cm, width_cm * 0.5, "Open risks by residual rating, by quarter")


def _data_workbook(periods: Sequence[str], columns, draw=None) -> bytes:
    """Return a workbook of the chart's numbers: quarters down column A, one column per rating; with `draw`,
    the chart drawn on the sheet as well."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(DATA_SHEET)
    sheet.write_row(0, 1, [rating.name for rating, _ in columns])
    sheet.write_column(1, 0, periods)
    for column, (_, counts) in enumerate(columns, start=1):
        sheet.write_column(1, column, counts)
    if draw:
        draw(book, sheet)
    book.close()
    return out.getvalue()


def band_pattern(index: int) -> str | None:
    """Return the fill pattern of the band `index` places down the scale (0, the most severe: solid)."""
    return PATTERNS[index % len(PATTERNS)]


def _fill(rating: Rating, index: int) -> dict:
    """Return XlsxWriter's fill of a band's slices: its colour, in its pattern on white."""
    pattern = band_pattern(index)
    if pattern is None:
        return {"fill": {"color": f"#{rating.fill}"}}
    return {"pattern": {"pattern": pattern, "fg_color": f"#{rating.fill}", "bg_color": f"#{PATTERN_GROUND}"}}


def _chart(book, sheet, quarters: int, columns, top: int) -> None:
    """Draw the stacked columns in the rating colours and patterns, each slice labelled with its count in
    contrasting text on a box of its band's colour."""
    text = {"name": CHART_FONT, "size": CHART_FONT_PT, "color": f"#{AXIS_TEXT}", "bold": False}
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for column, (rating, _) in enumerate(columns, start=1):
        chart.add_series({
            "name": [DATA_SHEET, 0, column], "categories": [DATA_SHEET, 1, 0, quarters, 0],
            "values": [DATA_SHEET, 1, column, quarters, column],
            **_fill(rating, len(columns) - column), "border": {"color": "#FFFFFF"}, "gap": 60, "overlap": 100,
            "data_labels": {"value": True, "position": "center", "num_format": "0;;;",  # no label on an empty slice
                            "fill": {"color": f"#{rating.fill}"},
                            "font": {**text, "bold": True, "color": f"#{rating.font}"}}})
    ticks = {"major_tick_mark": "outside", "minor_tick_mark": "none"}
    chart.set_x_axis({"name": "Quarter", "name_font": text, "num_font": text, **ticks})
    chart.set_y_axis({"name": "Open risks", "name_font": text, "num_font": text, "num_format": "0", **ticks,
                      "major_unit": max(1, _nice_unit(top)), "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "right", "font": text})
    chart.set_title({"none": True})  # the paper's caption names it
    sheet.insert_chart("G2", chart)


def _nice_unit(top: int) -> int:
    """Return a gridline step that gives at most about eight lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


def _finish(xml: bytes, package_rid: str) -> bytes:
    """Square corners (Word rounds them when unsaid), UK English, and the link to the embedded workbook."""
    from lxml import etree

    c = f"{{{C_NS}}}"
    space = etree.fromstring(xml)
    lang = space.find(f"{c}lang")
    lang.set("val", "en-GB")
    lang.addnext(etree.Element(f"{c}roundedCorners", val="0"))
    for run in space.iter(f"{{{A_NS}}}rPr", f"{{{A_NS}}}endParaRPr"):
        if run.get("lang"):
            run.set("lang", "en-GB")
    for labels in space.iter(f"{c}dLbls"):
        _say_every_label_part(labels, c, etree)
    for excel_only in space.findall(f"{c}printSettings"):  # a workbook's page setup; Word prints the chart in its page
        space.remove(excel_only)
    external = etree.Element(f"{c}externalData")
    external.set(f"{{{R_NS}}}id", package_rid)
    etree.SubElement(external, f"{c}autoUpdate", val="0")
    later = [child for child in space if child.tag in (f"{c}userShapes", f"{c}extLst")]
    if later:  # the schema's order: chart, spPr, txPr, externalData, printSettings, userShapes, extLst
        later[0].addprevious(external)
    else:
        space.append(external)
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)


LABEL_PARTS = ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize")


def _say_every_label_part(labels, c: str, etree) -> None:
    """Write each of a data label's parts as shown or not: XlsxWriter writes only those shown, and LibreOffice
    shows an unsaid part (the quarter, the rating and a legend key beside each count)."""
    shown = {part for part in LABEL_PARTS if labels.find(f"{c}{part}") is not None}
    for part in LABEL_PARTS:
        for element in labels.findall(f"{c}{part}"):
            labels.remove(element)
    before = next((found for name in ("dLblPos", "txPr", "spPr", "numFmt")
                   if (found := labels.find(f"{c}{name}")) is not None), None)
    for part in reversed(LABEL_PARTS):
        element = etree.Element(f"{c}{part}", val="1" if part in shown else "0")
        if before is None:
            labels.insert(0, element)
        else:
            before.addnext(element)


# The heat map: a table of the likelihood × impact matrix, each cell naming its risks and its rating band.

@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    band: Rating  # the rating the cell's score falls in
    lines: tuple[str, ...]  # risk IDs (with last quarter's cell when moved), or the count


# A cell whose score is below every band of the Matrix sheet is left white, and says so.
UNBANDED = Rating("No band", 0, palette.WHITE, palette.NAVY)
Bands = Mapping[tuple[int, int], Rating | None]  # (likelihood, impact) -> the Matrix sheet's band of that cell


def zone(likelihood: int, impact: int, scale: int, ratings: Bands | None = None) -> Rating:
    """Return the rating band a matrix cell stands in: the register's Matrix sheet's band when `ratings` gives
    the cells', else the default bands of the scale (core/ratings), as a register without a Matrix sheet has them."""
    if ratings:
        return ratings.get((likelihood, impact)) or UNBANDED
    return default_band(likelihood, impact, scale)


def _grid(lines_of, scale: int, ratings: Bands | None) -> list[list[HeatCell]]:
    """Return the matrix rows, highest impact first, each cell with its band and `lines_of(cell)`."""
    return [[HeatCell(likelihood, impact, zone(likelihood, impact, scale, ratings), lines_of((likelihood, impact)))
             for likelihood in range(1, scale + 1)] for impact in range(scale, 0, -1)]


def cell_listing(points: Sequence[HeatPoint], scale: int,
                 ratings: Bands | None = None) -> tuple[tuple[str, str, str], ...]:
    """Return, for a heat map that counts its cells, the table below it that names them: per occupied cell,
    most severe first, ('4 × 3', its band, 'CRR001, CRR007, …')."""
    cells: dict[tuple[int, int], list[str]] = {}
    for point in points:
        cells.setdefault(point.after, []).append(point.risk_id)
    return tuple((f"{likelihood} × {impact}", zone(likelihood, impact, scale, ratings).name,
                  ", ".join(sorted(ids, key=natural_key)))
                 for (likelihood, impact), ids in sorted(cells.items(), key=lambda kv: (-kv[0][0] * kv[0][1],
                                                                                        -kv[0][1], -kv[0][0])))


def heat_cells(points: Sequence[HeatPoint], scale: int,
               ratings: Bands | None = None) -> list[list[HeatCell]]:
    """Return the matrix rows, highest impact first, each cell listing its risks (or their count)."""
    cells: dict[tuple[int, int], list[HeatPoint]] = {}
    for point in points:
        cells.setdefault(point.after, []).append(point)
    counted = len(points) > LABELLED_RISKS

    def lines(cell):
        group = sorted(cells.get(cell, ()), key=lambda p: natural_key(p.risk_id))
        if counted:
            return (plural(len(group), "risk"),) if group else ()
        return tuple(map(_label, group))
    return _grid(lines, scale, ratings)


def movement_cells(points: Sequence[MovementPoint], scale: int,
                   ratings: Bands | None = None) -> list[list[HeatCell]]:
    """Return the matrix rows, highest impact first, each cell naming the risks with a position there and which
    ('CRR03 I', 'CRR03 R T'); on a larger register, how many positions of each kind."""
    cells: dict[tuple[int, int], dict[str, list[str]]] = {}
    for point in points:
        cells.setdefault(point.cell, {}).setdefault(point.risk_id, []).append(point.mark)
    counted = len({p.risk_id for p in points}) > LABELLED_RISKS
    order = list(POSITION_MARKS.values())

    def lines(cell):
        held = cells.get(cell, {})
        if counted:
            marks = [m for risk_marks in held.values() for m in risk_marks]
            return (", ".join(f"{marks.count(m)} {m}" for m in order if m in marks),) if marks else ()
        return tuple(f"{risk_id} {' '.join(sorted(marks, key=order.index))}" for risk_id, marks in
                     sorted(held.items(), key=lambda kv: natural_key(kv[0])))
    return _grid(lines, scale, ratings)


def _label(point: HeatPoint) -> str:
    if point.before and point.before != point.after:
        return f"{point.risk_id} (was {point.before[0]}×{point.before[1]})"
    return point.risk_id


def _band_counts(cells: Sequence[tuple[int, int]], scale: int, ratings: Bands | None) -> str:
    """Return '2 Critical, 1 High, 0 Medium, 0 Low': how many of `cells` stand in each band, the matrix's when given."""
    names = [zone(*cell, scale, ratings).name for cell in cells]
    every = sorted(((likelihood, impact) for likelihood in range(1, scale + 1) for impact in range(1, scale + 1)),
                   key=lambda cell: -cell[0] * cell[1])  # most severe band first
    shown = list(dict.fromkeys(zone(*cell, scale, ratings).name for cell in every)) if ratings \
        else [r.name for r in RATINGS]
    return ", ".join(f"{names.count(name)} {name}" for name in shown)


def heat_map_alt_text(points: Sequence[HeatPoint], scale: int,
                      ratings: Bands | None = None) -> str:
    """Return what the heat map says, in words: the risks in each rating band."""
    moved = sum(1 for p in points if p.before and p.before != p.after)
    return (f"Likelihood by impact matrix of {plural(len(points), 'scored open risk')} on a {scale} by {scale} "
            f"scale: {_band_counts([p.after for p in points], scale, ratings)} by score band; "
            f"{plural(moved, 'risk')} moved cell since last quarter.")


def movement_alt_text(points: Sequence[MovementPoint], scale: int,
                      ratings: Bands | None = None) -> str:
    """Return what the movement grid says, in words: for each position, how many risks stand in each band."""
    risks = len({p.risk_id for p in points})
    parts = [f"{position}: {_band_counts([p.cell for p in points if p.position == position], scale, ratings)}"
             for position in POSITION_MARKS if any(p.position == position for p in points)]
    said = "; ".join(parts)
    return (f"Likelihood by impact matrix of the inherent, residual and target positions of "
            f"{plural(risks, 'open risk')} on a {scale} by {scale} scale, by score band. "
            f"{said[:1].upper()}{said[1:]}.")


__all__ = ["NativeChart", "rating_chart", "HeatCell", "heat_cells", "movement_cells", "zone", "heat_map_alt_text",
           "movement_alt_text",
           "distribution_alt_text", "LABELLED_RISKS", "cell_listing"]
