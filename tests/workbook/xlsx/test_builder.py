"""The register workbook as Excel and LibreOffice see it: table, dropdowns, formats, names, print setup."""

import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from workbook.core.errors import TemplateError
from workbook.core.periods import Period
from workbook.core.schema import COLUMNS, HISTORY_COLUMNS, RATINGS, SETTINGS
from workbook.xlsx.builder import build_workbook, row_height, trend_headers, write_workbook

CORE_HEADERS = ["ID", "Risk Name", "Description", "Impact", "Key Controls and Activities",
                "Q4 Trending", "Q1 Trending", "Q2 Trending", "Residual Risk Rating"]
OPTIONAL_HEADERS = ["Risk Owner", "Portfolio/Department", "Date Raised", "Last Reviewed", "Likelihood",
                    "Impact Score", "Status"]


@pytest.fixture
def sample_book(sample_workbook):
    return load_workbook(sample_workbook)


def validations(ws) -> dict[str, tuple[str, str]]:
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def test_four_sheets_register_first(sample_book):
    assert sample_book.sheetnames == ["Register", "Lists", "History", "Settings"]
    assert sample_book.active.title == "Register"


def test_register_table_holds_core_then_optional_columns(sample_book):
    ws = sample_book["Register"]
    table = ws.tables["RiskRegister"]
    assert table.ref == "A1:P19"
    assert [column.name for column in table.tableColumns] == CORE_HEADERS + OPTIONAL_HEADERS
    assert [cell.value for cell in ws[1]] == CORE_HEADERS + OPTIONAL_HEADERS
    assert ws["A2"].value == "CRR18" and ws["I2"].value == "Critical" and ws["A19"].value == "CRR11"


def test_trend_headers_follow_the_reporting_period():
    assert list(trend_headers(Period(2021, 2)).values()) == ["Q4 Trending", "Q1 Trending", "Q2 Trending"]
    ws = build_workbook(settings={"period": "2022/23 Q1"})["Register"]
    assert [ws.cell(1, col).value for col in (6, 7, 8)] == ["Q3 Trending", "Q4 Trending", "Q1 Trending"]
    assert ws.tables["RiskRegister"].ref == "A1:P2"


def test_bad_period_is_refused():
    with pytest.raises(TemplateError) as caught:
        build_workbook(settings={"period": "Q2"})
    assert caught.value.user_message == (
        "Reporting period: Period 'Q2' does not parse: write it as '2021/22 Q2' (financial year, then quarter; "
        "Q1 is April to June).")


def test_dropdowns_point_at_the_named_lists(sample_book):
    ws = sample_book["Register"]
    assert validations(ws) == {
        "F2:F1000": ("list", "Trends"), "G2:G1000": ("list", "Trends"), "H2:H1000": ("list", "Trends"),
        "I2:I1000": ("list", "Ratings"), "N2:N1000": ("list", "Scores"), "O2:O1000": ("list", "Scores"),
        "P2:P1000": ("list", "Statuses")}
    rating = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == "Ratings")
    assert (rating.errorStyle, rating.showErrorMessage, rating.showInputMessage) == ("stop", True, True)
    assert rating.promptTitle == "Residual Risk Rating"
    assert rating.prompt == "Residual rating after controls: Critical, High, Medium or Low."


def test_named_lists_span_room_to_grow(sample_book):
    names = {name: definition.attr_text for name, definition in sample_book.defined_names.items()}
    assert names == {"Ratings": "Lists!$A$2:$A$200", "Trends": "Lists!$B$2:$B$200",
                     "Statuses": "Lists!$C$2:$C$200", "Scores": "Lists!$D$2:$D$200",
                     "Markings": "Lists!$E$2:$E$200", "TrendBasis": "Lists!$F$2:$F$200"}
    lists = sample_book["Lists"]
    assert [cell.value for cell in lists["A"] if cell.value] == ["Ratings", "Critical", "High", "Medium", "Low"]
    assert [cell.value for cell in lists["B"] if cell.value] == ["Trends", "New", "↗", "→", "↘", "N/A"]
    assert [cell.value for cell in lists["D"] if cell.value] == ["Scores", 1, 2, 3, 4, 5]


def test_rating_cells_are_coloured_by_rating(sample_book):
    ws = sample_book["Register"]
    rules = [(str(area.sqref), rule.operator, rule.formula, rule.dxf.fill.bgColor.rgb, rule.dxf.font.color.rgb)
             for area in ws.conditional_formatting for rule in area.rules]
    assert rules == [("I2:I1000", "equal", [f'"{r.name}"'], f"00{r.fill}", f"00{r.font}") for r in RATINGS]


