"""The paper's inputs from the checks and trends modules, turned into the content module's types."""

from __future__ import annotations

from report_builder.content import Distribution
from workbook.core.model import Register
from workbook.core.trends import Movement


def error_findings(register: Register) -> list:
    """Return the findings that stop a paper: the error rules' findings, in the order the checks report them
    (the warning rules are not run: nothing in the paper shows them)."""
    from workbook.core.checks import check
    from workbook.core.rules import ERROR_RULES

    return check(register, ERROR_RULES)


def movements_of(register: Register) -> tuple[list[Movement], list[Distribution]]:
    """Return this period's movements, in the order a paper lists their groups, and each period's rating counts."""
    from workbook.core import trends

    found = trends.movements(register)
    movements = [m for _, group in found.groups() for m in group]
    distribution = [Distribution(period, dict(counts))
                    for period, counts in trends.rating_distribution(register).items()]
    return movements, distribution
