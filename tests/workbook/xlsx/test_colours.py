"""Every coloured cell of the register workbook, as written, keeps its text readable (WCAG 4.5:1)."""

import openpyxl

from workbook import jobs
from workbook.core.palette import MIN_CONTRAST, contrast


def _rgb(color, default: str) -> str:
    if color is None or color.type != "rgb" or not isinstance(color.rgb, str):
        return default
    return color.rgb[-6:].upper()


def _problems(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.fill is None or cell.fill.fill_type != "solid" or cell.value in (None, ""):
                    continue
                fill, text = _rgb(cell.fill.fgColor, "FFFFFF"), _rgb(cell.font.color, "000000")
                if contrast(text, fill) < MIN_CONTRAST:
                    found.append(f"{sheet.title}!{cell.coordinate}: {text} on {fill}")
        for ranges, rules in sheet.conditional_formatting._cf_rules.items():
            for rule in rules:
                dxf = rule.dxf
                if dxf is None or dxf.fill is None:
                    continue
                fill = _rgb(dxf.fill.fgColor, "") or _rgb(dxf.fill.bgColor, "FFFFFF")
                text = _rgb(dxf.font.color if dxf.font else None, "000000")
                if contrast(text, fill) < MIN_CONTRAST:
                    found.append(f"{sheet.title}!{ranges.sqref} rule {rule.formula}: {text} on {fill}")
    return found


def test_rating_highlights_and_result_sheets_of_the_written_workbook_all_contrast(sample_workbook):
    jobs.write_validation(sample_workbook, jobs.validate_file(sample_workbook))
    register = jobs.validate_file(sample_workbook).register
    jobs.write_trends(sample_workbook, jobs.refresh_trends(register))
    book = openpyxl.load_workbook(sample_workbook)
    rules = [rule for sheet in book.worksheets for rules in sheet.conditional_formatting._cf_rules.values()
             for rule in rules]
    assert len(rules) >= 4  # the four ratings are coloured by rule, and checked below
    assert _problems(sample_workbook) == []


def test_the_check_catches_a_colour_pair_that_is_too_pale(sample_workbook, tmp_path):
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.load_workbook(sample_workbook)
    book["Register"]["A2"].fill = PatternFill("solid", start_color="3A9D23", end_color="3A9D23")
    book["Register"]["A2"].font = Font(color="FFFFFF")
    book.save(tmp_path / "pale.xlsx")
    assert "Register!A2: FFFFFF on 3A9D23" in _problems(tmp_path / "pale.xlsx")
