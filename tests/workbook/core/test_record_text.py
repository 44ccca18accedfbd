"""Tests for workbook/core/record_text.py: a text longer than an Excel cell kept over several Record rows."""

from __future__ import annotations

from openpyxl import load_workbook

from workbook import jobs
from workbook.core.periods import parse_period
from workbook.core.record_text import CELL_TEXT_LIMIT, read_record, record_rows
from workbook.core.rollover import QUARTER_KEY, TRENDS_FIELD
from workbook.core.schema import TEXT_SHEET
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.reader import read_register


def test_a_long_text_is_cut_into_parts_under_a_cell_and_joined_back():
    text = "".join(chr(65 + i % 26) for i in range(70_001))
    rows = list(record_rows("quarter 2021/22 Q2", [("trends", text), ("title", "Risk Register")]))
    assert [name for _, name, _ in rows] == ["trends", "trends+2", "trends+3", "title"]
    assert all(len(part) <= CELL_TEXT_LIMIT for _, _, part in rows)
    assert read_record(rows) == {"quarter 2021/22 Q2": {"trends": text, "title": "Risk Register"}}


def test_a_part_out_of_order_or_a_repeated_field_does_not_change_the_text():
    rows = [("k", "f", "one"), ("k", "f+3", "three"), ("k", "f", "again"), ("k", "f+2", "two"), ("", "x", "y")]
    assert read_record(rows) == {"k": {"f": "onetwo"}}  # the first row counts; a part joins only in its turn


def test_an_empty_text_keeps_its_row():
    assert list(record_rows("k", [("meeting_date", "")])) == [("k", "meeting_date", "")]


def test_a_large_registers_quarter_is_recorded_in_cells_excel_can_hold(tmp_path):
    """2,000 risks' trend cells run past one cell's 32,767 characters: the Record sheet splits them."""
    path = tmp_path / "register.xlsx"
    risks = [{"id": f"ORG-RISK-{n:05d}", "name": f"Risk {n}", "rating": "High", "trend1": "→", "trend2": "↗",
              "trend3": "→"} for n in range(1, 2001)]
    write_workbook(path, risks=risks, settings={"period": "2021/22 Q2", "organisation": "Test Council",
                                                "committee": "Audit Committee", "author": "Director",
                                                "contact": "Risk Officer"})
    jobs.roll_quarter(path, parse_period("2021/22 Q3"), close_with_errors=True)
    sheet = load_workbook(path)[TEXT_SHEET]
    lengths = [len(str(c.value)) for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert max(lengths) <= CELL_TEXT_LIMIT
    recorded = read_register(path).recorded_text[QUARTER_KEY.format(label="2021/22 Q2")][TRENDS_FIELD]
    lines = recorded.split("\n")
    assert len(lines) == 2000 and lines[0] == "ORG-RISK-00001\t→\t↗\t→" and lines[-1] == "ORG-RISK-02000\t→\t↗\t→"
    assert len(recorded) > CELL_TEXT_LIMIT  # the case this is for
