"""Fixtures for the board paper tests: small registers built from grids, and a reader of the written paper."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from workbook.core.layout import register_from_grids

HEADERS = ["ID", "Risk Name", "Description", "Impact", "Key Controls and Activities",
           "Q4 Trending", "Q1 Trending", "Q2 Trending", "Residual Risk Rating"]

# Four risks in the shapes the sample has: bullets, paragraphs, '&', every rating but Low, one closed.
ROWS = [
    ["CRR05", "Demand Management", "Demand outstrips capacity.\nCalls rise in summer.",
     "Slower response & lower confidence.", "• Daily demand meeting\n• Overtime plan agreed", "↘", "↗", "→",
     "High", "Open"],
    ["CRR18", "Core Skills Resilience & Training Risk", "Fewer officers trained in core skills.",
     "Too few staff to deploy.", "• Extra courses funded\n• Trainers recruited", "N/A", "N/A", "New",
     "Critical", "Open"],
    ["CRR02", "Serious Violence in Under 25s", "Violence among young people rises.", "Harm to victims.",
     "• Violence Reduction Unit\n• Knife crime taskforce", "→", "→", "↗", "High", "Open"],
    ["CRR11", "Safeguarding - Local Policing", "Safeguarding referrals are missed.", "Children at risk.",
     "Training for all officers.", "→", "→", "→", "Medium", "Open"],
    ["CRR09", "Recruitment & Retention", "Uplift targets missed.", "Fewer officers.", "Campaign running.",
     "→", "→", "→", "High", "Closed"],
]

SETTINGS = [["Setting", "Value", "What it means"],
            ["Meeting date", dt.datetime(2021, 9, 30)],
            ["Agenda item", "7"],
            ["Protective marking", "official-sensitive"],
            ["Register title", "Corporate Risk Register"],
            ["Organisation", "West Midlands Police"],
            ["Committee", "Joint Audit Committee"],
            ["Report of", "Director of Commercial Services"],
            ["Author", "Strategic Risk Manager"]]


def make_register(rows=ROWS, headers=HEADERS + ["Status"], settings=SETTINGS, history=None, source="reg.xlsx"):
    """Return a Register parsed from grids, as the file and live-workbook adapters would hand it over."""
    grids = {"Register": [list(headers), *map(list, rows)], "Settings": [list(r) for r in settings]}
    if history is not None:
        grids["History"] = history
    return register_from_grids(grids, source)


@pytest.fixture
def register():
    return make_register()


@pytest.fixture
def register_factory():
    """Return make_register(rows=…, headers=…, settings=…, history=…) -> Register."""
    return make_register


@pytest.fixture
def headers():
    return list(HEADERS)


@pytest.fixture
def rows():
    return [list(row) for row in ROWS]


def _text(element) -> str:
    from docx.oxml.ns import qn

    # a tab in a run is text a reader sees (the title block's label and value); a tab stop in w:tabs is not
    return "".join("\t" if e.tag == qn("w:tab") else e.text or "" for e in element.iter(qn("w:t"), qn("w:tab"))
                   if e.tag == qn("w:t") or e.getparent().tag == qn("w:r"))


def normalised(path: Path) -> list[str]:
    """Return the paper as text lines: 'style: text' per paragraph, '| cell | cell |' per table row."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    styles = {s.style_id: s.name for s in document.styles}
    lines = []
    for number, section in enumerate(document.sections, start=1):
        for kind, part in (("header", section.header), ("footer", section.footer)):
            text = " / ".join(p.text for p in part.paragraphs if p.text.strip())
            lines.append(f"[section {number} {kind}] {text}")
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = styles.get(style.get(qn("w:val")) if style is not None else "Normal", "?")
            pictures = len(list(element.iter(qn("w:drawing"))))
            text = _text(element) + (" [picture]" * pictures)
            if text.strip():
                lines.append(f"{name}: {text}")
        elif element.tag == qn("w:tbl"):
            for tr in element.iter(qn("w:tr")):
                cells = []
                for tc in tr.iter(qn("w:tc")):
                    parts = []
                    for p in tc.iter(qn("w:p")):
                        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                        bullet = style is not None and "Bullet" in style.get(qn("w:val"))
                        if _text(p).strip():
                            parts.append(("• " if bullet else "") + _text(p))
                    cells.append(" / ".join(parts))
                lines.append("| " + " | ".join(cells) + " |")
    return lines


