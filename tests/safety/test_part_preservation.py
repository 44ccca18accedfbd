"""Every writing command keeps what it does not write, part by part: registers from three producers carrying charts,
a pivot table, pictures, x14 extensions, notes, VBA, custom XML and an unknown part, through every command."""

from __future__ import annotations

import posixpath
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook
from support.feature_registers import CUSTOM_XML, UNKNOWN_PART, make_producers, part_bytes

from addin.cli import cli
from workbook.xlsx.reader import load_grids

PERIODS = ("2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2")
WRITES = {
    "validate --write": ["validate", "{path}", "--write"],
    "trends --write": ["trends", "{path}", "--write"],
    "roll-quarter": ["roll-quarter", "{path}", "--period", PERIODS[0], "--force"],
}
# The parts a command may rewrite: the sheets whose cells it writes (with their notes, tables and relationships),
# the results sheets it rebuilds, and the package's shared bookkeeping.
WRITTEN_SHEETS = {"validate --write": ("Register", "History", "Settings", "Lists"), "trends --write": ("Register",),
                  "roll-quarter": ("Register", "History", "Settings", "Lists")}
BOOKKEEPING = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def run(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _rels(parts: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Return relationship id -> (type, target part) of `part`."""
    folder, rels = posixpath.dirname(part), rels_name(part)
    if rels not in parts:
        return {}
    return {rel.get("Id"): (rel.get("Type").rsplit("/", 1)[-1],
                            rel.get("Target").lstrip("/") if rel.get("Target").startswith("/")
                            else posixpath.normpath(posixpath.join(folder, rel.get("Target"))))
            for rel in etree.fromstring(parts[rels]).iter(REL) if rel.get("TargetMode") != "External"}


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Return sheet name -> part, read from the package independently of riskreg's code."""
    targets = _rels(parts, "xl/workbook.xml")
    return {s.get("name"): targets[s.get(R_ID)][1] for s in etree.fromstring(parts["xl/workbook.xml"]).iter(f"{MAIN}sheet")}


def allowed_changes(parts: dict[str, bytes], command: str) -> set[str]:
    """Return the parts of `parts` that `command` may change or remove."""
    allowed = set(BOOKKEEPING)
    if command == "roll-quarter":  # the Record sheet's words join the shared strings (each stored once)
        allowed.add("xl/sharedStrings.xml")
    sheets = sheet_parts(parts)
    for name, part in sheets.items():
        if name in ("Validation", "Summary"):
            queue = [part]
            while queue:  # a results sheet goes with all that hangs from it
                current = queue.pop()
                allowed |= {current, rels_name(current)}
                queue += [t for _, t in _rels(parts, current).values() if t not in allowed]
        elif name in WRITTEN_SHEETS[command]:
            allowed |= {part, rels_name(part)}
            allowed |= {t for kind, t in _rels(parts, part).values() if kind in ("comments", "vmlDrawing", "table")}
    return allowed


def assert_kept(before: dict[str, bytes], after: dict[str, bytes], command: str) -> None:
    allowed = allowed_changes(before, command)
    for name, data in before.items():
        if name not in allowed:
            assert name in after, f"{command} removed {name}"
            assert after[name] == data, f"{command} changed {name}"


def assert_readable(path: Path) -> None:
    """openpyxl and python-calamine, two readers, read every value of every sheet alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl says it will not keep the x14 extensions it reads past
        wb = load_workbook(path)
    grids = load_grids(path)
    for ws in wb.worksheets:
        ours = {(r, c): v for r, row in enumerate(ws.iter_rows(values_only=True)) for c, v in enumerate(row)
                if v not in (None, "")}
        theirs = {(r, c): v for r, row in enumerate(grids[ws.title]) for c, v in enumerate(row) if v not in (None, "")}
        assert ours == theirs, f"sheet '{ws.title}' reads differently"
    wb.close()


def libreoffice_sees(path: Path, soffice) -> str:
    """Return LibreOffice's own reading of the workbook (content.xml of the .ods it saves it as)."""
    folder = path.parent / f"lo-{path.stem}"
    folder.mkdir(exist_ok=True)
    copy = folder / f"{path.stem}{path.suffix}"
    shutil.copyfile(path, copy)
    ods = soffice(copy, "ods", folder)
    with zipfile.ZipFile(ods) as archive:
        return archive.read("content.xml").decode()


@pytest.fixture(scope="module")
def producers(tmp_path_factory) -> dict[str, Path]:
    """Return the registers of each producer, made once: XlsxWriter (.xlsx and .xlsm), LibreOffice, openpyxl."""
    return make_producers(tmp_path_factory.mktemp("producers"))


@pytest.fixture(params=["XlsxWriter .xlsx", "XlsxWriter .xlsm", "LibreOffice", "openpyxl"])
def register(request, producers, tmp_path) -> Path:
    source = producers[request.param]
    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / f"register{source.suffix}"
    shutil.copyfile(source, path)
    return path


@pytest.mark.parametrize("command", WRITES)
def test_every_part_not_written_is_kept_byte_for_byte(command, register, soffice):
    before = part_bytes(register)
    result = run([a.format(path=register) for a in WRITES[command]])
    assert result.exit_code in (0, 1), result.output
    after = part_bytes(register)
    assert_kept(before, after, command)
    assert [name for name in after if name.startswith("xl/charts/")] != []
    assert_readable(register)
    seen = libreoffice_sees(register, soffice)
    assert "<table:data-pilot-table " in seen, "LibreOffice no longer finds the pivot table"
    assert seen.count("<draw:object ") >= (2 if command == "trends --write" else 1), "a chart is missing"


def test_features_riskreg_never_reads_are_in_the_package(producers):
    """The registers really carry what the suite claims they carry."""
    xlsxwriter = part_bytes(producers["XlsxWriter .xlsm"])
    for prefix in ("xl/charts/", "xl/chartsheets/", "xl/pivotTables/", "xl/pivotCache/", "xl/media/",
                   "xl/vbaProject.bin", "xl/comments", CUSTOM_XML, UNKNOWN_PART):
        assert any(name.startswith(prefix) for name in xlsxwriter), prefix
    register = xlsxwriter[sheet_parts(xlsxwriter)["Register"]]
    assert b"x14:dataBar" in register and b"x14:sparklineGroup" in part_bytes(producers["XlsxWriter .xlsx"])[
        sheet_parts(xlsxwriter)["Trend lines"]]
    libreoffice = part_bytes(producers["LibreOffice"])
    assert any(n.startswith("xl/pivotTables/") for n in libreoffice)  # it read our pivot table and wrote its own


def test_chart_and_pivot_survive_four_roll_overs_with_work_between(producers, tmp_path):
    path = tmp_path / "register.xlsx"
    shutil.copyfile(producers["XlsxWriter .xlsx"], path)
    original = part_bytes(path)
    kept = [n for n in original if n.startswith(("xl/charts/", "xl/chartsheets/", "xl/pivotTables/",
                                                 "xl/pivotCache/", "xl/media/", "xl/drawings/drawing"))
            or n in (CUSTOM_XML, UNKNOWN_PART)]
    assert len(kept) >= 8
    for period in PERIODS:
        assert run(["validate", str(path), "--write"]).exit_code in (0, 1)
        assert run(["trends", str(path), "--write"]).exit_code == 0
        result = run(["roll-quarter", str(path), "--period", period, "--force"])
        assert result.exit_code == 0, result.output
        now = part_bytes(path)
        assert {n: now.get(n) for n in kept} == {n: original[n] for n in kept}, f"after rolling to {period}"
    grids = load_grids(path)
    assert grids["Register"][0][5:8] == ("Q4 Trending", "Q1 Trending", "Q2 Trending")
    # The sample's History already records 2021/22 Q2, so the first roll-over adds no rows for it.
    source = grids["History"][0].index("Source")
    rolled = [row[1] for row in grids["History"][1:] if len(row) > source and row[source] == "rolled"]
    assert {p: rolled.count(p) for p in rolled} == {"2021/22 Q3": 18, "2021/22 Q4": 18, "2022/23 Q1": 18}
    assert [row[1] for row in grids["History"][1:]].count("2021/22 Q2") == 18
    assert "2022/23 Q2" in [row[1] for row in grids["Settings"] if row]
    assert_readable(path)
