"""Tests for workbook/xlsx/row_edit.py: cell changes made on a row's bytes give what the parsed XML gives."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from workbook.core.edit import ClearCell, MoveCell, SetCell
from workbook.core.model import column_letter
from workbook.xlsx.package import M, MAIN_NS
from workbook.xlsx.row_edit import edit_row
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
