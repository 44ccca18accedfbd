"""A register workbook of many plain risks with a year of History, for tests that need size (no bench import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_SETTINGS

PERIOD = parse_period("2021/22 Q2")
RATINGS = ("Critical", "High", "Medium", "Low")
SCORES = {"Critical": (4, 4), "High": (3, 4), "Medium": (2, 3), "Low": (1, 2)}
STEADY = "→"  # History keeps every rating, so every arrow is steady and the register is clean


def write_large_register(path: Path, size: int = 1000) -> Path:
    """Write a register of `size` risks (CRR0001 …) reporting 2021/22 Q2, four quarters of History, at `path`."""
    from workbook.xlsx.builder import write_workbook

    width = max(4, len(str(size)))
    end = PERIOD.end_date
    risks, history = [], []
    for number in range(1, size + 1):
        rating = RATINGS[number % len(RATINGS)]
        likelihood, impact = SCORES[rating]
        risk_id = f"CRR{number:0{width}d}"
        risks.append({
            "id": risk_id, "name": f"Risk {number} to service delivery",
            "description": f"If demand {number} rises then response times fall, resulting in harm.",
            "impact": "Loss of public confidence.", "controls": "• Daily review meeting\n• Escalation plan",
            "trend1": STEADY, "trend2": STEADY, "trend3": STEADY,
            "rating": rating, "owner": f"Owner {number % 12 + 1}", "portfolio": f"Department {number % 7 + 1}",
            "date_raised": dt.datetime(2019, 4, 1), "last_reviewed": dt.datetime.combine(end, dt.time()) -
            dt.timedelta(days=number % 60), "likelihood": likelihood, "impact_score": impact, "status": "Open",
        })
        for back in range(3, 0, -1):
            period = PERIOD.shifted(-back)
            history.append({"risk_id": risk_id, "period": period.label, "rating": rating, "trend": STEADY,
                            "likelihood": likelihood, "impact": impact, "score": likelihood * impact,
                            "reviewed_on": dt.datetime.combine(period.end_date, dt.time()), "source": "recorded",
                            "status": "Open"})
    settings = {**SAMPLE_SETTINGS, "period": PERIOD.label, "id_pattern": rf"CRR\d{{{width}}}"}
    return write_workbook(path, risks, history, settings, force=True)
