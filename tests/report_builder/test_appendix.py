"""The appendix rows streamed into the saved paper: widths, rows kept whole, shading, the zip left intact."""

import io
import zipfile

import pytest
from docx.oxml.ns import qn
from lxml import etree

from report_builder import appendix, wordml
from report_builder.content import AppendixColumn, AppendixRow, Para
from workbook.files.zip_parts import deflate

COLUMNS = (AppendixColumn("id", "ID", "id"), AppendixColumn("controls", "Key Controls", "text"),
           AppendixColumn("q2", "Q2 Trending", "trend"), AppendixColumn("rating", "Residual Risk Rating", "rating"))


COLOURS = {"Critical": ("8B0000", "FFFFFF"), "High": ("E0301E", "FFFFFF")}  # as content gives them


def _row(risk_id: str, controls: tuple[Para, ...], rating: str = "High") -> AppendixRow:
    return AppendixRow(risk_id, rating, ((Para(risk_id),), controls, (Para("↗"),), (Para(rating),)),
                       *COLOURS.get(rating, ("", "")))


def _trs(rows) -> list:
    xml = b"".join(appendix.rows_xml(COLUMNS, rows, appendix.column_widths(COLUMNS, rows))).decode()
    return list(wordml.element(f"<w:tbl>{xml}</w:tbl>"))


def test_widths_fill_the_page_short_columns_fit_their_longest_word_and_text_shares_the_rest():
    rows = [_row("CRR01", (Para("Daily meeting " * 20),)), _row("CRR1234567", (Para("Plan"),), rating="Critical")]
    widths = appendix.column_widths(COLUMNS, rows, 20.0)
    assert sum(widths) == pytest.approx(20.0, abs=0.05)
    # no header or short value breaks inside a word: each column holds its widest word and the padding
    assert widths[0] >= appendix.word_cm("CRR1234567") + appendix.PADDING_CM - 0.01
    assert widths[2] >= appendix.word_cm("Trending", bold=True) + appendix.PADDING_CM - 0.01
    assert widths[3] >= appendix.word_cm("Critical", bold=True) + appendix.PADDING_CM - 0.01
    assert widths[1] == pytest.approx(20.0 - widths[0] - widths[2] - widths[3], abs=0.02)


def test_a_text_column_with_little_text_keeps_its_floor_while_the_wordy_one_takes_the_rest():
    columns = COLUMNS[:2] + (AppendixColumn("owner", "Risk Owner", "text"),) + COLUMNS[2:]
    rows = [AppendixRow("CRR01", "High", ((Para("CRR01"),), (Para("word " * 400),), (Para("Chief"),),
                                          (Para("↗"),), (Para("High"),)))]
    widths = appendix.column_widths(columns, rows, 25.0)
    assert widths[2] == pytest.approx(appendix.TEXT_MIN_CM, abs=0.01)
    assert widths[1] > 3 * widths[2]


def test_a_tall_row_is_cut_into_pieces_each_repeating_id_name_and_rating():
    columns = (COLUMNS[0], AppendixColumn("name", "Risk Name", "text")) + COLUMNS[1:]
    short = AppendixRow("CRR01", "High", ((Para("CRR01"),), (Para("Vetting"),),
                                          (Para("Daily meeting", bullet=True), Para("Plan agreed", bullet=True)),
                                          (Para("↗"),), (Para("High"),)), *COLOURS["High"])
    tall = AppendixRow("CRR07", "Critical", ((Para("CRR07"),), (Para("Demographics"),),
                                             tuple(Para("word " * 200, bullet=True) for _ in range(8)),
                                             (Para("↗"),), (Para("Critical"),)), *COLOURS["Critical"])
    xml = b"".join(appendix.rows_xml(columns, [short, tall], appendix.column_widths(columns, [short, tall])))
    trs = list(wordml.element(f"<w:tbl>{xml.decode()}</w:tbl>"))
    # every piece short enough stays on one page: each page of the appendix starts with a row naming its risk
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)

    def text(tr):
        return ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
    assert len(trs) > 3 and text(trs[0])[:2] == ["CRR01", "Vetting"]
    assert text(trs[1])[:2] == ["CRR07", "Demographics"] and text(trs[1])[3] == "↗"
    for tr in trs[2:]:  # each continuation: ID, name continued, its share of the text, the rating in words
        assert text(tr)[:2] == ["CRR07", "Demographics (continued)"] and text(tr)[3:] == ["", "Critical"]
    shared = "".join("".join(text(tr)[2]) for tr in trs[1:])
    assert shared == "".join("word " * 200 for _ in range(8)).replace(" ", "") or shared.count("word") == 1600
    styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in trs[0].findall(f"{qn('w:tc')}[3]/{qn('w:p')}")]
    assert styles == ["TableBullet", "TableBullet"]


