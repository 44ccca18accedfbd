"""The paper is accessible by construction: checked on the written file and its tagged PDF, not by eye."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from report_builder.build import build_paper
from support.accessibility import NS, _part, _w, problems
from workbook.core.schema import OPTIONAL_COLUMNS, SETTING_BY_KEY


def _all_columns_workbook(path: Path, size: int) -> Path:
    from support.synthetic_register import write_synthetic_workbook

    write_synthetic_workbook(size, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Settings"]
    label = SETTING_BY_KEY["appendix_columns"].label
    row = next(r for r in range(1, sheet.max_row + 2) if sheet.cell(r, 1).value in (label, None))
    sheet.cell(row, 1, label)
    sheet.cell(row, 2, ", ".join(c.header for c in OPTIONAL_COLUMNS if c.key != "status"))
    book.save(path)
    return path


@pytest.fixture
def all_columns_paper(tmp_path) -> Path:
    register = _all_columns_workbook(tmp_path / "all columns.xlsx", 24)
    return build_paper(register, tmp_path / "all columns.docx", force=True).paper


def test_the_sample_paper_passes_every_check_on_the_file(clean_workbook, tmp_path):
    paper = build_paper(clean_workbook, tmp_path / "paper.docx").paper
    assert problems(paper, "OFFICIAL") == []


def test_a_paper_with_every_optional_column_passes_and_shows_them_with_short_dates(all_columns_paper):
    import docx

    assert problems(all_columns_paper, "OFFICIAL") == []
    table = docx.Document(str(all_columns_paper)).tables[-1]
    headers = [cell.text for cell in table.rows[0].cells]
    assert headers == ["ID", "Risk Name", "Description", "Impact", "Key Controls and Activities", "Q4 Trending",
                       "Q1 Trending", "Q2 Trending", "Residual Risk Rating", "Details"]
    details = [p.text for p in table.rows[1].cells[-1].paragraphs]
    assert [line.split(":")[0] for line in details] == [
        "Risk Owner", "Portfolio/Department", "Date Raised", "Last Reviewed", "Likelihood", "Impact Score"]
    for line in details[2:4]:
        assert re.fullmatch(r"[^:]+: \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}", line), line


def test_a_thousand_risk_paper_passes_every_check_on_the_file(tmp_path):
    from support.synthetic_register import write_synthetic_workbook

    write_synthetic_workbook(1000, tmp_path / "big.xlsx")
    paper = build_paper(tmp_path / "big.xlsx", tmp_path / "big.docx", force=True).paper
    assert problems(paper, "OFFICIAL") == []
    import docx

    document = docx.Document(str(paper))
    assert any(p.text.startswith("There are 1,000 open risks on the register this quarter:") for p in document.paragraphs)
    rating_table = document.tables[0]
    assert [cell.text for cell in rating_table.rows[-1].cells][0::len(rating_table.columns) - 1] == ["Total", "1,000"]


def test_an_in_depth_paper_with_positions_passes_every_check_on_the_file(tmp_path):
    from support.depth_register import write_depth_sample

    register = write_depth_sample(tmp_path / "depth.xlsx")
    paper = build_paper(register, tmp_path / "depth.docx", force=True, positions=True).paper
    assert problems(paper, "OFFICIAL") == []
    document = _part(paper, "word/document.xml")
    captions = ["".join(p.itertext()) for p in document.iter(_w("p"))
                if (s := p.find("w:pPr/w:pStyle", NS)) is not None and s.get(_w("val")) == "Caption"]
    assert [c.split(":")[0] for c in captions if c.startswith("Figure")] == ["Figure 1", "Figure 2", "Figure 3"]


def test_a_paper_after_two_roll_overs_passes_every_check_on_the_file(clean_workbook, tmp_path):
    from workbook import jobs
    from workbook.core.periods import parse_period

    for period in ("2021/22 Q3", "2021/22 Q4"):
        jobs.roll_quarter(clean_workbook, parse_period(period))
        # As a risk manager does after each close: the new quarter's trend cells filled from History.
        jobs.write_trends(clean_workbook, jobs.refresh_trends_file(clean_workbook))
    paper = build_paper(clean_workbook, tmp_path / "paper.docx", force=True).paper
    assert problems(paper, "OFFICIAL") == []
    assert not list(_part(paper, "word/document.xml").iter(_w("del"), _w("ins")))


def test_the_check_finds_what_it_looks_for(clean_workbook, tmp_path):
    """A paper spoiled in each way the checks look for is caught on each count."""
    paper = build_paper(clean_workbook, tmp_path / "paper.docx").paper
    spoiled = tmp_path / "spoiled.docx"
    with zipfile.ZipFile(paper) as source, zipfile.ZipFile(spoiled, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(rb'descr="[^"]*"', b'descr="chart"', data)
                data = data.replace(b"<w:tblHeader/>", b"", 1)
                data = data.replace(b'w:fill="2E7D32"', b'w:fill="3A9D23"').replace(
                    b'w:fill="C62828"', b'w:fill="7FD0FF"')
                data = data.replace(b'<w:pStyle w:val="Heading2"/>', b'<w:pStyle w:val="Heading3"/>', 1)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dc:language>[^<]*</dc:language>", b"<dc:language>en-US</dc:language>", data)
            out.writestr(info, data)
    found = problems(spoiled, "OFFICIAL")
    assert "drawing Chart 1 has no alternative text stating counts" in found
    assert "table 1 has no repeating header row" in found
    assert "text FFFFFF on fill 7FD0FF: 1.70:1" in found
    assert "document language is not en-GB" in found
    assert any(line.startswith("heading ") and "at level 3 follows level 1" in line for line in found)
    assert problems(spoiled, "SECRET") == [*found, *(f"section {n} {kind} lacks the marking SECRET"
                                                     for n in (1, 2) for kind in ("header", "footer"))]


def _register(which: str, clean_workbook: Path, folder: Path) -> Path:
    if which == "sample":
        return clean_workbook
    if which == "all columns":
        return _all_columns_workbook(folder / "all.xlsx", 12)
    from support.synthetic_register import write_synthetic_workbook

    write_synthetic_workbook(1000, folder / "big.xlsx")
    return folder / "big.xlsx"


@pytest.mark.parametrize("which", ["sample", "all columns", "1,000 risks"])
def test_pdf_is_tagged_pdf_ua_and_passes_the_checker(which, clean_workbook, tmp_path, soffice):
    """The PDF of each paper the issue names; the 1,000-risk one runs to some 1,440 pages (a minute or two to convert)."""
    import pikepdf
    from pdfua import validate

    register = _register(which, clean_workbook, tmp_path)
    result = build_paper(register, tmp_path / "paper.docx", pdf=True, force=True)
    report = validate(str(result.pdf))
    assert report.exit_code == 0, [f"{f.rule_id}: {f.message}" for f in report.findings]
    assert not [f for f in report.findings if str(f.severity).lower().endswith(("error", "warning"))]
    with pikepdf.open(result.pdf) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert b"pdfuaid" in pdf.Root.Metadata.read_bytes()
        assert pdf.Root.Lang == "en-GB"
    if which == "1,000 risks":  # the paper before its appendix stays short however long the register (item 6)
        section_5 = pages_before(result.pdf, "5. Risks requiring the Committee")
        assert section_5 <= PAGES_OF_SECTIONS_1_TO_4_AT_1000
        assert pages_before(result.pdf, "Appendix A:") - section_5 <= PAGES_OF_SECTION_5_AT_1000
        # every page of the appendix starts with a row that names its risk (issue 26, item 4)
        headers = [cell.text for cell in docx.Document(str(result.paper)).tables[-1].rows[0].cells]
        assert pages_not_starting_with_an_id(result.pdf, headers, r"CRR\d{5}") == []


# The 1,000-risk paper, measured 7 December (Liberation Sans for Arial): sections 1 to 4 (summary, movements,
# changes, figures and the table naming each heat-map cell's risks) on 6 pages, allowed 8 for another font's
# metrics; section 5, its 188 risks counted by rating and reason, on 1 page (each risk is in the appendix in full);
# Appendix A from page 8.
PAGES_OF_SECTIONS_1_TO_4_AT_1000 = 8
PAGES_OF_SECTION_5_AT_1000 = 1


def pages_not_starting_with_an_id(pdf: Path, headers: list[str], id_pattern: str) -> list[str]:
    """Return, for each page of the appendix whose first row below the header row does not start with a risk's
    ID, the page number and that line (pdftotext's layout text)."""
    import subprocess

    from support.riskreg_testing import required_tool

    text = subprocess.run([required_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    first = next(number for number, page in enumerate(pages) if "Appendix A:" in page)
    header_words = {word for header in headers for word in header.split()}
    found = []
    for number, page in enumerate(pages[first:], start=first + 1):
        lines = [line for line in page.splitlines() if line.strip()]
        top = next((i for i, line in enumerate(lines) if line.split()[:1] == headers[:1] and
                    set(line.split()) <= header_words), None)
        if top is None:
            if lines:
                found.append(f"page {number}: no header row")
            continue
        rest = [line for line in lines[top + 1:]]
        while rest and set(rest[0].split()) <= header_words:  # a header that wraps onto more lines
            rest.pop(0)
        if rest and not re.match(rf"\s{{0,3}}{id_pattern}\s", rest[0]):
            found.append(f"page {number}: {rest[0].strip()[:60]}")
    return found


def pages_before(pdf: Path, heading: str) -> int:
    """Return how many pages come before the one where `heading` starts (pdftotext's text)."""
    import subprocess

    from support.riskreg_testing import required_tool

    text = subprocess.run([required_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return next(number for number, page in enumerate(text.split("\f")) if heading in page)


def test_the_chart_opens_as_a_chart_in_libreoffice_with_its_data(clean_workbook, tmp_path, soffice):
    paper = build_paper(clean_workbook, tmp_path / "paper.docx").paper
    odt = soffice(paper, "odt")
    with zipfile.ZipFile(odt) as archive:
        charts = [n for n in archive.namelist() if n.endswith("content.xml") and n != "content.xml"]
        assert charts, archive.namelist()
        chart = archive.read(charts[0]).decode()
    assert "chart:chart" in chart and 'chart:class="chart:bar"' in chart
    # the sample's quarter: 1 Critical, 13 High, 4 Medium, 0 Low
    values = re.findall(r'office:value="(\d+)"', chart)
    assert sorted(map(int, values)) == sorted([0, 4, 13, 1])
