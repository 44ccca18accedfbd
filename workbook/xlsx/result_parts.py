"""The Validation and Summary sheets as worksheet parts (and the Summary's chart), written straight as XML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from workbook.core.findings import SEVERITY_FILLS, Finding, worst
from workbook.core.model import column_letter
from workbook.core.palette import WORKBOOK_HEADER_FILL
from workbook.core.result_sheets import (
    CELL_COLUMN,
    COUNTS_TITLE_ROW,
    MOVEMENT_HEADERS,
    MOVEMENT_WIDTHS,
    VALIDATION_HEADER_ROW,
    VALIDATION_HEADERS,
    VALIDATION_WIDTHS,
    Rows,
    SummaryRows,
    validation_rows,
)
from workbook.core.schema import REGISTER_SHEET, SUMMARY_SHEET, VALIDATION_SHEET
from workbook.xlsx.book import Book
from workbook.xlsx.package import (CT_CHART, CT_DRAWING, MAIN_NS, REL_CHART, REL_DRAWING, REL_NS, M, R_ID,
                                   Package)
from workbook.core.values import storable
from workbook.xlsx.notes import xml_text
from workbook.xlsx.sheet_xml import cell_xml
from workbook.xlsx.styles import Styles, font, solid_fill, text_style

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
EMU_PER_CM = 360_000
# How the results sheets name their writer and how a listed cell is reached (hyperlinks and notes, in a file).
WRITTEN_BY = "riskreg"
GO_TO = "Click a cell address to go to it; the cell carries a note with the message."
HEADER_FILL = WORKBOOK_HEADER_FILL
LINK_COLOUR = "0563C1"
CHART_SIZE_CM = (16, 8)


@dataclass
class SheetSpec:
    """What a results sheet looks like besides its values: formats, widths, panes, filter, links, printing."""

    rows: Rows
    styles: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> cell format index
    widths: dict[int, float] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)
    frozen_rows: int = 0
    auto_filter: str | None = None
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> location to go to
    tab_color: str | None = None
    has_drawing: bool = False


def _sub(parent: etree._Element, tag: str, **attributes) -> etree._Element:
    return etree.SubElement(parent, f"{M}{tag}", {k: str(v) for k, v in attributes.items()})


def _attribute(value: str) -> str:
    """Return `value` escaped as lxml writes an attribute's value (in double quotes)."""
    return xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _cell(ref: str, value: object, style: int) -> str:
    """Return one cell's XML as `set_value` stores `value` and lxml writes it."""
    if value is None or value == "" or isinstance(value, (int, float, dt.date)):  # bool and dates included
        return cell_xml(ref, value, style)
    text = storable(str(value))
    styled = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


def _rows_xml(spec: SheetSpec, styles: Styles) -> str:
    """Return the sheet's rows as XML text: a results sheet has a row per finding, thousands at 10,000 risks, and
    text joined once is many times faster than an element per cell."""
    rows = []
    letters = [column_letter(position) for position in range(1, max((len(r) for r in spec.rows), default=0) + 1)]
    for number, values in enumerate(spec.rows, start=1):
        cells = []
        for position, value in enumerate(values, start=1):
            style = spec.styles.get((number, position))
            if value in (None, "") and style is None:
                continue
            # formula-looking text stays text
            cells.append(_cell(f"{letters[position - 1]}{number}", value, text_style(styles, style or 0, value)))
        rows.append(f'<row r="{number}">{"".join(cells)}</row>' if cells else f'<row r="{number}"/>')
    return "".join(rows)


def _links_xml(spec: SheetSpec) -> str:
    return "".join(f'<hyperlink ref="{column_letter(column)}{row}" location="{_attribute(location)}" '
                   f'tooltip="{_attribute(f"Go to {location}")}" display="{_attribute(location)}"/>'
                   for (row, column), location in sorted(spec.links.items()))


@dataclass
class Worksheet:
    """A results sheet's XML: its frame as elements (a chart's drawing may still be added to it), its rows and links
    as text, joined into the part's bytes by `data`."""

    root: etree._Element
    rows: str
    links: str

    def data(self) -> bytes:
        frame = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        frame = frame.replace(b"<sheetData/>", b"<sheetData>" + self.rows.encode() + b"</sheetData>", 1) \
            if self.rows else frame
        return frame.replace(b"<hyperlinks/>", b"<hyperlinks>" + self.links.encode() + b"</hyperlinks>", 1) \
            if self.links else frame


