"""How much one request may make the server do: rows, cells, findings and seconds, each a setting (RISKREG_*)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from workbook.core.findings import Finding, split_address
from workbook.core.words import plural

DEFAULT_MAX_ROWS = 100_000  # rows of one sheet: a 10,000-risk register has about 50,000 History rows after 5 years
DEFAULT_MAX_CELLS = 3_000_000  # cells of values in one request (a 10,000-risk register is about 1,000,000)
DEFAULT_MAX_FINDINGS = 5_000  # findings listed one per row on the Validation sheet; the rest are counted
DEFAULT_TIME_LIMIT_S = 120.0  # seconds one Validate, Refresh trends, Roll quarter or New register may run
DEFAULT_PAPER_TIME_LIMIT_S = 600.0  # seconds one board paper (and its PDF) may take
# What a request costs per cell of values, to refuse before the work what would run over its time limit: measured
# (bench/SERVER.md: a 1,000-risk Validate, 140,000 cells, 0.17 s; its paper with PDF about 80 s), then doubled.
SECONDS_PER_CELL = 2.5e-6
PAPER_SECONDS_PER_CELL = 1.2e-3


@dataclass(frozen=True)
class Limits:
    max_rows: int = DEFAULT_MAX_ROWS
    max_cells: int = DEFAULT_MAX_CELLS
    max_findings: int = DEFAULT_MAX_FINDINGS
    time_limit: float = DEFAULT_TIME_LIMIT_S
    paper_time_limit: float = DEFAULT_PAPER_TIME_LIMIT_S

    def seconds(self, heavy: bool) -> float:
        """Return the time limit of a request: a paper's (`heavy`) or any other's."""
        return self.paper_time_limit if heavy else self.time_limit

    def setting(self, heavy: bool) -> str:
        """Return the setting that raises the time limit of a paper (`heavy`) or of any other request."""
        return "RISKREG_PAPER_TIME_LIMIT_S" if heavy else "RISKREG_TIME_LIMIT_S"


def estimated_seconds(cells: int, heavy: bool) -> float:
    """Return about how long a request on `cells` cells of values takes (a paper when `heavy`), on the high side."""
    return cells * (PAPER_SECONDS_PER_CELL if heavy else SECONDS_PER_CELL)


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
