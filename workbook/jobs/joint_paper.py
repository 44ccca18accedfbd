"""Joint paper: one paper for a committee that receives several registers (a force's and its commissioner's),
from the files given or from the list a register's Settings name under 'Joint registers'."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.core.errors import RiskregError
from workbook.core.model import address
from workbook.core.periods import Period
from workbook.core.schema import SETTINGS_SHEET
from workbook.core.words import plural, them_it
from workbook.jobs.common import free_path, writing
from workbook.jobs.paper import is_previous_paper
from workbook.jobs.values import safe_file_name

if TYPE_CHECKING:
    from report_builder.exempt_build import ExemptAppendix
    from report_builder.joint import JointBody
    from report_builder.joint_build import JointResult

# The Settings row naming the registers that go with this one in its joint paper: a label riskreg's own Settings
# table does not use, so a register without it reads as before.
JOINT_SETTING = "Joint registers"
SEPARATORS = re.compile(r"[;\n]")


class JointRequestError(RiskregError):
    """What was asked of a joint paper cannot be done: the Settings sheet's 'Joint registers' row is missing, empty
    or names a file that is not there, or an option only one register's paper has was given."""


def joint_names(grid: Sequence[Sequence[object]] | None) -> tuple[int, list[str]]:
    """Return the Settings row holding 'Joint registers' (0 when none) and the file names it lists (pure)."""
    for number, row in enumerate(grid or [], start=1):
        if row and isinstance(row[0], str) and row[0].strip().casefold() == JOINT_SETTING.casefold():
            value = row[1] if len(row) > 1 and isinstance(row[1], str) else ""
            return number, [name.strip() for name in SEPARATORS.split(value) if name.strip()]
    return 0, []


def joint_register_paths(workbook: Path, instead: str = "or name every register on the command line") -> list[Path]:
    """Return `workbook` and the registers its Settings list under 'Joint registers' (relative to its folder);
    `instead` ends the refusal of an empty list with what else the user can do there."""
    from workbook.xlsx.reader import load_grids

    row, names = joint_names(load_grids(workbook).get(SETTINGS_SHEET))
    if not names:
        where = (f"cell {address(SETTINGS_SHEET, row, 2)} ({JOINT_SETTING}) is empty" if row else
                 f"the {SETTINGS_SHEET} sheet has no row labelled {JOINT_SETTING}")
        raise JointRequestError(
            f"{workbook}: {where}, so there are no registers to join. Name the other registers' files in column B "
            f"of a {SETTINGS_SHEET} row labelled {JOINT_SETTING} (relative to this workbook's folder, separated "
            f"by semicolons), {instead}.")
    paths = [workbook]
    for name in names:
        path = workbook.parent / name
        if not path.is_file():
            raise JointRequestError(
                f"{workbook}: cell {address(SETTINGS_SHEET, row, 2)} ({JOINT_SETTING}) names {name!r}, but there is "
                f"no file {path}. Correct the name (relative to this workbook's folder), or move the register "
                "there.")
        paths.append(path)
    return paths


def free_joint_path(first: Path) -> Path:
    """Return where the ribbon puts the joint paper: the CLI's default name, unless someone has edited that file
    since riskreg wrote it (then the next free name)."""
    return free_path(first.parent, default_joint_path(first).stem, ".docx", is_previous_paper)


