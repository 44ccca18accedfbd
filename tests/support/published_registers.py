"""Registers as eleven kinds of public body publish them (twelve layouts), built as real files for the import corpus.

Each builder writes its file in the shape its kind of body publishes (merged title rows, group cells, two-row
headers, Word tables with merges, footnotes, rows copied from a PDF) and returns what a person reading it counts:
the risks, each rating, the History rows and the reconciliation line, worked out here from the rows written.
The layouts follow published registers; each builder names the one it follows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from openpyxl import Workbook


@dataclass
class Truth:
    """What the import of a published register must give."""

    ids: list[str]
    ratings: list[str]
    history: set[tuple[str, str, str]]  # (risk id, period, rating) of the rated History rows
    rows: str  # the reconciliation line
    period: str
    scale: tuple[str, ...] = ("High", "Medium", "Low")
    not_collected: tuple[str, ...] = ()  # the required columns the source has none of (Settings' Not collected)
    trends_from: str = ""  # the quarter after the last one the source gives no trend for (Settings)
    extra: dict[str, object] = field(default_factory=dict)


# A register of titles and ratings: no Description, Impact or Key Controls column.
TITLES_ONLY = ("Description", "Impact", "Key Controls and Activities")


def band5(score: int) -> str:
    """Return the register's default band of `score` on a 5×5 matrix over High/Medium/Low, as the in-depth guide
    states them (two thirds and one third of the highest score: 17+ High, 9–16 Medium)."""
    return "High" if score >= 17 else "Medium" if score >= 9 else "Low"


def band4(score: int) -> str:
    """Return the default band of `score` on a 4×4 matrix (11+ High, 6–10 Medium): a source whose scores stay
    within 16."""
    return "High" if score >= 11 else "Medium" if score >= 6 else "Low"


def _now(ids: list[str], ratings: list[str], period: str) -> set[tuple[str, str, str]]:
    return {(i, period, r) for i, r in zip(ids, ratings)}


def _sheet(title: str, heading: str, last_column: str):
    """Return a new workbook and its one sheet `title`, with `heading` merged across row 1 to `last_column`."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([heading])
    ws.merge_cells(f"A1:{last_column}1")
    return wb, ws


def _merge_word(table, row: int, first: int, last: int, text: str) -> None:
    cell = table.cell(row, first).merge(table.cell(row, last))
    cell.text = text


def _merge_word_down(table, column: int, first: int, last: int, text: str) -> None:
    cell = table.cell(first, column).merge(table.cell(last, column))
    cell.text = text


# 1. Parish council: Word table, a section row merged across, the Subject merged down over its risks, H/M/L.
#    After Vowchurch Group Parish Council's Risk Assessment Schedule (vowchurchgpc.org.uk/?p=1636): "Subject |
#    Risks identified | H/M /L | Management/Control of Risk | Review/Assess/ Revise | Last Review", "Management".
PARISH = [  # section, subject, risk identified, H/M/L
    ("Management", "Business continuity", "Council unable to continue its business after an unexpected event", "L"),
    ("Management", "Business continuity", "Loss of the clerk's records and files", "M"),
    ("Finance", "Banking", "Inability to access statements and make payments", "H"),
    ("Finance", "Banking", "Fraud by a signatory", "M"),
    ("Finance", "Precept", "Precept inadequate for the year's spending", "L"),
]
HML = {"H": "High", "M": "Medium", "L": "Low"}


def parish_word(path: Path) -> Truth:
    document = Document()
    document.add_paragraph("Risk Assessment Schedule – adopted 25/05/23")
    headers = ["Subject", "Risks identified", "H/M /L", "Management/Control of Risk", "Review/Assess/ Revise",
               "Last Review"]
    sections = list(dict.fromkeys(s for s, *_ in PARISH))
    table = document.add_table(rows=1 + len(PARISH) + len(sections), cols=len(headers))
    for c, text in enumerate(headers):
        table.cell(0, c).text = text
    row = 1
    for section in sections:
        _merge_word(table, row, 0, len(headers) - 1, section)
        row += 1
        risks = [p for p in PARISH if p[0] == section]
        start = row
        for n, (_, subject, risk, rating) in enumerate(risks):
            for c, text in enumerate(["", risk, rating, "Reviewed by the clerk", "Review annually", "May 2023"]):
                table.cell(row, c).text = text
            last = n == len(risks) - 1 or risks[n + 1][1] != subject
            if last:
                if row > start:
                    _merge_word_down(table, 0, start, row, subject)
                else:
                    table.cell(row, 0).text = subject
                start = row + 1
            row += 1
    document.save(path)
    ids = [f"R{n:02d}" for n in range(1, len(PARISH) + 1)]
    ratings = [HML[p[3]] for p in PARISH]
    return Truth(ids, ratings, _now(ids, ratings, "2023/24 Q1"),
                 "7 source rows: 5 risks, 0 continuation rows, 2 headings, 0 footnotes/notes, 0 dropped",
                 "2023/24 Q1", not_collected=("Impact",), trends_from="2023/24 Q2",
                 extra={"portfolio": [p[1] for p in PARISH]})


