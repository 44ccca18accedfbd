"""The use case that builds the read-only consolidated view of several registers (`riskreg consolidate`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import OutputError
from workbook.core.escalation import Overview, overview
from workbook.core.words import plural
from workbook.jobs.common import check_output


@dataclass(frozen=True)
class Consolidated:
    """The view written: where, and what it holds."""

    path: Path
    view: Overview
    registers: int

    def line(self) -> str:
        open_risks = sum(sum(numbers) for _, numbers in self.view.counts)
        return (f"Wrote {self.path}: {plural(self.view.rows, 'risk')} from {plural(self.registers, 'register')} "
                f"({open_risks} open), read-only.")


def consolidate(paths: list[Path], output: Path, *, force: bool = False) -> Consolidated:
    """Write the consolidated view of the registers at `paths` to `output`, refused when it is one of them."""
    from workbook.xlsx.overview import write_overview
    from workbook.xlsx.reader import read_register

    if not paths:
        raise OutputError("Give at least one register workbook to consolidate.")
    for path in paths:
        if Path(path).resolve() == Path(output).resolve():
            raise OutputError(f"{output}: is one of the registers being consolidated, so nothing was written. "
                              "Give the view a file name of its own (-o view.xlsx).")
    check_output(output, force=force)
    view = overview([read_register(Path(path)) for path in paths])
    write_overview(output, view, [str(Path(p).name) for p in paths])
    return Consolidated(output, view, len(paths))
