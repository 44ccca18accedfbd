"""Keep an .xlsx package consistent after riskreg's edits: the one place for what Excel expects of the parts as a whole.

Called when a Book is saved (`settle`) and by the applier around a table's rows (`lift_totals` / `restore_totals`)
and a table's renamed columns (`broken_references`):
- the calculation chain (xl/calcChain.xml) lists formula cells by address: when a formula cell moves or is cleared
  the chain is dropped (Excel rebuilds it) and the workbook asks for a full calculation on load;
- a table's Total Row stays its last row when rows are appended to the table;
- data validations and conditional formats that start at a table's first data row grow with the table;
- a header rename that a user's structured reference (`RiskRegister[Q2 Trending]`) still names is reported.
Note shapes' ids and `o:idmap` are kept valid by workbook/xlsx/notes.py, shared and array formulas by sheet_xml.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from workbook.core.model import column_letter
from workbook.xlsx.package import CONTENT_TYPES, M, REL_NS, WORKBOOK_PART, Package
from workbook.xlsx.sheet_xml import Cells, split_ref


class Book(Protocol):
    """What these checks need of a workbook.xlsx.book.Book (which calls them, so is not imported here)."""

    package: Package

    def part(self, sheet: str) -> str: ...

    def cells(self, sheet: str, *, edit: bool = True) -> Cells: ...


REL_CALC_CHAIN = f"{REL_NS}/calcChain"
REL_TABLE = f"{REL_NS}/table"
_XM = "http://schemas.microsoft.com/office/excel/2006/main"
# A cell element holding a formula, as any producer writes it (a namespace prefix or none, attributes in any order).
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+[0-9]+)\"[^>]*>\s*<(?:\w+:)?f\b")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>")
_SQREF = re.compile(rb"(<(?:\w+:)?(?:dataValidation|conditionalFormatting)\b[^>]*?\bsqref=\")([^\"]*)(\")")
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")
_SPECIALS = {"#all", "#data", "#headers", "#totals", "#this row"}


def settle(book: Book) -> None:
    """Make the package of `book` consistent before it is written."""
    package = book.package
    grown = _grown_tables(package)
    for sheet_part, (first_row, left, right, new_last) in grown:
        grow_ranges(package, sheet_part, first_row, left, right, new_last)
    if _formulas_moved(package):
        drop_calc_chain(package)


# ---- the calculation chain ----------------------------------------------------------------------------------

def calc_chain_part(package: Package) -> str | None:
    found = package.related(WORKBOOK_PART, REL_CALC_CHAIN)
    return found[0][1] if found else None


def formula_cells(data: bytes) -> set[str]:
    """Return the references of the cells of a worksheet part (its bytes) that hold a formula."""
    return {match.group(1).decode() for match in _FORMULA_CELL.finditer(data)}


def _formulas_moved(package: Package) -> bool:
    """Whether a worksheet part riskreg rewrote holds its formulas in other cells than it did when read."""
    if calc_chain_part(package) is None:
        return False
    for name in package.removed():  # a sheet removed with its formulas
        if name.startswith("xl/worksheets/") and formula_cells(package.original(name) or b""):
            return True
    for name in package.rewritten():
        if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
            continue
        before = package.original(name)
        if before is None:
            continue
        if formula_cells(before) != formula_cells(package.read(name)):
            return True
    return False


def drop_calc_chain(package: Package) -> None:
    """Remove the calculation chain (Excel rebuilds it) and have Excel calculate every formula when it opens."""
    part = calc_chain_part(package)
    if part is None:
        return
    for rel_id, _ in package.related(WORKBOOK_PART, REL_CALC_CHAIN):
        package.unrelate(WORKBOOK_PART, rel_id)
    package.remove(part)
    package.drop_content_type(part)
    book = package.xml(WORKBOOK_PART)
    calc = book.find(f"{M}calcPr")
    if calc is None:
        calc = etree.Element(f"{M}calcPr")
        # calcPr follows definedNames (and sheets) and precedes the elements listed here (CT_Workbook).
        later = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                 "fileRecoveryPr", "webPublishObjects", "extLst")
        for child in book:
            if etree.QName(child).localname in later:
                child.addprevious(calc)
                break
        else:
            book.append(calc)
    calc.set("fullCalcOnLoad", "1")
    package.changed(WORKBOOK_PART)
    package.changed(CONTENT_TYPES)


# ---- tables: the Total Row and the ranges that follow a table -------------------------------------------------

@dataclass
class LiftedTotals:
    """A table's Total Row taken out of the sheet while rows are appended above it."""

    table_part: str
    rows: list[etree._Element]