# 2. District council: merged title rows, a two-row header (Inherent / Residual risk over L, I, Score), numeric
#    IDs, a footnote under the table. After Tonbridge and Malling Borough Council's Strategic Risk Register
#    annexes to its Audit Committee (democracy.tmbc.gov.uk, July 2024) and Dundee's inherent/residual assessment
#    columns (dundee.ac.uk/governance/risk-management/riskregistersguidance).
DISTRICT = [  # ref, risk, inherent L, I, residual L, I, direction
    (1, "Financial sustainability", (5, 5), (4, 4), "↑"),
    (4, "Cyber attack*", (4, 5), (3, 4), "↔"),  # the footnote under the table concerns it
    (5, "Local plan", (4, 4), (2, 4), "↓"),
    (12, "Workforce capacity", (4, 3), (3, 3), "↔"),
    (15, "Climate emergency", (3, 3), (2, 2), "↔"),
    (22, "Contract failure", (3, 4), (1, 3), "↓"),
]


def district_workbook(path: Path) -> Truth:
    wb, ws = _sheet("Strategic Risk Register", "North Vale District Council – Strategic Risk Register", "J")
    ws.append(["Adopted by Cabinet, 12 March 2025"])
    ws.merge_cells("A2:J2")
    ws.append(["Ref", "Risk", "Risk Owner", "Inherent risk", None, None, "Residual risk", None, None,
               "Direction of travel"])
    ws.append([None, None, None, "L", "I", "Score", "L", "I", "Score", None])
    for column in "ABCJ":
        ws.merge_cells(f"{column}3:{column}4")
    ws.merge_cells("D3:F3")
    ws.merge_cells("G3:I3")
    for ref, risk, inherent, residual, travel in DISTRICT:
        ws.append([ref, risk, "Chief Executive", *inherent, inherent[0] * inherent[1], *residual,
                   residual[0] * residual[1], travel])
    ws.append(["* Scores are likelihood × impact on a 5 × 5 matrix; see the Risk Management Strategy."])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=10)
    wb.save(path)
    ids = [str(r[0]) for r in DISTRICT]
    ratings = [band5(r[3][0] * r[3][1]) for r in DISTRICT]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q3"),
                 "9 source rows: 6 risks, 0 continuation rows, 0 headings, 3 footnotes/notes, 0 dropped",
                 "2024/25 Q3", not_collected=TITLES_ONLY, trends_from="2024/25 Q3")


# 3. County council: a quarter-column summary of RAG ratings under a merged title, one risk closed (blank for the
#    latest quarters), IDs of mixed widths, a note under the table. After East Sussex County Council's Strategic
#    Risk Monitoring reports, whose Appendix 1 presents historic RAG ratings by quarter
#    (democracy.eastsussex.gov.uk, Quarter 3 2023/24).
COUNTY_QUARTERS = ["23/24 Q3", "23/24 Q4", "24/25 Q1", "24/25 Q2", "24/25 Q3", "24/25 Q4"]
COUNTY = [  # ref, risk, RAG per quarter
    ("CRR01", "Adult social care demand", ["R", "R", "R", "A", "A", "A"]),
    ("CRR02", "Schools' high-needs budget", ["A", "A", "R", "R", "R", "R"]),
    ("CRR09", "Highways maintenance backlog", ["G", "A", "A", "A", "", ""]),  # closed in 2024/25 Q3
    ("CRR10", "Cyber security", ["A", "A", "A", "A", "A", "G"]),
    ("CRR100", "Waste contract renewal", ["", "", "", "G", "G", "G"]),
]
RAG = {"R": "High", "A": "Medium", "G": "Low"}