def worksheet(spec: SheetSpec, styles: Styles) -> Worksheet:
    """Return the worksheet XML for `spec`."""
    root = etree.Element(f"{M}worksheet", nsmap={None: MAIN_NS, "r": REL_NS})
    properties = _sub(root, "sheetPr")
    if spec.tab_color:
        _sub(properties, "tabColor", rgb="FF" + spec.tab_color)
    _sub(properties, "pageSetUpPr", fitToPage=1)
    width = max((len(r) for r in spec.rows), default=1) or 1
    _sub(root, "dimension", ref=f"A1:{column_letter(width)}{max(len(spec.rows), 1)}")
    view = _sub(_sub(root, "sheetViews"), "sheetView", workbookViewId=0)
    if spec.frozen_rows:
        top = f"A{spec.frozen_rows + 1}"
        _sub(view, "pane", ySplit=spec.frozen_rows, topLeftCell=top, activePane="bottomLeft", state="frozen")
        _sub(view, "selection", pane="bottomLeft", activeCell=top, sqref=top)
    _sub(root, "sheetFormatPr", defaultRowHeight=15)
    if spec.widths or spec.hidden_columns:
        cols = _sub(root, "cols")
        for column in sorted(set(spec.widths) | spec.hidden_columns):
            attributes = {"min": column, "max": column, "width": spec.widths.get(column, 9.140625), "customWidth": 1}
            if column in spec.hidden_columns:
                attributes["hidden"] = 1
            _sub(cols, "col", **attributes)
    _sub(root, "sheetData")
    if spec.auto_filter:
        _sub(root, "autoFilter", ref=spec.auto_filter)
    if spec.links:
        _sub(root, "hyperlinks")
    _sub(root, "pageMargins", left=0.7, right=0.7, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    _sub(root, "pageSetup", paperSize=9, orientation="landscape", fitToWidth=1, fitToHeight=0)
    return Worksheet(root, _rows_xml(spec, styles), _links_xml(spec))


def add_results_sheet(package: Package, name: str, index: int, sheet: Worksheet, print_rows: str) -> str:
    """Put worksheet `sheet` in the package as sheet `name` at `index`, printing `print_rows` on every page."""
    part = package.add_sheet(name, index, sheet.root)
    first, _, last = print_rows.partition(":")
    package.set_defined_name("_xlnm.Print_Titles", index, f"'{name}'!${first}:${last or first}")
    return part


def add_chart(package: Package, sheet_part: str, sheet_root: etree._Element, chart: etree._Element,
              at: tuple[int, int], size_cm: tuple[float, float]) -> None:
    """Anchor `chart` on the sheet with its top-left corner in cell `at` (row, column)."""
    chart_part = package.unique_name("xl/charts/chart{}.xml")
    drawing_part = package.unique_name("xl/drawings/drawing{}.xml")
    package.put_xml(chart_part, chart)
    package.set_content_type(chart_part, CT_CHART)
    drawing = etree.Element(f"{{{_XDR}}}wsDr", nsmap={"xdr": _XDR, "a": _A, "r": REL_NS, "c": _C})
    package.put_xml(drawing_part, drawing)
    package.set_content_type(drawing_part, CT_DRAWING)
    chart_id = package.relate(drawing_part, chart_part, REL_CHART)
    drawing_id = package.relate(sheet_part, drawing_part, REL_DRAWING)

    anchor = etree.SubElement(drawing, f"{{{_XDR}}}oneCellAnchor")
    start = etree.SubElement(anchor, f"{{{_XDR}}}from")
    for tag, value in (("col", at[1] - 1), ("colOff", 0), ("row", at[0] - 1), ("rowOff", 0)):
        etree.SubElement(start, f"{{{_XDR}}}{tag}").text = str(value)
    etree.SubElement(anchor, f"{{{_XDR}}}ext", cx=str(int(size_cm[0] * EMU_PER_CM)),
                     cy=str(int(size_cm[1] * EMU_PER_CM)))
    frame = etree.SubElement(anchor, f"{{{_XDR}}}graphicFrame", macro="")
    properties = etree.SubElement(frame, f"{{{_XDR}}}nvGraphicFramePr")
    etree.SubElement(properties, f"{{{_XDR}}}cNvPr", id="1", name="Chart 1")
    etree.SubElement(properties, f"{{{_XDR}}}cNvGraphicFramePr")
    transform = etree.SubElement(frame, f"{{{_XDR}}}xfrm")
    etree.SubElement(transform, f"{{{_A}}}off", x="0", y="0")
    etree.SubElement(transform, f"{{{_A}}}ext", cx="0", cy="0")
    graphic = etree.SubElement(etree.SubElement(frame, f"{{{_A}}}graphic"), f"{{{_A}}}graphicData",
                               uri=_C)
    reference = etree.SubElement(graphic, f"{{{_C}}}chart")
    reference.set(R_ID, chart_id)
    etree.SubElement(anchor, f"{{{_XDR}}}clientData")

    element = etree.Element(f"{M}drawing")
    element.set(R_ID, drawing_id)
    sheet_root.append(element)


def _c(parent: etree._Element, tag: str, val: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{_C}}}{tag}")
    if val is not None:
        element.set("val", str(val))
    return element