def stage_uploads(first: Path, uploads: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write the other registers' files a client sent (name, bytes) in a folder beside `first`, the scratch copy of
    its open workbook (so that no name sent can be the paper's), each under a safe name of its own; return `first`
    and them, in the order sent."""
    paths, taken = [first], {first.name.casefold(): "the open workbook"}
    folder = first.parent / "uploaded"
    folder.mkdir(mode=0o700, exist_ok=True)
    for name, data in uploads:
        safe = safe_file_name(name)
        if safe.casefold() in taken:
            raise JointRequestError(
                f"{safe}: chosen twice, or named as {taken[safe.casefold()]} is, and a joint paper takes each register "
                "once. Choose each other register's file once; rename one of two registers that share a name.")
        taken[safe.casefold()] = "another register chosen"
        path = folder / safe
        path.write_bytes(data)
        paths.append(path)
    return paths


def default_joint_path(first: Path, period: Period | None = None) -> Path:
    """Return where the joint paper goes when no name is given: beside the first register, named after it."""
    quarter = f" {period.label.replace('/', '-')}" if period is not None else ""
    return first.with_name(f"{first.stem} joint paper{quarter}.docx")


@dataclass(frozen=True)
class JointPaper:
    """A joint paper written, and the sentences about it."""

    result: JointResult

    @property
    def paper(self) -> Path:
        return self.result.paper

    def lines(self) -> list[str]:
        """Return what `riskreg paper` prints for a joint paper."""
        joint = self.result.content
        each = "; ".join(f"{b.name} ({b.source}) {plural(b.content.risk_count, 'risk')}, "
                         f"{len(b.content.attention)} for the Committee's attention" for b in joint.bodies)
        lines = [f"Wrote {self.paper}: {joint.title}, marked {joint.marking}, {plural(joint.bodies, 'register')}: "
                 f"{each}."]
        flawed = self._flawed()
        if flawed:
            lines.append(f"Note: built with --force; the paper carries a data-quality note naming "
                         f"{', '.join(flawed)}.")
        if self.result.pdf:
            lines.append(f"Wrote {self.result.pdf}")
        for body, exempt in self.exempt_bodies():
            lines.append(f"Wrote {exempt.paper}: {body.name}'s exempt appendix (Schedule 12A), "
                         f"{plural(exempt.count, 'risk')} left out of the public joint paper, "
                         f"{exempt.note(body.marking)}.")
            if exempt.pdf:
                lines.append(f"Wrote {exempt.pdf}")
        return lines + self.stale_exempt_lines()

    def stale_exempt_lines(self) -> list[str]:
        """Return what is said of earlier builds' exempt appendices of registers with no exempt risk now."""
        return [line for stale in self.result.stale_exempt for line in stale.lines()]

    def exempt_bodies(self) -> list[tuple[JointBody, ExemptAppendix]]:
        """Return (body, its exempt appendix) for each register with risks left out of the public joint paper."""
        by_source = {body.source: body for body in self.result.content.bodies}
        return [(by_source[source], exempt) for source, exempt in self.result.exempt]

    def exempt_files(self) -> list[Path]:
        """Return the exempt appendices and their PDFs."""
        return [path for _, exempt in self.result.exempt for path in (exempt.paper, exempt.pdf) if path is not None]

    def exempt_sentence(self, files: Sequence[str]) -> str:
        """Return what the ribbon and the task pane say of the exempt appendices (`files`: where they are, or their
        names)."""
        each = "; ".join(f"{body.source}: {plural(exempt.count, 'risk')}, {exempt.note(body.marking)}"
                         for body, exempt in self.exempt_bodies())
        appendix = plural(self.result.exempt, "exempt appendix", "exempt appendices", with_count=False)
        return (f"The {appendix} (Schedule 12A; {each}) {plural(self.result.exempt, 'is', 'are', with_count=False)} "
                f"{' and '.join(files)}: keep {them_it(self.result.exempt)} with the private papers, "
                "never the public ones.")

    def excel_message(self, first: Path) -> str:
        """Return what the ribbon's Build joint paper says, for the joint paper of `first` and its Settings list."""
        registers, note = self._registers_and_note()
        default = default_joint_path(first)
        if self.paper != default:
            note += f" The paper {default.name} was changed since riskreg wrote it, so it was kept as it is."
        if self.result.exempt:
            note += f" {self.exempt_sentence([str(exempt.paper) for _, exempt in self.result.exempt])}"
        stale = " ".join(line.removeprefix("Note: ") for line in self.stale_exempt_lines())
        return f"Joint paper written to {self.paper}, {registers}.{note}" + (f" {stale}" if stale else "")

    def pane_message(self, files: Sequence[str], exempt: Sequence[str]) -> str:
        """Return what the task pane says of the joint paper sent back as `files` (names), its exempt appendices as
        `exempt`."""
        registers, note = self._registers_and_note()
        if exempt:
            note += f" {self.exempt_sentence(exempt)}"
        return f"Joint paper built: {' and '.join(files)}, {registers}; ready to save from the task pane.{note}"

    def _registers_and_note(self) -> tuple[str, str]:
        """Return 'marked M, for N registers: body (file), …' and the data-quality note of a forced paper."""
        joint = self.result.content
        names = ", ".join(f"{b.name} ({b.source})" for b in joint.bodies)
        flawed = self._flawed()
        note = f" It carries a data-quality note naming {', '.join(flawed)}." if flawed else ""
        return f"marked {joint.marking}, for {plural(joint.bodies, 'register')}: {names}", note

    def _flawed(self) -> list[str]:
        """Return 'file (N errors)' for each register a forced joint paper was built with despite its errors."""
        bodies = self.result.content.bodies
        return [f"{b.source} ({plural(n, 'error')})" for b, n in zip(bodies, self.result.forced_errors) if n]


def build_joint_paper(registers: Sequence[Path], output: Path | None = None, *, template: Path | None = None,
                      force: bool = False, pdf: bool = False, overwrite: bool = False,
                      period: Period | None = None, from_settings: bool = False,
                      positions: bool = False) -> JointPaper:
    """Write one paper for `registers` (or, `from_settings`, for the first and those its Settings list)."""
    from report_builder.joint_build import build_joint_paper as build

    if positions:
        raise JointRequestError("--positions is for one register's paper; build each register's paper for its "
                                "positions table.")
    paths = joint_register_paths(Path(registers[0])) + [Path(p) for p in registers[1:]] if from_settings \
        else [Path(p) for p in registers]
    target = output or default_joint_path(paths[0], period)
    with writing(target if target.suffix.lower() == ".docx" else None):
        return JointPaper(build(paths, target, template=template, force=force, pdf=pdf, overwrite=overwrite,
                                period=period))