def _period(quarter: str) -> str:
    years, q = quarter.split(" ")
    start = 2000 + int(years.split("/")[0])
    return f"{start}/{(start + 1) % 100:02d} {q}"


def county_workbook(path: Path) -> Truth:
    wb, ws = _sheet("Summary", "Strategic Risk Register – summary of RAG ratings by quarter", "I")
    ws.append(["Ref", "Risk", "Risk Owner", *COUNTY_QUARTERS])
    for ref, risk, rags in COUNTY:
        ws.append([ref, risk, "Director of Resources", *(r or None for r in rags)])
    ws.append(["Note: ratings are the residual RAG agreed by the Corporate Leadership Team."])
    wb.save(path)
    history = {(ref, _period(q), RAG[r]) for ref, _, rags in COUNTY for q, r in zip(COUNTY_QUARTERS, rags) if r}
    ratings = [RAG[[r for r in rags if r][-1]] for _, _, rags in COUNTY]
    return Truth([c[0] for c in COUNTY], ratings, history,
                 "7 source rows: 5 risks, 0 continuation rows, 0 headings, 2 footnotes/notes, 0 dropped",
                 "2024/25 Q4", not_collected=TITLES_ONLY,
                 extra={"closed": {"CRR09": "2024/25 Q3"}})


# 4. Unitary authority: CSV, three unlabelled L / I / S groups (inherent, residual, target), "Resp." for the
#    owner, "Previous Risk Score", and an arrow column with no header. After Reading Borough Council's Strategic
#    Risk Register appendix to its Audit and Governance Committee (democracy.reading.gov.uk, Q1/Q2 2023/24).
UNITARY = [  # ref, risk, (L, I) × 3, previous score, arrow
    ("UA01", "Budget gap 2025/26", (5, 4), (4, 4), (3, 3), 16, "↔"),
    ("UA02", "Children's placements costs", (5, 5), (4, 5), (3, 4), 16, "↑"),
    ("UA03", "Housing delivery", (4, 4), (3, 3), (2, 3), 12, "↓"),
    ("UA04", "Flood resilience", (3, 4), (2, 3), (2, 2), 6, "↔"),
]


def unitary_csv(path: Path) -> Truth:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "Risk", "Resp.", "L", "I", "S", "L", "I", "S", "L", "I", "S",
                         "Previous Risk Score", ""])
        for ref, risk, inherent, residual, target, previous, arrow in UNITARY:
            writer.writerow([ref, risk, "S151 Officer", *inherent, inherent[0] * inherent[1], *residual,
                             residual[0] * residual[1], *target, target[0] * target[1], previous, arrow])
    ids = [u[0] for u in UNITARY]
    ratings = [band5(u[3][0] * u[3][1]) for u in UNITARY]
    history = _now(ids, ratings, "2024/25 Q2") | {(u[0], "2024/25 Q1", band5(u[5])) for u in UNITARY}
    return Truth(ids, ratings, history,
                 "4 source rows: 4 risks, 0 continuation rows, 0 headings, 0 footnotes/notes, 0 dropped",
                 "2024/25 Q2", not_collected=TITLES_ONLY, trends_from="2024/25 Q2")


# 5. Fire and rescue authority: Word table, a section row merged across, one header cell ("Risk Rating")
#    spanning a score cell and an arrow cell, "Risk Control / Response and Mitigation", "Resp.". After Lancashire
#    Combined Fire Authority's Audit Committee corporate risk register (risk no, description, update, score).
FIRE = [  # section, ref, description, score, arrow
    ("Financial", "1", "Insufficient funding settlement leaves the budget unbalanced", 16, "↔"),
    ("Financial", "2", "Pension scheme remedy costs exceed provision", 9, "↓"),
    ("Operational", "3", "Loss of mobilising system", 12, "↑"),
    ("Operational", "4", "On-call availability falls below standard", 20, "↔"),
]


