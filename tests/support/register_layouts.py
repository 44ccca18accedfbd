"""Registers in the layouts public bodies publish, built as real files for the import tests.

Each builder writes the file and returns what a person reading it would count: the risks, their ratings and
the History rows, worked out here from the rows written, not by riskreg.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from support.published_registers import band5


@dataclass
class Expected:
    """What the import of a layout must give."""

    ids: list[str]
    ratings: list[str]
    history: set[tuple[str, str, str]] = field(default_factory=set)  # (risk id, period, rating)
    period: str = ""


# --- a county council's strategic risk summary: twelve quarters of RAG history ---------------------------------

QUARTERS = [f"{y}/{y + 1} Q{q}" for y in (22, 23, 24) for q in (1, 2, 3, 4)]
RAG = {"R": "High", "A/R": "High/Medium", "A": "Medium", "G": "Low"}
COUNTY_RISKS = [
    ("1", "Schools Budget", "Director of Children's Services", ["R"] * 12),
    ("4", "Cyber attack*", "Chief Operating Officer", ["A", "A", "A/R", "A/R", "R", "R", "R", "R", "A/R", "A/R",
                                                         "A/R", "A/R"]),
    ("5", "Workforce", "Assistant Chief Executive", [""] * 4 + ["A"] * 5 + ["G"] * 3),
    ("6", "Climate change adaptation", "Director of Communities", ["A"] * 12),
    ("7", "Capital programme", "Chief Finance Officer", ["G", "G", "A", "A", "A", "A", "A", "R", "R", "R", "R", "R"]),
    ("9", "Adult social care demand", "Director of Adult Social Care", ["R"] * 6 + ["A/R"] * 6),
    ("12", "Reconciling policy, performance and resource", "Chief Executive", [""] * 10 + ["A", "A"]),
]


def county_summary(path: Path) -> Expected:
    """Write a county council's strategic risk summary (.xlsx): a title, a key sheet, twelve RAG quarters."""
    wb = Workbook()
    key = wb.active
    key.title = "Key"
    key.append(["RAG key"])
    key.append(["R", "Red: high risk"])
    ws = wb.create_sheet("Summary")
    ws.append(["Strategic Risk Register – summary of RAG ratings"])
    ws.append([])
    ws.append(["Ref", "Strategic Risks", "Risk Owner", *QUARTERS])
    for ref, name, owner, rags in COUNTY_RISKS:
        ws.append([int(ref), name, owner, *(r or None for r in rags)])
    wb.save(path)
    history = {(ref, _full(q), RAG[r]) for ref, _, _, rags in COUNTY_RISKS for q, r in zip(QUARTERS, rags) if r}
    return Expected([r[0] for r in COUNTY_RISKS], [RAG[r[3][-1]] for r in COUNTY_RISKS], history, "2024/25 Q4")


def _full(quarter: str) -> str:
    years, q = quarter.split(" ")
    start = int(years.split("/")[0]) + 2000
    return f"{start}/{(start + 1) % 100:02d} {q}"


# --- a district council's 5×5 likelihood × impact table with band headings and last quarter's score -----------

DISTRICT_HEADERS = ["Risk No", "Risk", "Consequence", "Risk Management and Control", "Responsible", "L", "I",
                    "Score", "Last Qrt", "Direction of Travel"]
DISTRICT_BANDS = [("Very High", 21, 25), ("High", 16, 20), ("High/Medium", 12, 15), ("Medium", 9, 11),
                  ("Medium/Low", 6, 8), ("Low", 1, 5)]
DISTRICT_RISKS = [  # ref, risk, likelihood, impact, last quarter's score, direction of travel
    ("SR1", "Financial sustainability", 4, 5, 16, "↑"),
    ("SR2", "Major civil emergency", 4, 4, 16, "↔"),
    ("SR3", "Local plan not adopted", 3, 5, 15, "Same"),
    ("SR4", "Cyber security", 3, 4, 16, "Down"),
    ("SR5", "Housing delivery", 3, 3, 9, "↔"),
    ("SR6", "Workforce capacity", 2, 4, None, "New"),
    ("SR7", "Contract failure", 2, 3, 6, "↔"),
    ("SR8", "Data protection breach", 2, 2, 4, "↔"),
]


