"""Movements as a paper test names them: kind, risk, name, last period's arrow (a closed risk's rating), this one's."""

from __future__ import annotations

from workbook.core.trends import CLOSED_KIND, REMOVED_NOTE, Movement


def movement(kind: str, risk_id: str, name: str, before: str, after: str, removed: bool = False) -> Movement:
    """Return a movement of `kind` with last period's arrow `before` (a closed risk's rating) and this one's `after`."""
    closed = kind == CLOSED_KIND
    return Movement(risk_id, name, "", before if closed else "", after, True, REMOVED_NOTE if removed else "", kind,
                    "" if closed else before)
