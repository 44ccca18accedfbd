"""The synonym table: which source headers mean which register field, declared as data in one place."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Field -> header words that mean it, matched after lower-casing and dropping punctuation. A header matches a
# field when it equals a synonym or starts with one followed by more words ("Risk Owner(s)", "Likelihood (1-5)").
# Order matters only for ties: the longest synonym that matches wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "reference", "risk ref", "risk reference", "risk no", "risk number", "risk id", "no",
           "number", "risk code", "code", "ref no"),
    "name": ("risk name", "risk", "principal risk", "title", "risk title", "subject", "topic", "strategic risk",
             "strategic risks", "function", "area", "heading", "risk area"),
    "description": ("description", "risk description", "risks identified", "risk identified", "risk s identified",
                    "hazard", "hazards", "what are the hazards", "risk detail", "cause", "causes",
                    "risk and cause", "detail", "identified hazard and risk", "hazard and risk",
                    "risk event", "what is the risk", "risk and impact"),
    "impact": ("impact", "consequence", "consequences", "effect", "effects", "potential impact",
               "impact description"),
    "controls": ("key controls and activities", "key controls", "controls", "control", "mitigation", "mitigations",
                 "control measures", "risk management and control", "management control of risk",
                 "management of risk", "method of control", "what are you doing already", "existing controls",
                 "controls in place", "risk response", "current controls"),
    "owner": ("risk owner", "owner", "responsible", "responsibility", "lead", "lead officer",
              "responsible officer", "accountable officer", "resp", "risk lead",
              "executive lead", "lead director", "accountable director"),
    "portfolio": ("portfolio department", "portfolio", "department", "directorate", "service"),
    "category": ("category", "risk category"),
    "date_raised": ("date raised", "date identified", "date added", "raised"),
    "last_reviewed": ("last reviewed", "review date", "date reviewed", "reviewed", "date of review"),
    "likelihood": ("likelihood", "l", "probability", "p", "likelihood score"),
    "impact_score": ("impact score", "i", "severity", "s", "impact rating"),
    "score": ("score", "risk score", "total", "rating score", "l x i", "lxi", "risk rating score"),
    "rating": ("residual risk rating", "rating", "risk rating", "rag", "post mitigation rag", "risk level",
               "risk assessment", "level", "risk grading", "risk grading after control", "grading", "risk h m l",
               "risk rating hml", "h m l", "hml", "status rag", "current rag", "residual rating", "residual risk"),
    "previous": ("last qrt", "last quarter", "previous score", "last quarter score", "previous quarter",
                 "previous rating", "last qtr", "prev score", "previous risk score", "previous risk rating",
                 "last review score"),
    "trend": ("trend", "direction of travel", "dot", "movement", "travel", "change"),
    "status": ("status", "risk status", "open closed"),
    "actions": ("actions", "action", "mitigating actions", "further action", "what further action is necessary",
                "action needed", "actions planned", "planned actions", "further actions", "action plan"),
    "action_owner": ("action owner", "action by whom", "action lead", "action owners", "corporate action owners"),
    "target_date": ("target date", "risk target date"),
    "action_due": ("due date", "action by when", "deadline", "action due date"),
    "action_status": ("action status", "progress"),
    "review": ("review", "review and action", "review assess revise", "next review", "review frequency"),
    "proximity": ("proximity", "risk proximity"),
    "exempt": ("exempt", "exempt information", "schedule 12a"),  # the Schedule 12A paragraph (issue 28)
}

# Where a header names a field with one of these words first, it is that stage of the assessment: only the
# current/residual stage fills the register's own columns; the others are kept as the user's columns.
RESIDUAL_WORDS = ("current", "residual", "post mitigation", "post", "after control", "net", "revised", "controlled")
OTHER_STAGE_WORDS = ("original", "inherent", "gross", "pre mitigation", "pre", "initial", "target", "before",
                     "untreated", "uncontrolled")

# After a stage word, these name the rating at that stage ("Pre-mitigation risk"), not the risk's name.
STAGE_RATINGS = ("risk", "risk level", "rating level")

# The position of the assessment a stage word names: every stage before the controls is the inherent one.
STAGE_POSITIONS = {**{word: "inherent" for word in OTHER_STAGE_WORDS}, "target": "target",
                   **{word: "residual" for word in RESIDUAL_WORDS}}
# (position, field) -> the in-depth Register column (schema.DEPTH_COLUMNS) such a header fills; '' is a header
# without a stage word. A residual score is read as the score (it rates the risk) and also fills Residual Score.
DEPTH_FIELDS: dict[tuple[str, str | None], str] = {
    ("inherent", "likelihood"): "inherent_likelihood", ("inherent", "impact_score"): "inherent_impact",
    ("inherent", "score"): "inherent_score",
    ("target", "likelihood"): "target_likelihood", ("target", "impact_score"): "target_impact",
    ("target", "score"): "target_score",
    ("", "target_date"): "target_date", ("", "category"): "category", ("", "proximity"): "proximity",
}
DEPTH_KEYS = tuple(DEPTH_FIELDS.values())

# Fields the register has a column for; the others are read for ratings, History or notes and kept as own columns.
REGISTER_FIELDS = ("id", "name", "description", "impact", "controls", "owner", "portfolio", "date_raised",
                   "last_reviewed", "likelihood", "impact_score", "rating", "status", "exempt")
READ_FIELDS = ("score", "previous", "trend")
# When two columns claim the first field, the later one takes the second if it is free ("Function | Risk").
FALLBACKS = {"name": "description", "description": "impact"}


@dataclass(frozen=True)
class Match:
    """What one source header was taken to mean."""

    field: str | None  # None: kept as the user's own column
    stage: str = ""  # 'original', 'target' … when the header names a stage other than the current one
    why: str = ""
    position: str = ""  # the position its stage word names: 'inherent', 'residual', 'target'; '' for none


def depth_key(position: str, field: str | None) -> str | None:
    """Return the in-depth Register column a header of `field` at `position` fills, None when it fills none."""
    return DEPTH_FIELDS.get(("" if position == "residual" else position, field))


@functools.lru_cache(maxsize=4096)  # a table repeats its headers and short values many times
def normalise(header: object) -> str:
    """Return `header` lower-cased, punctuation as spaces, footnote markers and brackets' contents dropped."""
    text = str(header or "").replace("\n", " ").lower().replace("×", " x ").replace("&", " and ")
    text = re.sub(r"\([^)]*\)", " ", text) if re.sub(r"\([^)]*\)", "", text).strip() else text
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(text.split())


