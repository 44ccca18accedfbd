"""Write a register as one flat table (.xlsx, .csv or .tsv), the layout `riskreg import` reads back: a row per risk."""

from __future__ import annotations

from pathlib import Path

from workbook.core.model import Register
from workbook.core.periods import parse_period
from workbook.core.schema import COLUMNS, CORE_COLUMNS
from workbook.core.values import typed_text
from workbook.files.atomic import atomic_path, check_writable

FORMATS = ("text", "xlsx", "csv", "tsv")


def flat_rows(register: Register) -> tuple[list[str], list[list[object]]]:
    """Return headers and rows: the register's columns, then one column of ratings per History quarter."""
    columns = [c for c in COLUMNS if c in CORE_COLUMNS or c.key in register.columns]
    rated = sorted({e.period for e in register.history if e.rating}, key=parse_period)
    ratings = {(e.risk_id, e.period): e.rating for e in register.history if e.rating}
    headers = [register.header_of(c.key) for c in columns] + rated
    rows: list[list[object]] = [[*(risk.text(c.key) for c in columns), *(ratings.get((risk.id, p), "") for p in rated)]
                                for risk in register.risks]
    return headers, rows


def not_carried(register: Register) -> list[str]:
    """Return what of `register` a flat table leaves behind (said after the export)."""
    lost = []
    if any(not e.rating and (e.trend or e.score is not None) for e in register.history):
        lost.append("History rows without a rating (their trend arrows and scores)")
    if any(e.rating and (e.likelihood is not None or e.score is not None) for e in register.history):
        lost.append("History scores (each quarter's rating is carried)")
    return lost


def write_flat(register: Register, output: Path, fmt: str, *, force: bool = False) -> Path:
    """Write `register` to `output` as a flat .xlsx, .csv or .tsv table, atomically."""
    import pandas as pd

    check_writable(output, force=force)
    headers, rows = flat_rows(register)
    frame = pd.DataFrame(rows, columns=headers, dtype=object)
    with atomic_path(output) as temp:
        if fmt == "xlsx":
            _write_xlsx(temp, headers, rows)
        else:
            # A cell Excel would run as a formula when the file is opened gets the apostrophe Excel itself uses.
            safe = frame.map(typed_text)
            safe.to_csv(temp, index=False, sep="," if fmt == "csv" else "\t", encoding="utf-8-sig")
    return output


def _write_xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    from workbook.xlsx.cells import put

    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    table: list[list[object]] = [list(headers), *rows]
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            put(ws.cell(row=r, column=c), value if value != "" else None)
    wb.save(path)
