"""The paper's inputs from the checks and trends modules, turned into the content module's types."""

from __future__ import annotations

from report_builder.content import Distribution, Movement
from workbook.core.model import Register


def error_findings(register: Register) -> list:
    """Return the findings that stop a paper: the error rules' findings, in the order the checks report them
    (the warning rules are not run: nothing in the paper shows them)."""
    from workbook.core.checks import check
    from workbook.core.rules import ERROR_RULES

    return check(register, ERROR_RULES)


# The trends module's group names, as the content module spells the movement kinds.
KIND_OF_GROUP = {"new": "new", "escalated": "escalated", "de_escalated": "de-escalated",
                 "unchanged": "unchanged", "closed": "closed"}


def movements_of(register: Register) -> tuple[list[Movement], list[Distribution]]:
    """Return this period's movements (with last and this period's trend) and each period's rating counts."""
    from workbook.core import trends

    found = trends.movements(register)
    computed = trends.compute_trends(register)
    movements = []
    for group, kind in KIND_OF_GROUP.items():
        for m in getattr(found, group):
            if kind == "closed":
                before, after = m.previous_rating, ""
            else:
                arrows = computed.get(m.risk_id, ())
                before = arrows[-2].value if len(arrows) > 1 else ""
                after = m.trend
            movements.append(Movement(kind, m.risk_id, m.name, before, after, m.note == trends.REMOVED_NOTE))
    distribution = [Distribution(period, dict(counts))
                    for period, counts in trends.rating_distribution(register).items()]
    return movements, distribution