def _rich(parent: etree._Element, text: str, bold: bool = True) -> None:
    rich = _c(_c(parent, "tx"), "rich")
    etree.SubElement(rich, f"{{{_A}}}bodyPr")
    paragraph = etree.SubElement(rich, f"{{{_A}}}p")
    run = etree.SubElement(paragraph, f"{{{_A}}}r")
    etree.SubElement(run, f"{{{_A}}}rPr", lang="en-GB", b="1" if bold else "0")
    etree.SubElement(run, f"{{{_A}}}t").text = text


def _solid(parent: etree._Element, rgb: str) -> None:
    shape = _c(parent, "spPr")
    etree.SubElement(etree.SubElement(shape, f"{{{_A}}}solidFill"), f"{{{_A}}}srgbClr", val=rgb)
    line = etree.SubElement(shape, f"{{{_A}}}ln")
    etree.SubElement(etree.SubElement(line, f"{{{_A}}}solidFill"), f"{{{_A}}}srgbClr", val=rgb)


def bar_chart(sheet: str, title: str, header_row: int, first_column: int, last_column: int,
              series: Sequence[tuple[int, str]], axis_titles: tuple[str, str]) -> etree._Element:
    """Return a clustered column chart, one series per row (row, colour), categories from `header_row`."""
    space = etree.Element(f"{{{_C}}}chartSpace", nsmap={"c": _C, "a": _A, "r": REL_NS})
    _c(space, "roundedCorners", 0)
    chart = _c(space, "chart")
    _rich(_c(chart, "title"), title)
    _c(chart, "autoTitleDeleted", 0)
    area = _c(chart, "plotArea")
    _c(area, "layout")
    bars = _c(area, "barChart")
    _c(bars, "barDir", "col")
    _c(bars, "grouping", "clustered")
    _c(bars, "varyColors", 0)
    first, last = column_letter(first_column), column_letter(last_column)
    categories = f"'{sheet}'!${first}${header_row}" + (f":${last}${header_row}" if last != first else "")
    for index, (row, colour) in enumerate(series):
        ser = _c(bars, "ser")
        _c(ser, "idx", index)
        _c(ser, "order", index)
        _c(_c(_c(ser, "tx"), "strRef"), "f").text = f"'{sheet}'!A{row}"
        _solid(ser, colour)
        _c(ser, "invertIfNegative", 0)
        _c(_c(_c(ser, "cat"), "strRef"), "f").text = categories
        _c(_c(_c(ser, "val"), "numRef"), "f").text = f"'{sheet}'!${first}${row}:${last}${row}"
    _c(bars, "gapWidth", 150)
    _c(bars, "axId", 10)
    _c(bars, "axId", 100)
    for axis, ident, cross, position, name in (("catAx", 10, 100, "b", axis_titles[1]),
                                               ("valAx", 100, 10, "l", axis_titles[0])):
        ax = _c(area, axis)
        _c(ax, "axId", ident)
        _c(_c(ax, "scaling"), "orientation", "minMax")
        _c(ax, "delete", 0)
        _c(ax, "axPos", position)
        if axis == "valAx":
            _c(ax, "majorGridlines")
        _rich(_c(ax, "title"), name, bold=False)
        _c(ax, "numFmt").attrib.update({"formatCode": "General", "sourceLinked": "1"})
        _c(ax, "majorTickMark", "out")
        _c(ax, "minorTickMark", "none")
        _c(ax, "tickLblPos", "nextTo")
        _c(ax, "crossAx", cross)
        _c(ax, "crosses", "autoZero")
        if axis == "valAx":
            _c(ax, "crossBetween", "between")
            _c(ax, "majorUnit", 1)
        else:
            _c(ax, "auto", 1)
            _c(ax, "lblAlgn", "ctr")
            _c(ax, "lblOffset", 100)
    legend = _c(chart, "legend")
    _c(legend, "legendPos", "r")
    _c(legend, "overlay", 0)
    _c(chart, "plotVisOnly", 1)
    _c(chart, "dispBlanksAs", "gap")
    return space


# ---- the two results sheets, built into a workbook ------------------------------------------------------------

def _replace_sheet(book: Book, name: str, after: str | None) -> int:
    """Remove riskreg's previous sheet `name`; return the position the new one takes."""
    names = book.sheetnames
    if name in names:
        index = names.index(name)
        book.package.remove_sheet(name)
        return index
    return names.index(after) + 1 if after in names else len(names)


def _header_style(book: Book) -> int:
    return book.styles.derive(0, font=font(bold=True, color="FFFFFF"), fill=solid_fill(HEADER_FILL),
                              alignment={"vertical": "center", "wrapText": "1"})