# A synonym that is only a leading word: a header that goes on to name another field means that field.
LEAD_WORDS = ("risk",)
_INDEXED = {field: sorted(words, key=len, reverse=True) for field, words in SYNONYMS.items()}


def _field_of(text: str) -> tuple[str | None, str]:
    best: tuple[int, str | None, str] = (0, None, "")
    for field, words in _INDEXED.items():
        for word in words:
            if (text == word or text.startswith(word + " ")) and len(word) > best[0]:
                best = (len(word), field, word)
    if best[2] in LEAD_WORDS and text != best[2]:  # "Risk Control / Response …" means its whole, not "Risk"
        rest, _ = _field_of(text[len(best[2]) + 1:])
        if rest is not None:
            return _field_of(text[len(best[2]) + 1:])
    return best[1], best[2]


def stage_of(text: object) -> str:
    """Return the assessment position a group header names anywhere in it ('Current Risk Rating' → 'residual')."""
    words = f" {normalise(text)} "
    found = [(words.index(f" {w} "), -len(w), STAGE_POSITIONS[w]) for w in STAGE_POSITIONS if f" {w} " in words]
    return min(found)[2] if found else ""


@functools.lru_cache(maxsize=4096)
def match_header(header: object) -> Match:
    """Return the field `header` names, with its assessment stage; Match(None) when nothing fits."""
    text = normalise(header)
    if not text:
        return Match(None, why="no header")
    field, word = _field_of(text)
    if field is not None:  # "Target date" is a field of its own before it is a stage of "date"
        return Match(field, "", f"synonym '{word}'")
    stage = position = ""
    for words, is_residual in ((OTHER_STAGE_WORDS, False), (RESIDUAL_WORDS, True)):
        for word in sorted(words, key=len, reverse=True):
            if text.startswith(word + " "):
                stage, position = "" if is_residual else word, STAGE_POSITIONS[word]
                text = text[len(word) + 1:]
                break
        if text != normalise(header):
            break
    for prefix in ("risk ",):  # "Risk Likelihood", "Risk Owner" read as their field when "risk …" is no synonym
        field, word = _field_of(text)
        if field is None and text.startswith(prefix):
            text = text[len(prefix):]
    if position and text in STAGE_RATINGS:  # "Pre-mitigation risk", "Current risk": the rating at that stage
        return Match("rating", stage, f"'{normalise(header)}': the rating at that stage", position)
    field, word = _field_of(text)
    if field is None:
        return Match(None, why="no synonym fits")
    return Match(field, stage, f"synonym '{word}'", position)


def synonyms_markdown() -> str:
    """Return the synonym table as Markdown, for the guide (docs/risk-manager/start.md)."""
    lines = ["| field | headers that mean it |", "|---|---|"]
    lines += [f"| {field} | {', '.join(words)} |" for field, words in SYNONYMS.items()]
    return "\n".join(lines) + "\n"
