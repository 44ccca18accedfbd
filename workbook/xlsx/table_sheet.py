"""Add a sheet that is one Excel Table (Actions, Appetite) to a register's package, as `riskreg new --full` makes it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lxml import etree
from openpyxl.xml.functions import tostring

from workbook.core.edit import DefinedName, TableSheet
from workbook.core.model import column_letter
from workbook.core.schema import LISTS_SHEET
from workbook.xlsx.book import Book
from workbook.xlsx.builder import (
    FORMATTED_ROWS,
    LIST_ROWS,
    TABLE_STYLE,
    _footer_text,
    _formatted_to,
    sheet_validation,
)
from workbook.xlsx.package import MAIN_NS, REL_NS, M, R_ID, WORKBOOK_PART
from workbook.xlsx.result_parts import SheetSpec, add_results_sheet, worksheet
from workbook.xlsx.sheet_xml import set_value
from workbook.xlsx.styles import font, text_style

REL_TABLE = f"{REL_NS}/table"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
HEADER_HEIGHT = 32  # points: the builder's header row
DATE_FORMAT = "dd/mm/yyyy"
# Where each element the builder's sheets carry goes among a worksheet's children (ECMA-376 CT_Worksheet order).
_BEFORE = {"dataValidations": ("hyperlinks", "printOptions", "pageMargins"), "printOptions": ("pageMargins",)}


def add_table_sheet(book: Book, spec: TableSheet) -> tuple[list[str], list[DefinedName]]:
    """Add the sheet `spec` describes after the last visible sheet (and its lists to the Lists sheet); return the
    cells written, and the workbook names its lists need (for the applier to set)."""
    written, names = _add_lists(book, spec.lists)
    styles = book.styles
    columns = spec.columns
    header = styles.derive(0, font=font(bold=True), alignment={"wrapText": "1", "vertical": "center"})
    wrap = styles.derive(0, alignment={"wrapText": "1", "vertical": "top"})
    dated = styles.derive(wrap, numFmt=DATE_FORMAT)
    rows: list[list[object]] = [[c.header for c in columns],
                                *[[row.get(c.key) for c in columns] for row in spec.rows]]
    sheet = SheetSpec(rows, widths={i: c.width for i, c in enumerate(columns, start=1)}, frozen_rows=1)
    for position, column in enumerate(columns, start=1):
        sheet.styles[(1, position)] = header
        for number in range(2, len(rows) + 1):
            sheet.styles[(number, position)] = dated if column.kind == "date" else wrap
    root = worksheet(sheet, styles)
    first = root.find(f"{M}sheetData/{M}row")
    if first is not None:
        first.set("ht", str(HEADER_HEIGHT))
        first.set("customHeight", "1")
    formatted = _formatted_to(len(spec.rows), FORMATTED_ROWS)
    validations = etree.Element(f"{M}dataValidations")
    for position, column in enumerate(columns, start=1):
        validation = sheet_validation(column)
        if validation is None:
            continue
        validation.add(f"{column_letter(position)}2:{column_letter(position)}{formatted}")
        validations.append(_namespaced(validation.to_tree()))
    if len(validations):
        validations.set("count", str(len(validations)))
        _insert(root, validations)
    _insert(root, etree.Element(f"{M}printOptions", gridLines="1"))
    margins = root.find(f"{M}pageMargins")
    if margins is not None:
        for side, value in (("left", "0.4"), ("right", "0.4"), ("top", "0.75"), ("bottom", "0.75")):
            margins.set(side, value)
    footer = etree.SubElement(root, f"{M}headerFooter")
    etree.SubElement(footer, f"{M}oddHeader").text = f'&C&"Arial,Bold"{_footer_text(spec.marking)}'
    etree.SubElement(footer, f"{M}oddFooter").text = \
        f"&L{_footer_text(f'{spec.title}: {spec.name.lower()}')}&CPage &P of &N&R{_footer_text(spec.marking)}"
    index = _after_visible(book)
    part = add_results_sheet(book.package, spec.name, index, root, "1:1")
    _add_table(book, part, root, spec.table, [c.header for c in columns], len(spec.rows))
    written += [f"{spec.name}!{column_letter(column)}{row}" for row, values in enumerate(rows, start=1)
                for column, value in enumerate(values, start=1) if value not in (None, "")]
    return written, names


def _namespaced(element) -> etree._Element:
    """Return openpyxl's serialised `element` (no namespace) as a SpreadsheetML element of this package."""
    text = tostring(element).decode()
    text = re.sub(r"^<(\w+)", rf'<\1 xmlns="{MAIN_NS}"', text, count=1)
    return etree.fromstring(text.encode())


