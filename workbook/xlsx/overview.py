"""Write the consolidated view (`riskreg consolidate`): a new, read-only workbook, by XlsxWriter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.core.escalation import OVERVIEW_COLUMNS, Overview
from workbook.core.palette import WORKBOOK_HEADER_FILL
from workbook.files.atomic import atomic_path

OVERVIEW_SHEET, RISKS_SHEET = "Overview", "Risks"
RISKS_TABLE = "AllRisks"
READ_ONLY = "This workbook is read-only: it is protected, and Excel suggests opening it read-only."
WIDTHS = (30, 18, 10, 40, 14, 9, 20, 22, 13)


def write_overview(target: Path, view: Overview, sources: list[str]) -> Path:
    """Write `view` to a new workbook at `target`, atomically: the Overview sheet (what it is, counts by register
    and rating) first, then every risk as an Excel Table with its filter."""
    import xlsxwriter

    with atomic_path(target) as temp:
        book = xlsxwriter.Workbook(str(temp), {"remove_timezone": True})
        bold = book.add_format({"bold": True})
        header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{WORKBOOK_HEADER_FILL}"})
        number_header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": f"#{WORKBOOK_HEADER_FILL}",
                                         "align": "right"})
        wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        date = book.add_format({"num_format": "dd/mm/yyyy"})
        first = book.add_worksheet(OVERVIEW_SHEET)
        first.set_column(0, 0, 34)
        first.set_column(1, len(view.ratings) + 1, 12)
        first.write(0, 0, "Consolidated risk view", bold)
        last = len(view.ratings) + 1
        first.merge_range(1, 0, 1, last, READ_ONLY, wrapped)
        first.merge_range(2, 0, 2, last, view.note, wrapped)
        first.set_row(2, 45)
        first.write(4, 0, "Registers", bold)
        for row, source in enumerate(sources, start=5):
            first.write(row, 0, source)
        top = 6 + len(sources)
        first.write(top, 0, "Open risks by register and rating", bold)
        first.write(top + 1, 0, "Register", header)
        first.write_row(top + 1, 1, (*view.ratings, "Total"), number_header)
        for row, (name, numbers) in enumerate(view.counts, start=top + 2):
            first.write_row(row, 0, (name, *numbers, sum(numbers)))
        totals = [sum(numbers[i] for _, numbers in view.counts) for i in range(len(view.ratings))]
        first.write_row(top + 2 + len(view.counts), 0, ("Total", *totals, sum(totals)), bold)
        risks = book.add_worksheet(RISKS_SHEET)
        for column, width in enumerate(WIDTHS):
            risks.set_column(column, column, width)
        for row, values in enumerate(view.rows, start=1):
            for column, value in enumerate(values):
                if isinstance(value, (dt.date, dt.datetime)):
                    risks.write_datetime(row, column, value, date)
                elif value not in (None, ""):
                    risks.write(row, column, value)
        risks.add_table(0, 0, max(len(view.rows), 1), len(OVERVIEW_COLUMNS) - 1, {
            "name": RISKS_TABLE, "style": "Table Style Medium 2", "autofilter": True,
            "columns": [{"header": name} for name in OVERVIEW_COLUMNS]})
        risks.freeze_panes(1, 0)
        for sheet in (first, risks):
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)  # printed one page wide
            sheet.protect("", {"autofilter": True, "sort": True, "select_locked_cells": True,
                               "select_unlocked_cells": True})
        book.read_only_recommended()
        book.set_properties({"title": "Consolidated risk view", "comments": READ_ONLY})
        book.close()
    return target
