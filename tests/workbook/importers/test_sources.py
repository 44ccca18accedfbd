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