def district_table(path: Path) -> Expected:
    """Write a district council's strategic risk register (.xlsx) with band rows, furniture and a page break."""
    def band_of(score: int) -> str:
        return next(name for name, low, high in DISTRICT_BANDS if low <= score <= high)

    wb = Workbook()
    ws = wb.active
    ws.title = "SRR Q3"
    ws.append(["Strategic Risk Register"])
    ws.append(["Printed 15/01/2025"])
    ws.append([])
    ws.append(DISTRICT_HEADERS)
    written = 0
    for name, low, high in DISTRICT_BANDS:
        risks = [r for r in DISTRICT_RISKS if low <= r[2] * r[3] <= high]
        if not risks:
            ws.append([f"{name} None"])
            continue
        ws.append([f"{name} Risk ({low} To {high})"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(DISTRICT_HEADERS))
        for ref, title, likelihood, impact, last, travel in risks:
            score = likelihood * impact
            ws.append([ref, title, f"Consequences of {title.lower()}", f"Controls for {title.lower()}",
                       "Chief Executive", likelihood, impact, f"{score}*" if ref == "SR3" else score, last, travel])
            written += 1
            if written == 4:
                ws.append(["Page 1 of 2"])
                ws.append(DISTRICT_HEADERS)
    wb.save(path)
    history = set()
    for ref, _, likelihood, impact, last, _ in DISTRICT_RISKS:
        history.add((ref, "2024/25 Q3", band_of(likelihood * impact)))
        if last is not None:
            history.add((ref, "2024/25 Q2", band_of(last)))
    return Expected([r[0] for r in DISTRICT_RISKS], [band_of(r[2] * r[3]) for r in DISTRICT_RISKS], history,
                    "2024/25 Q3")


# --- a parish council's register with merged Subject cells and one-word ratings --------------------------------

PARISH_HEADERS = ["Subject", "Risk(s) Identified", "Risk Rating (HML)", "Risk Management and Control",
                  "Review and Action", "Responsible"]
PARISH_ROWS = [  # subject (merged over its risks), risk identified, rating
    ("Finance", "Precept income inadequate or excessive", "Low"),
    ("Finance", "Inability to access bank statements or make payments", "High"),
    ("Finance", "Loss through discrepancy in the accounts", "Medium"),
    ("Assets", "Loss or damage to assets owned by the Council", "Medium"),
    ("Assets", "Damage to third-party property from Council amenities", "L"),
    ("Employees", "Accident or injury to the Clerk", "Low"),
]


def parish_register(path: Path) -> Expected:
    """Write a parish council's risk register (.xlsx) whose Subject cells are merged over their risks."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Risk Assessment"
    ws.append(["Risk Assessment – re-adopted by the Council at its meeting on 4th May 2021"])
    ws.append(PARISH_HEADERS)
    start = None
    for index, (subject, risk, rating) in enumerate(PARISH_ROWS):
        row = ws.max_row + 1
        first = index == 0 or PARISH_ROWS[index - 1][0] != subject
        ws.append([subject if first else None, risk, rating, "Review quarterly", "Review annually", "Clerk/RFO"])
        if first:
            start = row
        last = index == len(PARISH_ROWS) - 1 or PARISH_ROWS[index + 1][0] != subject
        if last and row > start:
            ws.merge_cells(start_row=start, start_column=1, end_row=row, end_column=1)
    wb.save(path)
    words = {"L": "Low", "M": "Medium", "H": "High"}
    ids = [f"R{n:02d}" for n in range(1, len(PARISH_ROWS) + 1)]
    ratings = [words.get(r, r) for _, _, r in PARISH_ROWS]
    return Expected(ids, ratings, {(i, "2021/22 Q1", r) for i, r in zip(ids, ratings)}, "2021/22 Q1")


# --- a PCC's register: original, current and target L × I, several actions per risk ----------------------------

PCC_HEADERS = ["Risk Ref", "Risk Title", "Risk Description", "Risk Owner", "Original Likelihood", "Original Impact",
               "Original Score", "Current Likelihood", "Current Impact", "Current Score", "Target Likelihood",
               "Target Impact", "Target Score", "Mitigating Actions", "Action Owner", "Target Date",
               "Action Status (RAG)"]
PCC_RISKS = [  # ref, title, original L, I, current L, I, target L, I, actions
    ("PCC01", "Police and Crime Plan not delivered", (4, 5), (3, 5), (2, 4),
     ["Quarterly performance board", "Delivery plan refreshed", "Scrutiny by the panel"]),
    ("PCC02", "Medium-term financial plan gap", (5, 5), (4, 4), (3, 3), ["Savings programme", "Reserves strategy"]),
    ("PCC03", "Commissioned services fail", (3, 4), (2, 3), (2, 2), ["Contract monitoring"]),
    ("PCC04", "Loss of public confidence", (3, 3), (1, 3), (1, 2), ["Engagement plan", "Complaints review"]),
]


def pcc_register(path: Path) -> Expected:
    """Write a PCC register (.csv): one row per action, the risk's cells only on its first row."""
    with path.open("w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Office of the Police and Crime Commissioner – Corporate Risk Register"])
        writer.writerow(PCC_HEADERS)
        for ref, title, original, current, target, actions in PCC_RISKS:
            for n, action in enumerate(actions):
                risk = [ref, title, f"{title} – description", "Chief Executive", *original,
                        original[0] * original[1], *current, current[0] * current[1], *target,
                        target[0] * target[1]] if n == 0 else [""] * 13
                writer.writerow([*risk, action, "Chief Finance Officer", "31/03/2025", "A" if n else "G"])
    ratings = [band5(c[0] * c[1]) for _, _, _, c, _, _ in PCC_RISKS]
    ids = [r[0] for r in PCC_RISKS]
    return Expected(ids, ratings, {(i, "2024/25 Q3", r) for i, r in zip(ids, ratings)}, "2024/25 Q3")


