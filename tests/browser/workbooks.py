"""A register .xlsx as the Office.js test double's workbook (values, fills, notes, tables, names), and back."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HIDDEN = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}


def fill_colour(cell) -> str | None:
    """Return the cell's solid fill as Office.js gives it ('#RRGGBB'), or None."""
    fill = cell.fill
    if fill is None or fill.fill_type != "solid" or fill.fgColor is None or fill.fgColor.type != "rgb":
        return None
    return "#" + fill.fgColor.rgb[-6:].upper()


def double_book(path: Path, name: str | None = None) -> dict:
    """Return the workbook at `path` as the test double holds it (what Excel would show for the same file)."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
        fills, notes = {}, {}
        for row in ws.iter_rows():
            for cell in row:
                if colour := fill_colour(cell):
                    fills[cell.coordinate] = colour
                if cell.comment is not None:
                    notes[cell.coordinate] = cell.comment.text
        tables = [{"name": t.name, "ref": t.ref, "showHeaders": bool(t.headerRowCount if t.headerRowCount is not None
                                                                      else 1),
                   "showTotals": bool(t.totalsRowCount), "style": t.tableStyleInfo.name if t.tableStyleInfo else ""}
                  for t in ws.tables.values()]
        sheets.append({"name": ws.title, "visibility": HIDDEN[ws.sheet_state], "values": values, "fills": fills,
                       "notes": notes, "tables": tables, "names": []})
    names = [{"name": n, "formula": "=" + d.attr_text} for n, d in wb.defined_names.items()]
    return {"name": name or path.name, "active": 0, "sheets": sheets, "names": names}


def trimmed(values: list[list]) -> list[list]:
    """Return `values` without trailing empty cells and rows (an empty cell is '' as Office.js gives it)."""
    rows = [list(row) for row in values]
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return [["" if v is None else v for v in row] for row in rows]


def sheets_of(book: dict) -> dict[str, dict]:
    """Return each sheet of a double's workbook as the test compares it: visibility, values, notes, fills."""
    return {s["name"]: {"hidden": s["visibility"] != "Visible", "values": trimmed(s["values"]),
                        "notes": dict(sorted(s["notes"].items())), "fills": dict(sorted(s["fills"].items()))}
            for s in book["sheets"]}


