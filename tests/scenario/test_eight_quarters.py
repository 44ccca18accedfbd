"""One register kept for eight quarters, 2021/22 Q2 to 2023/24 Q1, as a risk manager keeps it.

Between roll-overs the workbook is edited with openpyxl as a user edits it in Excel: scores and ratings change,
risks are added, closed and reopened, a band is added to the rating scale, controls are rewritten; halfway
through LibreOffice re-saves it. Each quarter's paper is read back from the .docx and compared with what this
test works out on its own (scores to bands, arrows, counts: none of it from riskreg); at the end every closed
quarter's paper is built again with `paper --period` and must read as it did when it was built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from openpyxl import load_workbook

from support.scenario import header_columns, normalised_text, run, table_rows

from report_builder.redline import sentences
from workbook.xlsx.builder import write_workbook

PERIODS = ["2021/22 Q2", "2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4",
           "2023/24 Q1"]
BAND_ADDED = 4  # from 2022/23 Q2 the scale has a fifth band, Extreme, above Critical
RESAVED_BY_LIBREOFFICE = 4  # the workbook LibreOffice saved is the one rolled into this quarter, then edited
NAMES = {"CRR01": "Vulnerability", "CRR02": "Demand", "CRR03": "Cybersecurity", "CRR04": "Estates",
         "CRR05": "Fleet", "CRR06": "Data Quality"}
OPEN, CLOSED = "Open", "Closed"

# Each quarter's truth, as the risk owners reported it: risk -> (likelihood, impact, status).
STATES: list[dict[str, tuple[int, int, str]]] = [
    {"CRR01": (3, 3, OPEN), "CRR02": (2, 3, OPEN), "CRR03": (2, 2, OPEN), "CRR04": (1, 3, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 3, OPEN), "CRR03": (2, 2, OPEN), "CRR04": (1, 3, CLOSED)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 2, OPEN), "CRR03": (2, 2, OPEN), "CRR04": (1, 3, CLOSED),
     "CRR05": (2, 4, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 2, OPEN), "CRR03": (2, 2, CLOSED), "CRR04": (1, 3, CLOSED),
     "CRR05": (3, 4, OPEN)},
    {"CRR01": (4, 4, OPEN), "CRR02": (2, 2, OPEN), "CRR03": (2, 2, CLOSED), "CRR04": (1, 3, CLOSED),
     "CRR05": (3, 4, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 2, OPEN), "CRR03": (3, 3, OPEN), "CRR04": (1, 3, CLOSED),
     "CRR05": (3, 4, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 2, OPEN), "CRR03": (3, 3, OPEN), "CRR04": (1, 3, CLOSED),
     "CRR05": (2, 4, OPEN), "CRR06": (1, 2, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (2, 3, OPEN), "CRR03": (2, 3, OPEN), "CRR04": (1, 3, CLOSED),
     "CRR05": (2, 4, OPEN), "CRR06": (2, 2, OPEN)},
]
# The first quarter's arrows are typed: there is no History to work them out from.
FIRST_TRENDS = {"CRR01": ("→", "→", "↗"), "CRR02": ("→", "→", "→"), "CRR03": ("N/A", "New", "→"),
                "CRR04": ("→", "↘", "→")}
CONTROLS = {0: "• Training\n• Audits", 2: "• Training\n• Audits\n• Safeguarding hub",
            5: "• Safeguarding hub\n• Audits"}


def scale(quarter: int) -> list[str]:
    return (["Extreme"] if quarter >= BAND_ADDED else []) + ["Critical", "High", "Medium", "Low"]


def band(quarter: int, likelihood: int, impact: int) -> str:
    score = likelihood * impact
    if score >= 16 and quarter >= BAND_ADDED:
        return "Extreme"
    return "Critical" if score >= 12 else "High" if score >= 8 else "Medium" if score >= 4 else "Low"


def controls(risk_id: str, quarter: int) -> str:
    if risk_id != "CRR01":
        return f"• Controls of {NAMES[risk_id]}"
    return CONTROLS[max(q for q in CONTROLS if q <= quarter)]


def is_open(quarter: int, risk_id: str) -> bool:
    return quarter >= 0 and STATES[quarter].get(risk_id, (0, 0, CLOSED))[2] == OPEN


def expected_movements(quarter: int) -> dict[str, list[str]]:
    """Work out the quarter's movements from the states above: scores compared, closures and returns."""
    moves: dict[str, list[str]] = {"New": [], "Escalated": [], "De-escalated": [], "Unchanged": [], "Closed": []}
    now = STATES[quarter]
    for risk_id, (likelihood, impact, status) in sorted(now.items()):
        if quarter == 0:
            arrow = FIRST_TRENDS[risk_id][-1]
            moves[{"↗": "Escalated", "↘": "De-escalated", "→": "Unchanged", "New": "New"}[arrow]].append(risk_id)
            continue
        before = STATES[quarter - 1].get(risk_id)
        if status == CLOSED:
            if before is not None and before[2] == OPEN:
                moves["Closed"].append(risk_id)
        elif before is None or before[2] == CLOSED:
            moves["New"].append(risk_id)  # new, or reopened: the README says a reopened risk counts as new
        else:
            old, new = before[0] * before[1], likelihood * impact
            moves["Escalated" if new > old else "De-escalated" if new < old else "Unchanged"].append(risk_id)
    return moves


