"""New register: an empty register workbook reporting a quarter, with the Settings values its paper names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbook.core.periods import Period


def paper_settings(organisation: str | None = None, committee: str | None = None, report_of: str | None = None,
                   author: str | None = None) -> dict[str, str]:
    """Return the Settings values a new register is given for its paper (those given; the rest get placeholders)."""
    given = {"organisation": organisation, "committee": committee, "author": report_of, "contact": author}
    return {key: value.strip() for key, value in given.items() if value and value.strip()}


@dataclass(frozen=True)
class Created:
    """A register workbook just created."""

    path: Path
    period: Period

    def line(self) -> str:
        return f"Created {self.path} (reporting period {self.period.label})."


def new_register(path: Path, period: Period, *, force: bool = False, full: bool = False,
                 settings: Mapping[str, object] | None = None, exempt: bool = False) -> Path:
    """Create an empty register workbook reporting `period`, with the Settings values in `settings`; `full` adds
    the in-depth columns and sheets, `exempt` the Exempt column (Schedule 12A) and its list."""
    from workbook.xlsx.builder import write_workbook

    written: Path = write_workbook(path, settings={**(settings or {}), "period": period.label}, force=force,
                                   full=full, exempt=exempt)
    return written


def create_register(path: Path, period: Period, *, force: bool = False, full: bool = False,
                    settings: Mapping[str, object] | None = None, exempt: bool = False) -> Created:
    """Create an empty register workbook, as `new_register`, and say so."""
    return Created(new_register(path, period, force=force, full=full, settings=settings, exempt=exempt), period)
