"""Build the joint paper from several register files: read and check each, work out each body's content with the
single paper's builders, then the combined summary, and render."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report_builder.build import (_check_replaceable, _stamp_as_written, check_totals, convert_to_pdf, provenance)
from report_builder.content import build_content
from report_builder.exempt_build import EXEMPT_SUFFIX, ExemptAppendix, ExemptPlan, exempt_plan
from report_builder.joint import JointBody, JointContent, JointPaperError, check_periods, joint_content
from report_builder.sources import error_findings, movements_of
from workbook.core.errors import OutputError, RegisterErrorsError
from workbook.core.history import register_as_of
from workbook.core.model import Register
from workbook.core.periods import Period
from workbook.core.schema import DEFAULT_LISTS
from workbook.core.words import plural, them_it
from workbook.files.atomic import atomic_path, check_writable
from workbook.files.lock import one_writer


@dataclass(frozen=True)
class JointResult:
    paper: Path
    pdf: Path | None
    content: JointContent
    forced_errors: tuple[int, ...]  # each register's error count, in the order given
    exempt: tuple[tuple[str, ExemptAppendix], ...] = ()  # (register file, its exempt appendix), registers in order

    def exempt_files(self) -> list[Path]:
        """Return every exempt appendix written beside the joint paper, each followed by its PDF."""
        return [path for _, made in self.exempt for path in [made.paper] + ([made.pdf] if made.pdf else [])]


def joint_exempt_path(paper: Path, source: str, several: bool) -> Path:
    """Return where the exempt appendix of register `source` in the joint paper (or PDF) at `paper` goes: as the
    single paper's ('joint.docx' → 'joint-exempt.docx'), with the register's name when `several` registers have
    exempt risks ('joint-exempt opcc.docx')."""
    which = f" {Path(source).stem}" if several else ""
    return paper.with_name(f"{paper.stem}{EXEMPT_SUFFIX}{which}{paper.suffix}")


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
        currents: list[Register] = []  # as they are now: a risk exempt now is left out of a past joint paper too
        for path in paths:
            register = read_register(path)
            currents.append(register)
            registers.append(register_as_of(register, period) if period is not None else register)
        check_periods([(path.name, register.period.label) for path, register in zip(paths, registers)])
        found = [error_findings(register) for register in registers]
        flawed = [(path.name, errors) for path, errors in zip(paths, found) if errors]
        if flawed and not force:
            raise joint_refusal(flawed)
        bodies, plans = [], []
        for path, register, current, errors in zip(paths, registers, currents, found):
            movements, distribution = movements_of(register)
            plan = exempt_plan(register, current, movements, distribution, errors, provenance(path), False)
            content = plan.public if plan is not None else build_content(
                register, movements=movements, distribution=distribution, provenance=provenance(path),
                forced_errors=errors)
            if plan is not None and plan.exempt is not None:
                plans.append((path.name, plan))
            check_totals(path.name, content)
            bodies.append(JointBody(path.name, content, register.lists.get("Markings", DEFAULT_LISTS["Markings"])))
        joint = joint_content(bodies, [len(errors) for errors in found])
        several = len(plans) > 1
        targets = [joint_exempt_path(output, source, several) for source, _ in plans]
        for target in targets:
            exempt_ours = _check_replaceable(target, overwrite)
            if pdf:
                check_writable(target.with_suffix(".pdf"), force=overwrite, ours=exempt_ours, option="--overwrite")
        chosen = Path(template) if template else BOARD_PAPER
        _write_all(joint, chosen, output, plans, targets)
        made_pdf = convert_to_pdf(output, pdf_target) if pdf else None
        exempt = tuple((source, ExemptAppendix(target, convert_to_pdf(target, target.with_suffix(".pdf")) if pdf
                                               else None, plan)) for (source, plan), target in zip(plans, targets))
    return JointResult(output, made_pdf, joint, tuple(len(errors) for errors in found), exempt)


def _write_all(joint: JointContent, template: Path, output: Path, plans: Sequence[tuple[str, ExemptPlan]],
               targets: Sequence[Path]) -> None:
    """Write the joint paper and each register's exempt appendix: every one rendered before any is put in place,
    the appendices first, so that a public paper without exempt risks never stands without its appendices."""
    from report_builder.exempt_render import render_exempt
    from report_builder.joint_render import render_joint

    with contextlib.ExitStack() as stack:
        temp = stack.enter_context(atomic_path(output))  # put in place last (the stack unwinds in reverse)
        render_joint(joint, template, temp)
        _stamp_as_written(temp)
        for (_, plan), target in zip(plans, targets):
            exempt_temp = stack.enter_context(atomic_path(target))
            assert plan.exempt is not None
            render_exempt(plan.exempt, template, exempt_temp, plan.lines, plan.heading)
            _stamp_as_written(exempt_temp)


__all__ = ["build_joint_paper", "JointResult"]
