"""A small, clean register as plain value grids, for tests that change one cell and look at what follows."""

from __future__ import annotations

import copy
import datetime as dt

from workbook.core.findings import split_address
from workbook.core.layout import register_from_grids
from workbook.core.model import Register

HEADERS = ["ID", "Risk Name", "Description", "Impact", "Key Controls and Activities", "Q4 Trending", "Q1 Trending",
           "Q2 Trending", "Residual Risk Rating", "Risk Owner", "Last Reviewed", "Likelihood", "Impact Score",
           "Status"]
HISTORY_HEADERS = ["Risk ID", "Period", "Rating", "Trend", "Likelihood", "Impact", "Score", "Reviewed on", "Source"]

# Trends agree with History: CRR01 score 6 → 6 → 6 → 9, CRR02 joins in Q1 (4 → 4), CRR03 6 → 4 → 4 → 2; each
# rating is the band the default matrix gives its cell (R050).
CLEAN = {
    "Register": [
        HEADERS,
        ["CRR01", "Vulnerability", "Hidden harm goes unseen.", "Victims are failed.", "• Training\n• Audits",
         "→", "→", "↗", "High", "ACC Crime", dt.datetime(2021, 9, 1), 3, 3, "Open"],
        ["CRR02", "Demand", "Calls outstrip capacity.", "Slow response.", "• Triage", "N/A", "New", "→",
         "Medium", "ACC Local", dt.datetime(2021, 8, 15), 2, 2, "Open"],
        ["CRR03", "Cybersecurity", "Attack on IT&D systems.", "Systems down.", "• Backups", "↘", "→", "↘", "Low",
         "Director IT&D", dt.datetime(2021, 7, 20), 1, 2, "Open"],
    ],
    "Settings": [
        ["Setting", "Value", "What it means"],
        ["Register title", "Corporate Risk Register", ""],
        ["Reporting period", "2021/22 Q2", ""],
        ["Risk ID pattern", r"CRR\d{2}", ""],
        ["Review cycle (days)", 92, ""],
        ["Likelihood and impact scale", 4, ""],
        ["Trend basis", "score", ""],
        ["Organisation", "West Midlands Police", ""],
        ["Committee", "Joint Audit Committee", ""],
        ["Protective marking", "OFFICIAL", ""],
        ["Report of", "Director of Commercial Services", ""],
        ["Author", "Strategic Risk Manager", ""],
    ],
    "Lists": [
        ["Ratings", "Trends", "Statuses", "Scores", "Markings", "TrendBasis"],
        ["Critical", "New", "Open", "1", "OFFICIAL", "score"],
        ["High", "↗", "Closed", "2", "OFFICIAL-SENSITIVE", "rating"],
        ["Medium", "→", None, "3", None, None],
        ["Low", "↘", None, "4", None, None],
        [None, "N/A", None, "5", None, None],
    ],
    "History": [
        HISTORY_HEADERS,
        ["CRR01", "2020/21 Q3", "High", "→", 3, 2, 6, None, "recorded"],
        ["CRR03", "2020/21 Q3", "Medium", "→", 2, 3, 6, None, "recorded"],
        ["CRR01", "2020/21 Q4", "High", "→", 3, 2, 6, None, "recorded"],
        ["CRR03", "2020/21 Q4", "Low", "↘", 2, 2, 4, None, "recorded"],
        ["CRR01", "2021/22 Q1", "High", "→", 3, 2, 6, None, "recorded"],
        ["CRR02", "2021/22 Q1", "Medium", "New", 2, 2, 4, None, "recorded"],
        ["CRR03", "2021/22 Q1", "Low", "→", 2, 2, 4, None, "recorded"],
    ],
}


def clean() -> dict[str, list[list[object]]]:
    """Return a fresh copy of the clean grids."""
    return copy.deepcopy(CLEAN)


def put(grids: dict, cell: str, value: object) -> dict:
    """Set `cell` (e.g. 'Register!I2') in `grids`, growing the sheet as needed; return `grids`."""
    sheet, row, column = split_address(cell)
    rows = grids.setdefault(sheet, [])
    while len(rows) < row:
        rows.append([None] * (len(rows[0]) if rows else column))
    while len(rows[row - 1]) < column:
        rows[row - 1].append(None)
    rows[row - 1][column - 1] = value
    return grids


def register(grids: dict | None = None) -> Register:
    """Return the Register the grids hold."""
    return register_from_grids(grids if grids is not None else clean(), "register.xlsx")