def test_the_rating_cell_alone_is_shaded_and_bold_in_the_ratings_colours():
    (tr,) = _trs([_row("CRR18", (Para("Courses"),), rating="Critical")])
    fills = [tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") for tc in tr.findall(qn("w:tc"))]
    assert [f.get(qn("w:fill")) if f is not None else None for f in fills] == [None, None, None, "8B0000"]
    rating_run = tr.findall(qn("w:tc"))[3].find(f"{qn('w:p')}/{qn('w:r')}")
    assert rating_run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert rating_run.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "FFFFFF"


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(appendix.DOCUMENT_PART, document_xml)
        archive.writestr("word/media/image1.png", b"\x89PNG picture bytes")
    return buffer.getvalue()


def test_rows_replace_the_mark_and_every_other_part_is_copied_as_it_was(tmp_path):
    saved = _docx(b"<w:document><w:tbl><w:tr/>" + appendix.ROWS_MARK + b"</w:tbl></w:document>")
    target = tmp_path / "paper.docx"
    appendix.write_with_rows(saved, target, deflate([b"<w:tr>1</w:tr>", b"<w:tr>2</w:tr>"], last=False))
    with zipfile.ZipFile(target) as written, zipfile.ZipFile(io.BytesIO(saved)) as original:
        assert written.namelist() == original.namelist()
        assert written.read(appendix.DOCUMENT_PART) == (
            b"<w:document><w:tbl><w:tr/><w:tr>1</w:tr><w:tr>2</w:tr></w:tbl></w:document>")
        assert written.getinfo(appendix.DOCUMENT_PART).compress_type == zipfile.ZIP_DEFLATED
        for name in ("[Content_Types].xml", "word/media/image1.png"):
            assert written.read(name) == original.read(name)
        assert written.testzip() is None


def test_rows_deflated_in_the_background_are_the_rows_written_in_order(tmp_path):
    rows = [_row(f"CRR{n:02}", (Para(f"Course {n}"),), rating="High") for n in range(1, 40)]
    widths = appendix.column_widths(COLUMNS, rows)
    saved = _docx(b"<w:document><w:tbl>" + appendix.ROWS_MARK + b"</w:tbl></w:document>")
    appendix.write_with_rows(saved, tmp_path / "paper.docx", appendix.deflated_rows(COLUMNS, rows, widths)())
    with zipfile.ZipFile(tmp_path / "paper.docx") as written:
        assert written.read(appendix.DOCUMENT_PART) == (
            b"<w:document><w:tbl>" + b"".join(appendix.rows_xml(COLUMNS, rows, widths)) + b"</w:tbl></w:document>")


@pytest.mark.parametrize("document", [b"<w:document/>", b"<w:document>" + appendix.ROWS_MARK * 2 + b"</w:document>"])
def test_a_document_without_exactly_one_mark_is_a_bug_not_a_paper(tmp_path, document):
    with pytest.raises(ValueError, match="appendix mark once"):
        appendix.write_with_rows(_docx(document), tmp_path / "paper.docx", deflate((), last=False))


def test_the_written_paper_keeps_no_mark(paper_content, tmp_path):
    from report_builder.render import render
    from templates import BOARD_PAPER

    target = tmp_path / "paper.docx"
    render(paper_content, BOARD_PAPER, target)
    with zipfile.ZipFile(target) as archive:
        document = archive.read(appendix.DOCUMENT_PART)
    assert appendix.ROWS_MARK not in document and b"<!--" not in document
    etree.fromstring(document)  # well formed


def test_a_large_registers_rows_are_pieces_too_and_every_25_risks_open_a_new_table_on_a_new_page():
    columns = (COLUMNS[0], AppendixColumn("name", "Risk Name", "text")) + COLUMNS[1:]
    tall = AppendixRow("CRR07", "Critical", ((Para("CRR07"),), (Para("Demographics"),),
                                             tuple(Para("word " * 200, bullet=True) for _ in range(8)),
                                             (Para("↗"),), (Para("Critical"),)), *COLOURS["Critical"])
    widths = appendix.column_widths(columns, [tall])
    per_risk = len(list(appendix.rows_xml(columns, [tall], widths)))
    head = '<w:tbl><w:tblPr/><w:tr><w:trPr><w:tblHeader/></w:trPr></w:tr>'
    many = [tall] * 1000
    xml = b"".join(appendix.rows_xml(columns, many, widths, head)).decode()
    tables = list(wordml.element(f"<w:body><w:tbl>{xml}</w:tbl></w:body>"))
    assert [t.tag.split("}")[1] for t in tables[:3]] == ["tbl", "p", "tbl"] and len(tables) == 2 * 40 - 1
    rows = [t.findall(qn("w:tr")) for t in tables[::2]]
    assert [len(r) for r in rows] == [25 * per_risk] + [25 * per_risk + 1] * 39  # each after the first: its head
    assert tables[1].find(f"{qn('w:r')}/{qn('w:br')}").get(qn("w:type")) == "page"
    for table in rows:
        for tr in table:
            cells = ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
            assert tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None or cells[0] == "CRR07"


def test_a_paragraph_taller_than_a_page_goes_on_in_the_next_pieces_cut_after_a_sentence():
    columns = (COLUMNS[0], AppendixColumn("name", "Risk Name", "text")) + COLUMNS[1:]
    sentence = "The backlog of cases puts the recovery of costs at risk. "
    long = AppendixRow("CRR08", "High", ((Para("CRR08"),), (Para("Vetting"),), (Para((sentence * 200).strip(), bullet=True),),
                                         (Para("↗ Escalating"),), (Para("High"),)), *COLOURS["High"])
    widths = appendix.column_widths(columns, [long])
    parts = [piece[2] for piece in appendix.pieces(columns, long, widths)]
    assert len(parts) > 2
    assert all(appendix.piece_lines((part,), widths[2:3]) <= appendix.PIECE_LINES for part in parts)
    assert [p.bullet for part in parts for p in part] == [True] + [False] * (sum(map(len, parts)) - 1)  # one item
    assert all(p.text.endswith("at risk.") for part in parts for p in part)  # cut after a sentence
    assert all(part[0].text.startswith("… The backlog") for part in parts[1:])  # each going on says so
    assert " ".join(p.text.removeprefix("… ") for part in parts for p in part) == (sentence * 200).strip()
    trs = list(wordml.element(f"<w:tbl>{b''.join(appendix.rows_xml(columns, [long], widths)).decode()}</w:tbl>"))
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)