def stable(lines: list[str]) -> list[str]:
    """Return `lines` with the register file's time and hash blanked, which change with every copy."""
    return [re.sub(r"last modified .*? UTC, SHA-256 [0-9a-f]{12}", "last modified <time>, SHA-256 <sha>", line)
            for line in lines]


@pytest.fixture
def read_paper():
    return normalised


@pytest.fixture
def stable_text():
    return stable


MOVEMENTS_ROWS = [
    ("unchanged", "CRR05", "Demand Management", "↗", "→"),
    ("new", "CRR18", "Core Skills Resilience & Training Risk", "N/A", "New"),
    ("escalated", "CRR02", "Serious Violence in Under 25s", "→", "↗"),
    ("unchanged", "CRR11", "Safeguarding - Local Policing", "→", "→"),
    ("closed", "CRR09", "Recruitment & Retention", "High", ""),
]


@pytest.fixture
def movements():
    from support.movements import movement

    return [movement(*row) for row in MOVEMENTS_ROWS]


@pytest.fixture
def scored_register(headers, rows):
    """Return the small register with Likelihood and Impact Score filled in and last quarter's in History."""
    scores = {"CRR05": (3, 3), "CRR18": (4, 4), "CRR02": (3, 4), "CRR11": (2, 2), "CRR09": (2, 3)}
    history = [["Risk ID", "Period", "Rating", "Trend", "Likelihood", "Impact"],
               ["CRR05", "2021/22 Q1", "High", "↗", 4, 3],
               ["CRR02", "2021/22 Q1", "High", "→", 2, 4]]
    return make_register(rows=[row + list(scores[row[0]]) for row in rows],
                         headers=headers + ["Status", "Likelihood", "Impact Score"], history=history)


@pytest.fixture
def paper_content(scored_register, movements):
    """Return the content of the small scored register's paper, as build_paper would assemble it."""
    from report_builder.content import Distribution, Provenance, build_content

    provenance = Provenance("register.xlsx", dt.datetime(2021, 9, 14, 10, 32, tzinfo=dt.timezone.utc),
                            "3f2a9c1b7d0e" + "0" * 52)
    return build_content(scored_register, movements=movements, provenance=provenance,
                         distribution=[Distribution("2021/22 Q1", {"High": 3, "Medium": 1})])


@pytest.fixture
def clean_workbook(sample_workbook):
    """Return the sample with its one error corrected (CRR03 was New in two quarters)."""
    book = openpyxl.load_workbook(sample_workbook)
    book["Register"]["G3"] = "→"
    book.save(sample_workbook)
    return sample_workbook


def set_settings(book, values: dict[str, object]) -> None:
    """Set Settings values by label in an openpyxl workbook, adding a row for a label the sheet lacks."""
    sheet = book["Settings"]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value}
    for label, value in values.items():
        row = rows.get(label) or sheet.max_row + 1
        sheet.cell(row, 1).value = label
        sheet.cell(row, 2).value = value  # None clears it (openpyxl's cell(…, value=None) would not)


COUNCIL_SETTINGS = {"Organisation": "Shire County Council", "Committee": "Audit and Governance Committee",
                    "Register title": "Shire County Council - Strategic Risk Register",
                    "Reviewed by": "Corporate Management Team", "Risk framework": None}


@pytest.fixture
def council_workbook(clean_workbook):
    """Return the sample as a county council would keep it (see make_council)."""
    return make_council(clean_workbook)


def make_council(clean_workbook: Path) -> Path:
    """Turn the clean sample into a register as a county council would keep it: a High/Medium/Low scale, scores
    on a 4×4 matrix, its own Settings (no framework named), and one risk (CRR09) not yet rated."""
    book = openpyxl.load_workbook(clean_workbook)
    lists = book["Lists"]
    for row, name in enumerate(("High", "Medium", "Low", None), start=2):
        lists.cell(row, 1).value = name
    register = book["Register"]
    headers = [c.value for c in register[1]]
    rating, likelihood, impact = (headers.index(h) + 1 for h in ("Residual Risk Rating", "Likelihood",
                                                                 "Impact Score"))
    for row in range(2, register.max_row + 1):
        if register.cell(row, rating).value == "Critical":
            register.cell(row, rating, "High")
        register.cell(row, likelihood, 1 + row % 4)
        register.cell(row, impact, 1 + (row * 3) % 4)
        if register.cell(row, 1).value == "CRR09":
            register.cell(row, rating).value = None
    for cell in book["History"]["C"]:
        cell.value = "High" if cell.value == "Critical" else cell.value
    set_settings(book, COUNCIL_SETTINGS)
    book.save(clean_workbook)
    return clean_workbook
