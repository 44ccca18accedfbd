"""One register kept over three financial years, 2021/22 Q3 to 2023/24 Q2, through the changes real registers go
through: a band renamed by hand on the Lists sheet (then recorded), a band renamed, a risk renamed, the scale changed from 4×4 to 5×5, a row deleted instead of closed, a
quarter with an error in it (closed with --force, which its paper says for ever), a closed quarter tampered with and
put back, a recorded correction, and the paper's wording changed in Settings (Reviewed by).

Each quarter's paper is read back and compared with what this test works out on its own (bands by position,
arrows by score or, across the change of scale, by band; counts; the removed risk); at the end every closed
quarter's paper is built again with `paper --period` and must read as it did when it was built.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from openpyxl import load_workbook

from support.scenario import header_columns, normalised_text, run, table_rows
from report_builder.content import heat_points
from workbook.xlsx.builder import write_workbook
from workbook.xlsx.reader import read_register

PERIODS = ["2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2", "2022/23 Q3", "2022/23 Q4", "2023/24 Q1",
           "2023/24 Q2"]
HAND_RENAMED = 1  # Low typed over as Minor on the Lists sheet in 2021/22 Q4: validate names rename-band, roll-quarter
# refuses (even with --force) until `rename-band Low Minor` records it
BAND_RENAMED = 2  # rename-band Medium Moderate, once 2022/23 Q1 is open
RISK_RENAMED = 3  # rename-risk CRR05 CRR05A, once 2022/23 Q2 is open
RESCALED = 4  # from 2022/23 Q3 the Settings scale is 5 and every risk is scored again on it
ROW_DELETED = 5  # CRR04's row is deleted in 2022/23 Q4 instead of being closed
WITH_ERROR = 6  # 2023/24 Q1 has a Last Reviewed typed as text: its paper is built with --force, and it is closed
# with --force, so History keeps the text and 2023/24 Q2 has the error too (in History)
WITH_ERRORS = (WITH_ERROR, WITH_ERROR + 1)
REVIEWER_NAMED = ROW_DELETED  # Settings' Reviewed by is filled in from 2022/23 Q4 (blank before)
NAMES = {"CRR01": "Vulnerability", "CRR02": "Demand", "CRR03": "Cybersecurity", "CRR04": "Estates",
         "CRR05": "Fleet", "CRR06": "Data Quality"}
OPEN, CLOSED = "Open", "Closed"
CLOSED_WITH_ERROR = ("This quarter was closed anyway with 1 error not corrected first, so History keeps the values "
                     "as they stood at the close:")

# Each quarter's truth: risk -> (likelihood, impact, status); CRR05 is CRR05A from RISK_RENAMED on.
STATES: list[dict[str, tuple[int, int, str]]] = [
    {"CRR01": (3, 3, OPEN), "CRR02": (2, 3, OPEN), "CRR03": (2, 2, OPEN), "CRR04": (1, 3, OPEN),
     "CRR05": (2, 2, OPEN)},
    {"CRR01": (3, 3, OPEN), "CRR02": (3, 3, OPEN), "CRR03": (2, 2, OPEN), "CRR04": (1, 3, OPEN),
     "CRR05": (2, 2, OPEN)},
    {"CRR01": (3, 3, OPEN), "CRR02": (3, 3, OPEN), "CRR03": (1, 2, OPEN), "CRR04": (1, 3, OPEN),
     "CRR05": (2, 2, OPEN)},
    {"CRR01": (3, 3, OPEN), "CRR02": (3, 3, OPEN), "CRR03": (1, 2, OPEN), "CRR04": (1, 3, OPEN),
     "CRR05A": (2, 3, OPEN)},
    # 5×5 from here: the same ratings rescored (CRR02, CRR03, CRR05A), and CRR01 escalates to Critical.
    {"CRR01": (4, 4, OPEN), "CRR02": (3, 4, OPEN), "CRR03": (1, 3, OPEN), "CRR04": (1, 3, OPEN),
     "CRR05A": (2, 3, OPEN)},
    {"CRR01": (4, 4, OPEN), "CRR02": (3, 4, OPEN), "CRR03": (1, 3, OPEN), "CRR05A": (2, 3, OPEN)},
    {"CRR01": (4, 4, OPEN), "CRR02": (3, 3, OPEN), "CRR03": (1, 3, CLOSED), "CRR05A": (2, 3, OPEN)},
    {"CRR01": (3, 4, OPEN), "CRR02": (3, 3, OPEN), "CRR03": (1, 3, CLOSED), "CRR05A": (2, 3, OPEN),
     "CRR06": (1, 2, OPEN)},
]
FIRST_TRENDS = {"CRR01": ("→", "→", "→"), "CRR02": ("→", "→", "↘"), "CRR03": ("N/A", "New", "→"),
                "CRR04": ("→", "→", "→"), "CRR05": ("→", "↗", "→")}


def names(quarter: int) -> list[str]:
    return ["Critical", "High", "Moderate" if quarter >= BAND_RENAMED else "Medium",
            "Minor" if quarter >= HAND_RENAMED else "Low"]


def scale(quarter: int) -> int:
    return 5 if quarter >= RESCALED else 4


def band_index(quarter: int, likelihood: int, impact: int) -> int:
    """Return the band (0 most severe) this test's own bands give a score on the quarter's scale."""
    score, top = likelihood * impact, scale(quarter) ** 2
    lowest = (15, 9, 4) if top == 25 else (12, 8, 4)
    return next((i for i, low in enumerate(lowest) if score >= low), 3)


def band(quarter: int, likelihood: int, impact: int) -> str:
    return names(quarter)[band_index(quarter, likelihood, impact)]


def same(risk_id: str) -> str:
    return "CRR05" if risk_id == "CRR05A" else risk_id


def earlier_state(quarter: int, risk_id: str):
    """Return the risk's state the quarter before, under whichever ID it had then."""
    if quarter == 0:
        return None
    before = STATES[quarter - 1]
    return before.get(risk_id) or before.get(same(risk_id))


