"""Paper: the board paper built from a register workbook, beside it; an edited earlier paper is never replaced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core.periods import Period
from workbook.core.words import plural
from workbook.jobs.common import free_path, writing

if TYPE_CHECKING:
    from report_builder.build import PaperResult
    from report_builder.content import PaperContent


def default_paper_path(register_path: Path, period: Period | None = None) -> Path:
    """Return where the paper goes when no name is given: beside the workbook, named after it (and the quarter,
    for a past quarter's paper)."""
    quarter = f" {period.label.replace('/', '-')}" if period is not None else ""
    return register_path.with_name(f"{register_path.stem} board paper{quarter}.docx")


def is_previous_paper(path: Path) -> bool:
    """Return whether `path` is a paper riskreg wrote and nobody has saved since (so it may be replaced)."""
    from report_builder.build import is_previous_paper as unchanged

    return unchanged(path)


def free_paper_path(register: Path) -> Path:
    """Return where the ribbon puts the paper: the CLI's default name, unless someone has edited that file since."""
    return free_path(register.parent, f"{register.stem} board paper", ".docx", is_previous_paper)


@dataclass(frozen=True)
class Paper:
    """A board paper written: report_builder's result, and the sentences about it."""

    result: PaperResult
    register_path: Path

    @property
    def paper(self) -> Path:
        return self.result.paper

    @property
    def content(self) -> PaperContent:
        return self.result.content

    @property
    def pdf(self) -> Path | None:
        return self.result.pdf

    @property
    def forced_errors(self) -> int:
        return self.result.forced_errors

    def lines(self) -> list[str]:
        """Return what `riskreg paper` prints."""
        content = self.result.content
        lines = [f"Wrote {self.paper}: {content.title_block.title}, {plural(content.risk_count, 'risk')}, "
                 f"{len(content.attention)} for the Committee's attention."]
        if self.forced_errors:
            lines.append(f"Note: built with --force; the paper carries a data-quality note listing "
                         f"{plural(self.forced_errors, 'register error')}.")
        if self.pdf:
            lines.append(f"Wrote {self.pdf}")
        lines += self.exempt_lines()
        lines += self.stale_exempt_lines()
        lines += [f"Note: {note}" for note in self.result.notes]
        return lines

    def exempt_lines(self) -> list[str]:
        """Return what `riskreg paper` says of the exempt appendix written beside the paper, if any."""
        exempt = self.result.exempt
        if exempt is None:
            return []
        marking = self.content.title_block.marking
        lines = [f"Wrote {exempt.paper}: the exempt appendix (Schedule 12A), "
                 f"{plural(exempt.count, 'risk')} left out of the public paper, {exempt.note(marking)}."]
        return lines + ([f"Wrote {exempt.pdf}"] if exempt.pdf else [])

    def stale_exempt_lines(self) -> list[str]:
        """Return what is said of an earlier build's exempt appendix beside the paper, now that none is due."""
        stale = self.result.stale_exempt
        return stale.lines() if stale is not None else []

    def exempt_files(self) -> list[Path]:
        """Return the exempt appendix and its PDF, when the paper has one."""
        exempt = self.result.exempt
        return [] if exempt is None else [exempt.paper] + ([exempt.pdf] if exempt.pdf else [])

    def exempt_sentence(self, files: list[Path]) -> str:
        """Return what the task pane says of the exempt appendix sent with the paper."""
        exempt = self.result.exempt
        assert exempt is not None
        return (f"Its exempt appendix ({plural(exempt.count, 'risk')} under Schedule 12A, "
                f"{exempt.note(self.content.title_block.marking)}) is {' and '.join(p.name for p in files)}: keep "
                "it with the private papers, never the public ones.")

    def excel_message(self) -> str:
        """Return what the ribbon's Build board paper says."""
        note = (f" It carries a data-quality note listing {plural(self.forced_errors, 'register error')}."
                if self.forced_errors else "")
        default = default_paper_path(self.register_path)
        if self.paper != default:
            note += f" The paper {default.name} was changed since riskreg wrote it, so it was kept as it is."
        exempt = self.result.exempt
        if exempt is not None:
            note += (f" Its exempt appendix ({plural(exempt.count, 'risk')} under Schedule 12A, "
                     f"{exempt.note(self.content.title_block.marking)}) was written to {exempt.paper}.")
        stale = " ".join(line.removeprefix("Note: ") for line in self.stale_exempt_lines())
        return f"Board paper written to {self.paper}.{note}" + (f" {stale}" if stale else "")


def pdf_available() -> bool:
    """Return whether LibreOffice is installed here to turn the paper into a PDF."""
    from report_builder.build import soffice_binary

    return soffice_binary() is not None


def build_paper(register_path: Path, output: Path | None = None, *, template: Path | None = None,
                force: bool = False, pdf: bool = False, overwrite: bool = False, positions: bool = False,
                period: Period | None = None) -> Paper:
    """Write the board paper of the register at `register_path` (of the closed quarter `period`, when given;
    despite its errors when `force`, replacing a changed output file when `overwrite`, with the positions table
    when `positions`)."""
    from report_builder.build import build_paper as build

    target = output or default_paper_path(register_path, period)
    with writing(target if target.suffix.lower() == ".docx" else None):  # build names a wrong suffix itself
        return Paper(build(register_path, target, template=template, force=force, pdf=pdf, overwrite=overwrite,
                           positions=positions, period=period), register_path)
