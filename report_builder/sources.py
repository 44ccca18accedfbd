"""The paper's inputs from the checks and trends modules, turned into the content module's types."""

from __future__ import annotations

from collections.abc import Sequence

from report_builder.content import Distribution, Movement
from workbook.core.model import Register


def findings_of(register: Register) -> list:
    """Return the checks' findings on `register`."""
    from workbook.core.checks import check

    return list(check(register))


def error_findings(findings: Sequence) -> list:
    """Return the findings that stop a paper: errors, in the order the checks report them."""
    return [finding for finding in findings if finding.severity == "error"]


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
            movements.append(Movement(kind, m.risk_id, m.name, before, after))
    distribution = [Distribution(period, dict(counts))
                    for period, counts in trends.rating_distribution(register).items()]
    return movements, distribution
