"""The package stays as Excel expects it after riskreg's edits, on real files read back with openpyxl and opened by
LibreOffice: calcChain, Total Rows, validation and format ranges, note authors, VML ids, shared and array formulas,
and structured references a header rename breaks."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.comments import Comment
from support.excel_tables import with_history_total_row
from support.ooxml_schema import changed_parts, invalid_parts, package_parts
from support.riskreg_testing import run_cli

from workbook.core.schema import HISTORY_SHEET, HISTORY_TABLE, LISTS_SHEET, REGISTER_SHEET
from workbook.xlsx.book import Book
from workbook.xlsx.notes import FINDINGS_AUTHOR, SHAPES_PER_BLOCK

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
M = f"{{{MAIN}}}"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CALC_CHAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
O = "urn:schemas-microsoft-com:office:office"
V = "urn:schemas-microsoft-com:vml"
REGISTER_PART = "xl/worksheets/sheet1.xml"  # riskreg's builder writes the Register first
ROLL = ("roll-quarter", "{path}", "--period", "2021/22 Q3", "--force")  # the sample has one error


def roll(path: Path):
    return run_cli(*[a.format(path=path) for a in ROLL])


def rewrite_parts(path: Path, edit) -> None:
    """Rewrite the package at `path`, `edit(parts)` changing the dict of part name -> bytes in place."""
    parts = package_parts(path)
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def trend_columns(path: Path) -> list[str]:
    """Return the letters of the Register's trend columns, oldest first."""
    ws = openpyxl.load_workbook(path)[REGISTER_SHEET]
    return [c.column_letter for c in ws[1] if isinstance(c.value, str) and c.value.endswith("Trending")]


