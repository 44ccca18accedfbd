"""Tests for workbook/xlsx/row_edit.py: cell changes made on a row's bytes give what the parsed XML gives."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from workbook.core.edit import ClearCell, MoveCell, SetCell
from workbook.core.model import column_letter
from workbook.xlsx import row_edit
from workbook.xlsx.package import M, MAIN_NS
from workbook.xlsx.row_edit import _PLAIN_CELL, _NotHere, _parse_cell, _Row, edit_row
from workbook.xlsx.sheet_xml import Cells, SharedString, clear_value, move_value, set_value

ROW = 7
WRAPPER = f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
TEXTS = st.text(alphabet=st.sampled_from(list("ab <&>'\"→é\t\n=")), max_size=6)
VALUES = st.one_of(st.none(), TEXTS, st.integers(-5, 5), st.floats(-2, 2, allow_nan=False), st.booleans(),
                   st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))


def _cell_xml(column: int, kind: int, text: str, style: int) -> str:
    ref = f"{column_letter(column)}{ROW}"
    styled = f' s="{style}"' if style else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("→", "&#8594;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return [f'<c r="{ref}"{styled}/>', f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{escaped}</t></is></c>',
            f'<c r="{ref}"{styled}><v>{len(text)}</v></c>', f'<c r="{ref}"{styled} t="s"><v>0</v></c>'][kind]


ROWS = st.lists(st.tuples(st.integers(1, 6), st.integers(0, 3), TEXTS, st.integers(0, 2)), max_size=6).map(
    lambda cells: sorted({column: (column, *rest) for column, *rest in cells}.values()))
CHANGES = st.lists(st.one_of(
    st.builds(lambda c, v: SetCell("Sheet", ROW, c, v, "date" if isinstance(v, dt.date) else None),
              st.integers(1, 7), VALUES),
    st.builds(lambda a, b: MoveCell("Sheet", ROW, a, b), st.integers(1, 7), st.integers(1, 7)),
    st.builds(lambda c: ClearCell("Sheet", ROW, c), st.integers(1, 7))), max_size=6)


def _by_xml(row: bytes, changes, shares, style_for, share) -> bytes:
    """The same changes made through the parsed XML, as workbook/xlsx/apply.py makes them."""
    root = etree.fromstring(WRAPPER + row + b"</sheetData></worksheet>")
    cells = Cells(root)
    for change in changes:
        if isinstance(change, SetCell):
            cell = cells.cell(ROW, change.column)
            style = style_for(int(cell.get("s") or 0), change)
            if style:
                cell.set("s", str(style))
            set_value(cell, change.value)
        elif isinstance(change, MoveCell) and change.column != change.to_column:
            move_value(cells.cell(ROW, change.column), cells.cell(ROW, change.to_column))
        elif isinstance(change, ClearCell):
            clear_value(cells.cell(ROW, change.column))
    if b'"inlineStr"' in etree.tostring(cells.row(ROW)):
        for column in shares:
            cell = cells.cell(ROW, column)
            if cell.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{M}t"))
                if text:
                    set_value(cell, share(text))
    return etree.tostring(cells.row(ROW)).replace(f' xmlns="{MAIN_NS}"'.encode(), b"")


def _canonical(row: bytes) -> bytes:
    return etree.tostring(etree.fromstring(WRAPPER + row + b"</sheetData></worksheet>"), method="c14n")


@settings(max_examples=300, deadline=None)
@given(ROWS, CHANGES, st.lists(st.integers(1, 7), max_size=3, unique=True), st.booleans())
def test_a_row_changed_on_its_bytes_is_the_row_the_parsed_xml_gives(cells, changes, shares, row_styled):
    head = f'<row r="{ROW}" s="4" customFormat="1">' if row_styled else f'<row r="{ROW}" spans="1:7">'
    row = (head + "".join(_cell_xml(*cell) for cell in cells) + "</row>").encode()
    strings: dict[str, int] = {}

    def style_for(base: int, change: SetCell) -> int:
        return base + 10 if isinstance(change.value, dt.date) else base

    def share(text: str) -> SharedString:
        return SharedString(strings.setdefault(text, len(strings)))

    expected = _by_xml(row, changes, shares, style_for, share)
    expected_strings = dict(strings)
    strings.clear()
    got = edit_row(row, ROW, changes, shares, style_for, share)
    if got is None:  # only a cell to put in left of the row's last is left to the parsed XML
        present = {cell[0] for cell in cells}
        touched = {c for change in changes for c in (change.column, getattr(change, "to_column", change.column))}
        assert any(column not in present and column < max(present, default=0) for column in touched | set(shares))
        return
    assert _canonical(got) == _canonical(expected)
    assert strings == expected_strings


def test_a_row_holding_a_formula_rich_text_or_a_stray_reference_is_left_to_the_parsed_xml():
    formula = f'<row r="{ROW}"><c r="A{ROW}"><f>1+1</f><v>2</v></c></row>'.encode()
    rich = f'<row r="{ROW}"><c r="A{ROW}" t="inlineStr"><is><r><t>a</t></r></is></c></row>'.encode()
    unordered = f'<row r="{ROW}"><c s="1" r="A{ROW}"><v>2</v></c></row>'.encode()
    another_row = f'<row r="{ROW}"><c r="A{ROW + 1}"><v>2</v></c></row>'.encode()
    for row in (formula, rich, unordered, another_row):
        assert edit_row(row, ROW, [ClearCell("Sheet", ROW, 1)], [1], lambda base, change: base,
                        lambda text: SharedString(0)) is None
    # A formula on a cell the changes do not touch stays as it was.
    assert edit_row(formula[:-6] + f'<c r="B{ROW}"><v>3</v></c></row>'.encode(), ROW, [ClearCell("Sheet", ROW, 2)],
                    [], lambda base, change: base, lambda text: SharedString(0)) == \
        f'<row r="{ROW}"><c r="A{ROW}"><f>1+1</f><v>2</v></c><c r="B{ROW}"/></row>'.encode()


def test_a_cell_to_put_in_among_cells_out_of_order_is_left_to_the_parsed_xml():
    row = f'<row r="{ROW}"><c r="A{ROW}"><v>1</v></c><c r="E{ROW}"><v>5</v></c><c r="C{ROW}"><v>3</v></c></row>'.encode()
    assert edit_row(row, ROW, [ClearCell("Sheet", ROW, 4)], [], lambda base, change: base,
                    lambda text: SharedString(0)) is None


# Cells laid out every way a producer may write them: the one-match read (_PLAIN_CELL) takes only cells that
# _parse_cell reads the same, attribute for attribute, and leaves every other to it.
WRITTEN = [  # as riskreg and Excel write them: each attribute once, in their order
    '<c r="B7"/>', '<c r="B7" s="3"/>', '<c r="B7" t="n"/>', '<c r="B7" s="3" t="n"/>', '<c r="B7"></c>',
    '<c r="B7" s="12"></c>', '<c r="B7"><v>4.5</v></c>', '<c r="B7" s="2" t="s"><v>0</v></c>',
    '<c r="B7" t="b"><v>1</v></c>', '<c r="B7" t="inlineStr"><is><t>a &amp; b &#8594;</t></is></c>',
    '<c r="B7" s="2" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>',
    '<c r="B7" t="inlineStr"><is><t></t></is></c>', '<c r="B7" t="str"><v>a</v></c>',
    '<c r="B7" t="e"><v>#N/A</v></c>',
]
OTHERS = [  # read attribute by attribute, or left to the parsed XML
    '<c r="B7" s="3" />', '<c r="B7" t="s" s="2"><v>0</v></c>', '<c r="B7"  s="2"><v>1</v></c>',
    '<c r="B7" s=""><v>1</v></c>', '<c r="B7" s="2" s="3"><v>1</v></c>', '<c r="B7" cm="1"><v>1</v></c>',
    '<c r="B7"><f>1+1</f><v>2</v></c>', '<c r="B7"><v>1</v><v>2</v></c>',
    '<c r="B7" t="inlineStr"><is><r><t>a</t></r></is></c>', '<c r="B7" t="inlineStr"><is><t>a</t><rPh/></is></c>',
    '<c r="B7" t="inlineStr"><is><t xml:space="default">a</t></is></c>', '<c r="B7"><v/></c>',
]
LAYOUTS = WRITTEN + OTHERS


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_cell_read_in_one_match_is_the_cell_read_attribute_by_attribute(layout):
    data = f'<row r="{ROW}"><c r="A{ROW}"><v>1</v></c>{layout}<c r="C{ROW}"><v>3</v></c></row>'.encode()
    start = data.index(b'<c r="B7"')
    try:
        slow = _parse_cell(data, start, 2)
    except _NotHere:
        slow = None
    plain = _PLAIN_CELL.match(data, start)
    if plain is None:  # left to _parse_cell, whatever it says
        return
    assert slow is not None, "taken in one match, refused attribute by attribute"
    row = _Row.read(data, ROW)
    assert row is not None
    fast = row.get(2)
    assert fast is not None and row.touched[2][:2] == (start, start + len(layout))
    assert (list(fast.attributes.items()), fast.inner, fast.xml()) == \
        (list(slow[0].attributes.items()), slow[0].inner, slow[0].xml())
    assert slow[1] == start + len(layout)


def test_every_cell_riskreg_and_excel_write_is_read_in_one_match():
    """The fast read is the one taken on the rows a roll-over changes; the others are not (and are read the slow
    way, or refused, as before)."""
    def matched(layout: str) -> bool:
        data = f'<row r="{ROW}">{layout}</row>'.encode()
        return _PLAIN_CELL.match(data, data.index(b"<c ")) is not None

    assert [layout for layout in WRITTEN if not matched(layout)] == []
    assert [layout for layout in OTHERS if matched(layout)] == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LAYOUTS), max_size=4), CHANGES, st.lists(st.integers(1, 7), max_size=3, unique=True))
def test_a_row_changed_with_the_one_match_read_is_byte_for_byte_the_row_changed_without_it(layouts, changes, shares):
    cells = [layout.replace('r="B7"', f'r="{column_letter(column)}{ROW}"')
             for column, layout in enumerate(layouts, start=1)]
    row = (f'<row r="{ROW}">' + "".join(cells) + "</row>").encode()

    def edit(plain: re.Pattern) -> bytes | None:
        strings: dict[str, int] = {}
        with mock.patch.object(row_edit, "_PLAIN_CELL", plain):
            return edit_row(row, ROW, changes, shares, lambda base, change: base + 1,
                            lambda text: SharedString(strings.setdefault(text, len(strings))))

    assert edit(_PLAIN_CELL) == edit(re.compile(rb"(?!)"))  # a pattern that never matches: every cell read slowly
