"""Make registers of any size whose text is cut from the bundled sample's own sentences."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbook.core.periods import Period, parse_period
from workbook.core.schema import (
    COLUMNS,
    DEFAULT_LISTS,
    HISTORY_COLUMNS,
    SETTINGS,
    TREND_KEYS,
    trend_header,
)
from workbook.export.sample import SAMPLE_SETTINGS, sample_export_path

SAMPLE = sample_export_path()
PERIOD = parse_period("2021/22 Q2")
HISTORY_PERIODS = 12
ID_PATTERN = r"CRR\d{5}"

# Targets before overshoot: the means come out near the issue's ~600 and ~1,500 characters.
DESCRIPTION_CHARS = 510
IMPACT_CHARS = 420
CONTROLS_CHARS = 1340
CONTROL_BULLET_CHARS = 170

# A force-wide set of registers: departments and owners as a force names them.
DEPARTMENTS = (
    "Force Contact", "Response", "Neighbourhood Policing", "Criminal Justice Services", "Public Protection",
    "Force CID", "Intelligence", "Operations", "Forensic Services", "Custody", "People & Organisational Development",
    "Learning & Development", "IT&D", "Finance", "Commercial Services", "Estates", "Fleet", "Corporate Communications",
    "Professional Standards", "Legal Services", "Strategy & Direction", "Business Transformation",
    "Information Management", "Force Control Room", "Local Policing Area",
)
OWNERS = (
    "ACC Operations", "ACC Local Policing", "ACC Crime", "ACC Security", "Director of Commercial Services",
    "Director of People", "Director of IT&D", "Director of Finance", "Chief Superintendent", "Head of Department",
)
RATING_BANDS = ((16, "Critical"), (8, "High"), (4, "Medium"), (1, "Low"))
SCALE = 4


@dataclass(frozen=True)
class SampleText:
    """The sample's words, cut into the pieces a new risk is assembled from."""

    names: tuple[str, ...]
    description_sentences: tuple[str, ...]
    impact_sentences: tuple[str, ...]
    control_sentences: tuple[str, ...]


@dataclass
class SyntheticRegister:
    """A register as plain rows: Register sheet (header row first), History rows, Settings by key."""

    register: list[list[object]]
    history: list[list[object]]
    settings: dict[str, object]
    lists: dict[str, tuple[str, ...]]


