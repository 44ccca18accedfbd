"""Value grids to a workbook file and back: the scratch copy a server works on when it has no file, only values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from workbook.files.atomic import atomic_path
from workbook.xlsx.cells import put

Grid = Sequence[Sequence[object]]


def write_grids(path: Path, grids: Mapping[str, Grid]) -> Path:
    """Write each sheet's values from A1 (no formats, tables or lists: values as the client sent them)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in grids.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    put(ws.cell(row=r, column=c), value)
    with atomic_path(Path(path)) as temp:
        wb.save(temp)
    return Path(path)


def read_values(path: Path, addresses: Sequence[str]) -> dict[str, object]:
    """Return the value at each 'Sheet!A1' address of the workbook file (None where empty)."""
    from openpyxl import load_workbook

    from workbook.core.findings import split_address

    wb = load_workbook(path, read_only=False)
    values = {}
    for address in addresses:
        sheet, row, column = split_address(address)
        values[address] = wb[sheet].cell(row=row, column=column).value
    return values


def sheet_names(path: Path) -> list[str]:
    """Return the workbook file's sheet names, in order."""
    from openpyxl import load_workbook

    return load_workbook(path, read_only=True).sheetnames
