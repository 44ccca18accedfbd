"""Dates, and the Settings values beside them, as the paper writes them."""

from __future__ import annotations

from workbook.core.model import Formula, as_text
from workbook.core.rules import ERROR_VALUES
from workbook.core.values import as_date


def date_text(value: object) -> str:
    """Return a date as a paper writes it ('30 September 2021'), a date stored as a number too; other text is
    kept as typed."""
    date = as_date(value)
    if date is not None:
        return f"{date.day} {date:%B %Y}"
    return setting_text(value)


def setting_text(value: object) -> str:
    """Return a Settings value as the paper prints it: a formula or an error value never reaches the paper as
    its text (validation lists it), so it prints as empty."""
    text = as_text(value).strip()
    return "" if isinstance(value, Formula) or text.upper() in ERROR_VALUES else text
