"""Every part each writing command writes is valid ECMA-376 (transitional), on registers from every producer and on
registers with a Total Row, formulas in the trend columns, a user's structured references and a long History."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.excel_tables import with_history_total_row
from support.feature_registers import make_producers
from support.ooxml_schema import changed_parts, invalid_parts, package_parts, part_errors
from support.riskreg_testing import run_cli

from workbook.core.schema import REGISTER_SHEET

WRITES = {
    "validate --write": ["validate", "{path}", "--write"],
    "trends --write": ["trends", "{path}", "--write"],
    "roll-quarter": ["roll-quarter", "{path}", "--period", "2021/22 Q3", "--force"],  # registers with errors
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def run_write(path: Path, command: str) -> dict[str, bytes]:
    """Run `command` on `path`; return the XML parts it added or changed."""
    before = package_parts(path)
    result = run_cli(*[a.format(path=path) for a in WRITES[command]])
    assert result.exit_code in (0, 1), result.output
    return changed_parts(package_parts(path), before)


@pytest.fixture(scope="module")
def producers(tmp_path_factory) -> dict[str, Path]:
    return make_producers(tmp_path_factory.mktemp("producers"))


def test_new_and_new_full_write_only_valid_parts(tmp_path):
    for args in (["new"], ["new", "--full"]):
        path = tmp_path / f"{'-'.join(args)}.xlsx"
        assert run_cli(*args, path).exit_code == 0
        parts = changed_parts(package_parts(path))
        assert {"xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "docProps/core.xml"} <= set(parts)
        assert any(name.endswith(".vml") for name in parts) and any("comment" in name for name in parts)
        assert invalid_parts(parts) == []


def test_import_writes_only_valid_parts(tmp_path, sample_export):
    path = tmp_path / "imported.xlsx"
    assert run_cli("import", sample_export, "-o", path, "--period", "2021/22 Q2").exit_code == 0
    parts = changed_parts(package_parts(path))
    assert any(name.startswith("xl/tables/") for name in parts)
    assert invalid_parts(parts) == []


@pytest.mark.parametrize("producer", ["XlsxWriter .xlsx", "XlsxWriter .xlsm", "LibreOffice", "openpyxl"])
def test_each_writing_command_writes_only_valid_parts(producers, producer, tmp_path):
    written: set[str] = set()
    for command in WRITES:
        path = tmp_path / f"{command.split()[0]}{producers[producer].suffix}"
        shutil.copyfile(producers[producer], path)
        parts = run_write(path, command)
        written |= set(parts)
        assert invalid_parts(parts) == [], command
    # The parts each kind of edit touches were all among those checked.
    for kind in ("xl/worksheets/sheet", "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/charts/",
                 "xl/drawings/", ".vml", "comments"):
        assert any(kind in name for name in written), kind


def test_validate_write_twice_and_roll_keep_every_part_valid(sample_workbook):
    """Notes removed and added again, sheets replaced, History and the trends moved: the parts stay valid."""
    for command in ("validate --write", "validate --write", "trends --write", "roll-quarter", "validate --write"):
        assert invalid_parts(run_write(sample_workbook, command)) == [], command


def test_special_registers_stay_valid(tmp_path, sample_workbook):
    """A Total Row on History, formulas in the trend columns, a user's structured reference, 4,000+ History rows."""
    from openpyxl import load_workbook

    wb = load_workbook(sample_workbook)
    ws = wb[REGISTER_SHEET]
    headers = [c.value for c in ws[1]]
    trend = [i + 1 for i, h in enumerate(headers) if isinstance(h, str) and h.endswith("Trending")]
    ws.cell(row=2, column=trend[-1], value=f"=IF(ROW()>1,{ws.cell(row=2, column=trend[-2]).coordinate},\"\")")
    ws.cell(row=2, column=len(headers) + 2, value=f"=COUNTIF(RiskRegister[{headers[trend[0] - 1]}],\"↗\")")
    wb.save(sample_workbook)
    with_history_total_row(sample_workbook, extra_rows=4_100)
    for command in ("roll-quarter", "validate --write", "trends --write"):
        assert invalid_parts(run_write(sample_workbook, command)) == [], command
    before = package_parts(sample_workbook)  # the second roll-over appends 2021/22 Q3 above the Total Row
    assert run_cli("roll-quarter", sample_workbook, "--period", "2021/22 Q4", "--force").exit_code == 0
    parts = changed_parts(package_parts(sample_workbook), before)
    assert any(name.startswith("xl/tables/") for name in parts)
    assert invalid_parts(parts) == []


def test_an_invalid_part_is_caught():
    """The check can fail: elements out of order, a value outside its type, and extension content outside the
    places the standard allows it are each reported."""
    worksheet = f'<worksheet xmlns="{MAIN}"><sheetData/><dimension ref="A1"/></worksheet>'.encode()
    assert "not expected" in " ".join(part_errors("xl/worksheets/sheet1.xml", worksheet))
    table = (f'<table xmlns="{MAIN}" id="1" name="T" displayName="T" ref="A1:B2" totalsRowCount="many">'
             f'<tableColumns count="1"><tableColumn id="1" name="A"/></tableColumns></table>').encode()
    assert "totalsRowCount" in " ".join(part_errors("xl/tables/table1.xml", table))
    x14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
    stray = f'<worksheet xmlns="{MAIN}" xmlns:x14="{x14}"><sheetData/><x14:thing/></worksheet>'.encode()
    assert "neither understood nor declared ignorable" in " ".join(part_errors("xl/worksheets/sheet1.xml", stray))
    vml = b'<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="a" bogus="1"/></xml>'
    assert "bogus" in " ".join(part_errors("xl/drawings/vmlDrawing1.vml", vml))


def test_markup_compatibility_is_processed_as_part_3_says():
    """Ignorable content is removed before validation, AlternateContent resolved to what is understood, and
    extension lists stay open; xml:space is checked for its values."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    x14ac = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
    ignorable = (f'<worksheet xmlns="{MAIN}" xmlns:mc="{mc}" xmlns:x14ac="{x14ac}" mc:Ignorable="x14ac">'
                 f'<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData/>'
                 f'<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:thing/></mc:Choice>'
                 f'<mc:Fallback><pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/>'
                 f'</mc:Fallback></mc:AlternateContent>'
                 f'<extLst><ext uri="{{X}}"><x14ac:anything/></ext></extLst></worksheet>').encode()
    assert part_errors("xl/worksheets/sheet1.xml", ignorable) == []
    not_ignorable = ignorable.replace(b' mc:Ignorable="x14ac"', b"")
    assert part_errors("xl/worksheets/sheet1.xml", not_ignorable) != []
    spaced = (f'<sst xmlns="{MAIN}"><si><t xml:space="keep"> a</t></si></sst>').encode()
    assert "xml:space is 'keep'" in " ".join(part_errors("xl/sharedStrings.xml", spaced))
