"""Dates as the paper writes them."""

from __future__ import annotations

import datetime as dt

from workbook.core.model import as_text


def date_text(value: object) -> str:
    """Return a Settings date as a paper writes it ('30 September 2021'); text is kept as typed."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return as_text(value).strip()