def table_part(package: Package, sheet_part: str, name: str) -> tuple[str, etree._Element] | None:
    for _, target in package.related(sheet_part, REL_TABLE):
        root = package.xml(target)
        if name in (root.get("name"), root.get("displayName")):
            return target, root
    return None


def _bounds(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    (top, left), (bottom, right) = split_ref(first), split_ref(last or first)
    return top, left, bottom, right


def lift_totals(book: Book, sheet: str, name: str) -> LiftedTotals | None:
    """Take table `name`'s Total Row out of `sheet` (so rows appended go where it was); None when it has none."""
    package = book.package
    found = table_part(package, book.part(sheet), name)
    if found is None:
        return None
    part, table = found
    count = int(table.get("totalsRowCount") or 0)
    if count <= 0:
        return None
    top, left, bottom, right = _bounds(table.get("ref", ""))
    cells = book.cells(sheet)
    rows = [row for number in range(bottom - count + 1, bottom + 1) if (row := cells.take_row(number)) is not None]
    table.set("ref", f"{column_letter(left)}{top}:{column_letter(right)}{bottom - count}")
    package.changed(part)
    return LiftedTotals(part, rows)


def restore_totals(book: Book, sheet: str, lifted: LiftedTotals, last_data_row: int) -> None:
    """Put the Total Row back below `last_data_row`, the table's last row again, its filter above it."""
    package, cells = book.package, book.cells(sheet)
    table = package.xml(lifted.table_part)
    count = int(table.get("totalsRowCount") or 0)
    top, left, bottom, right = _bounds(table.get("ref", ""))
    last_data_row = max(last_data_row, bottom)
    for offset, row in enumerate(lifted.rows, start=1):
        cells.put_row(row, last_data_row + offset)
    table.set("ref", f"{column_letter(left)}{top}:{column_letter(right)}{last_data_row + count}")
    autofilter = table.find(f"{M}autoFilter")
    if autofilter is not None:
        autofilter.set("ref", f"{column_letter(left)}{top}:{column_letter(right)}{last_data_row}")
    package.changed(lifted.table_part)


def _grown_tables(package: Package) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Return (sheet part, (first data row, left, right, new last data row)) of each table riskreg grew."""
    grown = []
    owners = {}
    for name in package.names():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            for _, target in package.related(name, REL_TABLE):
                owners[target] = name
    rewritten = package.rewritten()
    for part, sheet_part in owners.items():
        if part not in rewritten:
            continue
        before = package.original(part)
        if before is None:
            continue
        old, new = etree.fromstring(before), package.xml(part)
        old_bounds, new_bounds = _bounds(old.get("ref", "A1")), _bounds(new.get("ref", "A1"))
        old_last = old_bounds[2] - int(old.get("totalsRowCount") or 0)
        new_last = new_bounds[2] - int(new.get("totalsRowCount") or 0)
        if new_last > old_last:
            first_row = new_bounds[0] + (0 if new.get("headerRowCount") == "0" else 1)
            grown.append((sheet_part, (first_row, new_bounds[1], new_bounds[3], new_last)))
    return grown


def grow_range(sqref: str, first_row: int, left: int, right: int, new_last: int) -> str:
    """Return `sqref` (space-separated ranges) with each range that starts at the table's first data row, within its
    columns, extended down to the table's last data row `new_last` (a range that reaches further stays)."""
    grown = []
    for ref in sqref.split():
        try:
            top, first, bottom, last = _bounds(ref)
        except ValueError:
            grown.append(ref)
            continue
        if top == first_row and left <= first and last <= right and bottom < new_last:
            grown.append(f"{column_letter(first)}{top}:{column_letter(last)}{new_last}")
        else:
            grown.append(ref)
    return " ".join(grown)


def grow_ranges(package: Package, sheet_part: str, first_row: int, left: int, right: int, new_last: int) -> None:
    """Grow the sheet's data validations and conditional formats (x14 ones too) that follow a table's columns."""
    def grow(match: re.Match) -> bytes:
        value = grow_range(match.group(2).decode(), first_row, left, right, new_last).encode()
        return match.group(1) + value + match.group(3)

    if package.is_parsed(sheet_part):
        root = package.xml(sheet_part)
        for element in root.iter(f"{M}dataValidation", f"{M}conditionalFormatting"):
            element.set("sqref", grow_range(element.get("sqref", ""), first_row, left, right, new_last))
        for element in root.iter(f"{{{_XM}}}sqref"):
            element.text = grow_range(element.text or "", first_row, left, right, new_last)
        package.changed(sheet_part)
        return
    data = package.read(sheet_part)
    end = data.rfind(b"</sheetData>")
    tail = _XM_SQREF.sub(grow, _SQREF.sub(grow, data[end:]))
    if tail != data[end:]:
        package.put(sheet_part, data[:end] + tail)


# ---- structured references ------------------------------------------------------------------------------------

def _column_names(formula: str, table: str, implicit: bool) -> set[str]:
    """Return the column names `formula` names of `table` (`implicit`: also `[@Col]`/`[Col]` with no table name, as
    a formula in the table's own rows writes them)."""
    names: set[str] = set()
    pattern = re.compile(r"(?<![\w.\]])(" + re.escape(table) + r")?\[((?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*)\]",
                         re.IGNORECASE)
    for match in pattern.finditer(formula):
        if match.group(1) is None and not implicit:
            continue
        inner = match.group(2)
        parts = re.findall(r"\[((?:[^\[\]']|'.)*)\]", inner) if "[" in inner else [inner]
        for part in parts:
            part = part.strip().lstrip("@").strip()
            part = re.sub(r"'(.)", r"\1", part)
            if part and part.casefold() not in _SPECIALS:
                names.add(part)
    return names


def broken_references(package: Package, sheet_names: Mapping[str, str], table_sheet: str, table: str,
                      old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Return a sentence for each formula (any sheet, or a defined name) that names a column of `table` that is no
    longer there after its columns `old` were renamed `new`; `sheet_names` is sheet name -> part."""
    gone = {name.casefold(): name for name in old}
    for name in new:
        gone.pop(name.casefold(), None)
    if not gone:
        return []
    found: list[str] = []

    def check(where: str, formula: str, implicit: bool) -> None:
        named = sorted(n for n in _column_names(formula, table, implicit) if n.casefold() in gone)
        if named:
            columns = ", ".join(f"'{n}'" for n in named)
            found.append(f"{where}: the formula ={formula} names the column {columns} of table {table}, which this "
                         f"roll-over renamed; Excel will not find it. Change the formula to name the column now headed "
                         f"for the quarter you mean.")

    needles = [html.escape(name, quote=False).encode() for name in gone.values()]
    for sheet, part in sheet_names.items():
        if not part or not package.has(part) or not part.startswith("xl/worksheets/"):
            continue
        if not any(package.may_contain(part, needle) for needle in needles):
            continue
        if not (package.may_contain(part, b"</f>") or package.may_contain(part, b":f>")):
            continue  # no cell formula (each ends </f>): the sheet is not joined to look for one
        for cell, formula in _cell_formulas(package.read(part)):
            check(f"{sheet}!{cell}", formula, implicit=sheet == table_sheet)
    book = package.xml(WORKBOOK_PART)
    for defined in book.iter(f"{M}definedName"):
        check(f"the name {defined.get('name')}", defined.text or "", implicit=False)
    return found


def _cell_formulas(data: bytes) -> Iterable[tuple[str, str]]:
    for match in _FORMULA_CELL.finditer(data):
        text = _FORMULA_TEXT.match(data, data.rfind(b"<", match.start(), match.end()))
        if text is not None and text.group(1):
            yield match.group(1).decode(), html.unescape(text.group(1).decode())
