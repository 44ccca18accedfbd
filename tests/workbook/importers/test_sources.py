"""Reading text tables in the encodings and delimiters registers come in."""

import pytest

from workbook.importers.sources import read_tables

ROWS = [["Ref", "Risk", "Owner"], ["1", "Flood – river", "Clerk"], ["2", "Café lease", "Chair"]]


@pytest.mark.parametrize("encoding, delimiter, suffix", [
    ("utf-8", ",", ".csv"), ("utf-8-sig", ";", ".csv"), ("cp1252", ";", ".csv"), ("utf-16", "\t", ".txt"),
    ("utf-8", "\t", ".tsv"), ("utf-8", "|", ".csv"),
])
def test_text_tables(tmp_path, encoding, delimiter, suffix):
    path = tmp_path / f"register{suffix}"
    path.write_bytes("\r\n".join(delimiter.join(row) for row in ROWS).encode(encoding))
    (table,) = read_tables(path)
    assert table.rows == ROWS


def test_quoted_cells_keep_their_lines(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text('Ref,Risk,Controls\n1,Flood,"Sandbags\nWarning system"\n2,Fire,\'=alarms\n', encoding="utf-8")
    (table,) = read_tables(path)
    assert table.rows[1] == ["1", "Flood", "Sandbags\nWarning system"]
    assert table.rows[2] == ["2", "Fire", "=alarms"]


def test_a_workbook_s_merged_cells_are_spans_with_their_anchor(tmp_path):
    from openpyxl import Workbook

    from workbook.importers.table import Span

    wb = Workbook()
    ws = wb.active
    ws.append(["Topic", "No", "Hazard"])
    ws.append(["Delivery", 1, "Slip"])
    ws.append([None, 2, "Supplier"])
    ws.append(["Assurance", 3, "Audit"])
    ws.merge_cells("A2:A3")
    ws.row_dimensions[4].hidden = True
    wb.save(tmp_path / "register.xlsx")
    (table,) = read_tables(tmp_path / "register.xlsx")
    assert table.rows == [["Topic", "No", "Hazard"], ["Delivery", "1", "Slip"], ["Delivery", "2", "Supplier"]]
    assert table.spans == [Span(1, 0, 2, 1)]
    assert table.merged == {(2, 0)}
    assert table.span_at(2, 0) == Span(1, 0, 2, 1) and table.span_at(2, 1) is None


def test_a_word_table_s_grid_span_and_vertical_merge_are_spans(tmp_path):
    from docx import Document

    from workbook.importers.table import Span

    document = Document()
    t = document.add_table(rows=4, cols=3)
    for c, text in enumerate(["Subject", "Risk", "Rating"]):
        t.cell(0, c).text = text
    t.cell(1, 0).merge(t.cell(1, 2)).text = "Finance"
    t.cell(2, 0).merge(t.cell(3, 0)).text = "Banking"
    for r, (risk, rating) in enumerate([("Fraud", "H"), ("Access", "M")], start=2):
        t.cell(r, 1).text, t.cell(r, 2).text = risk, rating
    document.save(tmp_path / "paper.docx")
    (table,) = read_tables(tmp_path / "paper.docx")
    assert table.rows[1] == ["Finance", "Finance", "Finance"]
    assert table.rows[3] == ["Banking", "Access", "M"]
    assert sorted(table.spans, key=lambda s: s.row) == [Span(1, 0, 1, 3), Span(2, 0, 2, 1)]
    assert table.merged == {(1, 1), (1, 2), (3, 0)}
