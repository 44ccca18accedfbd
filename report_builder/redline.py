"""The paper's "what changed since the last paper" block: field changes, and text changes sentence by sentence.

A changed text is told as "Was: …" and "Now: …" sentences a listener can follow, not as Word tracked changes:
words deleted and inserted side by side read aloud as one jumble, and a tagged PDF keeps deleted words as text.
"""

from __future__ import annotations

import difflib
import re

from report_builder import wordml
from report_builder.content import PaperContent, named
from workbook.core.changes import FieldChange, RiskChanges
from workbook.core.words import plural

# Above this many changed risks the block says how many changed in each field, and the appendix holds the text.
CHANGES_NAMED_UP_TO = 20
STALE_NAMED_UP_TO = 20
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Return `text` as sentences: each line (a list item's bullet dropped) split after its full stops."""
    found: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip().removeprefix("•").strip()
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


def sentence_changes(before: str, after: str) -> list[str]:
    """Return the lines telling how `before` became `after`, sentence by sentence: "Was: …" then "Now: …" for a
    sentence rewritten, "Removed: …" for one taken out, "Added: …" for one put in; a sentence kept, or only moved,
    is not said."""
    old, new = sentences(before), sentences(after)
    lines = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        went = [s for s in old[i1:i2] if s not in new]
        came = [s for s in new[j1:j2] if s not in old]
        for was, now in zip(went, came):  # rewritten, in pairs a listener can follow
            lines += [f"Was: {was}", f"Now: {now}"]
        lines += [f"Removed: {s}" for s in went[len(came):]] + [f"Added: {s}" for s in came[len(went):]]
    return lines


def _field(change: FieldChange, since: str) -> list[str]:
    if change.words:
        said = sentence_changes(change.before, change.after)
        return [wordml.paragraph(f"{change.label}: changed since {since}, sentence by sentence:", "ListBullet",
                                 keep_next=True),
                *(wordml.paragraph(line, "Normal", keep_next=index < len(said) - 1)
                  for index, line in enumerate(said))]
    return [wordml.paragraph(f"{change.label}: was {change.before or 'none'}, now {change.after or 'none'}.",
                             "ListBullet")]


def _summary(changes: tuple[RiskChanges, ...]) -> list[str]:
    """Return how many risks changed in each field, for a paper with more changed risks than can be named."""
    counts: dict[str, int] = {}
    for risk in changes:
        for change in risk.fields:
            counts[change.label] = counts.get(change.label, 0) + 1
    return [wordml.paragraph(f"{plural(changes, 'risk')} changed since the last paper; the appendix holds each "
                             "risk's current rating, score and text. Changes by field:", "Normal", keep_next=True),
            *(wordml.paragraph(f"{label}: {plural(count, 'risk')}.", "ListBullet") for label, count in counts.items())]


def changes_block(content: PaperContent) -> list:
    """Return the block's paragraphs: per risk what changed since the last paper (counted, above
    CHANGES_NAMED_UP_TO risks), then the stale controls."""
    elements = []
    since = content.changes_since
    if not content.changes:
        elements.append(wordml.paragraph(
            f"No risk changed its rating, score, owner or text since the {since} paper." if since
            else "History holds no recorded quarter before this one to compare with: a quarter is recorded in "
                 "full when it is closed at the end of the quarter.", "Normal"))
    elif len(content.changes) > CHANGES_NAMED_UP_TO:
        elements += _summary(content.changes)
    else:
        for risk in content.changes:
            elements.append(wordml.paragraph(named(risk.risk_id, risk.name), "FieldLabel", keep_next=True))
            for change in risk.fields:
                elements += _field(change, since)
    if len(content.stale) > STALE_NAMED_UP_TO:
        elements.append(wordml.paragraph(
            f"Controls not changed for a while: {plural(content.stale, 'risk')} (each is in the appendix).",
            "FieldLabel"))
    elif content.stale:
        elements.append(wordml.paragraph("Controls not changed for a while:", "FieldLabel", keep_next=True))
        elements.extend(wordml.paragraph(line, "ListBullet") for line in content.stale)
    return [wordml.element(xml) for xml in elements]
