"""What a joint paper says: several registers' papers under one combined summary (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from report_builder.content import MOVEMENT_KINDS, PaperContent
from workbook.core.errors import RiskregError
from workbook.core.ratings import NOT_RATED
from workbook.core.schema import DEFAULT_LISTS
from workbook.core.words import number_text, plural

JOINT_MARKER = "riskreg:board-paper:joint"


class JointPaperError(RiskregError):
    """The registers cannot make one joint paper as they stand (another quarter, a marking riskreg cannot rank)."""


@dataclass(frozen=True)
class JointBody:
    """One register of the joint paper: its body's own name and marking, and the content its own paper has."""

    source: str  # the register file's name
    content: PaperContent
    markings: tuple[str, ...] = DEFAULT_LISTS["Markings"]  # the register's Lists sheet's order, lowest first

    @property
    def name(self) -> str:
        return self.content.title_block.organisation

    @property
    def marking(self) -> str:
        return self.content.title_block.marking

    @property
    def scale(self) -> tuple[str, ...]:
        """The register's rating bands, most severe first (Not rated left out)."""
        return tuple(row.rating for row in self.content.rating_rows if row.rating != NOT_RATED.name)

    def count(self, rating: str) -> int:
        return next((row.counts[-1] for row in self.content.rating_rows if row.rating == rating and row.counts), 0)


@dataclass(frozen=True)
class JointContent:
    """Everything the joint paper says beyond each body's own content, in reading order."""

    bodies: tuple[JointBody, ...]
    marking: str  # the highest of the bodies' markings
    period: str
    period_long: str
    combined_headers: tuple[str, ...]  # "Residual rating", each body's name, "Total"
    combined_rows: tuple[tuple[str, ...], ...]  # one per band when the bodies' bands agree; else empty
    scales_note: str  # why there is no combined table by rating, and each body's bands; "" when they agree
    movement_headers: tuple[str, ...]
    movement_rows: tuple[tuple[str, ...], ...]  # one per movement kind: counts per body and in total
    purpose: str
    data_quality: tuple[str, ...] = ()  # the forced paper's note: which registers have errors

    @property
    def risk_count(self) -> int:
        return sum(body.content.risk_count for body in self.bodies)

    @property
    def names(self) -> str:
        return and_list([body.name for body in self.bodies])

    @property
    def title(self) -> str:
        return f"Joint risk report – {self.period_long}"


def and_list(items: Sequence[str]) -> str:
    """Return 'A, B and C'."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def marking_order(bodies: Sequence[JointBody]) -> list[str]:
    """Return the markings from lowest to highest: riskreg's Markings list, then each register's own additions in
    its Lists sheet's order (a higher marking is listed after a lower one)."""
    order: list[str] = []
    for markings in (DEFAULT_LISTS["Markings"], *(body.markings for body in bodies)):
        for marking in markings:
            name = marking.strip().upper()
            if name and name not in order:
                order.append(name)
    return order


def highest_marking(bodies: Sequence[JointBody]) -> str:
    """Return the highest of the bodies' markings; raise naming a marking that no Markings list ranks."""
    order = marking_order(bodies)
    for body in bodies:
        if body.marking not in order:
            raise JointPaperError(
                f"{body.source}: the protective marking {body.marking!r} is not on riskreg's Markings list or the "
                f"register's own ({', '.join(order)}), so the joint paper cannot tell whether it is higher than the "
                f"others'; the joint paper was not built. Add it to the Markings list of the register's Lists "
                f"sheet, after the markings it is higher than.")
    return max((body.marking for body in bodies), key=order.index)


def check_periods(reports: Sequence[tuple[str, str]]) -> None:
    """Refuse registers (file name, quarter reported) that report different quarters: one joint paper reports
    one quarter."""
    if len({period for _, period in reports}) > 1:
        each = "; ".join(f"{source} reports {period}" for source, period in reports)
        raise JointPaperError(f"{each}: a joint paper reports one quarter, so it was not built. Roll the registers "
                              f"to the same quarter, or give --period for a quarter all of them have closed.")


def bands_agree(bodies: Sequence[JointBody]) -> bool:
    return len({body.scale for body in bodies}) == 1


def combined_rating_rows(bodies: Sequence[JointBody]) -> tuple[tuple[str, ...], ...]:
    """Return one row per band (and Not rated when any body counts one): each body's count, then the total."""
    names = list(bodies[0].scale)
    names += [NOT_RATED.name] if any(body.count(NOT_RATED.name) for body in bodies) else []
    rows = [(name, *(number_text(body.count(name)) for body in bodies),
             number_text(sum(body.count(name) for body in bodies))) for name in names]
    rows.append(("Total", *(number_text(body.content.risk_count) for body in bodies),
                 number_text(sum(body.content.risk_count for body in bodies))))
    return tuple(rows)


def scales_note(bodies: Sequence[JointBody]) -> str:
    """Return why the summary gives each body's counts on its own scale, naming each scale."""
    scales = "; ".join(f"{body.name} rates {and_list(list(body.scale)).replace(' and ', ' or ')}" for body in bodies)
    return (f"The registers rate risks on different scales ({scales}), so their counts by rating are not added "
            f"together: each body's table below uses its own scale. Only the number of open risks is totalled.")


def movement_table(bodies: Sequence[JointBody]) -> tuple[tuple[str, ...], ...]:
    """Return one row per movement kind: how many risks of each body moved so, and the total."""
    rows = []
    for kind, label in MOVEMENT_KINDS:
        counts = [next((row.count for row in body.content.movement_rows if row.kind == kind), 0) for body in bodies]
        rows.append((label, *map(number_text, counts), number_text(sum(counts))))
    return tuple(rows)


def forced_note(bodies: Sequence[JointBody], errors: Sequence[int]) -> tuple[str, ...]:
    """Return the joint paper's data-quality note: which registers it was built despite, with how many errors."""
    flawed = [f"{body.name} ({body.source}: {plural(count, 'error')})" for body, count in zip(bodies, errors) if count]
    if not flawed:
        return ()
    return (f"Data quality: this joint paper was built although the {plural(flawed, 'register', with_count=False)} "
            f"of {and_list(flawed)} {plural(flawed, 'has', 'have', with_count=False)} errors that should be corrected "
            f"before it is relied on; each body's section lists them.",)


def joint_content(bodies: Sequence[JointBody], errors: Sequence[int] = ()) -> JointContent:
    """Return what the joint paper of `bodies` says (`errors`: each register's error count, for a forced paper)."""
    bodies = tuple(bodies)
    check_periods([(body.source, body.content.title_block.period) for body in bodies])
    marking = highest_marking(bodies)
    names = tuple(body.name for body in bodies)
    block = bodies[0].content.title_block
    agree = bands_agree(bodies)
    committees = list(dict.fromkeys(body.content.title_block.committee for body in bodies))
    purpose = (f"To present the {and_list(committees)} with the risk registers of {and_list(list(names))} for "
               f"{block.period_long}: {plural(sum(b.content.risk_count for b in bodies), 'open risk')} in all, "
               f"each body's in a section of its own with the risks requiring the Committee's attention and its "
               f"register in an appendix.")
    return JointContent(
        bodies=bodies,
        marking=marking,
        period=block.period,
        period_long=block.period_long,
        combined_headers=("Residual rating", *names, "Total"),
        combined_rows=combined_rating_rows(bodies) if agree else (),
        scales_note="" if agree else scales_note(bodies),
        movement_headers=("Movement", *names, "Total"),
        movement_rows=movement_table(bodies),
        purpose=purpose,
        data_quality=forced_note(bodies, errors or [0] * len(bodies)),
    )