def test_a_run_without_spaces_is_cut_where_the_piece_is_full():
    text = (Para("x" * 5000),)
    chunks = appendix._chunks(text, 4.0)
    assert "".join(p.text.removeprefix("… ") for chunk in chunks for p in chunk) == "x" * 5000
    assert all(appendix.piece_lines((chunk,), [4.0]) <= appendix.PIECE_LINES for chunk in chunks)


def test_the_table_head_repeats_the_header_row_without_the_documents_namespace(paper_content):
    from report_builder import render

    (tbl,) = render._appendix(paper_content, [2.0] * len(paper_content.appendix_columns))
    head = appendix.table_head(tbl)
    assert head.startswith("<w:tbl><w:tblPr>") and "xmlns" not in head and "<w:tblHeader/>" in head
    assert appendix.ROWS_MARK.decode() not in head


def test_a_rows_text_is_shared_evenly_over_its_pieces_and_a_short_column_stays_in_the_first():
    columns = (COLUMNS[0], AppendixColumn("name", "Risk Name", "text"), AppendixColumn("description", "Description",
               "text"), COLUMNS[1], AppendixColumn("details", "Details", "text"), COLUMNS[3])
    sentence = "The backlog of cases puts the recovery of costs at risk. "
    description = (Para((sentence * 12).strip()),)  # a little taller than a piece
    controls = tuple(Para((sentence * 4).strip(), bullet=True) for _ in range(30))  # many pieces tall
    details = tuple(Para(f"{label}: Head of Department") for label in ("Risk Owner", "Portfolio/Department",
                                                                         "Date Raised", "Last Reviewed", "Likelihood",
                                                                         "Impact Score"))  # taller than a piece
    row = AppendixRow("CRR09", "High", ((Para("CRR09"),), (Para("Vetting"),), description, controls, details,
                                        (Para("High"),)), *COLOURS["High"])
    widths = appendix.column_widths(columns, [row])
    made = appendix.pieces(columns, row, widths)
    assert len(made) > 5
    assert made[0][4] == details and all(piece[4] == () for piece in made[1:])  # Details whole, in the first
    described = [piece[2] for piece in made if piece[2]]
    assert len(described) > 1  # spread over the pieces, not all in the first ones at a piece's height each
    assert all(appendix.piece_lines((part,), widths[2:3]) <= appendix.PIECE_LINES for part in described)
    assert " ".join(p.text.removeprefix("… ") for part in described for p in part) == description[0].text
    joined = "\n".join(p.text for piece in made for p in piece[3]).replace("\n… ", " ")
    assert joined == "\n".join(p.text for p in controls)  # as `riskreg import` of the paper reads it back