def fire_word(path: Path) -> Truth:
    document = Document()
    headers = ["Risk No", "Risk Description", "Risk Control / Response and Mitigation", "Resp.", "Risk Rating", ""]
    sections = list(dict.fromkeys(f[0] for f in FIRE))
    table = document.add_table(rows=1 + len(FIRE) + len(sections), cols=len(headers))
    for c, text in enumerate(headers[:5]):
        table.cell(0, c).text = text
    _merge_word(table, 0, 4, 5, "Risk Rating")
    row = 1
    for section in sections:
        _merge_word(table, row, 0, len(headers) - 1, section)
        row += 1
        for _, ref, description, score, arrow in (f for f in FIRE if f[0] == section):
            for c, text in enumerate([ref, description, "Medium-term financial plan reviewed monthly",
                                      "Director of Corporate Services", str(score), arrow]):
                table.cell(row, c).text = text
            row += 1
    document.save(path)
    ids = [f[1] for f in FIRE]
    ratings = [band5(f[3]) for f in FIRE]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q4"),
                 "6 source rows: 4 risks, 0 continuation rows, 2 headings, 0 footnotes/notes, 0 dropped",
                 "2024/25 Q4", not_collected=("Impact",), trends_from="2024/25 Q4",
                 extra={"trends": [f[4].replace("↑", "↗").replace("↓", "↘").replace("↔", "→")
                                                 for f in FIRE]})


# 6. Police and crime commissioner: workbook, each risk's cells merged down over its action rows,
#    "(Corporate) Action Owners". After the West Midlands Police and Crime Commissioner's risk register,
#    Appendix B: each risk's likelihood, impact and score once, then its actions with their Action Owner
#    (vdocuments.site, west-midlands-police-crime-commissioner-risk).
POLICE = [  # ref, risk, L, I, actions
    ("PCC1", "Police and crime plan not delivered", 3, 5, ["Quarterly performance board", "Panel scrutiny"]),
    ("PCC2", "Medium-term financial gap", 4, 4, ["Savings programme", "Reserves strategy", "Precept plan"]),
    ("PCC3", "Commissioned victim services fail", 2, 3, ["Contract monitoring"]),
]


def police_workbook(path: Path) -> Truth:
    wb, ws = _sheet("OPCC Risks", "Office of the Police and Crime Commissioner – Corporate Risk Register", "H")
    ws.append(["Risk Ref", "Risk", "Risk Owner", "Likelihood", "Impact", "Risk Score", "Mitigating Actions",
               "(Corporate) Action Owners"])
    for ref, risk, likelihood, impact, actions in POLICE:
        first = ws.max_row + 1
        for n, action in enumerate(actions):
            cells = [ref, risk, "Chief Executive", likelihood, impact, likelihood * impact] if n == 0 else [None] * 6
            ws.append([*cells, action, "Chief Finance Officer"])
        if len(actions) > 1:
            for column in "ABCDEF":
                ws.merge_cells(f"{column}{first}:{column}{ws.max_row}")
    wb.save(path)
    ids = [p[0] for p in POLICE]
    ratings = [band5(p[2] * p[3]) for p in POLICE]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q3"),
                 "7 source rows: 3 risks, 3 continuation rows, 0 headings, 1 footnotes/notes, 0 dropped",
                 "2024/25 Q3", not_collected=TITLES_ONLY, trends_from="2024/25 Q4",
                 extra={"actions": ["\n".join(p[4]) for p in POLICE]})


# 7. NHS trust board assurance framework: Word table, a two-row header (Initial / Current / Target risk score
#    over Likelihood, Consequence, Score), strategic objective rows merged across. After NHS BAFs such as East of
#    England Ambulance Service's (eastamb.nhs.uk, SR1 … SR9) and "BAF 2018/19" (principal risks PR1 … PR7).
BAF = [  # objective, ref, principal risk, initial L×C, current L×C, target L×C
    ("Objective 1: safe, high-quality care", "SR1", "Demand exceeds capacity", (5, 4), (4, 4), (3, 3)),
    ("Objective 1: safe, high-quality care", "SR2", "Quality governance fails", (4, 4), (3, 4), (2, 3)),
    ("Objective 2: our people", "SR3", "Workforce sustainability", (5, 4), (4, 3), (3, 3)),
    ("Objective 2: our people", "SR4", "Staff retention", (4, 3), (2, 3), (2, 2)),
]


