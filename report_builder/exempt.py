"""The exempt appendix (Schedule 12A): which risks leave the public paper, and what the public paper says (pure)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from report_builder.content import data_quality_lines
from workbook.core.errors import RegisterFormatError
from workbook.core.findings import quoted
from workbook.core.model import Register, Risk, address, as_text
from workbook.core.renames import RISK, renames
from workbook.core.schema import SCHEDULE_12A, SETTINGS_SHEET
from workbook.core.trends import Movement, allowed
from workbook.core.words import is_are, plural

PARAGRAPH = re.compile(r"^Para (\d+)$")
LAW = "Part 1 of Schedule 12A to the Local Government Act 1972"


def exempt_value(risk: Risk) -> str:
    """Return what the risk's Exempt cell holds, '' for a public risk."""
    return " ".join(as_text(risk.values.get("exempt")).split())


def paragraph_number(value: str) -> str:
    """Return '7' for 'Para 7'; a value that is not a paragraph (a forced paper past R115) as typed."""
    found = PARAGRAPH.match(value)
    return found.group(1) if found else value


def listed(items: Sequence[str]) -> str:
    """Return '3', '3 and 7', '2, 3 and 7'."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _paragraph_order(value: str) -> tuple[int, str]:
    number = paragraph_number(value)
    return (int(number), "") if number.isdecimal() else (10_000, number)


@dataclass(frozen=True)
class ExemptSplit:
    """A register parted into what the public paper may show and what only the exempt appendix holds."""

    public: Register  # every exempt risk gone from risks, History, Actions and renames
    exempt: Register  # the exempt risks alone, with their History and Actions
    paragraphs: tuple[str, ...]  # the Exempt values of the open exempt risks, in paragraph order ('Para 7')
    withheld: tuple[Risk, ...]  # the open exempt risks: counted in the public paper's totals, never named

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(risk.id for risk in self.exempt.risks)

    @property
    def sentence(self) -> str:
        """Return 'N risks are reported in the exempt appendix (Schedule 12A, paragraph 7).'; '' for none."""
        return exempt_sentence(len(self.withheld), self.paragraphs)

    @property
    def statement(self) -> str:
        """Return the exempt appendix's own opening line: why it is not for publication."""
        numbers = [paragraph_number(p) for p in self.paragraphs]
        return (f"Not for publication: this appendix contains exempt information as described in "
                f"{plural(numbers, 'paragraph', with_count=False)} {listed(numbers)} of {LAW}. It holds "
                f"{plural(self.withheld, 'risk')} that the public paper counts in its totals without naming.")

    def descriptions(self) -> tuple[str, ...]:
        """Return 'Paragraph 7: Information relating to …' for each paragraph the appendix relies on."""
        return tuple(f"Paragraph {paragraph_number(p)}: {SCHEDULE_12A[p]}" for p in self.paragraphs
                     if p in SCHEDULE_12A)


def exempt_sentence(count: int, paragraphs: Sequence[str]) -> str:
    """Return the public paper's sentence about the risks it leaves out: '2 risks are reported in the exempt
    appendix (Schedule 12A, paragraphs 3 and 7).'; '' when there are none."""
    if not count:
        return ""
    numbers = [paragraph_number(p) for p in paragraphs]
    return (f"{plural(count, 'risk')} {is_are(count)} reported in the exempt appendix (Schedule 12A, "
            f"{plural(numbers, 'paragraph', with_count=False)} {listed(numbers)}).")


def exempt_ids(register: Register) -> dict[str, str]:
    """Return each exempt risk's ID and Exempt value (closed ones too: a closed risk's name is as exempt), and the
    IDs it had before a rename (`riskreg rename-risk`), which a past quarter's paper shows it under."""
    if not register.has_column("exempt"):
        return {}
    found = {risk.id: exempt_value(risk) for risk in register.risks if exempt_value(risk)}
    earlier = [r for r in renames(register) if r.kind == RISK]
    for _ in earlier:  # a chain of renames (CRR05 → CRR05A → CRR21) is followed back one step a pass
        for rename in earlier:
            if rename.new in found and rename.old not in found:
                found[rename.old] = found[rename.new]
    return found


