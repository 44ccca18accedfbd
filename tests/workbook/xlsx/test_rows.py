"""Tests for workbook/xlsx/rows.py: a worksheet's rows parsed one at a time, written back in place."""

from __future__ import annotations

import pytest
from lxml import etree

from workbook.xlsx import rows as rows_module
from workbook.xlsx.package import M
from workbook.xlsx.rows import SheetRows
from workbook.xlsx.sheet_xml import Cells, set_value

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="urn:x14ac">'
        b'<dimension ref="A1:B4"/><sheetData>')
ROWS = (b'<row r="1" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>\n'
        b'<row r="2"><c r="A2"><v>1</v></c></row><row r="3" spans="1:2"/>'
        b'<row r="4"><c r="A4"><f>A2+1</f><v>2</v></c></row>')
TAIL = b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'


def split(data: bytes = HEAD + ROWS + TAIL) -> tuple[etree._Element, SheetRows]:
    found = SheetRows.split(data)
    assert found is not None
    frame, rows = found
    root = etree.fromstring(frame)
    rows.bind(root)
    return root, rows


def whole(root: etree._Element, rows: SheetRows) -> bytes:
    return rows.join(etree.tostring(root))


def test_the_frame_leaves_the_rows_out_and_rows_never_asked_for_come_back_byte_for_byte():
    root, rows = split()
    assert root.find(f"{M}sheetData") is not None and len(root.find(f"{M}sheetData")) == 0
    assert rows.numbers() == [1, 2, 3, 4]
    joined = whole(root, rows)
    for row in ROWS.split(b"\n")[0], b'<row r="2"><c r="A2"><v>1</v></c></row><row r="3" spans="1:2"/>':
        assert row in joined
    assert etree.fromstring(joined).find(f"{M}pageMargins") is not None


def test_a_row_changed_is_written_back_in_its_place_in_the_sheets_namespaces():
    root, rows = split()
    cells = Cells(root, rows)
    set_value(cells.cell(3, 2), "new")
    set_value(cells.cell(6, 1), 7)  # a row the sheet did not have
    parsed = etree.fromstring(whole(root, rows))
    assert [r.get("r") for r in parsed.iter(f"{M}row")] == ["1", "2", "3", "4", "6"]
    assert parsed.find(f"{M}sheetData/{M}row[@r='3']/{M}c[@r='B3']/{M}is/{M}t").text == "new"
    assert b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="' not in whole(root, rows)


def test_only_a_few_rows_are_parsed_at_once_and_those_let_go_keep_their_changes(monkeypatch):
    monkeypatch.setattr(rows_module, "LIVE_ROWS", 2)
    root, rows = split()
    cells = Cells(root, rows)
    set_value(cells.cell(1, 2), "first")
    for number in (2, 3, 4):
        cells.cell(number, 3)
    assert rows.may_hold(1, b"first") and not rows.may_hold(2, b"first")  # row 1 is back to bytes, changed
    parsed = etree.fromstring(whole(root, rows))
    assert parsed.find(f"{M}sheetData/{M}row[@r='1']/{M}c[@r='B1']/{M}is/{M}t").text == "first"
    assert parsed.find(f"{M}sheetData/{M}row[@r='4']/{M}c[@r='A4']/{M}f").text == "A2+1"


def test_a_row_taken_out_and_put_back_moves_with_its_cells():
    root, rows = split()
    cells = Cells(root, rows)
    row = cells.take_row(4)
    assert row is not None and cells.numbers() == [1, 2, 3]
    cells.put_row(row, 5)
    parsed = etree.fromstring(whole(root, rows))
    assert [(r.get("r"), [c.get("r") for c in r]) for r in parsed.iter(f"{M}row")][-1] == ("5", ["A5"])


@pytest.mark.parametrize("data", [
    HEAD + b'<row r="2"/><row r="1"/>' + TAIL,  # rows out of order
    HEAD + b'<row r="1"><c r="A1"><f t="shared" si="0" ref="A1:A2">B1</f></c></row>' + TAIL,  # a shared formula
    HEAD + b'<row spans="1:2"/>' + TAIL,  # a row with no number
    HEAD.replace(b"<sheetData>", b"<x:sheetData>") + ROWS + TAIL,  # not the layout riskreg and Excel write
    HEAD + ROWS + b"<!-- a comment between rows -->" + TAIL,
])
def test_a_sheet_not_laid_out_to_cut_by_its_bytes_is_parsed_whole(data):
    assert SheetRows.split(data) is None


def test_a_cell_is_restyled_in_its_rows_bytes_keeping_the_rest_of_the_row_as_it_was():
    data = HEAD + (b'<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="4"/><c r="C2"><v>1</v></c></row>'
                   b'<row r="3"><c r="A3"><is><t> r="B3"</t></is></c></row>') + TAIL
    root, rows = split(data)
    seen = []
    assert rows.restyle(2, "A2", lambda style: seen.append(style) or 7) == 0  # no s: added last, as lxml adds it
    assert rows.restyle(2, "B2", lambda style: seen.append(style) or 9) == 4
    assert rows.restyle(2, "C2", lambda style: None) == 0  # looked at, left as it was
    assert rows.restyle(3, "B3", lambda style: 1) is None  # text that reads like a reference is not a cell
    assert rows.restyle(9, "A9", lambda style: 1) is None  # no such row
    assert seen == [0, 4]
    joined = whole(root, rows)
    assert b'<row r="2"><c r="A2" t="s" s="7"><v>3</v></c><c r="B2" s="9"/><c r="C2"><v>1</v></c></row>' in joined
    assert b'<row r="3"><c r="A3"><is><t> r="B3"</t></is></c></row>' in joined


def test_a_row_parsed_now_is_not_restyled_by_its_bytes():
    root, rows = split()
    rows.get(2)
    assert rows.restyle(2, "A2", lambda style: 1) is None