def nhs_baf_word(path: Path) -> Truth:
    document = Document()
    document.add_paragraph("Board Assurance Framework – Public Board, 5 November 2025")
    groups = ["Initial risk score", "Current risk score", "Target risk score"]
    objectives = list(dict.fromkeys(b[0] for b in BAF))
    table = document.add_table(rows=2 + len(BAF) + len(objectives), cols=13)
    for c, text in enumerate(["Ref", "Principal risk", "Lead director"]):
        _merge_word_down(table, c, 0, 1, text)
    for g, group in enumerate(groups):
        _merge_word(table, 0, 3 + 3 * g, 5 + 3 * g, group)
        for k, sub in enumerate(["Likelihood", "Consequence", "Score"]):
            table.cell(1, 3 + 3 * g + k).text = sub
    _merge_word_down(table, 12, 0, 1, "Gaps in control")
    row = 2
    for objective in objectives:
        _merge_word(table, row, 0, 12, objective)
        row += 1
        for _, ref, risk, *positions in (b for b in BAF if b[0] == objective):
            cells = [ref, risk, "Director of Operations"]
            for likelihood, consequence in positions:
                cells += [str(likelihood), str(consequence), str(likelihood * consequence)]
            for c, text in enumerate([*cells, "Winter plan not yet funded"]):
                table.cell(row, c).text = text
            row += 1
    document.save(path)
    ids = [b[1] for b in BAF]
    ratings = [band5(b[4][0] * b[4][1]) for b in BAF]
    return Truth(ids, ratings, _now(ids, ratings, "2025/26 Q2"),
                 "6 source rows: 4 risks, 0 continuation rows, 2 headings, 0 footnotes/notes, 0 dropped",
                 "2025/26 Q2", not_collected=TITLES_ONLY, trends_from="2025/26 Q3",
                 extra={"inherent": [b[3][0] * b[3][1] for b in BAF],
                                      "target": [b[5][0] * b[5][1] for b in BAF]})


# 8. University: health-and-safety style register with "Identified hazard and risk", "Who might be harmed?",
#    H/M/L words and no risk-name column; one description runs to 1,600 characters. After the hazard registers
#    of Clawson, Hose & Harby Parish Council and universities' school risk registers (dundee.ac.uk guidance).
LONG = ("Failure to meet the Office for Students' conditions of registration on quality and standards. "
        + "The institution could face investigation, conditions or a fine, with harm to recruitment and reputation; "
        * 8)[:1600].strip()
UNIVERSITY = [  # id, hazard and risk, who, rating
    ("U-01", "Fall of a student or visitor from the library mezzanine", "Students and visitors", "Medium"),
    ("U-02", LONG, "The university as a whole", "High"),
    ("U-03", "Laboratory fire in the chemistry building", "Staff, students and contractors", "Low"),
]


def university_workbook(path: Path) -> Truth:
    wb = Workbook()
    ws = wb.active
    ws.title = "Institutional risks"
    ws.append(["Risk ID", "Identified hazard and risk", "Who might be harmed?", "Existing controls",
               "Risk rating (H/M/L)", "Risk owner"])
    for ref, hazard, who, rating in UNIVERSITY:
        ws.append([ref, hazard, who, "Inspections each term", rating, "Registrar"])
    wb.save(path)
    ids = [u[0] for u in UNIVERSITY]
    ratings = [u[3] for u in UNIVERSITY]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q2"),
                 "3 source rows: 3 risks, 0 continuation rows, 0 headings, 0 footnotes/notes, 0 dropped",
                 "2024/25 Q2", not_collected=("Impact",), trends_from="2024/25 Q3")


# 9. Charity: rows copied from the trustees' annual report PDF into a CSV: the Category cell, merged in the
#    original, is on the first row of each group only, and the other rows arrived one cell short. After the
#    Charity Commission's CC26-based templates (scouts.org.uk trustee boards' risk register; gross and net risk).
CHARITY = [  # category (first of its group only), ref, risk, controls, rating, owner
    ("Financial", "C1", "Loss of the main grant", "Diverse funding plan", "High", "Treasurer"),
    ("", "C2", "Reserves fall below policy", "Monthly management accounts", "Medium", "Treasurer"),
    ("Governance", "C3", "Trustee skills gaps", "Skills audit and recruitment", "Medium", "Chair"),
    ("", "C4", "Safeguarding incident", "DBS checks and training", "High", "Safeguarding lead"),
    ("", "C5", "Data breach", "Cyber Essentials", "Low", "Chief Officer"),
]


