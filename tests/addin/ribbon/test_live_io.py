"""The xlwings adapter's pure parts (batching cell fills, safe values, file names) and the remote limits they meet."""

from __future__ import annotations

import pytest
from support.excel_tables import with_total_row
from support.remote_payload import payload

from addin.ribbon import live_io
from workbook import jobs
from workbook.core.findings import split_address
from workbook.core.model import column_letter


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


def register_payload() -> dict:
    return payload("register.xlsx", {"Register": [["Risk ID"]]})


def remote_register(remote):
    return remote.open(register_payload())


def test_the_remote_engine_has_no_multi_area_ranges(remote):
    """Why paint colours blocks there. If this fails, xlwings has learnt multi-area ranges: revisit paint."""
    sheet = remote_register(remote).sheets["Register"]
    assert sheet.range("A1,B7").address == "$A$1"
    assert sheet.range("A1,C5:C9").address == "$A$1:$C$9"


def test_set_colors_takes_at_most_max_colour_cells(remote):
    sheet = remote_register(remote).sheets["Register"]
    limit = live_io.MAX_COLOUR_CELLS
    sheet.range((1, 1), (limit, 1)).set_colors([["#FFC7CE"]] * limit)
    with pytest.raises(ValueError, match="at most 10,000 cells"):
        sheet.range((1, 1), (limit + 1, 1)).set_colors([["#FFC7CE"]] * (limit + 1))


@pytest.mark.parametrize("rows, columns, calls", [
    (100, 12, 1),
    (1_000, 12, 2),
    (10_000, 12, 13),  # bands of 10,000 // 12 = 833 rows
    (30_000, 1, 3),
])
def test_remote_colour_calls_grow_with_the_rows_the_highlights_span(remote, rows, columns, calls):
    """One set_colors call per band of 10,000 // columns rows: ceil(rows / (10,000 // columns)) calls."""
    sent = register_payload()
    book = remote.open(sent)
    cells = [(row, column) for row in [*range(1, rows, 100), rows] for column in (1, columns)]
    fills = {f"Register!{column_letter(column)}{row}": "#ffc7ce" for row, column in cells}
    live_io.paint(book, fills)
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["setRangeColors"] * calls
    assert remote.colours(sent, actions) == fills


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
    assert jobs.free_path(tmp_path, "paper", ".docx") == tmp_path / "paper.docx"
    (tmp_path / "paper.docx").write_text("edited")
    assert jobs.free_path(tmp_path, "paper", ".docx") == tmp_path / "paper (2).docx"
    assert jobs.free_path(tmp_path, "paper", ".docx", reusable=lambda p: True) == tmp_path / "paper.docx"


def test_the_ribbon_reads_a_total_row_as_excel_describes_it(sample_workbook, remote):
    total_row = with_total_row(sample_workbook)
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    assert live_io.totals_rows(book) == (total_row,)
    register = live_io.read_register(book)
    assert len(register.risks) == 18
    assert sorted((f.rule_id, f.cell) for f in jobs.validate(register).findings) == [
        ("R005", "Register!B3"), ("R010", "Register!G3")]