def pcc_workbook(path: Path) -> Expected:
    """Write the PCC register as a workbook (.xlsx): each risk's cells merged down over its action rows."""
    rows_csv = path.with_suffix(".csv")
    expected = pcc_register(rows_csv)
    with rows_csv.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    rows_csv.unlink()
    wb = Workbook()
    ws = wb.active
    ws.title = "Corporate Risks"
    for row in rows:
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    first = 3
    for *_, actions in PCC_RISKS:
        last = first + len(actions) - 1
        if last > first:
            for column in range(1, 14):
                ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
        first = last + 1
    wb.save(path)
    return expected


# --- registers with the in-depth columns: inherent, residual and target positions, target date, category ---------

DEPTH_RISKS = [  # ref, title, category, inherent L×I, residual L×I, target L×I, target date, proximity
    ("SR01", "Funding gap", "Finance", (5, 4), (4, 3), (2, 3), dt.date(2025, 3, 31), "Within a year"),
    # the target above the residual
    ("SR02", "Workforce shortages", "People", (4, 4), (3, 3), (4, 3), dt.date(2025, 6, 30), "Imminent"),
    # the target date passed by the end of 2024/25 Q3; 'Soon' is no proximity on the list
    ("SR03", "Cyber attack", "Finance", (3, 3), (3, 2), (1, 2), dt.date(2024, 9, 30), "Soon"),
]
# Header families in use: a council's Inherent/Residual/Target and a force's Gross/Current/Target (score only).
COUNCIL_DEPTH_HEADERS = ["Ref", "Risk Title", "Description", "Risk Category", "Inherent Likelihood",
                         "Inherent Impact", "Inherent Risk Score", "Residual Likelihood", "Residual Impact",
                         "Residual Score", "Target Likelihood", "Target Impact", "Target Score", "Target Date",
                         "Proximity"]
FORCE_DEPTH_HEADERS = ["Risk Ref", "Risk", "Gross Likelihood", "Gross Impact", "Gross Score", "Current Likelihood",
                       "Current Impact", "Current Score", "Target Score", "Target Date", "Category", "Proximity"]


def council_depth_workbook(path: Path) -> list[str]:
    """Write a council register (.xlsx): inherent, residual and target L × I, real date cells; return its headers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Strategic Risks"
    ws.append(COUNCIL_DEPTH_HEADERS)
    for ref, title, category, inherent, residual, target, when, proximity in DEPTH_RISKS:
        ws.append([ref, title, f"{title}: what could happen", category, *inherent, inherent[0] * inherent[1],
                   *residual, residual[0] * residual[1], *target, target[0] * target[1], when, proximity])
    wb.save(path)
    return COUNCIL_DEPTH_HEADERS


def force_depth_csv(path: Path) -> list[str]:
    """Write a force register (.csv) with gross, current and target scores, day-first dates; return its headers."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FORCE_DEPTH_HEADERS)
        for ref, title, category, inherent, residual, target, when, proximity in DEPTH_RISKS:
            writer.writerow([ref, title, *inherent, inherent[0] * inherent[1], *residual, residual[0] * residual[1],
                             target[0] * target[1], when.strftime("%d/%m/%Y"), category, proximity])
    return FORCE_DEPTH_HEADERS