def _strip_html(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    return [p.strip(" -") for p in parts if len(p.strip(" -")) >= 25]


@lru_cache(maxsize=1)
def sample_text() -> SampleText:
    """Return the sample register's names and sentences, in the sample's order."""
    rows = [line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").split("\n")
            if re.match(r"CRR\d\d\t", line)]
    names, descriptions, impacts, controls = [], [], [], []
    for row in rows:
        names.append(row[1].strip().rstrip("."))
        descriptions += _sentences(_strip_html(row[2]))
        impacts += _sentences(_strip_html(row[3]))
        # A control bullet starts with ' - ' (or '-' glued to the word); dashes inside words are not bullets.
        items = re.split(r"(?:^|\s)-\s*(?=[A-Z])", _strip_html(row[4]))
        for item in items:
            controls += _sentences(item.strip())
    return SampleText(tuple(names), tuple(descriptions), tuple(impacts), tuple(controls))


def _take(rng: random.Random, pool: tuple[str, ...], chars: int) -> list[str]:
    taken: list[str] = []
    while sum(len(s) + 1 for s in taken) < chars:
        taken.append(rng.choice(pool))
    return taken


def description_html(rng: random.Random, text: SampleText) -> str:
    """Return a description the way the export writes it: plain, or one `<p>` per paragraph."""
    sentences = _take(rng, text.description_sentences, DESCRIPTION_CHARS)
    if rng.random() < 0.5:
        return " ".join(sentences)
    cut = max(1, len(sentences) // 2)
    return f"<p>{' '.join(sentences[:cut])}</p> <p>{' '.join(sentences[cut:])}</p>"


def impact_html(rng: random.Random, text: SampleText) -> str:
    return " ".join(_take(rng, text.impact_sentences, IMPACT_CHARS)) + " "


def controls_html(rng: random.Random, text: SampleText) -> str:
    """Return a controls cell with the sample's bullets: an unclosed `<ul>` of ' - ' runs, or `<p>- …</p>`."""
    bullets: list[str] = []
    while sum(len(b) + 3 for b in bullets) < CONTROLS_CHARS:
        bullets.append(" ".join(_take(rng, text.control_sentences, CONTROL_BULLET_CHARS)))
    if rng.random() < 0.15:
        return " ".join(f"<p>- {b}</p>" for b in bullets)
    glue = "-" if rng.random() < 0.1 else "- "  # the sample's '-The impact', no space after the dash
    return '<ul style="list-style-type: none"> ' + " ".join(f"{glue}{b}" for b in bullets) + " "


def _rating(score: int) -> str:
    return next(name for floor, name in RATING_BANDS if score >= floor)


def _arrow(before: int, after: int) -> str:
    return "↗" if after > before else "↘" if after < before else "→"


def _history(rng: random.Random) -> list[tuple[Period, str, str, int, int, int]]:
    """Return (period, rating, trend, likelihood, impact, score) for each period the risk was on the register."""
    first = 0 if rng.random() < 0.7 else rng.randrange(1, HISTORY_PERIODS)
    likelihood, impact = rng.randint(2, SCALE), rng.randint(2, SCALE)
    entries = []
    previous = None
    for index in range(first, HISTORY_PERIODS):
        if previous is not None and rng.random() < 0.25:
            if rng.random() < 0.5:
                likelihood = min(SCALE, max(1, likelihood + rng.choice((-1, 1))))
            else:
                impact = min(SCALE, max(1, impact + rng.choice((-1, 1))))
        score = likelihood * impact
        trend = "New" if previous is None else _arrow(previous, score)
        period = PERIOD.shifted(index - HISTORY_PERIODS + 1)
        entries.append((period, _rating(score), trend, likelihood, impact, score))
        previous = score
    return entries


def generate(size: int, seed: int = 2021) -> SyntheticRegister:
    """Return a register of `size` risks with a History of 12 periods, the same for the same seed."""
    rng = random.Random(seed * 100_003 + size)
    text = sample_text()
    width = max(5, len(str(size)))
    columns = list(COLUMNS)
    header = [c.header if c.kind != "trend" else None for c in columns]
    trend_periods = [PERIOD.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS))]
    for key, period in zip(TREND_KEYS, trend_periods):
        header[[c.key for c in columns].index(key)] = trend_header(period.quarter)
    register: list[list[object]] = [header]
    history: list[list[object]] = [[c.header for c in HISTORY_COLUMNS]]
    names_used: dict[str, int] = {}
    period_end = PERIOD.end_date
    for number in range(1, size + 1):
        risk_id = f"CRR{number:0{width}d}"
        department = rng.choice(DEPARTMENTS)
        name = f"{rng.choice(text.names)} – {department}"
        names_used[name] = names_used.get(name, 0) + 1
        if names_used[name] > 1:
            name = f"{name} {names_used[name]}"
        entries = _history(rng)
        by_period = {e[0]: e for e in entries}
        trends = [by_period[p][2] if p in by_period else "N/A" for p in trend_periods]
        _, rating, _, likelihood, impact, _ = entries[-1]
        reviewed = period_end - dt.timedelta(days=rng.randint(3, 80 if rng.random() < 0.95 else 200))
        raised = (entries[0][0].end_date - dt.timedelta(days=rng.randint(10, 80)))
        # A few of the real quirks the checks should find, at the sample's rate (1 name in 18 ends with '.').
        if rng.random() < 0.05:
            name += "."
        values = {
            "id": risk_id, "name": name, "description": description_html(rng, text),
            "impact": impact_html(rng, text), "controls": controls_html(rng, text),
            **dict(zip(TREND_KEYS, trends)), "rating": rating,
            "owner": rng.choice(OWNERS), "portfolio": department,
            "date_raised": dt.datetime.combine(raised, dt.time()),
            "last_reviewed": dt.datetime.combine(reviewed, dt.time()),
            "likelihood": likelihood, "impact_score": impact, "status": "Open",
        }
        register.append([values[c.key] for c in columns])
        for period, h_rating, h_trend, h_likelihood, h_impact, score in entries:
            row = {"risk_id": risk_id, "period": period.label, "rating": h_rating, "trend": h_trend,
                   "likelihood": h_likelihood, "impact": h_impact, "score": score,
                   "reviewed_on": dt.datetime.combine(period.end_date - dt.timedelta(days=rng.randint(3, 40)),
                                                      dt.time()),
                   "source": "recorded", "status": "Open"}  # typed rows: no owner or text fingerprint
            history.append([row.get(c.key) for c in HISTORY_COLUMNS])
    settings = {s.key: s.default for s in SETTINGS} | SAMPLE_SETTINGS
    settings.update(period=PERIOD.label, id_pattern=ID_PATTERN, meeting_date="30 September 2021",
                    agenda_item="7", title=f"Corporate Risk Register ({size:,} risks, synthetic)")
    return SyntheticRegister(register, history, settings, dict(DEFAULT_LISTS))



