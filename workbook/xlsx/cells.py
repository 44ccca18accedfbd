"""Storing a value in an openpyxl cell the way riskreg always does: as typed, never as a formula."""

from __future__ import annotations

from workbook.core.values import looks_like_formula, storable


def put(cell, value: object) -> None:
    """Store `value`; text that Excel would read as a formula stays text, unstorable characters are dropped."""
    value = storable(value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
