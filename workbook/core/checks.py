"""Run every rule on a register and collect the findings (pure: no workbook library here)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from workbook.core.findings import Finding, printable, sort_key
from workbook.core.model import Register
from workbook.core.rules import RULES, Rule
from workbook.core.words import plural

__all__ = ["Finding", "check", "counts", "summary", "exit_code"]


def check(register: Register, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Return every finding of `rules` on `register`, in sheet, row and column order."""
    findings = []
    for rule in rules:
        for hit in rule.check(register):
            findings.append(Finding(rule.id, rule.severity, printable(hit.risk_id), hit.column, hit.cell,
                                    printable(hit.value, 200), rule.message_for(hit)))
    return sorted(set(findings), key=sort_key)


def counts(findings: Iterable[Finding]) -> Counter:
    """Return the number of findings by severity."""
    return Counter(finding.severity for finding in findings)


def summary(findings: Sequence[Finding], register: Register) -> str:
    """Return the one-line summary users read first: '2 errors, 5 warnings in 18 risks'."""
    found = counts(findings)
    risks = plural(register.risks, "risk")
    if not findings:
        return f"No problems found in {risks}."
    parts = [plural(found["error"], "error"), plural(found["warning"], "warning")]
    if found["info"]:
        parts.append(f"{found['info']} for information")
    return f"{', '.join(parts)} in {risks}"


def exit_code(findings: Iterable[Finding], strict: bool = False) -> int:
    """Return 1 when there are errors (or warnings, when `strict`), else 0."""
    found = counts(findings)
    return 1 if found["error"] or (strict and found["warning"]) else 0