def expected_counts(quarter: int) -> tuple[list[str], dict[str, list[int]]]:
    """Return the periods the rating table shows and, per band of this quarter's scale, the open risks in each."""
    shown = [q for q in (quarter - 2, quarter - 1, quarter) if q >= 0]
    counts = {name: [sum(1 for risk_id, (lk, im, _) in STATES[q].items()
                         if is_open(q, risk_id) and band(q, lk, im) == name) for q in shown]
              for name in scale(quarter)}
    return [PERIODS[q] for q in shown], counts


def expected_changes(quarter: int) -> dict[str, list[str]]:
    """Return, per risk open in this quarter and the one before, which fields changed between them."""
    found = {}
    for risk_id, (likelihood, impact, status) in STATES[quarter].items():
        before = STATES[quarter - 1].get(risk_id) if quarter else None
        if status != OPEN or before is None or before[2] != OPEN:
            continue
        fields = [label for label, changed in (
            ("Residual Risk Rating", band(quarter - 1, *before[:2]) != band(quarter, likelihood, impact)),
            ("Score", before[0] * before[1] != likelihood * impact),
            ("Key Controls and Activities", controls(risk_id, quarter - 1) != controls(risk_id, quarter))) if changed]
        if fields:
            found[risk_id] = fields
    return found


def expected_stale(quarter: int, threshold: int = 2) -> dict[str, str]:
    """Return the open risks whose controls read the same in at least `threshold` closed quarters running."""
    stale = {}
    for risk_id, (_, _, status) in STATES[quarter].items():
        if status != OPEN:
            continue
        since = None
        earlier = quarter - 1
        while earlier >= 0 and is_open(earlier, risk_id) and controls(risk_id, earlier) == controls(risk_id, quarter):
            since, earlier = earlier, earlier - 1
        if since is not None and quarter - since >= threshold:
            stale[risk_id] = PERIODS[since]
    return stale


# ---- the user's edits --------------------------------------------------------------------------------------------

def edit_quarter(path: Path, quarter: int) -> None:
    """Type this quarter's scores, ratings, status and controls into the Register; add risks; extend the list."""
    wb = load_workbook(path)
    ws = wb["Register"]
    columns = header_columns(ws)
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    for risk_id, (likelihood, impact, status) in STATES[quarter].items():
        if risk_id not in rows:
            row = max(rows.values()) + 1
            rows[risk_id] = row
            for header, value in (("ID", risk_id), ("Risk Name", NAMES[risk_id]),
                                  ("Description", f"What could go wrong with {NAMES[risk_id].lower()}."),
                                  ("Impact", "Service to the public suffers.")):
                ws.cell(row=row, column=columns[header]).value = value
            table = ws.tables["RiskRegister"]
            first, _, last = table.ref.partition(":")
            table.ref = f"{first}:{''.join(c for c in last if c.isalpha())}{row}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
        row = rows[risk_id]
        values = {"Likelihood": likelihood, "Impact Score": impact, "Status": status,
                  "Residual Risk Rating": band(quarter, likelihood, impact),
                  "Key Controls and Activities": controls(risk_id, quarter), "Risk Owner": f"Owner of {risk_id}"}
        for header, value in values.items():
            ws.cell(row=row, column=columns[header]).value = value
    if quarter == BAND_ADDED:
        lists = wb["Lists"]
        position = header_columns(lists)["Ratings"]
        names = [lists.cell(row=r, column=position).value for r in range(2, 8)]
        for offset, name in enumerate(["Extreme", *[n for n in names if n]]):
            lists.cell(row=2 + offset, column=position).value = name
    wb.save(path)


def first_register(path: Path) -> None:
    risks = [{"id": risk_id, "name": NAMES[risk_id],
              "description": f"What could go wrong with {NAMES[risk_id].lower()}.",
              "impact": "Service to the public suffers.", "controls": controls(risk_id, 0),
              **dict(zip(("trend1", "trend2", "trend3"), FIRST_TRENDS[risk_id])),
              "rating": band(0, lk, im), "likelihood": lk, "impact_score": im, "status": status,
              "owner": f"Owner of {risk_id}"}
             for risk_id, (lk, im, status) in STATES[0].items()]
    write_workbook(path, risks=risks, settings={"period": PERIODS[0], "organisation": "Test Constabulary",
                                                "committee": "Joint Audit Committee", "contact": "Risk Manager",
                                                "author": "Chief Finance Officer"})


# ---- reading the paper back ------------------------------------------------------------------------------------