def charity_csv(path: Path) -> Truth:
    with path.open("w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Category", "Ref", "Risk", "Controls", "Rating", "Owner"])
        for category, *rest in CHARITY:
            writer.writerow([category, *rest] if category else [*rest, ""])  # a PDF copy loses the merged cell
    ids = [c[1] for c in CHARITY]
    ratings = [c[4] for c in CHARITY]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q4"),
                 "5 source rows: 5 risks, 0 continuation rows, 0 headings, 0 footnotes/notes, 0 dropped",
                 "2024/25 Q4", not_collected=("Description", "Impact"), trends_from="2025/26 Q1",
                 extra={"realigned": 3})


# 10. Arm's-length body: workbook, a merged title, the Topic merged down over risks that each have their own
#     number, hazard, controls and rating (five risks, two topics, one High), "Previous Risk Score", and a source
#     note under the table. After the governance statements of central-government bodies' annual reports
#     (orr.gov.uk, Annual report and accounts 2022-23) and the HM Treasury Orange Book's risk categories.
ALB = [  # topic, no, hazard, rating, previous score
    ("Delivery", "1", "Programme milestones slip", "Medium", 9),
    ("Delivery", "2", "Supplier insolvency", "High", 12),
    ("Delivery", "3", "Benefits not realised", "Low", 4),
    ("Assurance", "4", "Audit opinion qualified", "Low", 4),
    ("Assurance", "5", "Sponsor department withdraws support", "Medium", 9),
]


def alb_workbook(path: Path) -> Truth:
    wb, ws = _sheet("Risk register", "Strategic risk register, as at 31 December 2024", "F")
    ws.append(["Topic", "No.", "Hazard", "Controls", "Rating", "Previous Risk Score"])
    start = 3
    for n, (topic, number, hazard, rating, previous) in enumerate(ALB):
        ws.append([topic if n == 0 or ALB[n - 1][0] != topic else None, int(number), hazard,
                   "Monthly board review", rating, previous])
        if n == len(ALB) - 1 or ALB[n + 1][0] != topic:
            ws.merge_cells(f"A{start}:A{ws.max_row}")
            start = ws.max_row + 1
    ws.append(["Source: Annual Report and Accounts 2023-24, governance statement."])
    wb.save(path)
    ids = [a[1] for a in ALB]
    ratings = [a[3] for a in ALB]
    history = _now(ids, ratings, "2024/25 Q3") | {(a[1], "2024/25 Q2", band4(a[4])) for a in ALB}
    return Truth(ids, ratings, history,
                 "7 source rows: 5 risks, 0 continuation rows, 0 headings, 2 footnotes/notes, 0 dropped",
                 "2024/25 Q3", not_collected=("Impact",), trends_from="2024/25 Q3",
                 extra={"portfolio": [a[0] for a in ALB], "names": [a[2] for a in ALB]})


# 11. Town council: workbook after Ferndown Town Council's "Financial Risk Management 2020-2021" (ferndown.gov.uk):
#     Risk Area | Risk Identified | Level of risk (H/M/L) | Management of Risk | Action required | Review date, each
#     section a row merged across ("Section One : Areas where there may be scope to use insurance …"), levels
#     written "High." with a full stop; the clerk's notes typed in the cells to the right of the table.
TOWN_SECTIONS = {
    "Section One : Areas where there may be scope to use insurance to help manage risk": [
        ("Property and contents owned by the council", "Loss or damage", "High.",
         "An up to date register of assets and investments.", "Reviewed annually by council", "Mar 2020"),
        ("Damage to third party property or individuals", "Public liability", "High.",
         "Property maintenance and insurance cover", "Insurance renewed annually", "May 2020"),
        ("Loss of cash through theft or dishonesty", "Fidelity guarantee", "Medium",
         "Risk assessment and procedure in place", "Internal controls checked", "May 2020"),
    ],
    "Section Two – Working with others to help to manage risk": [
        ("Banking arrangements, including borrowing or lending", "Detect and deter fraud or corruption", "Low",
         "Financial Regulations and Internal Audit", "Reviewed annually", "May 2020"),
    ],
}
TOWN_NOTES = {1: "Adopted by Full Council on 14 May 2024, minute 24/031", 4: "Next review: May 2025"}
TOWN_LEVELS = {"High.": "High", "Medium": "Medium", "Low": "Low"}


