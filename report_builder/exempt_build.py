"""Build the public paper and its exempt appendix together: both written, or neither."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from report_builder import exempt as parting
from report_builder.content import Distribution, PaperContent, Provenance, build_content, named
from report_builder.dates import setting_text
from workbook.core.model import Register
from workbook.core.trends import Movement
from workbook.files.atomic import Commit, atomic_paths

EXEMPT_SUFFIX = "-exempt"


def exempt_path(paper: Path) -> Path:
    """Return where the exempt appendix of the paper (or PDF) at `paper` goes: 'paper.docx' → 'paper-exempt.docx'."""
    return paper.with_name(f"{paper.stem}{EXEMPT_SUFFIX}{paper.suffix}")


@dataclass(frozen=True)
class ExemptPlan:
    """What the two documents say: the public paper without the exempt risks, and the exempt appendix."""

    public: PaperContent
    exempt: PaperContent | None  # the exempt risks' content, under the exempt title and marking; None: none open
    split: parting.ExemptSplit
    marking: str
    marking_set: bool  # False: Settings has no Exempt marking, so the appendix carries the paper's own

    @property
    def heading(self) -> str:
        return "The exempt risks in full"

    @property
    def lines(self) -> tuple[tuple[str, str], ...]:
        """Return the appendix's opening paragraphs (text, style): why it is exempt, and which risks it holds."""
        assert self.exempt is not None
        names = self.split.exempt.by_id()
        risks = [named(row.risk_id, names[row.risk_id].name) for row in self.exempt.appendix_rows]
        return ((self.split.statement, "Normal"),
                *((line, "ListBullet") for line in self.split.descriptions()),
                ("The risks in this appendix, most severe first:", "Normal"),
                *((risk, "ListBullet") for risk in risks))


@dataclass(frozen=True)
class ExemptAppendix:
    """The exempt appendix written beside the paper."""

    paper: Path
    pdf: Path | None
    plan: ExemptPlan

    @property
    def count(self) -> int:
        return len(self.plan.split.withheld)

    def note(self, paper_marking: str) -> str:
        """Return what the output says of the appendix's marking."""
        if self.plan.marking_set:
            return f"marked {self.plan.marking}"
        return (f"marked {paper_marking}, the paper's own marking: Settings has no Exempt marking (set one to mark "
                "the exempt appendix higher)")


def exempt_plan(register: Register, current: Register, movements: Sequence[Movement],
                distribution: Sequence[Distribution], errors: Sequence, provenance: Provenance,
                positions: bool) -> ExemptPlan | None:
    """Return the two documents' content when the register has open exempt risks, None when it has none.

    Exemption is read from `current`, the register as it is now (the same as `register` unless a past quarter's
    paper is built): a risk marked exempt is left out of every public paper built from then on."""
    split = parting.split(register, parting.exempt_ids(current))
    if split is None:
        return None
    ids = split.ids
    shown, withheld_errors = parting.public_findings(errors, split.exempt)
    public = build_content(split.public, movements=parting.public_movements(movements, ids),
                           distribution=distribution, provenance=provenance, forced_errors=shown,
                           positions=positions, withheld=split.withheld, exempt_note=split.sentence)
    if withheld_errors:
        public = dataclasses.replace(public, data_quality=parting.public_data_quality(
            shown, withheld_errors, public.uncounted, appendix=bool(split.withheld)))
    if not split.withheld:  # only closed exempt risks: the public paper leaves them out, and no appendix is due
        return ExemptPlan(public, None, split, "", False)
    content = build_content(split.exempt, movements=[m for m in movements if m.risk_id in ids],
                            provenance=provenance, forced_errors=withheld_errors)
    own = setting_text(current.setting("exempt_marking")).upper()
    parting.check_marking(current, own, public.title_block.marking)
    marking = own or public.title_block.marking
    block = dataclasses.replace(content.title_block, marking=marking,
                                title=f"Exempt appendix: {content.title_block.title}")
    return ExemptPlan(public, dataclasses.replace(content, title_block=block), split, marking, bool(own))