def read_paper(path: Path) -> dict:
    document = docx.Document(str(path))
    ratings = table_rows(document, "Residual rating")
    movements = table_rows(document, "Movement")
    sentence = next(p.text for p in document.paragraphs if p.text.startswith("There are "))
    return {
        "periods": ratings[0][1:],
        "counts": {row[0]: [int(v) for v in row[1:]] for row in ratings[1:-1]},
        "total": ratings[-1],
        "movements": {row[0]: ([] if row[2] == "None" else [name.split(" ")[0] for name in row[2].split("; ")])
                      for row in movements[1:]},
        "movement_counts": {row[0]: int(row[1]) for row in movements[1:]},
        "sentence": sentence,
    }


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_changes(path: Path) -> tuple[dict[str, list[str]], dict[str, str], dict[str, list[str]]]:
    """Return the changes block: fields changed per risk, stale controls, and each risk's text changes told
    sentence by sentence ("Was: …", "Now: …", "Added: …", "Removed: …")."""
    document = docx.Document(str(path))
    changes: dict[str, list[str]] = {}
    stale: dict[str, str] = {}
    redlines: dict[str, list[str]] = {}
    inside, risk = False, None
    for paragraph in document.paragraphs:
        style, text = paragraph.style.name, paragraph.text
        if style.startswith("Heading"):
            inside = text == "4.3 What changed since the last paper"
            continue
        if not inside:
            continue
        if style == "Field Label":
            risk = None if text.startswith("Controls not changed") else text.split(" ")[0]
        elif style == "List Bullet" and risk:
            changes.setdefault(risk, []).append(text.split(" (words")[0].split(":")[0])
        elif style == "List Bullet":
            risk_id, _, since = text.partition(" ")[0], None, text.rsplit("since ", 1)[-1].rstrip(".")
            stale[risk_id] = since
        elif risk and text.startswith(("Was: ", "Now: ", "Added: ", "Removed: ")):
            redlines.setdefault(risk, []).append(text)
        assert paragraph._p.find(f".//{W}ins") is None and paragraph._p.find(f".//{W}del") is None
    return changes, stale, redlines


def test_one_register_kept_for_eight_quarters(tmp_path, soffice):
    register = tmp_path / "register.xlsx"
    papers = tmp_path / "papers"
    papers.mkdir()
    first_register(register)
    for quarter, period in enumerate(PERIODS):
        if quarter:
            run("roll-quarter", register, "--period", period)
        if quarter == RESAVED_BY_LIBREOFFICE:
            resaved = soffice(register, "xlsx", tmp_path / "libreoffice")
            shutil.copyfile(resaved, register)
        edit_quarter(register, quarter)
        run("trends", register, "--write")
        run("validate", register)  # exit 0: no errors, so the paper is built without --force
        paper = papers / f"{quarter}.docx"
        run("paper", register, "-o", paper)

        got = read_paper(paper)
        periods, counts = expected_counts(quarter)
        moves = expected_movements(quarter)
        open_now = sum(is_open(quarter, risk_id) for risk_id in STATES[quarter])
        assert got["periods"] == periods, period
        assert got["counts"] == counts, period
        assert got["total"] == ["Total", *(str(sum(c[i] for c in counts.values())) for i in range(len(periods)))]
        assert got["total"][-1] == str(open_now), period
        parts = [f"{counts[name][-1]} {name}" for name in scale(quarter)]
        assert got["sentence"] == (f"There are {open_now} open risks on the register this quarter: "
                                   f"{', '.join(parts[:-1])} and {parts[-1]}."), period
        assert got["movements"] == moves, period
        assert got["movement_counts"] == {kind: len(ids) for kind, ids in moves.items()}, period

        changes, stale, redlines = read_changes(paper)
        assert changes == expected_changes(quarter), period
        assert stale == expected_stale(quarter), period
        changed_controls = {risk_id for risk_id, fields in expected_changes(quarter).items()
                            if "Key Controls and Activities" in fields}
        assert set(redlines) == changed_controls, period
        for risk_id in changed_controls:  # the sentences that went and came, in order: none kept is repeated
            said = redlines[risk_id]
            now = [line.split(": ", 1)[1] for line in said if line.startswith(("Now: ", "Added: "))]
            was = [line.split(": ", 1)[1] for line in said if line.startswith(("Was: ", "Removed: "))]
            kept_now, kept_was = sentences(controls(risk_id, quarter)), sentences(controls(risk_id, quarter - 1))
            assert now == [x for x in kept_now if x not in kept_was], period
            assert was == [x for x in kept_was if x not in kept_now], period
        summary = [[c for c in row] for row in load_workbook(register)["Summary"].iter_rows(values_only=True)]
        listed = {row[0] for row in summary[summary.index(["Risk", "Name", "What changed", "Before", "Now"]
                                                          + [None] * (len(summary[0]) - 5)) + 1:]
                  if row[0] and row[2] != "Controls unchanged"} if expected_changes(quarter) else set()
        assert listed == set(expected_changes(quarter)), period

    for quarter, period in enumerate(PERIODS[:-1]):
        again = tmp_path / f"again {quarter}.docx"
        run("paper", register, "--period", period, "-o", again)
        assert normalised_text(again) == normalised_text(papers / f"{quarter}.docx"), period
