"""The xlwings adapter's pure parts: batching cell fills, safe values, file names."""

from __future__ import annotations

import pytest

from addin import live_io
from workbook.findings import split_address


def covered(strings: list[str]) -> set[tuple[int, int]]:
    """Return the (row, column) cells a list of multi-area addresses covers."""
    cells = set()
    for string in strings:
        for area in string.split(","):
            first, _, last = area.partition(":")
            _, r1, c1 = split_address(f"S!{first}")
            _, r2, c2 = split_address(f"S!{last or first}")
            cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return cells


def test_area_strings_merge_runs_of_rows_and_cover_exactly_the_cells():
    cells = [(7, 9), (8, 9), (9, 9), (12, 11), (3, 1)]
    assert live_io.area_strings(cells) == ["A3,I7:I9,K12"]


def test_area_strings_stay_within_excels_address_limit():
    cells = [(row, column) for row in range(2, 1002, 2) for column in (1, 2, 9)]
    strings = live_io.area_strings(cells)
    assert all(len(s) <= live_io.MAX_ADDRESS for s in strings)
    assert covered(strings) == set(cells)
    assert len(strings) == 29  # 1,500 scattered cells (no two adjacent): one Excel call per ~50 cells


def test_colour_bands_leave_other_cells_alone_and_stay_under_the_cell_limit():
    changes = {(2, 2): "#FFC7CE", (5, 4): None, (30_000, 3): "#FFEB9C"}
    bands = live_io.colour_bands(changes, max_cells=9)
    assert all(len(m) * len(m[0]) <= 9 for _, _, m in bands)
    found = {}
    for (top, left), _, matrix in bands:
        for i, row in enumerate(matrix):
            for j, colour in enumerate(row):
                if colour is not ...:
                    found[(top + i, left + j)] = colour
    assert found == changes
    assert [top_left for top_left, _, _ in bands] == [(2, 2), (5, 2), (29999, 2)]  # empty bands are not sent


@pytest.mark.parametrize("value, stored", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("- first bullet", "'- first bullet"),
    ("+44 121", "'+44 121"),
    ("@risk", "'@risk"),
    ("Plain text", "Plain text"),
    (3, 3),
    (None, None),
])
def test_text_that_excel_would_read_as_a_formula_is_written_as_text(value, stored):
    assert live_io.safe_value(value) == stored


def test_results_are_never_written_over_the_users_sheets():
    for name in live_io.REGISTER_SHEETS:
        with pytest.raises(ValueError, match="refusing to overwrite"):
            live_io.write_sheet(None, name, [["x"]])


def test_free_path_numbers_new_files_instead_of_replacing_work(tmp_path):
    assert live_io.free_path(tmp_path, "paper", ".docx") == tmp_path / "paper.docx"
    (tmp_path / "paper.docx").write_text("edited")
    assert live_io.free_path(tmp_path, "paper", ".docx") == tmp_path / "paper (2).docx"
    assert live_io.free_path(tmp_path, "paper", ".docx", reusable=lambda p: True) == tmp_path / "paper.docx"