def add_depth(register, seed: int = 2021):
    """Return `register` with the in-depth groups a `riskreg new --full` register holds: inherent and target
    positions, category, target date and proximity on every risk, a Matrix sheet, an Appetite row per category
    and about two actions per risk, with the slips the checks look for at a few per cent (the same for the same
    seed)."""
    import copy

    from workbook.core.model import SheetRow
    from workbook.core.schema import (
        ACTION_COLUMNS,
        APPETITE_COLUMNS,
        APPETITE_LEVELS,
        DEPTH_COLUMNS,
        DEPTH_LISTS,
        MATRIX_BANDS_HEADER,
        MATRIX_GRID_CORNER,
        MATRIX_PRODUCT,
        MATRIX_SCORING_LABEL,
    )

    rng = random.Random(seed * 7 + len(register.risks))
    register = copy.deepcopy(register)
    register.derived.clear()
    last = max(register.columns.values())
    register.columns |= {c.key: last + n for n, c in enumerate(DEPTH_COLUMNS, start=1)}
    register.lists = dict(register.lists) | DEPTH_LISTS
    categories, proximities = DEPTH_LISTS["Categories"], DEPTH_LISTS["Proximities"]
    end = PERIOD.end_date
    actions: list[SheetRow] = []
    for risk in register.risks:
        likelihood, impact = int(risk.values["likelihood"]), int(risk.values["impact_score"])
        lower = 1 if rng.random() < 0.03 else 0  # a few targets above the residual (R033)
        risk.values.update({
            "category": rng.choice(categories), "proximity": rng.choice(proximities),
            "inherent_likelihood": min(SCALE, likelihood + rng.randint(0, 1)),
            "inherent_impact": min(SCALE, impact + 1),
            "target_likelihood": max(1, likelihood - rng.randint(0, 2)) + lower,
            "target_impact": max(1, impact - 1),
            "target_date": dt.datetime.combine(end + dt.timedelta(days=rng.randint(-60, 400)), dt.time()),
        })
        for _ in range(rng.choice((1, 2, 2, 3))):
            due = end + dt.timedelta(days=rng.randint(-90, 200))
            status = rng.choice(("Not started", "In progress", "In progress", "Done"))
            completed = due - dt.timedelta(days=3) if status == "Done" and rng.random() < 0.95 else None
            actions.append(SheetRow(len(actions) + 2, {
                "risk_id": risk.id if rng.random() < 0.995 else "CRR99999",  # a few for no risk (R040)
                "action": f"Review the controls of {risk.id}",
                "owner": rng.choice(OWNERS), "due": dt.datetime.combine(due, dt.time()), "status": status,
                "completed_on": dt.datetime.combine(completed, dt.time()) if completed else None, "update": ""}))
    register.actions = actions
    register.action_columns = {c.key: n for n, c in enumerate(ACTION_COLUMNS, start=1)}
    register.appetite = [SheetRow(n, {"category": category, "level": rng.choice(APPETITE_LEVELS),
                                      "tolerance": rng.choice((6, 8, 9, 12, "Medium", "High")), "statement": ""})
                         for n, category in enumerate(categories, start=2)]
    register.appetite_columns = {c.key: n for n, c in enumerate(APPETITE_COLUMNS, start=1)}
    bands = [(rating, floor) for floor, rating in RATING_BANDS]
    register.matrix_sheet = [(MATRIX_SCORING_LABEL, MATRIX_PRODUCT), (), MATRIX_BANDS_HEADER, *bands, (),
                             (MATRIX_GRID_CORNER, *range(1, SCALE + 1)),
                             *((n, *(n * i for i in range(1, SCALE + 1))) for n in range(1, SCALE + 1))]
    return register


def _cell_text(key: str, value: object) -> object:
    """Return a cell as `riskreg import` stores it: the export's HTML turned into lines and '• ' bullets."""
    from workbook.export.html_text import fragment_to_text

    kind = next(c.kind for c in COLUMNS if c.key == key)
    return fragment_to_text(value) if kind == "text" and isinstance(value, str) else value


def write_synthetic_workbook(size: int, path: Path, *, lapsed_reviews: bool = False) -> None:
    """Write a register workbook of `size` synthetic risks and 12 periods of History at `path`. With
    `lapsed_reviews`, every risk was last reviewed 100 to 400 days before the period ended, past the review cycle
    in Settings: a register whose reviews have lapsed, with a finding (R022) on every risk."""
    from workbook.xlsx.builder import write_workbook

    made = generate(size)
    keys = [c.key for c in COLUMNS]
    risks = [{key: _cell_text(key, value) for key, value in zip(keys, row)} for row in made.register[1:]]
    if lapsed_reviews:
        end = dt.datetime.combine(PERIOD.end_date, dt.time())
        for number, risk in enumerate(risks):
            risk["last_reviewed"] = end - dt.timedelta(days=100 + number * 7 % 301)
    history = [dict(zip((c.key for c in HISTORY_COLUMNS), row)) for row in made.history[1:]]
    write_workbook(path, risks, history, made.settings, force=True)
