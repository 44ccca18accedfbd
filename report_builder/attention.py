"""Section 5 of a long register's paper: the risks for the Committee's attention counted, not given in full (pure).

Above IN_FULL_UP_TO risks the section would run to a page or more per risk (188 risks: 170 pages at 1,000 risks);
it counts them by rating and by why each is brought, and the appendix gives each risk in full, most severe first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from workbook.core.words import number_text


class AttentionItem(Protocol):
    """What the counts read of content.AttentionItem (content imports this module, not the other way)."""

    @property
    def rating(self) -> str: ...

    @property
    def reasons(self) -> tuple[str, ...]: ...

IN_FULL_UP_TO = 20
# The order the reasons are told in; the most severe band's reason ("Critical rating") comes first.
REASON_ORDER = ("New this quarter", "Escalating this quarter", "Outside appetite")


@dataclass(frozen=True)
class AttentionCounts:
    """The table that stands for section 5's risks: one row per rating, a column per reason."""

    reasons: tuple[str, ...]  # the column headers after the rating's and the count's
    rows: tuple[tuple[str, int, tuple[int, ...]], ...]  # (rating, risks, risks for each reason)

    @property
    def total(self) -> tuple[int, tuple[int, ...]]:
        return (sum(count for _, count, _ in self.rows),
                tuple(sum(row[2][i] for row in self.rows) for i in range(len(self.reasons))))


def in_full(items: Sequence[AttentionItem]) -> bool:
    """Return whether section 5 gives each of its risks in full (else it counts them)."""
    return len(items) <= IN_FULL_UP_TO


def _order(reason: str) -> int:
    return REASON_ORDER.index(reason) + 1 if reason in REASON_ORDER else 0


def attention_counts(items: Sequence[AttentionItem]) -> AttentionCounts:
    """Return how many of `items` (most severe first) hold each rating, and how many of those for each reason."""
    reasons = tuple(sorted(dict.fromkeys(r for item in items for r in item.reasons), key=_order))
    ratings = list(dict.fromkeys(item.rating for item in items))
    rows = []
    for rating in ratings:
        held = [item for item in items if item.rating == rating]
        rows.append((rating, len(held), tuple(sum(1 for item in held if reason in item.reasons) for reason in reasons)))
    return AttentionCounts(reasons, tuple(rows))


def counted_lead(items: Sequence[AttentionItem]) -> str:
    """Return the sentence above the counts: why the risks are counted, and where each is in full."""
    return (f"The {number_text(len(items))} risks are more than this section can give in full: the table counts them by "
            "residual rating and by why each is brought to the Committee (a risk may be counted for more than one "
            "reason), and Appendix A gives each risk in full, most severe first.")