def validation_sheet(book: Book, findings: Sequence[Finding], summary: str, before: Mapping[str, str]) -> None:
    """Rebuild the Validation sheet after the Register: one row per finding, its cell a link, `before` its fill."""
    styles = book.styles
    rows = validation_rows(findings, summary, before, WRITTEN_BY, dt.datetime.now(), GO_TO)
    spec = SheetSpec(rows, frozen_rows=VALIDATION_HEADER_ROW,
                     widths=dict(enumerate(VALIDATION_WIDTHS, start=1)),
                     hidden_columns={len(VALIDATION_HEADERS)},
                     tab_color={"error": "C00000", "warning": "FFC000"}.get(worst(findings) or "", "3A9D23"))
    spec.styles[(1, 1)] = styles.derive(0, font=font(bold=True, size=13))
    header = _header_style(book)
    for position in range(1, len(VALIDATION_HEADERS) + 1):
        spec.styles[(VALIDATION_HEADER_ROW, position)] = header
    wrap = styles.derive(0, alignment={"vertical": "top", "wrapText": "1"})
    link = styles.derive(wrap, font=font(underline=True, color=LINK_COLOUR))
    severity = {name: styles.derive(wrap, fill=solid_fill(colour)) for name, colour in SEVERITY_FILLS.items()}
    for row, finding in enumerate(findings, start=VALIDATION_HEADER_ROW + 1):
        for position in range(1, len(VALIDATION_HEADERS) + 1):
            spec.styles[(row, position)] = wrap
        spec.styles[(row, 1)] = severity.get(finding.severity, wrap)
        spec.styles[(row, CELL_COLUMN)] = link
        spec.links[(row, CELL_COLUMN)] = finding.cell
    last = VALIDATION_HEADER_ROW + max(len(findings), 1)
    spec.auto_filter = f"A{VALIDATION_HEADER_ROW}:{column_letter(len(VALIDATION_HEADERS))}{last}"
    index = _replace_sheet(book, VALIDATION_SHEET, after=REGISTER_SHEET)
    sheet = worksheet(spec, styles)
    part = add_results_sheet(book.package, VALIDATION_SHEET, index, sheet,
                             f"{VALIDATION_HEADER_ROW}:{VALIDATION_HEADER_ROW}")
    book.package.put(part, sheet.data())


def summary_sheet(book: Book, layout: SummaryRows, colours: Sequence[str]) -> None:
    """Rebuild the Summary sheet from `layout`: risks by rating per period with a chart (series coloured by
    `colours`), and this period's movements."""
    styles = book.styles
    sheet = layout.signed(WRITTEN_BY, dt.datetime.now())
    spec = SheetSpec(sheet.rows, frozen_rows=COUNTS_TITLE_ROW - 1)
    spec.styles[(1, 1)] = styles.derive(0, font=font(bold=True, size=14))
    subtitle = styles.derive(0, font=font(bold=True, size=12))
    bold = styles.derive(0, font=font(bold=True))
    header = _header_style(book)
    spec.styles[(COUNTS_TITLE_ROW, 1)] = subtitle
    for position in range(1, sheet.counts_width + 1):
        spec.styles[(sheet.counts_header_row, position)] = header
        spec.styles[(sheet.total_row, position)] = bold
    spec.widths[1] = 16
    for position in range(2, sheet.counts_width + 1):
        spec.widths[position] = 12
    spec.styles[(sheet.movements_title_row, 1)] = subtitle
    for position in range(1, len(MOVEMENT_HEADERS) + 1):
        spec.styles[(sheet.movements_header_row, position)] = header
    for position, width in enumerate(MOVEMENT_WIDTHS, start=1):
        spec.widths[position] = max(spec.widths.get(position, 0), width)
    for row in sheet.group_rows:
        spec.styles[(row, 1)] = bold
    after = VALIDATION_SHEET if VALIDATION_SHEET in book.sheetnames else REGISTER_SHEET
    index = _replace_sheet(book, SUMMARY_SHEET, after=after)
    written = worksheet(spec, styles)
    root = written.root
    part = add_results_sheet(book.package, SUMMARY_SHEET, index, written, "1:1")
    periods = sheet.periods
    if periods:
        title = f"Open risks by residual rating, {periods[0]} to {periods[-1]}" if len(periods) > 1 \
            else f"Open risks by residual rating, {periods[0]}"
        series = [(sheet.counts_header_row + 1 + i, colour) for i, colour in enumerate(colours)]
        chart = bar_chart(SUMMARY_SHEET, title, sheet.counts_header_row, 2, sheet.counts_width, series,
                          ("Risks", "Quarter"))
        add_chart(book.package, part, root, chart, sheet.chart_at, CHART_SIZE_CM)
    book.package.put(part, written.data())
