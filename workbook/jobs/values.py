"""Working on values only: a server has the client's values, not its file, so the jobs run on a scratch copy."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbook.core.periods import Period
from workbook.core.model import Register
from workbook.jobs.paper import Paper, build_paper
from workbook.jobs.roll import Roll, roll_quarter


@dataclass(frozen=True)
class ValuesRoll:
    """A roll-over worked out on a scratch copy of the client's values: what to write back, and what to drop."""

    roll: Roll
    values: dict[str, object]  # 'Sheet!A1' -> new value, for every cell the roll-over writes
    removed_sheets: tuple[str, ...]
    added_sheets: tuple[str, ...] = ()  # the Record sheet, the first time: the client adds it (hidden) first


def roll_quarter_values(grids: dict, source: str, period: Period, register: Register, *,
                        close_with_errors: bool = True) -> ValuesRoll:
    """Roll the quarter of the workbook whose sheets hold `grids`, on a scratch copy; return the cells to write
    (closed despite errors, and the Record sheet saying so, unless `close_with_errors` is False: then refused).
    The server's Roll quarter has no "close anyway" question yet, so it closes as it always has."""
    from workbook.xlsx.grids import read_values, sheet_names, write_grids

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        roll = roll_quarter(scratch, period, register=register, close_with_errors=close_with_errors)
        assert roll.written is not None
        values = read_values(scratch, roll.written.cells)
        kept = sheet_names(scratch)
    return ValuesRoll(roll, values, tuple(name for name in grids if name not in kept),
                      tuple(name for name in kept if name not in grids))


def build_paper_values(grids: dict, source: str, *, force: bool = False, pdf: bool = False,
                       positions: bool = False) -> tuple[Paper, dict[str, bytes]]:
    """Build the board paper of the workbook whose sheets hold `grids` (with the positions when `positions`);
    return the paper and file name -> bytes."""
    from workbook.xlsx.grids import write_grids

    with tempfile.TemporaryDirectory(prefix="riskreg-") as folder:
        scratch = write_grids(Path(folder) / _scratch_name(source), grids)
        result = build_paper(scratch, force=force, pdf=pdf, positions=positions)
        files = {result.paper.name: result.paper.read_bytes()}
        if result.pdf:
            files[result.pdf.name] = result.pdf.read_bytes()
    return result, files


def _scratch_name(source: str) -> str:
    """Return a safe file name for the scratch copy of the workbook named `source` (the paper is named after it)."""
    stem = Path(str(source).replace("\\", "/")).stem
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_()").strip() or "register"
    return f"{stem[:100]}.xlsx"
