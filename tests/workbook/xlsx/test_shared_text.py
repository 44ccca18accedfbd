"""The roll-over stores each risk's words once: the Register and the Record sheet share them."""

import zipfile

from openpyxl import load_workbook

from workbook.core.periods import parse_period
from workbook.jobs import roll_quarter
from workbook.xlsx.reader import read_register


def _parts(path):
    with zipfile.ZipFile(path) as package:
        return {info.filename: info.compress_size for info in package.infolist()}


def test_the_first_roll_grows_the_workbook_by_less_than_a_fifth(sample_workbook):
    before = sample_workbook.stat().st_size
    roll_quarter(sample_workbook, parse_period("2021/22 Q3"), close_with_errors=True)
    assert sample_workbook.stat().st_size < before * 1.2
    parts = _parts(sample_workbook)
    assert "xl/sharedStrings.xml" in parts


def test_shared_words_read_back_the_same_everywhere(sample_workbook):
    register = read_register(sample_workbook)
    roll_quarter(sample_workbook, parse_period("2021/22 Q3"), close_with_errors=True)
    rolled = read_register(sample_workbook)
    assert [r.values["description"] for r in rolled.risks] == [r.values["description"] for r in register.risks]
    texts = {key: fields for key, fields in rolled.recorded_text.items() if "description" in fields}
    assert sorted(f["description"] for f in texts.values()) == sorted(r.text("description") for r in register.risks)
    sheet = load_workbook(sample_workbook)["Register"]  # another reader sees the same words
    assert [sheet.cell(row=r.row, column=3).value for r in rolled.risks] == [r.values["description"]
                                                                              for r in register.risks]