def is_open(quarter: int, risk_id: str) -> bool:
    return STATES[quarter].get(risk_id, (0, 0, CLOSED))[2] == OPEN


def expected_movements(quarter: int) -> dict[str, list[str]]:
    moves: dict[str, list[str]] = {"New": [], "Escalated": [], "De-escalated": [], "Unchanged": [], "Closed": []}
    now = STATES[quarter]
    for risk_id, (likelihood, impact, status) in sorted(now.items()):
        if quarter == 0:
            arrow = FIRST_TRENDS[risk_id][-1]
            moves[{"↗": "Escalated", "↘": "De-escalated", "→": "Unchanged"}[arrow]].append(risk_id)
            continue
        before = earlier_state(quarter, risk_id)
        if status == CLOSED:
            if before is not None and before[2] == OPEN:
                moves["Closed"].append(risk_id)
        elif before is None or before[2] == CLOSED:
            moves["New"].append(risk_id)
        else:
            if scale(quarter) != scale(quarter - 1):  # across the change of scale: bands, not scores
                old, new = -band_index(quarter - 1, *before[:2]), -band_index(quarter, likelihood, impact)
            else:
                old, new = before[0] * before[1], likelihood * impact
            moves["Escalated" if new > old else "De-escalated" if new < old else "Unchanged"].append(risk_id)
    if quarter:
        for risk_id, state in STATES[quarter - 1].items():
            if state[2] == OPEN and risk_id not in now and not (risk_id == "CRR05" and "CRR05A" in now):
                moves["Closed"].append(risk_id)  # a deleted row: shown with the closures, said to be removed
    return {kind: sorted(ids) for kind, ids in moves.items()}


def expected_counts(quarter: int) -> tuple[list[str], dict[str, list[int]]]:
    """Return the periods of the rating table and, per band of the quarter's names, the open risks in each: an
    earlier quarter's risks counted under today's name of their band."""
    shown = [q for q in (quarter - 2, quarter - 1, quarter) if q >= 0]
    counts = {name: [sum(1 for risk_id, (lk, im, _) in STATES[q].items()
                         if is_open(q, risk_id) and band_index(q, lk, im) == index) for q in shown]
              for index, name in enumerate(names(quarter))}
    return [PERIODS[q] for q in shown], counts


# ---- the user's edits ------------------------------------------------------------------------------------------

