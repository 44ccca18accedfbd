"""How much one request may make the server do: rows, cells and findings, each a setting (RISKREG_MAX_*)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from workbook.core.findings import Finding, split_address
from workbook.core.words import plural

DEFAULT_MAX_ROWS = 100_000  # rows of one sheet: a 10,000-risk register has about 50,000 History rows after 5 years
DEFAULT_MAX_CELLS = 3_000_000  # cells of values in one request (a 10,000-risk register is about 1,000,000)
DEFAULT_MAX_FINDINGS = 5_000  # findings listed one per row on the Validation sheet; the rest are counted


@dataclass(frozen=True)
class Limits:
    max_rows: int = DEFAULT_MAX_ROWS
    max_cells: int = DEFAULT_MAX_CELLS
    max_findings: int = DEFAULT_MAX_FINDINGS


def capped_findings(findings: Sequence[Finding], cap: int) -> tuple[Sequence[Finding], list[str]]:
    """Return the first `cap` findings and a line per rule and sheet for the rest ("and 9 more findings of R023 in
    History"), largest first."""
    if len(findings) <= cap:
        return findings, []
    rest: Counter[tuple[str, str]] = Counter()
    for finding in findings[cap:]:
        try:
            sheet = split_address(finding.cell)[0] if finding.cell else "the workbook"
        except ValueError:
            sheet = "the workbook"
        rest[(finding.rule_id, sheet)] += 1
    lines = [f"and {plural(count, 'more finding')} of {rule} in {sheet}"
             for (rule, sheet), count in sorted(rest.items(), key=lambda item: (-item[1], item[0]))]
    return findings[:cap], lines
