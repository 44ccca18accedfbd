"""Single cells of a worksheet part: values stored as Excel stores them, rows moved, shared formulas unshared."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from openpyxl import load_workbook

from workbook.core.errors import RegisterFormatError
from workbook.xlsx.book import Book
from workbook.xlsx.package import M, MAIN_NS
from workbook.xlsx.sheet_xml import Cells, cell_xml, clear_value, excel_serial, move_value, set_value, split_ref


def sheet(rows: str) -> Cells:
    return Cells(etree.fromstring(f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'))


def test_references_and_day_numbers():
    assert split_ref("$AB$12") == (12, 28)
    with pytest.raises(ValueError):
        split_ref("12AB")
    assert excel_serial(dt.date(2022, 3, 31)) == 44651
    assert excel_serial(dt.datetime(2022, 3, 31, 12)) == 44651.5


@pytest.mark.parametrize("value", ["  padded ", "→", 3, 2.5, True, dt.date(2022, 3, 31), "", None])
def test_set_value_writes_what_cell_xml_writes(value):
    cells = sheet("")
    cell = cells.cell(4, 3)
    set_value(cell, value)
    expected = etree.fromstring(cell_xml("C4", value).replace("<c ", f'<c xmlns="{MAIN_NS}" ', 1))
    written = etree.fromstring(etree.tostring(cell))
    assert etree.tostring(written, method="c14n") == etree.tostring(expected, method="c14n")


def test_cells_are_created_in_order_and_values_read_back(sample_workbook):
    book = Book(sample_workbook)
    cells = book.cells("Settings")
    set_value(cells.cell(30, 5), "  kept as typed ")
    set_value(cells.cell(30, 2), dt.date(2022, 3, 31))
    set_value(cells.cell(29, 2), 7)
    book.save(sample_workbook)
    ws = load_workbook(sample_workbook)["Settings"]
    assert (ws["E30"].value, ws["B30"].value, ws["B29"].value) == ("  kept as typed ", 44651, 7)
    refs = [c.get("r") for c in Book(sample_workbook).cells("Settings", edit=False).row(30)]
    assert refs == ["B30", "E30"]


def test_a_row_taken_out_goes_back_renumbered():
    cells = sheet('<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Total</t></is>'
                  '</c></row>')
    row = cells.take_row(3)
    assert cells.take_row(9) is None and cells.numbers() == [2]
    set_value(cells.cell(3, 1), 5)
    cells.put_row(row, 4)
    assert [(r.get("r"), [c.get("r") for c in r]) for r in cells.data] == [
        ("2", ["A2"]), ("3", ["A3"]), ("4", ["A4"])]
    assert "".join(cells.get(4, 1).itertext()) == "Total"


def test_a_shared_formula_becomes_a_formula_in_each_cell_before_it_moves():
    cells = sheet('<row r="2"><c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f><v>2</v></c></row>'
                  '<row r="3"><c r="B3"><f t="shared" si="0"/><v>4</v></c></row>'
                  '<row r="4"><c r="B4"><f t="shared" si="0"/><v>6</v></c><c r="C4"/></row>')
    move_value(cells.get(3, 2), cells.get(4, 3))
    formulas = {c.get("r"): (c.findtext(f"{M}f"), dict(c.find(f"{M}f").attrib))
                for c in cells.root.iter(f"{M}c") if c.find(f"{M}f") is not None}
    assert formulas == {"B2": ("A2*2", {}), "B3": ("A3*2", {}), "B4": ("A4*2", {}), "C4": ("A3*2", {})}
    clear_value(cells.get(2, 2))
    assert cells.get(2, 2).find(f"{M}f") is None and cells.get(4, 2).findtext(f"{M}f") == "A4*2"


def test_a_shared_formula_without_its_first_cell_is_refused():
    cells = sheet('<row r="3"><c r="B3"><f t="shared" si="0"/><v>4</v></c><c r="C3"/></row>')
    with pytest.raises(RegisterFormatError) as err:
        move_value(cells.get(3, 2), cells.get(3, 3))
    assert err.value.user_message.startswith("cell B3 holds a shared formula whose first cell is missing")