def _rows(ws) -> dict[str, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def _resize(ws, last: int) -> None:
    table = ws.tables["RiskRegister"]
    first, _, end = table.ref.partition(":")
    table.ref = f"{first}:{''.join(c for c in end if c.isalpha())}{last}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def edit_quarter(path: Path, quarter: int) -> None:
    """Type the quarter's scores, ratings and status; add CRR06; delete CRR04's row; rescale; type the error."""
    wb = load_workbook(path)
    ws = wb["Register"]
    columns, rows = header_columns(ws), _rows(ws)
    if quarter == ROW_DELETED:
        ws.delete_rows(rows["CRR04"])
        _resize(ws, ws.max_row)
        rows = _rows(ws)
    for risk_id, (likelihood, impact, status) in STATES[quarter].items():
        if risk_id not in rows:
            row = max(rows.values()) + 1
            rows[risk_id] = row
            for header, value in (("ID", risk_id), ("Risk Name", NAMES[risk_id]),
                                  ("Description", f"What could go wrong with {NAMES[risk_id].lower()}."),
                                  ("Impact", "Service to the public suffers."),
                                  ("Key Controls and Activities", f"• Controls of {NAMES[risk_id]}")):
                ws.cell(row=row, column=columns[header]).value = value
            _resize(ws, row)
        row = rows[risk_id]
        reviewed = "last week" if quarter == WITH_ERROR and risk_id == "CRR02" else dt.datetime(2021, 9, 1)
        for header, value in {"Likelihood": likelihood, "Impact Score": impact, "Status": status,
                              "Residual Risk Rating": band(quarter, likelihood, impact),
                              "Last Reviewed": reviewed}.items():
            ws.cell(row=row, column=columns[header]).value = value
    settings = wb["Settings"]
    at = {settings.cell(row=r, column=1).value: r for r in range(1, settings.max_row + 1)}
    if quarter == RESCALED:
        settings.cell(row=at["Likelihood and impact scale"], column=2).value = 5
    if quarter == REVIEWER_NAMED:  # the paper's wording changes; the closed quarters' papers keep theirs
        settings.cell(row=at["Reviewed by"], column=2).value = "Chief Officer Group"
    if quarter == HAND_RENAMED:  # the band typed over on the Lists sheet, as users do
        next(cell for cell in wb["Lists"]["A"] if cell.value == "Low").value = "Minor"
    wb.save(path)


def record_hand_rename(path: Path, quarter: int) -> None:
    """The Lists' Low typed over as Minor: one warning naming the command, a roll refused even with --force, then
    the rename recorded."""
    warned = [line for line in run("validate", path).splitlines() if "R105" in line]
    assert warned == [
        "warning\tR105\tLists!A1\t\tThe Ratings list has 'Minor' where 2021/22 Q3 had 'Low', which History rates "
        "risks with. If Low was renamed, run `riskreg rename-band Low Minor` so that History keeps the closed "
        "quarters' words and the trends carry over."], warned
    assert run("roll-quarter", path, "--period", PERIODS[quarter + 1], "--force", code=2) == (
        f"Error: {path}: the Ratings list has 'Minor' where 2021/22 Q3 had 'Low', and the rename is not recorded, "
        f"so the quarter {PERIODS[quarter]} was not closed. Run riskreg rename-band Low Minor first (or put 'Low' "
        "back on the Lists sheet).\n")
    recorded = run("rename-band", path, "Low", "Minor")
    assert recorded.startswith(f"Band Low is now Minor in {path} from {PERIODS[quarter]}: 0 cells set"), recorded


def first_register(path: Path) -> None:
    risks = [{"id": risk_id, "name": NAMES[risk_id], "description": f"What could go wrong with {NAMES[risk_id].lower()}.",
              "impact": "Service to the public suffers.", "controls": f"• Controls of {NAMES[risk_id]}",
              **dict(zip(("trend1", "trend2", "trend3"), FIRST_TRENDS[risk_id])),
              "rating": band(0, lk, im), "likelihood": lk, "impact_score": im, "status": status,
              "owner": f"Owner of {risk_id}", "last_reviewed": dt.datetime(2021, 9, 1)}
             for risk_id, (lk, im, status) in STATES[0].items()]
    write_workbook(path, risks=risks, settings={"period": PERIODS[0], "organisation": "Test Constabulary",
                                                "committee": "Joint Audit Committee", "contact": "Risk Manager",
                                                "author": "Chief Finance Officer", "id_pattern": r"CRR\d{2}A?"})


def history_cell(path: Path, risk_id: str, period: str, header: str) -> tuple[int, int]:
    ws = load_workbook(path)["History"]
    column = header_columns(ws)[header]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if (r[0].value, r[1].value) == (risk_id, period))
    return row, column


def set_history(path: Path, cell: tuple[int, int], value) -> object:
    wb = load_workbook(path)
    target = wb["History"].cell(row=cell[0], column=cell[1])
    old, target.value = target.value, value
    wb.save(path)
    return old


# ---- reading the paper back ------------------------------------------------------------------------------------

def read_paper(path: Path) -> dict:
    document = docx.Document(str(path))
    ratings = table_rows(document, "Residual rating")
    movements = table_rows(document, "Movement")
    return {
        "periods": ratings[0][1:],
        "counts": {row[0]: [int(v) for v in row[1:]] for row in ratings[1:-1]},
        "movements": {row[0]: sorted([] if row[2] == "None" else [n.split(" ")[0] for n in row[2].split("; ")])
                      for row in movements[1:]},
        "paragraphs": [p.text for p in document.paragraphs],
    }


