"""A mapping file, through the real command: headerless columns by letter, unknown keys, header_row and table."""

from docx import Document

from support.riskreg_testing import run_cli as run
from workbook.xlsx.reader import read_register


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def imported(tmp_path, rows, mapping_text, *extra):
    """Import the CSV `rows` with the mapping `mapping_text`; return the source, mapping, output and result."""
    source = write(tmp_path / "risks.csv", rows)
    mapping = write(tmp_path / "map.toml", mapping_text)
    out = tmp_path / "register.xlsx"
    return source, mapping, out, run("import", source, "-o", out, "--period", "2024/25 Q1", "--mapping", mapping,
                                     *extra)


def two_tables(path):
    """Write a board paper with a contents table first and the register (header on row 2) second."""
    document = Document()
    contents = document.add_table(rows=2, cols=2)
    contents.cell(0, 0).text, contents.cell(0, 1).text = "Item", "Page"
    contents.cell(1, 0).text, contents.cell(1, 1).text = "Risk", "3"
    register = document.add_table(rows=4, cols=3)
    register.cell(0, 0).merge(register.cell(0, 2)).text = "Appendix A: corporate risks"
    for r, row in enumerate([["Nr", "Peril", "Grade"], ["CR1", "Flood", "High"], ["CR2", "Fire", "Low"]], start=1):
        for c, text in enumerate(row):
            register.cell(r, c).text = text
    document.save(path)
    return path


def test_a_mapping_s_table_and_header_row_pick_the_register(tmp_path):
    source = two_tables(tmp_path / "paper.docx")
    mapping = write(tmp_path / "map.toml", 'table = 2\nheader_row = 2\n[columns]\n"Nr" = "id"\n"Peril" = "name"\n'
                                           '"Grade" = "rating"\n')
    out = tmp_path / "register.xlsx"
    result = run("import", source, "-o", out, "--period", "2024/25 Q1", "--mapping", mapping)
    assert result.exit_code == 0, result.output
    register = read_register(out)
    assert [(r.id, r.name, r.rating) for r in register.risks] == [("CR1", "Flood", "High"), ("CR2", "Fire", "Low")]
    assert result.output.splitlines()[-2] == (f"rows: {source}: 3 source rows: 2 risks, 0 continuation rows, "
                                              "0 headings, 1 footnotes/notes, 0 dropped")


def test_a_headerless_column_named_by_its_letter(tmp_path):
    _, _, out, result = imported(tmp_path, "Risk,,Rating\nFlood,SR1,High\nFire,SR2,Low\n",
                                 '[columns]\n"Column B" = "id"\n')
    assert result.exit_code == 0, result.output
    assert "  B 'Column B' -> ID (mapping file)" in result.output
    assert [r.id for r in read_register(out).risks] == ["SR1", "SR2"]


def test_a_mapping_key_no_column_has_is_one_error_line(tmp_path):
    source, mapping, out, result = imported(tmp_path, "Ref,Risk,Rating\nSR1,Flood,High\n",
                                            '[columns]\n"Risk Title" = "name"\n', "--strict")
    assert result.exit_code == 2
    assert result.output == (f"Error: {mapping}: [columns] 'Risk Title' matches no column of {source} row 1 "
                             "(columns: A 'Ref', B 'Risk', C 'Rating'). Use a header as shown, or a column letter "
                             "such as \"Column B\".\n")
    assert not out.exists()


def test_a_row_that_fits_nothing_is_named_and_refused_under_strict(tmp_path):
    source, mapping, _, result = imported(tmp_path, "Ref,Risk,Rating,Notes\nSR1,Flood,High,\n,,,stray text\n"
                                          "SR2,Fire,Low,\n", '[columns]\n"Notes" = "ignore"\n')
    assert result.exit_code == 0, result.output
    assert f"dropped: {source} row 3 'stray text': its text is only in columns the import leaves out: not " \
           "imported; name its column in a mapping file" in result.output
    assert result.output.splitlines()[-2].endswith("3 source rows: 2 risks, 0 continuation rows, 0 headings, "
                                                   "0 footnotes/notes, 1 dropped")
    strict = run("import", source, "-o", tmp_path / "strict.xlsx", "--period", "2024/25 Q1", "--mapping", mapping,
                 "--strict")
    assert strict.exit_code == 2 and strict.output.startswith(f"Error: {source} row 3: its text is only in columns")