def libreoffice_register_csv(path: Path, soffice, tmp_path: Path) -> list[list[str]]:
    """Return the Register sheet (the first) as LibreOffice computes it, through a CSV conversion."""
    out = tmp_path / "lo"
    out.mkdir(exist_ok=True)
    converted = soffice(path, "csv:Text - txt - csv (StarCalc):44,34,76,1", out)
    with open(converted, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def assert_valid(path: Path) -> None:
    assert invalid_parts(changed_parts(package_parts(path))) == []


# ---- the calculation chain ----------------------------------------------------------------------------------

def with_calc_chain(path: Path, cells: list[str]) -> None:
    """Add Excel's calculation chain listing `cells` of the first sheet, as Excel saves it."""
    def edit(parts):
        chain = "".join(f'<c r="{cell}" i="1"/>' for cell in cells)
        parts["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN}">{chain}</calcChain>'.encode()
        types = etree.fromstring(parts["[Content_Types].xml"])
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/xl/calcChain.xml", ContentType=CALC_CHAIN_CT)
        parts["[Content_Types].xml"] = etree.tostring(types)
        rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
        etree.SubElement(rels, f"{{{PKG}}}Relationship", Id="rIdChain", Type=CALC_CHAIN_REL, Target="calcChain.xml")
        parts["xl/_rels/workbook.xml.rels"] = etree.tostring(rels)
    rewrite_parts(path, edit)


def test_a_roll_over_that_moves_a_formula_drops_the_calculation_chain(sample_workbook, soffice, tmp_path):
    oldest, middle, newest = trend_columns(sample_workbook)
    wb = openpyxl.load_workbook(sample_workbook)
    wb[REGISTER_SHEET][f"{newest}2"] = '=IF(LEN(A2)>0,"↗","")'
    wb.save(sample_workbook)
    with_calc_chain(sample_workbook, [f"{newest}2"])
    assert roll(sample_workbook).exit_code == 0
    parts = package_parts(sample_workbook)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["[Content_Types].xml"] and b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    calc = etree.fromstring(parts["xl/workbook.xml"]).find(f"{M}calcPr")
    assert calc.get("fullCalcOnLoad") == "1"
    assert_valid(sample_workbook)
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert ws[f"{middle}2"].value == '=IF(LEN(A2)>0,"↗","")' and ws[f"{newest}2"].value is None
    grid = libreoffice_register_csv(sample_workbook, soffice, tmp_path)
    column = openpyxl.utils.column_index_from_string(middle) - 1
    assert grid[1][column] == "↗"


def test_removing_a_sheet_with_formulas_drops_the_calculation_chain(sample_workbook):
    """Summary and Validation are riskreg's, but a user may have typed a formula there: the chain lists it."""
    assert run_cli("validate", sample_workbook, "--write").exit_code == 1
    wb = openpyxl.load_workbook(sample_workbook)
    wb["Validation"]["K1"] = "=1+1"
    wb.save(sample_workbook)
    with_calc_chain(sample_workbook, ["K1"])
    assert run_cli("validate", sample_workbook, "--write").exit_code == 1
    assert "xl/calcChain.xml" not in package_parts(sample_workbook)
    assert_valid(sample_workbook)


def test_a_write_that_moves_no_formula_keeps_the_calculation_chain(sample_workbook):
    wb = openpyxl.load_workbook(sample_workbook)
    wb[LISTS_SHEET]["Z1"] = "=1+1"
    wb.save(sample_workbook)
    with_calc_chain(sample_workbook, ["Z1"])
    before = package_parts(sample_workbook)["xl/calcChain.xml"]
    assert run_cli("validate", sample_workbook, "--write").exit_code == 1
    assert package_parts(sample_workbook)["xl/calcChain.xml"] == before


# ---- tables -------------------------------------------------------------------------------------------------

def test_a_history_total_row_stays_last_when_a_roll_over_appends_rows(sample_workbook, soffice, tmp_path):
    total = with_history_total_row(sample_workbook)
    assert roll(sample_workbook).exit_code == 0  # History already holds 2021/22 Q2: nothing is appended yet
    assert run_cli("roll-quarter", sample_workbook, "--period", "2021/22 Q4", "--force").exit_code == 0
    ws = openpyxl.load_workbook(sample_workbook)[HISTORY_SHEET]
    table = ws.tables[HISTORY_TABLE]
    last = int(re.sub(r"[A-Z]+", "", table.ref.split(":")[1]))
    assert last == ws.max_row == total + 18  # 18 risks recorded above the Total Row
    assert ws.cell(row=last, column=1).value == "Total"
    assert ws.cell(row=last, column=3).value == f"=SUBTOTAL(103,{HISTORY_TABLE}[Rating])"
    assert [ws.cell(row=r, column=2).value for r in (total, last - 1)] == ["2021/22 Q3", "2021/22 Q3"]
    assert table.autoFilter is None or table.autoFilter.ref.endswith(str(last - 1))
    assert_valid(sample_workbook)
    resaved = soffice(sample_workbook, "xlsx", tmp_path / "resaved")
    history = openpyxl.load_workbook(resaved)[HISTORY_SHEET]
    column_a = [row for row in range(1, history.max_row + 1) if history.cell(row=row, column=1).value is not None]
    assert column_a[-1] == last and history.cell(row=last, column=1).value == "Total"


@pytest.mark.slow
def test_validation_and_rating_colours_grow_with_a_history_past_4000_rows(sample_workbook):
    with_history_total_row(sample_workbook, extra_rows=4_100)
    assert roll(sample_workbook).exit_code == 0
    assert run_cli("roll-quarter", sample_workbook, "--period", "2021/22 Q4", "--force").exit_code == 0
    ws = openpyxl.load_workbook(sample_workbook)[HISTORY_SHEET]
    last_data = ws.max_row - 1
    assert last_data > 4_100
    rating_ranges = [str(dv.sqref) for dv in ws.data_validations.dataValidation if "C2:" in str(dv.sqref)]
    assert rating_ranges == [f"C2:C{last_data}"]
    formats = [str(rule.sqref) for rule in ws.conditional_formatting]
    assert f"C2:C{last_data}" in formats
    assert_valid(sample_workbook)


# ---- notes --------------------------------------------------------------------------------------------------

def test_the_guidance_note_of_a_new_register_survives_validate_write(tmp_path):
    path = tmp_path / "new.xlsx"
    assert run_cli("new", path).exit_code == 0
    note = openpyxl.load_workbook(path)[LISTS_SHEET]["A1"].comment
    assert note is not None
    run_cli("validate", path, "--write")
    again = openpyxl.load_workbook(path)[LISTS_SHEET]["A1"].comment
    assert again is not None and (again.text, again.author) == (note.text, note.author)


def test_old_finding_notes_signed_riskreg_go_and_other_riskreg_notes_stay(sample_workbook):
    wb = openpyxl.load_workbook(sample_workbook)
    ws = wb[REGISTER_SHEET]
    ws["C5"].comment = Comment("riskreg R004 (error): Residual rating must be one of the scale.", "riskreg")
    ws["D5"].comment = Comment("Keep the owner's name as HR spells it.", "riskreg")
    wb.save(sample_workbook)
    assert run_cli("validate", sample_workbook, "--write").exit_code == 1
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert ws["C5"].comment is None
    assert ws["D5"].comment.text == "Keep the owner's name as HR spells it."
    assert ws["G3"].comment.author == FINDINGS_AUTHOR


def _vml_blocks(path: Path) -> dict[str, tuple[list[int], list[int]]]:
    """Return VML part -> (its o:idmap blocks, its shapes' numbers)."""
    found = {}
    for name, data in package_parts(path).items():
        if name.endswith(".vml"):
            root = etree.fromstring(data)
            idmaps = list(root.iter(f"{{{O}}}idmap"))
            assert len(idmaps) == 1, name
            blocks = [int(b) for b in idmaps[0].get("data").split(",")]
            shapes = [int(s.get("id").rsplit("s", 1)[1]) for s in root.iter(f"{{{V}}}shape")]
            found[name] = (blocks, shapes)
    return found


def test_note_shapes_have_ids_in_their_own_idmap_blocks(sample_workbook, soffice, tmp_path):
    wb = openpyxl.load_workbook(sample_workbook)
    wb[HISTORY_SHEET]["A1"].comment = Comment("History is appended by roll-quarter.", "Risk Manager")
    wb.save(sample_workbook)
    book = Book(sample_workbook)
    notes = {f"Q{row}": f"note {row}" for row in range(2, 1_102)}  # more than one block holds
    book.notes(REGISTER_SHEET).add(notes, FINDINGS_AUTHOR, (300, 100))
    book.save(sample_workbook)
    drawings = _vml_blocks(sample_workbook)
    assert len(drawings) == 3  # Lists (riskreg new), History (the user's), Register (riskreg's)
    ours = next(name for name, (_, shapes) in drawings.items() if len(shapes) == 1_100)
    others = {b for name, (blocks, _) in drawings.items() if name != ours for b in blocks}
    assert others == {1}  # openpyxl numbers every drawing it writes 1: riskreg leaves those parts as they are
    assert drawings[ours][0] == [2, 3]
    for blocks, shapes in drawings.values():
        assert len(shapes) == len(set(shapes))
        assert all(any(b * SHAPES_PER_BLOCK < s < (b + 1) * SHAPES_PER_BLOCK for b in blocks) for s in shapes)
    assert_valid(sample_workbook)
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert ws["Q1101"].comment.text == "note 1101"
    resaved = soffice(sample_workbook, "xlsx", tmp_path / "resaved")
    assert openpyxl.load_workbook(resaved)[REGISTER_SHEET]["Q1101"].comment.text.strip() == "note 1101"


def test_a_drawing_without_idmap_or_sharing_a_block_gets_a_block_of_its_own(sample_workbook):
    """Notes riskreg wrote before it kept an o:idmap are numbered in a block no other drawing uses; a note added to
    one of openpyxl's drawings (which all say block 1) goes in a block of its own, the user's boxes untouched."""
    wb = openpyxl.load_workbook(sample_workbook)
    wb[HISTORY_SHEET]["A1"].comment = Comment("History is appended by roll-quarter.", "Risk Manager")
    wb.save(sample_workbook)
    assert run_cli("validate", sample_workbook, "--write").exit_code == 1
    notes = Book(sample_workbook)
    ours, history = notes.notes(REGISTER_SHEET).vml_part, notes.notes(HISTORY_SHEET).vml_part

    def strip_layout(parts):
        root = etree.fromstring(parts[ours])
        for layout in root.findall(f"{{{O}}}shapelayout"):
            root.remove(layout)
        parts[ours] = etree.tostring(root)
    rewrite_parts(sample_workbook, strip_layout)
    assert b"idmap" not in package_parts(sample_workbook)[ours]
    user_shapes = [int(shape.get("id").rsplit("s", 1)[1])
                   for shape in etree.fromstring(package_parts(sample_workbook)[history]).iter(f"{{{V}}}shape")]
    book = Book(sample_workbook)
    book.notes(HISTORY_SHEET).add({"B2": "a second note"}, FINDINGS_AUTHOR, (300, 100))
    book.notes(REGISTER_SHEET).add({"Q2": "another note"}, FINDINGS_AUTHOR, (300, 100))
    book.save(sample_workbook)
    drawings = _vml_blocks(sample_workbook)
    elsewhere = {name: {b for other, (found, _) in drawings.items() if other != name for b in found}
                 for name in drawings}
    register_blocks, register_shapes = drawings[ours]
    assert not set(register_blocks) & elsewhere[ours]
    assert all(any(b * SHAPES_PER_BLOCK < s < (b + 1) * SHAPES_PER_BLOCK for b in register_blocks)
               for s in register_shapes)
    history_blocks, history_shapes = drawings[history]
    assert history_shapes[:len(user_shapes)] == user_shapes  # the user's box keeps its id
    added = history_shapes[len(user_shapes):]
    assert history_blocks == [1, max(history_blocks)] and len(added) == 1
    assert added[0] // SHAPES_PER_BLOCK == history_blocks[1] and history_blocks[1] not in elsewhere[history]
    assert_valid(sample_workbook)
    ws = openpyxl.load_workbook(sample_workbook)
    assert ws[HISTORY_SHEET]["A1"].comment.text == "History is appended by roll-quarter."
    assert ws[HISTORY_SHEET]["B2"].comment.text == "a second note"
    assert ws[REGISTER_SHEET]["G3"].comment.author == FINDINGS_AUTHOR


# ---- shared and array formulas ------------------------------------------------------------------------------

def _set_formulas(path: Path, column: str, formulas: dict[int, str]) -> None:
    """Put `formulas` (row -> <f> element XML) into `column` of the Register sheet, as Excel stores them."""
    def edit(parts):
        part = REGISTER_PART
        root = etree.fromstring(parts[part])
        for cell in root.iter(f"{M}c"):
            ref = cell.get("r")
            row = int(re.sub(r"[A-Z]+", "", ref))
            if ref.rstrip("0123456789") == column and row in formulas:
                for child in list(cell):
                    cell.remove(child)
                cell.attrib.pop("t", None)
                cell.append(etree.fromstring(f'<f xmlns="{MAIN}"' + formulas[row][2:]))
        parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    rewrite_parts(path, edit)


def test_a_shared_formula_in_a_trend_column_moves_as_a_formula_in_each_cell(sample_workbook, soffice, tmp_path):
    oldest, middle, newest = trend_columns(sample_workbook)
    shared = {2: f'<f t="shared" ref="{newest}2:{newest}19" si="0">LEN(A2)</f>'}
    shared |= {row: '<f t="shared" si="0"/>' for row in range(3, 20)}
    _set_formulas(sample_workbook, newest, shared)
    assert roll(sample_workbook).exit_code == 0
    ws = openpyxl.load_workbook(sample_workbook)[REGISTER_SHEET]
    assert [ws[f"{middle}{row}"].value for row in (2, 3, 19)] == ["=LEN(A2)", "=LEN(A3)", "=LEN(A19)"]
    assert ws[f"{newest}2"].value is None
    assert b't="shared"' not in package_parts(sample_workbook)[REGISTER_PART]
    assert_valid(sample_workbook)
    grid = libreoffice_register_csv(sample_workbook, soffice, tmp_path)
    column = openpyxl.utils.column_index_from_string(middle) - 1
    assert [grid[row - 1][column] for row in (2, 19)] == [str(len(grid[1][0])), str(len(grid[18][0]))]


def test_a_one_cell_array_formula_moves_with_its_range(sample_workbook):
    oldest, middle, newest = trend_columns(sample_workbook)
    _set_formulas(sample_workbook, newest, {2: f'<f t="array" ref="{newest}2">SUM(LEN(A2:B2))</f>'})
    assert roll(sample_workbook).exit_code == 0
    sheet = etree.fromstring(package_parts(sample_workbook)[REGISTER_PART])
    cell = next(c for c in sheet.iter(f"{M}c") if c.get("r") == f"{middle}2")
    assert (cell.find(f"{M}f").get("ref"), cell.find(f"{M}f").text) == (f"{middle}2", "SUM(LEN(A2:B2))")
    assert_valid(sample_workbook)


def test_a_multi_cell_array_formula_in_a_trend_column_is_refused(sample_workbook):
    oldest, middle, newest = trend_columns(sample_workbook)
    _set_formulas(sample_workbook, newest, {2: f'<f t="array" ref="{newest}2:{newest}3">A2:A3</f>'})
    before = sample_workbook.read_bytes()
    result = roll(sample_workbook)
    assert result.exit_code != 0
    assert result.output == (
        f"Error: {sample_workbook}: cell Register!{newest}2 holds an array formula over {newest}2:{newest}3 (entered "
        f"with Ctrl+Shift+Enter), which riskreg cannot move or clear a part of, so nothing was written. Clear the "
        f"array formula or enter it as an ordinary formula in each cell, save, and run the command again.\n")
    assert result.exit_code == 2
    assert sample_workbook.read_bytes() == before


# ---- structured references ----------------------------------------------------------------------------------

def test_a_structured_reference_a_roll_over_breaks_is_named(sample_workbook):
    oldest, middle, newest = trend_columns(sample_workbook)
    wb = openpyxl.load_workbook(sample_workbook)
    header = wb[REGISTER_SHEET][f"{oldest}1"].value
    wb[LISTS_SHEET]["Z2"] = f'=COUNTIF(RiskRegister[{header}],"↗")'
    wb[LISTS_SHEET]["Z3"] = f'=COUNTIF(RiskRegister[{wb[REGISTER_SHEET][f"{newest}1"].value}],"↗")'
    wb.save(sample_workbook)
    result = roll(sample_workbook)
    assert result.exit_code == 0
    sentence = (f"Lists!Z2: the formula =COUNTIF(RiskRegister[{header}],\"↗\") names the column '{header}' of table "
                f"RiskRegister, which this roll-over renamed; Excel will not find it. Change the formula to name the "
                f"column now headed for the quarter you mean.")
    assert sentence in result.output
    assert "Lists!Z3" not in result.output  # that column is still there (it holds the next quarter now)
    assert_valid(sample_workbook)


def test_the_roll_carries_the_broken_references(sample_workbook):
    from workbook.core.periods import parse_period
    from workbook.jobs import roll_quarter

    oldest, _, _ = trend_columns(sample_workbook)
    wb = openpyxl.load_workbook(sample_workbook)
    header = wb[REGISTER_SHEET][f"{oldest}1"].value
    wb[REGISTER_SHEET]["Z2"] = f"=[@[{header}]]"
    wb.save(sample_workbook)
    result = roll_quarter(sample_workbook, parse_period("2021/22 Q3"), close_with_errors=True)
    assert [n for n in result.notes if n.startswith("Register!Z2:")] == [
        f"Register!Z2: the formula =[@[{header}]] names the column '{header}' of table RiskRegister, which this "
        f"roll-over renamed; Excel will not find it. Change the formula to name the column now headed for the "
        f"quarter you mean."]
