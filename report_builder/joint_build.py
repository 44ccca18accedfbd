"""Build the joint paper from several register files: read and check each, work out each body's content with the
single paper's builders, then the combined summary, and render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report_builder.build import (_check_replaceable, _stamp_as_written, check_totals, convert_to_pdf,
                                  is_previous_paper, provenance)
from report_builder.content import PaperContent, build_content
from report_builder.exempt_build import (ExemptAppendix, ExemptPlan, StaleExempt, clear_stale_exempt, exempt_plan,
                                         exempt_writer, write_together)
from report_builder.joint import JointBody, JointContent, JointPaperError, check_periods, joint_content
from report_builder.sources import error_findings, movements_of
from workbook.core.errors import OutputError, RegisterErrorsError
from workbook.core.history import register_as_of
from workbook.core.model import Register
from workbook.core.periods import Period
from workbook.core.schema import DEFAULT_LISTS
from workbook.core.words import plural, them_it
from workbook.files.atomic import check_writable
from workbook.files.lock import one_writer


@dataclass(frozen=True)
class JointResult:
    paper: Path
    pdf: Path | None
    content: JointContent
    forced_errors: tuple[int, ...]  # each register's error count, in the order given
    exempt: tuple[tuple[str, ExemptAppendix], ...] = ()  # (register file name, its exempt appendix) for each
    # register with open exempt risks
    stale_exempt: tuple[StaleExempt, ...] = ()  # earlier builds' exempt appendices of registers with none due now


def joint_exempt_path(paper: Path, register: Path) -> Path:
    """Return where the exempt appendix of one register of the joint paper at `paper` (or its PDF) goes:
    'joint.docx' and 'force.xlsx' → 'joint-exempt-force.docx'."""
    return paper.with_name(f"{paper.stem}-exempt-{register.stem}{paper.suffix}")


def joint_refusal(flawed: Sequence[tuple[str, list]]) -> RegisterErrorsError:
    """Return the one-line error naming every register with errors, and each of its errors."""
    parts = []
    for source, errors in flawed:
        items = [f"{finding.cell}: {finding.message}" if finding.cell else finding.message for finding in errors]
        if len(items) > 1:
            items = [f"({number}) {item}" for number, item in enumerate(items, start=1)]
        parts.append(f"{source} has {plural(errors, 'error')}: {' '.join(items)}")
    names = ", ".join(source for source, _ in flawed)
    registers = plural(flawed, "register", with_count=False)
    listing = (f"{names}: the {registers} {plural(flawed, 'has', 'have', with_count=False)} errors, so the joint "
               f"paper was not built: {'; '.join(parts)}")
    every = [finding for _, errors in flawed for finding in errors]
    return RegisterErrorsError(
        f"{listing} Correct {them_it(every)} in the {registers} (`riskreg validate "
        f"REGISTER` lists every finding), or pass --force to build the joint paper with a data-quality note.",
        every, listing)


def _check_distinct(paths: Sequence[Path]) -> None:
    seen: set[Path] = set()
    for path in paths:
        if path.resolve() in seen:
            raise JointPaperError(f"{path}: named twice; a joint paper takes each register once.")
        seen.add(path.resolve())


def build_joint_paper(register_paths: Sequence[Path | str], output_path: Path | str,
                      template: Path | str | None = None, force: bool = False, pdf: bool = False,
                      overwrite: bool = False, period: Period | None = None) -> JointResult:
    """Write one paper for the registers at `register_paths` (of the closed quarter `period` of each, when given):
    despite register errors when `force`, naming each register with errors otherwise."""
    from templates import BOARD_PAPER
    from workbook.xlsx.reader import read_register

    from report_builder.joint_render import render_joint

    paths, output = [Path(p) for p in register_paths], Path(output_path)
    if output.suffix.lower() != ".docx":
        raise OutputError(f"{output}: the joint paper is a Word document; give an output name ending in .docx.")
    _check_distinct(paths)
    with one_writer(output):
        ours = _check_replaceable(output, overwrite)
        pdf_target = output.with_suffix(".pdf")
        if pdf:
            check_writable(pdf_target, force=overwrite, ours=ours, option="--overwrite")
        registers: list[Register] = []
        current: list[Register] = []  # as they are now: a risk exempt now is left out of past joint papers too
        for path in paths:
            register = read_register(path)
            current.append(register)
            registers.append(register_as_of(register, period) if period is not None else register)
        check_periods([(path.name, register.period.label) for path, register in zip(paths, registers)])
        found = [error_findings(register) for register in registers]
        flawed = [(path.name, errors) for path, errors in zip(paths, found) if errors]
        if flawed and not force:
            raise joint_refusal(flawed)
        bodies, plans = [], []
        for path, register, now, errors in zip(paths, registers, current, found):
            movements, distribution = movements_of(register)
            plan = exempt_plan(register, now, movements, distribution, errors, provenance(path), False)
            content: PaperContent = plan.public if plan is not None else build_content(
                register, movements=movements, distribution=distribution, provenance=provenance(path),
                forced_errors=errors)
            check_totals(path.name, content)
            bodies.append(JointBody(path.name, content, register.lists.get("Markings", DEFAULT_LISTS["Markings"])))
            if plan is not None and plan.exempt is not None:
                plans.append((path.name, joint_exempt_path(output, path), plan))
        joint = joint_content(bodies, [len(errors) for errors in found])
        for _, target, _ in plans:
            exempt_ours = _check_replaceable(target, overwrite)
            if pdf:
                check_writable(target.with_suffix(".pdf"), force=overwrite, ours=exempt_ours, option="--overwrite")
        chosen = Path(template) if template else BOARD_PAPER

        def write_joint(temp: Path) -> None:
            render_joint(joint, chosen, temp)
            _stamp_as_written(temp)

        write_together([(output, write_joint),
                        *((target, exempt_writer(plan, chosen, _stamp_as_written)) for _, target, plan in plans)])
        made_pdf = convert_to_pdf(output, pdf_target) if pdf else None
        exempt = tuple((source, _appendix(target, plan, pdf)) for source, target, plan in plans)
        due = {source for source, _, _ in plans}
        stale = tuple(clear_stale_exempt(output, is_previous_paper, joint_exempt_path(output, path))
                      for path in paths if path.name not in due)
    return JointResult(output, made_pdf, joint, tuple(len(errors) for errors in found), exempt, stale)


def _appendix(target: Path, plan: ExemptPlan, pdf: bool) -> ExemptAppendix:
    return ExemptAppendix(target, convert_to_pdf(target, target.with_suffix(".pdf")) if pdf else None, plan)


__all__ = ["build_joint_paper", "JointResult"]
