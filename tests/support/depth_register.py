"""The bundled sample register with every in-depth group filled in, written as a real register workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_PERIOD, sample_export_path
from workbook.export.text_format import read_export, to_register
from workbook.xlsx.builder import build_workbook, register_rows, save

# Residual likelihood × impact earning each sample rating on the default 4×4 bands (10+ Critical, 6+ High, 3+ Medium).
RESIDUAL = {"Critical": (4, 3), "High": (3, 3), "Medium": (2, 2), "Low": (1, 2)}
CATEGORIES = ("Operations", "People", "Technology", "Financial", "Reputational", "Legal")
# Technology's tolerance is below a High risk's 9, Financial's a rating: the paper has risks outside appetite.
APPETITE = [
    {"category": "Operations", "level": "Cautious", "tolerance": 9,
     "statement": "We accept some risk to keep services to the public running."},
    {"category": "People", "level": "Open", "tolerance": 12, "statement": "We invest in our workforce."},
    {"category": "Technology", "level": "Minimal", "tolerance": 6, "statement": "We protect our systems."},
    {"category": "Financial", "level": "Averse", "tolerance": "Medium", "statement": "We live within our budget."},
    {"category": "Reputational", "level": "Cautious", "tolerance": "High", "statement": "We keep public trust."},
    {"category": "Legal", "level": "Minimal", "tolerance": 9, "statement": "We meet our legal duties."},
]


def depth_risks() -> tuple[list[dict], list[dict], dict]:
    """Return the sample's risks with positions, categories, target dates and proximity, its History and
    Settings."""
    register = to_register(read_export(sample_export_path()), parse_period(SAMPLE_PERIOD))
    risks, history, settings = register_rows(register)
    proximities = ("Imminent", "Within 6 months", "Within a year", "Beyond a year")
    for index, risk in enumerate(risks):
        likelihood, impact = RESIDUAL[risk["rating"]]
        risk.update({
            "likelihood": likelihood, "impact_score": impact,
            "inherent_likelihood": min(4, likelihood + 1), "inherent_impact": 4,
            "target_likelihood": max(1, likelihood - 1), "target_impact": max(1, impact - 1),
            "target_date": dt.datetime(2022, 3, 31) if index % 3 else dt.datetime(2021, 9, 30),
            "category": CATEGORIES[index % len(CATEGORIES)], "proximity": proximities[index % len(proximities)],
        })
    return risks, history, settings


def depth_actions(risks: list[dict]) -> list[dict]:
    """Return an action for most risks: some overdue, some due next quarter, some done, some later."""
    actions = []
    for index, risk in enumerate(risks):
        if index % 5 == 4:
            continue  # no action: the checks name High risks without one
        due = (dt.datetime(2021, 8, 31), dt.datetime(2021, 11, 30), dt.datetime(2021, 7, 15),
               dt.datetime(2022, 2, 28))[index % 4]
        done = index % 4 == 2
        actions.append({"risk_id": risk["id"], "action": f"Review the controls of {risk['name']}",
                        "owner": "Strategic Risk Manager", "due": due, "status": "Done" if done else "In progress",
                        "completed_on": dt.datetime(2021, 7, 10) if done else None,
                        "update": "Work under way." if not done else "Completed."})
    return actions


def write_depth_sample(path: Path) -> Path:
    """Write the in-depth sample register at `path` and return it."""
    risks, history, settings = depth_risks()
    wb = build_workbook(risks, history, settings, full=True, actions=depth_actions(risks), appetite=APPETITE)
    return save(wb, path)
