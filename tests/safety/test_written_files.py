"""What we write lets nothing in: no macros, no external links, links only inside the workbook, text never a formula."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import riskreg_bad_corpus as corpus  # registered by tests/safety/conftest.py
from click.testing import CliRunner

from addin.cli import cli
from workbook.export.sample import SAMPLE_PERIOD, sample_export_path

# Producer -> (input: "sample" register/export or a corpus file, command, written file name).
PRODUCERS = {
    "new": (None, ["new", "{out}", "--period", SAMPLE_PERIOD], "register.xlsx"),
    "import": ("sample export", ["import", "{input}", "-o", "{out}", "--period", SAMPLE_PERIOD], "register.xlsx"),
    "import injection": ("export_injection.txt", ["import", "{input}", "-o", "{out}", "--period", SAMPLE_PERIOD],
                         "register.xlsx"),
    "import script": ("export_script.txt", ["import", "{input}", "-o", "{out}", "--period", SAMPLE_PERIOD],
                      "register.xlsx"),
    "validate --write": ("sample", ["validate", "{input}", "--write", "-o", "{out}"], "register.xlsx"),
    "validate --write injection": ("injection.xlsx", ["validate", "{input}", "--write", "-o", "{out}"],
                                   "register.xlsx"),
    "trends --write": ("sample", ["trends", "{input}", "--write", "-o", "{out}"], "register.xlsx"),
    "trends --write injection": ("injection.xlsx", ["trends", "{input}", "--write", "-o", "{out}"], "register.xlsx"),
    "roll-quarter": ("sample", ["roll-quarter", "{input}", "--period", "2021/22 Q3", "-o", "{out}", "--force"],
                     "register.xlsx"),
    "roll-quarter injection": ("injection.xlsx", ["roll-quarter", "{input}", "--period", "2021/22 Q3", "--force", "-o",
                                                  "{out}"], "register.xlsx"),
    "paper": ("sample", ["paper", "{input}", "-o", "{out}", "--force"], "paper.docx"),
    "paper injection": ("injection.xlsx", ["paper", "{input}", "-o", "{out}", "--force"], "paper.docx"),
}
INJECTED = [p for p in PRODUCERS if p.endswith("injection")]
EXTERNAL = re.compile(rb'TargetMode\s*=\s*"External"', re.IGNORECASE)


@pytest.fixture
def written(request, sample_workbook, bad_file, tmp_path):
    """Run the producer named by the test's parameter and return the file it wrote."""
    source, args, name = PRODUCERS[request.param]
    folder = tmp_path / "written"
    folder.mkdir()
    given = {None: None, "sample": sample_workbook, "sample export": sample_export_path()}.get(source)
    if given is None and source is not None:
        given = tmp_path / source
        shutil.copyfile(bad_file(source), given)
    out = folder / name
    result = CliRunner().invoke(cli, [a.format(input=given, out=out) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1) and out.exists(), result.output
    return out


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("written", PRODUCERS, indirect=True)
def test_no_macros_and_no_external_links(written):
    from oletools.olevba import VBA_Parser

    content = parts(written)
    assert not [n for n in content if n.endswith(".bin") or "vbaProject" in n or n.startswith("customUI")]
    assert b"macroEnabled" not in content["[Content_Types].xml"]
    assert not [n for n in content if "externalLink" in n]
    assert not [n for n, data in content.items() if n.endswith(".rels") and EXTERNAL.search(data)], \
        "a relationship points outside the file"
    parser = VBA_Parser(str(written))
    try:
        assert not parser.detect_vba_macros()
    finally:
        parser.close()


@pytest.mark.parametrize("written", [p for p in PRODUCERS if PRODUCERS[p][2].endswith(".xlsx")], indirect=True)
def test_hyperlinks_point_inside_the_workbook(written):
    from openpyxl import load_workbook

    wb = load_workbook(written)
    sheets = set(wb.sheetnames)
    for ws in wb.worksheets:
        for link in ws._hyperlinks + [c.hyperlink for row in ws.iter_rows() for c in row if c.hyperlink]:
            assert not link.target, f"{ws.title}!{link.ref} links outside the workbook: {link.target}"
            assert link.location, f"{ws.title}!{link.ref} links nowhere"
            sheet = link.location.split("!")[0].strip("'").replace("''", "'")
            assert sheet in sheets, f"{ws.title}!{link.ref} links to a missing sheet: {link.location}"


@pytest.mark.parametrize("written", [p for p in INJECTED if PRODUCERS[p][2].endswith(".xlsx")], indirect=True)
def test_formula_text_stays_text_in_workbooks(written):
    from openpyxl import load_workbook

    payloads = [text.encode() for text in corpus.INJECTIONS]
    for name, data in parts(written).items():
        if name.startswith("xl/worksheets/"):
            for formula in re.findall(rb"<f(?:\s[^>]*)?>(.*?)</f>", data, re.DOTALL):
                assert not any(p.lstrip(b"=+-@")[:12] in formula for p in payloads), (name, formula)
    wb = load_workbook(written)
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(t in cell.value for t in corpus.INJECTIONS):
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    found += 1
    assert found, "the injected text is missing from the written workbook"


@pytest.mark.parametrize("written", [p for p in INJECTED if PRODUCERS[p][2].endswith(".docx")], indirect=True)
def test_formula_text_stays_text_in_papers(written):
    document = parts(written)["word/document.xml"]
    assert b"<w:fldSimple" not in document and b"DDE" not in document
    assert b"+SUM(1,2)" in document and b"@SUM(A1:A2)" in document  # printed as the text it is
    for instruction in re.findall(rb"<w:instrText[^>]*>(.*?)</w:instrText>", document):
        assert not any(p in instruction for p in (b"HYPERLINK \"http", b"cmd", b"SUM(")), instruction


@pytest.mark.parametrize("written", ["import script"], indirect=True)
def test_script_and_event_attributes_do_not_reach_the_workbook(written):
    from openpyxl import load_workbook

    wb = load_workbook(written)
    texts = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    for banned in ("<script", "alert(", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "<img"):
        assert banned not in texts
    assert "Insider threat" in texts and "controls" in texts  # the words around the markup are kept


def test_export_text_cannot_be_run_as_a_formula(bad_file, tmp_path):
    """Excel opens a .txt export with its Text Import: a cell starting = + - @ would run (e.g. DDE `=cmd|…`)."""
    from workbook.xlsx.reader import read_register

    register = tmp_path / "injection.xlsx"
    shutil.copyfile(bad_file("injection.xlsx"), register)
    export = tmp_path / "export.txt"
    result = CliRunner().invoke(cli, ["export", str(register), "-o", str(export)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cells = [cell for line in export.read_text(encoding="utf-8").splitlines() for cell in line.split("\t")]
    assert not [cell for cell in cells if cell.lstrip().startswith(("=", "+", "-", "@"))]
    again = tmp_path / "again.xlsx"
    result = CliRunner().invoke(cli, ["import", str(export), "-o", str(again), "--period", SAMPLE_PERIOD])
    assert result.exit_code == 0, result.output
    names = {risk.text("name") for risk in read_register(again).risks}
    assert set(corpus.INJECTIONS) <= names  # the text itself comes back unchanged
