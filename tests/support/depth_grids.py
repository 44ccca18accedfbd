"""A small register with every in-depth group (matrix, positions, category, appetite, actions, proximity), clean."""

from __future__ import annotations

import datetime as dt

from support.register_grids import clean

DEPTH_HEADERS = ["Category", "Inherent Likelihood", "Inherent Impact", "Target Likelihood", "Target Impact",
                 "Target Date", "Proximity"]
# Residual scores (Likelihood × Impact Score) are 9 (High), 6 (Medium) and 2 (Low) on the bands below; inherent
# 16, 9, 4; target 4, 4, 2. CRR03's target date has passed, but it stands at its target.
DEPTH_VALUES = {
    "CRR01": ["Operations", 4, 4, 2, 2, dt.datetime(2022, 3, 31), "Imminent"],
    "CRR02": ["Operations", 3, 3, 2, 2, dt.datetime(2022, 6, 30), "Within a year"],
    "CRR03": ["Technology", 2, 2, 1, 2, dt.datetime(2021, 6, 30), "Beyond a year"],
}
MATRIX = [
    ["Scoring", "Likelihood × Impact"],
    [],
    ["Rating", "Lowest score"],
    ["Critical", 12],
    ["High", 8],
    ["Medium", 4],
    ["Low", 1],
    [],
    ["Likelihood \\ Impact", 1, 2, 3, 4],
    *([likelihood, *(likelihood * impact for impact in range(1, 5))] for likelihood in range(1, 5)),
]
APPETITE = [
    ["Category", "Appetite", "Tolerance", "Appetite statement"],
    ["Operations", "Cautious", 9, "We accept some risk to keep services running."],
    ["Technology", "Minimal", "Medium", "We accept little risk to our systems."],
]
ACTIONS = [
    ["Risk ID", "Action", "Owner", "Due date", "Status", "Completed on", "Update"],
    ["CRR01", "Roll out vulnerability training", "ACC Crime", dt.datetime(2021, 12, 31), "In progress", None,
     "Half the officers trained."],
    ["CRR02", "Pilot call triage", "ACC Local", dt.datetime(2021, 11, 30), "Not started", None, None],
    ["CRR03", "Test the restore from backup", "Director IT&D", dt.datetime(2021, 8, 31), "Done",
     dt.datetime(2021, 8, 20), "Restored in four hours."],
]


def depth_clean() -> dict[str, list[list[object]]]:
    """Return fresh grids of the clean register with every in-depth group."""
    grids = clean()
    register = grids["Register"]
    register[0] = register[0] + DEPTH_HEADERS
    for row in register[1:]:
        row.extend(DEPTH_VALUES[row[0]])
        if row[0] == "CRR02":  # residual 2 × 3 = 6, Medium on this Matrix sheet (the plain register's 2 × 2)
            row[register[0].index("Impact Score")] = 3
    for row in grids["History"][1:]:
        if row[:2] == ["CRR02", "2021/22 Q1"]:
            row[5:7] = [3, 6]
    grids["Matrix"] = [list(row) for row in MATRIX]
    grids["Appetite"] = [list(row) for row in APPETITE]
    grids["Actions"] = [list(row) for row in ACTIONS]
    return grids
