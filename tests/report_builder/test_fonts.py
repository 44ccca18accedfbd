"""The PDF says which font stood in for the template's when LibreOffice did not find it."""

from report_builder import fonts
from report_builder.build import build_paper


def test_the_pdf_names_each_stand_in_font_or_none(clean_workbook, tmp_path, soffice):
    result = build_paper(clean_workbook, tmp_path / "paper.docx", pdf=True)
    used = fonts.pdf_fonts(result.pdf)
    assert fonts.template_fonts(result.paper) == ["Arial"]
    metric = any(name.startswith(("Arial", "LiberationSans", "Arimo")) for name in used)
    assert (result.notes == ()) == metric, (used, result.notes)
    for note in result.notes:
        assert note.startswith("paper.pdf: the template's font Arial is not installed, so ")
        assert note.endswith("stood in for it and lines and pages may break differently from Word; install Arial or "
                             "Liberation Sans (Debian: fonts-liberation, fonts-crosextra-carlito) and make the PDF "
                             "again.")