def town_workbook(path: Path) -> Truth:
    wb, ws = _sheet("Financial Risk", "Financial Risk Management 2024-2025", "F")
    ws.append(["Risk Area", "Risk Identified", "Level of risk (H/M/L)", "Management of Risk", "Action required",
               "Review date"])
    n, notes = 0, []
    for section, risks in TOWN_SECTIONS.items():
        ws.append([section])
        ws.merge_cells(f"A{ws.max_row}:F{ws.max_row}")
        for risk in risks:
            n += 1
            ws.append([*risk, None, TOWN_NOTES.get(n)])
            if n in TOWN_NOTES:
                notes.append((f"{path} sheet 'Financial Risk' row {ws.max_row} column H", TOWN_NOTES[n]))
    wb.save(path)
    risks = [r for rs in TOWN_SECTIONS.values() for r in rs]
    ids = [f"R{i:02}" for i in range(1, len(risks) + 1)]  # the source has no IDs: the import numbers them
    ratings = [TOWN_LEVELS[r[2]] for r in risks]
    return Truth(ids, ratings, _now(ids, ratings, "2024/25 Q1"),
                 "7 source rows: 4 risks, 0 continuation rows, 2 headings, 1 footnotes/notes, 0 dropped",
                 "2024/25 Q1", not_collected=("Impact",), trends_from="2024/25 Q2",
                 extra={"notes": notes, "review": [r[5] for r in risks]})


# 12. A council's quarterly score tracker: each quarter's residual score in a column of its own, the target score
#     and a direction in words. After Bracknell Forest Council's Strategic Risk Register format (residual score
#     tracked over several quarters beside the appetite score; democratic.bracknell-forest.gov.uk, agenda item
#     "Strategic Risk Register"). A score of 20 makes it a 5 × 5 matrix; SR10 joined in Q2.
TRACKER_QUARTERS = ("Q1 2024/25", "Q2 2024/25", "Q3 2024/25")
TRACKER = [  # id, title, owner, score per quarter (None: not on the register), target, direction
    ("SR01", "Devolution deal funding not secured", "Chief Executive", (16, 16, 20), 8, "Increasing"),
    ("SR02", "Transport capital programme slips", "Director of Transport", (12, 9, 9), 6, "Stable"),
    ("SR03", "Adult skills budget underspent", "Director of Skills", (9, 12, 6), 4, "Decreasing"),
    ("SR10", "Cyber security breach", "Head of Digital", (None, 15, 15), 10, "Stable"),
]


def tracker_workbook(path: Path) -> Truth:
    wb, ws = _sheet("Strategic Risks", "Strategic Risk Register – residual scores by quarter", "H")
    ws.append(["Risk ID", "Risk title", "Risk owner", *TRACKER_QUARTERS, "Target", "Direction of travel"])
    for ref, title, owner, scores, target, direction in TRACKER:
        ws.append([ref, title, owner, *scores, target, direction])
    wb.save(path)
    periods = ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")
    ids = [t[0] for t in TRACKER]
    ratings = [band5(t[3][-1]) for t in TRACKER]
    history = {(t[0], period, band5(score)) for t in TRACKER for period, score in zip(periods, t[3]) if score}
    return Truth(ids, ratings, history,
                 "5 source rows: 4 risks, 0 continuation rows, 0 headings, 1 footnotes/notes, 0 dropped",
                 "2024/25 Q3", not_collected=TITLES_ONLY, trends_from="2024/25 Q2",
                 extra={"trends": {"SR01": "↗", "SR02": "→", "SR03": "↘", "SR10": "→"}})


CORPUS = {  # file name -> builder, the --period to give (None: the quarter columns tell it)
    "parish.docx": (parish_word, "2023/24 Q1"),
    "district.xlsx": (district_workbook, "2024/25 Q3"),
    "county.xlsx": (county_workbook, None),
    "unitary.csv": (unitary_csv, "2024/25 Q2"),
    "fire.docx": (fire_word, "2024/25 Q4"),
    "police.xlsx": (police_workbook, "2024/25 Q3"),
    "nhs-baf.docx": (nhs_baf_word, "2025/26 Q2"),
    "university.xlsx": (university_workbook, "2024/25 Q2"),
    "charity.csv": (charity_csv, "2024/25 Q4"),
    "alb.xlsx": (alb_workbook, "2024/25 Q3"),
    "town.xlsx": (town_workbook, "2024/25 Q1"),
    "tracker.xlsx": (tracker_workbook, None),
}