def _insert(root: etree._Element, element: etree._Element) -> None:
    """Put `element` among `root`'s children where the schema orders it."""
    name = etree.QName(element).localname
    for child in root:
        if etree.QName(child).localname in _BEFORE.get(name, ()):
            child.addprevious(element)
            return
    root.append(element)


def _after_visible(book: Book) -> int:
    """Return the position after the last sheet shown (riskreg's hidden sheets stay last)."""
    sheets = list(book.package.xml(WORKBOOK_PART).iter(f"{M}sheet"))
    shown = [index for index, sheet in enumerate(sheets) if sheet.get("state", "visible") == "visible"]
    return shown[-1] + 1 if shown else len(sheets)


def _add_table(book: Book, part: str, root: etree._Element, name: str, headers: Sequence[str], rows: int) -> None:
    """Relate the Excel Table `name` over `headers` and `rows` data rows (at least one, as the builder's) to the
    sheet `part`."""
    package = book.package
    ids = [int(package.xml(other).get("id") or 0) for other in package.names()
           if other.startswith("xl/tables/") and other.endswith(".xml")]
    ref = f"A1:{column_letter(len(headers))}{max(rows, 1) + 1}"
    table = etree.Element(f"{M}table", nsmap={None: MAIN_NS}, id=str(max(ids, default=0) + 1), name=name,
                          displayName=name, ref=ref)
    etree.SubElement(table, f"{M}autoFilter", ref=ref)
    listed = etree.SubElement(table, f"{M}tableColumns", count=str(len(headers)))
    for number, header in enumerate(headers, start=1):
        etree.SubElement(listed, f"{M}tableColumn", id=str(number), name=header)
    etree.SubElement(table, f"{M}tableStyleInfo", name=TABLE_STYLE, showFirstColumn="0", showLastColumn="0",
                     showRowStripes="1", showColumnStripes="0")
    table_part = package.unique_name("xl/tables/table{}.xml")
    package.put_xml(table_part, table)
    package.set_content_type(table_part, CT_TABLE)
    rel_id = package.relate(part, table_part, REL_TABLE)
    parts = etree.SubElement(root, f"{M}tableParts", count="1")
    etree.SubElement(parts, f"{M}tablePart").set(R_ID, rel_id)
    package.changed(part)


def _add_lists(book: Book, lists: Mapping[str, Sequence[str]]) -> tuple[list[str], list[DefinedName]]:
    """Add each list the Lists sheet lacks in a column of its own; return the cells written and the workbook name
    each needs for its drop-downs."""
    if not lists or LISTS_SHEET not in book.sheetnames:
        return [], []
    cells = book.cells(LISTS_SHEET)
    headers = {str(book.text(cell) or "").strip(): column for column, cell in cells.row_cells(1).items()}
    bold = book.styles.derive(0, font=font(bold=True))
    written: list[str] = []
    names: list[DefinedName] = []
    column = max(headers.values(), default=0)
    for name, values in lists.items():
        if name in headers:
            continue
        column += 1
        for row, value in enumerate((name, *values), start=1):
            cell = cells.cell(row, column)
            style = bold if row == 1 else text_style(book.styles, int(cell.get("s") or 0), value)
            if style:
                cell.set("s", str(style))
            set_value(cell, value)
            written.append(f"{LISTS_SHEET}!{column_letter(column)}{row}")
        letter = column_letter(column)
        names.append(DefinedName(name, f"{LISTS_SHEET}!${letter}$2:${letter}${LIST_ROWS}"))
    return written, names