def write_together(writes: Sequence[tuple[Path, Callable[[Path], object]]]) -> None:
    """Write each (target, render) pair, every render into a temporary file before any target is replaced: if any
    render or replace fails, no target is left changed (those already replaced get back the very file they held)."""
    # The first (the paper) is replaced last: a paper never stands beside an appendix that is not its own.
    ordered = list(reversed(writes))
    with atomic_paths(tuple(Commit(target) for target, _ in ordered)) as temps:
        for (_, render), temp in zip(ordered, temps):
            render(temp)


def exempt_writer(plan: ExemptPlan, template: Path, stamp: Callable[[Path], None]) -> Callable[[Path], None]:
    """Return what writes the exempt appendix of `plan` to a path."""
    from report_builder.exempt_render import render_exempt

    def write(target: Path) -> None:
        assert plan.exempt is not None
        render_exempt(plan.exempt, template, target, plan.lines, plan.heading)
        stamp(target)

    return write


def write_both(plan: ExemptPlan, template: Path, output: Path, render_public: Callable[[PaperContent, Path], object],
               stamp: Callable[[Path], None]) -> None:
    """Write the public paper at `output` and the exempt appendix beside it: if either fails, neither is left (an
    earlier exempt appendix is put back as it was)."""
    write_together([(output, lambda temp: render_public(plan.public, temp)),
                    (exempt_path(output), exempt_writer(plan, template, stamp))])


@dataclass(frozen=True)
class StaleExempt:
    """An exempt appendix (and its PDF) an earlier build left beside the paper, now that no risk is exempt: each
    file removed, or kept with the reason."""

    removed: tuple[Path, ...] = ()
    kept: tuple[tuple[Path, str], ...] = ()  # the file, and why it was kept

    def lines(self) -> list[str]:
        """Return what the output says of them (nothing when there were none)."""
        lines = [f"Removed {path}: the exempt appendix an earlier build wrote beside the paper, unchanged since; no "
                 f"risk is exempt now, so this paper has none." for path in self.removed]
        return lines + [f"Note: {path} is stale: it is the exempt appendix of an earlier build, and no risk is "
                        f"exempt now, so this paper has none. It was kept because {why}." for path, why in self.kept]


def clear_stale_exempt(output: Path, is_ours: Callable[[Path], bool], appendix: Path | None = None) -> StaleExempt:
    """Remove the exempt appendix beside the paper at `output` (`appendix`, by default the single paper's) and its
    PDF when riskreg wrote it and no one has changed it since (`is_ours`, as for the paper itself); else keep it and
    say why. Call it only when the paper just written has no such exempt appendix."""
    from workbook.core.errors import OutputError
    from workbook.files.in_use import check_not_open

    removed: list[Path] = []
    kept: list[tuple[Path, str]] = []
    appendix = appendix or exempt_path(output)
    pdf = appendix.with_suffix(".pdf")
    if appendix.is_file():
        try:
            check_not_open(appendix)
            open_now = ""
        except OutputError:
            open_now = "it is open in Word: close it, then delete it"
        if open_now:
            kept.append((appendix, open_now))
        elif not is_ours(appendix):
            kept.append((appendix, "it was changed since riskreg wrote it (or riskreg did not write it): delete it, "
                                   "or move it away from this paper"))
        else:
            try:
                appendix.unlink()
                removed.append(appendix)
            except OSError as err:
                kept.append((appendix, f"it could not be removed ({err.strerror}): delete it"))
    if pdf.is_file():
        if removed:  # the PDF made from it, as the paper's PDF goes with the paper
            try:
                pdf.unlink()
                removed.append(pdf)
            except OSError as err:
                kept.append((pdf, f"it could not be removed ({err.strerror}): delete it"))
        else:
            kept.append((pdf, "riskreg cannot tell whether a PDF was changed, and the appendix it was made from is "
                              "not riskreg's unchanged one: delete it, or move it away from this paper"))
    return StaleExempt(tuple(removed), tuple(kept))