def test_one_register_kept_over_three_financial_years(tmp_path):
    register = tmp_path / "register.xlsx"
    papers = tmp_path / "papers"
    papers.mkdir()
    first_register(register)
    for quarter, period in enumerate(PERIODS):
        if quarter:
            rolled = run("roll-quarter", register, "--period", period, *(["--force"] if quarter - 1 == WITH_ERROR
                                                                          else []))
            assert "stay unsealed" not in rolled, period  # made with seals: every closed quarter is sealed
        if quarter == BAND_RENAMED:
            assert run("rename-band", register, "Medium", "Moderate").startswith("Band Medium is now Moderate")
        if quarter == RISK_RENAMED:
            assert run("rename-risk", register, "CRR05", "CRR05A").startswith("Risk CRR05 is now CRR05A")
        if quarter == WITH_ERROR + 1:  # the quarter closed with --force says so in its paper, now and rebuilt
            closed_paper = tmp_path / "closed with errors.docx"
            run("paper", register, "--period", PERIODS[WITH_ERROR], "-o", closed_paper, "--force")
            lines = [p.text for p in docx.Document(str(closed_paper)).paragraphs]
            at = lines.index(CLOSED_WITH_ERROR)
            closed_lines = lines[at:at + 2]
            assert closed_lines[1].startswith("Register!"), closed_lines
        edit_quarter(register, quarter)
        if quarter == RISK_RENAMED:  # the heat map keeps the renamed risk's position last quarter
            now = read_register(register)
            points = {p.risk_id: p for p in heat_points(now, [r for r in now.risks if not r.is_closed])}
            assert points["CRR05A"].before == STATES[quarter - 1]["CRR05"][:2]
        said = run("trends", register, "--write")
        if quarter == HAND_RENAMED:
            record_hand_rename(register, quarter)
        assert ("The score scale changed in 2022/23 Q3 (4×4 to 5×5): arrows compare ratings (or positions within "
                "the scale), never scores of different scales." in said) == (quarter == RESCALED), period
        findings = run("validate", register, code=1 if quarter in WITH_ERRORS else 0)
        assert ("R103" in findings) == (quarter == ROW_DELETED), period
        assert not any(rule in findings for rule in ("R027", "R100", "R104", "R105")), period
        paper = papers / f"{quarter}.docx"
        run("paper", register, "-o", paper, *(["--force"] if quarter in WITH_ERRORS else []))

        got = read_paper(paper)
        periods, counts = expected_counts(quarter)
        assert got["periods"] == periods, period
        assert got["counts"] == counts, period
        assert got["movements"] == expected_movements(quarter), period
        said = got["paragraphs"]
        assert ("CRR05 is now CRR05A." in said) == (quarter == RISK_RENAMED), period
        assert ("CRR04 Estates was removed from the register this quarter without being closed." in said) == (
            quarter == ROW_DELETED), period
        assert any("reviewed by the Chief Officer Group" in p for p in said) == (quarter >= REVIEWER_NAMED), period
        assert any("data-quality" in p.lower() or "data quality" in p.lower() for p in said) == (
            quarter in WITH_ERRORS), period

        if quarter == WITH_ERROR:
            # A closed, sealed quarter changed by hand: named by validate, its paper refused; put back, it is clean.
            cell = history_cell(register, "CRR03", PERIODS[1], "Rating")
            old = set_history(register, cell, "Critical")
            assert "R100" in run("validate", register, code=1)
            assert "History Rating of CRR03 for 2021/22 Q4 is 'Critical'" in run(
                "paper", register, "--period", PERIODS[1], "-o", tmp_path / "refused.docx", code=2)
            set_history(register, cell, old)
            assert "R100" not in run("validate", register, code=1)
            # A real mistake in a sealed quarter, corrected through the recorded route.
            reviewed = history_cell(register, "CRR02", PERIODS[1], "Reviewed on")
            set_history(register, reviewed, dt.datetime(2021, 12, 15))
            assert "R100" in run("validate", register, code=1)
            corrected = run("correct-history", register, "--period", PERIODS[1], "--reason", "review date mistyped")
            assert corrected.startswith("Corrected 2021/22 Q4"), corrected
            assert "R100" not in run("validate", register, code=1)

    for quarter, period in enumerate(PERIODS[:-1]):
        again = tmp_path / f"again {quarter}.docx"
        run("paper", register, "--period", period, "-o", again, *(["--force"] if quarter == WITH_ERROR else []))
        expected = normalised_text(papers / f"{quarter}.docx")
        if quarter == 1:  # the recorded correction is the one change to the past: CRR02's review date
            expected = [line.replace("Last Reviewed: 1 Sep 2021", "Last Reviewed: 15 Dec 2021")
                        if line.startswith("CRR02 | ") else line for line in expected]
        if quarter == WITH_ERROR:  # closed with --force since its paper was built: the note says so
            at = next(i for i, line in enumerate(expected) if line.startswith("Data quality:"))
            expected[at:at] = closed_lines
        assert normalised_text(again) == expected, period