def _keeping(register: Register, keep) -> Register:
    """Return `register` with only the risks, History rows and actions whose risk ID `keep` accepts."""
    marked = [entry for entry in register.history if entry.fingerprint]
    # a text fingerprint a kept risk shares (the same words) stays; one only the left-out risks have goes
    kept = {e.fingerprint for e in marked if keep(e.risk_id)}
    dropped = {e.fingerprint for e in marked if not keep(e.risk_id)} - kept
    recorded = {key: fields for key, fields in register.recorded_text.items() if key not in dropped and not (
        fields.get("kind") == "risk" and not (keep(fields.get("old", "")) and keep(fields.get("new", ""))))}
    actions = None if register.actions is None else [a for a in register.actions if keep(a.text("risk_id"))]
    return dataclasses.replace(
        register, risks=[r for r in register.risks if keep(r.id)],
        history=[e for e in register.history if keep(e.risk_id)], actions=actions, recorded_text=recorded,
        rebuilt_from=None if register.rebuilt_from is None else _keeping(register.rebuilt_from, keep),
        derived={})


def split(register: Register, exemptions: dict[str, str] | None = None) -> ExemptSplit | None:
    """Return the register parted into public and exempt risks, None when no risk is exempt.

    `exemptions` (risk ID → Exempt value) default to the register's own Exempt column; a past quarter's paper
    passes the current register's, so a risk exempt now never reappears in a paper built again."""
    found = exempt_ids(register) if exemptions is None else exemptions
    if not found:
        return None
    exempt = _keeping(register, lambda risk_id: risk_id in found)
    if not exempt.risks:
        return None
    withheld = tuple(risk for risk in exempt.risks if not risk.is_closed)
    values = {found[risk.id] for risk in withheld}
    return ExemptSplit(public=_keeping(register, lambda risk_id: risk_id not in found), exempt=exempt,
                       paragraphs=tuple(sorted(values, key=_paragraph_order)), withheld=withheld)


def public_movements(movements: Iterable[Movement], ids: frozenset[str]) -> list[Movement]:
    """Return the movements of the risks the public paper may name."""
    return [m for m in movements if m.risk_id not in ids]


def mentions(text: str, risks: Sequence[Risk]) -> bool:
    """Return whether `text` names any of `risks` by ID or name (a register error's message may)."""
    folded = text.casefold()
    return any(word and word.casefold() in folded for risk in risks for word in (risk.id, risk.name.strip()))


def public_findings(findings: Sequence, exempt: Register) -> tuple[list, list]:
    """Return the register errors the public paper may list, and those about exempt risks (the appendix's)."""
    ids = {risk.id for risk in exempt.risks}
    public: list = []
    withheld: list = []
    for finding in findings:
        about = getattr(finding, "risk_id", "") in ids or mentions(
            f"{getattr(finding, 'message', '')} {getattr(finding, 'value', '')}", exempt.risks)
        (withheld if about else public).append(finding)
    return public, withheld


def public_data_quality(shown: Sequence, withheld: Sequence, unrated: Sequence[str], *,
                        appendix: bool = True) -> tuple[str, ...]:
    """Return the public paper's data-quality note: every error counted, those about exempt risks not listed (the
    exempt `appendix` lists them, when there is one), so that a forced paper never looks clean."""
    head = data_quality_lines([*shown, *withheld])[0]
    listed = list(data_quality_lines(shown, unrated))[1 if shown else 0:]
    at = len(listed) - (1 if unrated else 0)
    summary = (f"{plural(withheld, 'error')} {is_are(withheld)} about risks in the exempt appendix, which lists them."
               if appendix else f"{plural(withheld, 'error')} {is_are(withheld)} about exempt risks, not listed here.")
    return (head, *listed[:at], summary, *listed[at:])


def check_marking(register: Register, exempt_marking: str, paper_marking: str) -> None:
    """Refuse an Exempt marking lower on the Markings list than the paper's own: the exempt appendix is never marked
    below the public paper."""
    ranks = {value.casefold(): rank for rank, value in enumerate(allowed(register, "Markings"))}
    own, paper = ranks.get(exempt_marking.casefold()), ranks.get(paper_marking.casefold())
    if not exempt_marking or own is None or paper is None or own >= paper:
        return
    cell = address(SETTINGS_SHEET, register.settings_rows.get("exempt_marking", 1), 2)
    raise RegisterFormatError(
        f"{register.source or 'register'}: {cell} (Exempt marking) is {quoted(exempt_marking)}, lower on the Markings "
        f"list than the paper's Protective marking {quoted(paper_marking)}, so the paper was not built: the exempt "
        "appendix is marked at least as high as the public paper. Raise the Exempt marking, or clear it to give the "
        "exempt appendix the paper's own marking.")
