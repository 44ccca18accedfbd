"""Past paper: a closed quarter's board paper built again as History and the Record sheet kept it at the close."""

from __future__ import annotations

from pathlib import Path

from workbook.core.periods import Period
from workbook.jobs.paper import Paper, build_paper


def build_past_paper(register_path: Path, period: Period, output: Path | None = None, *,
                     template: Path | None = None, force: bool = False, pdf: bool = False, overwrite: bool = False,
                     positions: bool = False) -> Paper:
    """Write the board paper of the closed quarter `period` (named after it beside the workbook by default)."""
    return build_paper(register_path, output, template=template, force=force, pdf=pdf, overwrite=overwrite,
                       positions=positions, period=period)
