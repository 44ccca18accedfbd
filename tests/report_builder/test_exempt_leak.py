"""The leak test: nothing of an exempt risk (its ID, name or any of its words) reaches the public paper, in any
part of the .docx (the chart's embedded workbook included) or the PDF's text and metadata."""

from __future__ import annotations

import random
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from report_builder.build import build_paper
from support.exempt_register import mark_exempt
from support.leaks import (assert_public_clean, id_leaks, leaks, pdf_texts, rejoined_appendix, sample_needles,
                           words_of, zip_texts)
from workbook.xlsx.builder import build_workbook, save
from workbook.xlsx.reader import read_register

SAMPLE_EXEMPT = {"CRR18": "Para 7", "CRR09": "Para 3", "CRR11": "Para 2"}  # Critical and new, High, Medium


def test_the_sample_paper_shows_nothing_of_its_exempt_risks_anywhere(clean_workbook, tmp_path):
    mark_exempt(clean_workbook, SAMPLE_EXEMPT, marking="OFFICIAL-SENSITIVE")
    needles = sample_needles(clean_workbook, set(SAMPLE_EXEMPT))
    assert all(len(words) > 20 for words in needles.values())  # the test has something to look for
    result = build_paper(clean_workbook, tmp_path / "paper.docx", pdf=True)
    assert_public_clean(result.paper, result.pdf, set(SAMPLE_EXEMPT), needles)
    # ... and the exempt appendix has every one of them, in full
    assert result.exempt is not None and result.exempt.pdf is not None
    exempt = zip_texts(result.exempt.paper.read_bytes())
    exempt_text = words_of(" ".join(exempt.values())) + words_of(rejoined_appendix(result.exempt.paper))
    for words in needles.values():
        assert [w for w in words if words_of(w) not in exempt_text] == []
    pdf_text = " ".join(pdf_texts(result.exempt.pdf)["text"].split())
    assert all(risk_id in pdf_text for risk_id in SAMPLE_EXEMPT)


# --- generated registers: every word of an exempt risk is a token that cannot turn up by chance ---

def token(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice("bcdfghjklmnpstvwx") for _ in range(9))


def generated_register(path: Path, seed: int, count: int = 12, exempt_count: int = 4) -> tuple[set[str], dict]:
    """Write a register of `count` risks whose every word is a random token, `exempt_count` of them exempt (one
    closed), with History for last quarter, scores, actions; return the exempt IDs and each one's tokens."""
    rng = random.Random(seed)
    ratings = ["Critical", "High", "Medium", "Low"]
    risks, history, actions, needles = [], [], [], {}
    exempt_ids = set(rng.sample(range(count), exempt_count))
    closed = min(exempt_ids)
    for number in range(count):
        risk_id = f"CRR{number + 1:02d}"
        words = {key: " ".join(token(rng) for _ in range(rng.randint(3, 9)))
                 for key in ("name", "description", "impact", "controls", "owner", "portfolio")}
        words["controls"] = "• " + words["controls"] + "\n• " + token(rng)
        trend = rng.choice([("→", "→", "↗"), ("→", "↘", "→"), ("N/A", "N/A", "New"), ("→", "→", "→")])
        risk = {"id": risk_id, **words, "trend1": trend[0], "trend2": trend[1], "trend3": trend[2],
                "rating": ratings[number % 4], "likelihood": 1 + number % 4, "impact_score": 1 + (number * 3) % 4,
                "status": "Closed" if number == closed else "Open",
                "exempt": f"Para {rng.choice([2, 3, 7])}" if number in exempt_ids else None}
        risks.append(risk)
        if trend[2] != "New":
            history.append({"risk_id": risk_id, "period": "2021/22 Q1", "rating": ratings[(number + 1) % 4],
                            "trend": trend[1], "likelihood": 1 + (number + 1) % 4, "impact": 2, "source": "imported"})
        update = token(rng)
        actions.append({"risk_id": risk_id, "action": token(rng), "owner": token(rng), "status": "In progress",
                        "update": update})
        if number in exempt_ids:
            texts = " ".join(str(v) for k, v in words.items()) + f" {update} {actions[-1]['action']}"
            needles[risk_id] = set(re.findall(r"zq[a-z]+", texts))
    settings = {"organisation": "Shire County Council", "committee": "Audit and Governance Committee",
                "author": "Director of Resources", "contact": "Risk Manager", "marking": "OFFICIAL",
                "period": "2021/22 Q2", "appendix_columns": "Risk Owner, Portfolio/Department"}
    save(build_workbook(risks, history, settings, full=True, actions=actions), path)
    return {f"CRR{n + 1:02d}" for n in exempt_ids}, needles


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_register_paper_has_no_token_of_an_exempt_risk(tmp_path, seed):
    ids, needles = generated_register(tmp_path / "register.xlsx", seed)
    result = build_paper(tmp_path / "register.xlsx", tmp_path / "paper.docx", force=True, pdf=seed == 1)
    assert_public_clean(result.paper, result.pdf, ids, needles)
    assert result.exempt is not None
    exempt_text = " ".join(zip_texts(result.exempt.paper.read_bytes()).values())
    register = read_register(tmp_path / "register.xlsx")
    open_exempt = {r.id for r in register.risks if r.id in ids and not r.is_closed}
    assert all(risk_id in exempt_text for risk_id in open_exempt)


def test_the_public_paper_counts_every_open_risk_and_the_exempt_appendix_holds_exactly_the_exempt_ones(tmp_path):
    ids, _ = generated_register(tmp_path / "register.xlsx", 4, count=15, exempt_count=5)
    register = read_register(tmp_path / "register.xlsx")
    open_ids = {r.id for r in register.risks if not r.is_closed}
    result = build_paper(tmp_path / "register.xlsx", tmp_path / "paper.docx", force=True)
    assert result.content.risk_count == result.content.rating_total == len(open_ids)
    public = docx.Document(str(result.paper))
    total = next(row for table in public.tables for row in table.rows if row.cells[0].text == "Total")
    assert total.cells[-1].text == str(len(open_ids))
    assert {row.cells[0].text for row in public.tables[-1].rows[1:]} == open_ids - ids
    exempt = docx.Document(str(result.exempt.paper))
    assert {row.cells[0].text for row in exempt.tables[-1].rows[1:]} == open_ids & ids
    assert result.exempt.count == len(open_ids & ids) == 4  # the closed exempt risk is in neither


def test_the_leak_check_finds_what_it_looks_for(tmp_path):
    """The same register without its Exempt column: the check finds every exempt risk's ID and tokens."""
    ids, needles = generated_register(tmp_path / "register.xlsx", 5)
    book = openpyxl.load_workbook(tmp_path / "register.xlsx")
    sheet = book["Register"]
    column = [cell.value for cell in sheet[1]].index("Exempt") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = None
    book.save(tmp_path / "register.xlsx")
    result = build_paper(tmp_path / "register.xlsx", tmp_path / "paper.docx", force=True)
    assert result.exempt is None
    texts = zip_texts(result.paper.read_bytes())
    assert {risk_id for _, risk_id in id_leaks(texts, ids)} == ids  # the closed one is in the movement table
    found = {(risk_id, needle) for _, risk_id, needle in leaks(texts, needles)}
    assert {risk_id for risk_id, _ in found} == ids