def test_view_and_print_setup(sample_book):
    ws = sample_book["Register"]
    assert ws.freeze_panes == "C2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_area == "'Register'!$A$1:$I$19"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddFooter.center.text == "Page &P of &N"
    assert (ws.oddFooter.left.text, ws.oddFooter.right.text, ws.oddHeader.center.text) == (
        "Corporate Risk Register", "OFFICIAL", "OFFICIAL")
    assert ws["D2"].alignment.wrap_text is True
    assert ws.column_dimensions["E"].width == 70
    assert ws.tables["RiskRegister"].autoFilter.ref == "A1:P19"  # filter buttons on the header


def test_marking_from_settings_reaches_the_footer():
    ws = build_workbook(settings={"marking": "OFFICIAL-SENSITIVE", "title": "R&D Risks"})["Register"]
    assert ws.oddFooter.right.text == "OFFICIAL-SENSITIVE"
    assert ws.oddFooter.left.text == "R&&D Risks"


def test_history_sheet_is_its_own_table(sample_book):
    ws = sample_book["History"]
    assert ws.tables["RatingHistory"].ref == "A1:L41"
    assert [cell.value for cell in ws[1]] == [c.header for c in HISTORY_COLUMNS]
    assert [cell.value for cell in ws[4]] == ["CRR03", "2021/22 Q1", None, "New", None, None, None, None,
                                              "imported", None, None, None]
    assert validations(ws)["C2:C4000"] == ("list", "Ratings")
    assert validations(ws)["I2:I4000"] == ("list", '"recorded,imported,rolled"')


def test_dropdowns_and_rating_colours_reach_past_a_long_table():
    """A register or History longer than the usual headroom has its validation and colours to its last row."""
    risks = [{"id": f"CRR{n:04}", "name": f"Risk {n}", "rating": "High"} for n in range(1, 1_201)]
    history = [{"risk_id": f"CRR{n % 1_200:04}", "period": "2021/22 Q1", "rating": "High"} for n in range(4_200)]
    book = build_workbook(risks, history)
    register, past = book["Register"], book["History"]
    assert validations(register)["I2:I2201"] == ("list", "Ratings")
    assert "I2:I2201" in [str(rule.sqref) for rule in register.conditional_formatting]
    assert validations(past)["C2:C5201"] == ("list", "Ratings")


def test_settings_sheet_rows_and_dropdowns(sample_book):
    ws = sample_book["Settings"]
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert rows[0] == ["Setting", "Value", "What it means"]
    assert [row[0] for row in rows[1:]] == [s.label for s in SETTINGS]
    assert rows[4][:2] == ["Reporting period", "2021/22 Q2"]
    assert rows[11][:2] == ["Review cycle (days)", 92]
    assert validations(ws) == {"B6": ("list", "Markings"), "B14": ("list", "TrendBasis")}


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    risks = [{"id": "CRR01", "name": "=HYPERLINK(\"http://evil\",\"x\")", "description": "+cmd|' /C calc'!A0",
              "impact": "-2+3", "controls": "@SUM(A1)", "rating": "High"}]
    path = write_workbook(tmp_path / "register.xlsx", risks)
    ws = load_workbook(path)["Register"]
    for address in ("B2", "C2", "D2", "E2"):
        assert ws[address].data_type == "s" and ws[address].quotePrefix is True
    assert ws["B2"].value == "=HYPERLINK(\"http://evil\",\"x\")"
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_row_height_fits_wrapped_text_within_excel_limit():
    assert row_height({}) == 17
    assert row_height({10: "x" * 13}) == 17
    assert row_height({10: "x" * 14}) == 30
    assert row_height({10: "a\nb\nc"}) == 43
    assert row_height({10: "x" * 10_000}) == 409


def test_every_schema_column_has_a_width(sample_book):
    ws = sample_book["Register"]
    from workbook.core.model import column_letter

    assert [ws.column_dimensions[column_letter(i)].width for i in range(1, len(COLUMNS) + 1)] == [
        c.width for c in COLUMNS]


def test_libreoffice_converts_the_workbook_to_pdf(sample_workbook, soffice, tmp_path):
    pdf = soffice(sample_workbook, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    first_page = text.split("\f")[0]
    # The header may wrap ("Residual" over "Risk Rating") depending on the fonts LibreOffice finds.
    assert "Residual" in first_page and "CRR18" in first_page and "Critical" in first_page
    assert "Page 1 of" in first_page and "OFFICIAL" in first_page
    register_pages = [page for page in text.split("\f") if "Residual" in page and "Setting" not in page]
    assert register_pages and not [page for page in register_pages if "Risk Owner" in page]  # optional columns
    # stay off the printed register (the Settings sheet may name them: its Appendix columns setting does)
    assert all(f"CRR{n:02d}" in text for n in range(1, 19))
