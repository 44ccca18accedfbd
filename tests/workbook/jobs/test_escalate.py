"""Escalation between real register workbooks: up, down and up again across roll-overs, History intact, both
Records, seals valid, an ID clash and a locked target refused with both files unchanged, and each paper's sentence."""

import fcntl
import shutil
from collections import Counter
from pathlib import Path

import pytest
from support.riskreg_testing import run_cli

from workbook import jobs
from workbook.core import seal
from workbook.core.checks import check
from workbook.core.escalation import moves
from workbook.core.periods import parse_period
from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
from workbook.xlsx.builder import import_export
from workbook.xlsx.reader import read_register

DEPT, CORPORATE = "Adults Directorate Risk Register", "Corporate Risk Register"
SEAL_RULES = {"R100", "R101", "R102"}


@pytest.fixture
def registers(tmp_path: Path) -> tuple[Path, Path]:
    """Return a directorate register (the sample, 18 risks) and an empty corporate one, both reporting 2021/22 Q2."""
    dept, corporate = tmp_path / "dept.xlsx", tmp_path / "corporate.xlsx"
    import_export(sample_export_path(), dept, parse_period(SAMPLE_PERIOD), settings={**SAMPLE_SETTINGS, "title": DEPT})
    jobs.new_register(corporate, parse_period(SAMPLE_PERIOD), settings={"title": CORPORATE})
    return dept, corporate


def roll_both(paths, period: str) -> None:
    for path in paths:
        jobs.roll_quarter(path, parse_period(period), close_with_errors=True)


def history_periods(path: Path, risk_id: str) -> list[str]:
    return [entry.period for entry in read_register(path).history if entry.risk_id == risk_id]


def risk_status(path: Path, risk_id: str) -> str:
    risk = next(risk for risk in read_register(path).risks if risk.id == risk_id)
    return "Closed" if risk.is_closed else "Open"  # a blank Status is an open risk


def assert_seals_hold(*paths: Path) -> None:
    for path in paths:
        register = read_register(path)
        assert seal.alterations(register) == ()
        assert not [f for f in check(register) if f.rule_id in SEAL_RULES]


def test_up_down_and_up_again_across_roll_overs_keeps_every_history_row_once(registers):
    dept, corporate = registers
    before = history_periods(dept, "CRR05")  # the sample's History: 2020/21 Q4 to 2021/22 Q2
    assert before == ["2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]
    roll_both(registers, "2021/22 Q3")  # closes Q2: both registers sealed

    result = run_cli("escalate", dept, "CRR05", "--to", corporate)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "CRR05 escalated from dept.xlsx to corporate.xlsx in 2021/22 Q3: closed on dept.xlsx (its History kept), "
        "3 History rows copied, 2021/22 Q2 re-sealed there; the move is recorded in both registers.")
    assert risk_status(dept, "CRR05") == "Closed" and risk_status(corporate, "CRR05") == "Open"
    assert history_periods(corporate, "CRR05") == before  # each row once, in the register that holds it
    assert history_periods(dept, "CRR05") == before  # and kept where it was
    assert_seals_hold(dept, corporate)

    roll_both(registers, "2021/22 Q4")  # Q3: the corporate records the open risk, the directorate its close
    roll_both(registers, "2022/23 Q1")  # Q4: only the corporate holds it
    assert history_periods(dept, "CRR05") == [*before, "2021/22 Q3"]
    held_up = [*before, "2021/22 Q3", "2021/22 Q4"]
    assert history_periods(corporate, "CRR05") == held_up

    result = run_cli("de-escalate", corporate, "CRR05", "--to", dept)
    assert result.exit_code == 0, result.output
    assert "its earlier row on dept.xlsx reopened" in result.output
    assert risk_status(dept, "CRR05") == "Open" and risk_status(corporate, "CRR05") == "Closed"
    assert len([r for r in read_register(dept).risks if r.id == "CRR05"]) == 1  # reopened, not added again
    # The directorate keeps its own Q3 row (the quarter it closed the risk) and gains Q4, which only the
    # corporate held: every quarter once.
    assert Counter(history_periods(dept, "CRR05")) == Counter(held_up)
    assert_seals_hold(dept, corporate)

    roll_both(registers, "2022/23 Q2")  # Q1: the directorate records it again
    result = run_cli("escalate", dept, "CRR05", "--to", corporate)
    assert result.exit_code == 0, result.output
    quarters = [*held_up, "2022/23 Q1"]
    assert Counter(history_periods(corporate, "CRR05")) == Counter(quarters)
    assert risk_status(corporate, "CRR05") == "Open" and risk_status(dept, "CRR05") == "Closed"
    assert_seals_hold(dept, corporate)

    # Both Records: each move, out of one and into the other, in its quarter.
    assert [(m.way, m.kind, m.other, m.period.label) for m in moves(read_register(dept))] == [
        ("out", "escalated", CORPORATE, "2021/22 Q3"), ("in", "de-escalated", CORPORATE, "2022/23 Q1"),
        ("out", "escalated", CORPORATE, "2022/23 Q2")]
    assert [(m.way, m.kind, m.other, m.period.label) for m in moves(read_register(corporate))] == [
        ("in", "escalated", DEPT, "2021/22 Q3"), ("out", "de-escalated", DEPT, "2022/23 Q1"),
        ("in", "escalated", DEPT, "2022/23 Q2")]


def paper_text(path: Path) -> str:
    from docx import Document

    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_an_id_taken_on_the_target_is_refused_with_the_way_out(registers, tmp_path):
    dept, _ = registers
    other = tmp_path / "other.xlsx"
    shutil.copy(dept, other)
    before = dept.read_bytes(), other.read_bytes()
    row = next(risk.row for risk in read_register(other).risks if risk.id == "CRR05")
    result = run_cli("escalate", dept, "CRR05", "--to", other)
    assert result.exit_code == 2
    assert result.output == (f"Error: {other}: sheet 'Register' row {row}: the ID CRR05 is already a risk here, so "
                             "nothing was moved. Give CRR05 an ID of its own on this register with --as NEWID.\n")
    assert (dept.read_bytes(), other.read_bytes()) == before
    result = run_cli("escalate", dept, "CRR05", "--to", other, "--as", "CRR25")
    assert result.exit_code == 0, result.output
    assert risk_status(other, "CRR25") == "Open"
    assert history_periods(other, "CRR25") == ["2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]


def test_a_risk_that_went_up_under_another_id_comes_back_to_its_own_row(registers):
    dept, corporate = registers
    assert run_cli("escalate", dept, "CRR05", "--to", corporate, "--as", "CRR25").exit_code == 0
    result = run_cli("de-escalate", corporate, "CRR25", "--to", dept)  # no --as: the Record knows it was CRR05
    assert result.exit_code == 0, result.output
    assert result.output.startswith("CRR25 de-escalated from corporate.xlsx to dept.xlsx as CRR05 in 2021/22 Q2")
    assert risk_status(dept, "CRR05") == "Open" and risk_status(corporate, "CRR25") == "Closed"
    assert "CRR25" not in {risk.id for risk in read_register(dept).risks}


@pytest.mark.parametrize("how", ["locked", "read-only"])
def test_a_target_that_cannot_be_written_leaves_both_unchanged(registers, how):
    dept, corporate = registers
    before = dept.read_bytes(), corporate.read_bytes()
    if how == "read-only":
        corporate.chmod(0o444)
        result = run_cli("escalate", dept, "CRR05", "--to", corporate)
        corporate.chmod(0o644)
    else:
        with open(corporate, "rb") as handle:  # as LibreOffice holds a workbook it has open
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            result = run_cli("escalate", dept, "CRR05", "--to", corporate)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {corporate}: is ")
    assert "so nothing was changed" in result.output
    assert (dept.read_bytes(), corporate.read_bytes()) == before


def listing(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _fail_target(how: str, corporate: Path, stack) -> str:
    """Make the target unwritable for real, as `how` says; return the message riskreg gives."""
    from support.office_files import lock_held, owner_file_bytes, process_name

    if how == "open in Excel":
        (corporate.parent / f"~${corporate.name}").write_bytes(owner_file_bytes("Jane Smith"))
        return (f"{corporate}: is open in Excel by Jane Smith (~$corporate.xlsx is beside it), so nothing was "
                "changed. Close it in Excel and run the command again; if no one has it open, delete "
                "~$corporate.xlsx.")
    if how == "locked":
        holder = stack.enter_context(lock_held(corporate, "fcntl"))
        return (f"{corporate}: is open in process {holder.pid} ({process_name(holder.pid)}), which holds a lock on "
                "it, so nothing was changed. Close it there and run the command again.")
    corporate.chmod(0o444)
    stack.callback(corporate.chmod, 0o644)
    return (f"{corporate}: is read-only, so nothing was changed. Make the file writable (its properties, or whoever "
            "manages the folder), or write to another file (-o).")


@pytest.mark.parametrize("how", ["open in Excel", "locked", "read-only"])
@pytest.mark.parametrize("when", ["while both are written", "after the source is replaced"])
def test_a_target_that_fails_after_the_source_checks_leaves_both_registers_as_they_were(registers, monkeypatch,
                                                                                        how, when):
    import contextlib
    import os

    from workbook.files import atomic
    from workbook.xlsx.book import Book

    dept, corporate = registers
    before, files, inode = (dept.read_bytes(), corporate.read_bytes()), listing(dept.parent), os.stat(dept).st_ino
    expected: list[str] = []
    with contextlib.ExitStack() as stack:
        # The failure is real (an owner file, another process's lock, a read-only file); only its moment is chosen.
        if when == "while both are written":
            save = Book.save

            def saving(book, temp):
                if book.path == corporate:
                    expected.append(_fail_target(how, corporate, stack))
                save(book, temp)

            monkeypatch.setattr(Book, "save", saving)
        else:
            replace_keeping = atomic._replace_keeping

            def replacing(temp, commit):
                kept = replace_keeping(temp, commit)
                if commit.target == dept:
                    assert dept.read_bytes() != before[0]  # the source is replaced: now the target fails
                    expected.append(_fail_target(how, corporate, stack))
                return kept

            monkeypatch.setattr(atomic, "_replace_keeping", replacing)
        result = run_cli("escalate", dept, "CRR05", "--to", corporate)
    assert result.exit_code == 2
    assert result.output == f"Error: {expected[0]}\n"
    assert (dept.read_bytes(), corporate.read_bytes()) == before
    assert os.stat(dept).st_ino == inode  # the very file it held, put back: not a copy
    (corporate.parent / f"~${corporate.name}").unlink(missing_ok=True)
    assert listing(dept.parent) == files  # no temporary file, version aside, lock or backup left
    monkeypatch.undo()
    assert run_cli("escalate", dept, "CRR05", "--to", corporate).exit_code == 0  # and the move can then be made


# ---- actions travel with the risk --------------------------------------------------------------------------

PAPER_SETTINGS = {"organisation": "Hilltown Council", "committee": "Audit and Governance Committee",
                  "author": "Director of Finance", "contact": "Strategic Risk Manager"}


def action_rows(path: Path, risk_id: str) -> list[dict]:
    """Return the risk's rows of the Actions sheet as read back, without the sheet row."""
    register = read_register(path)
    return [dict(a.values) for a in register.actions or () if a.text("risk_id") == risk_id]


@pytest.fixture
def depth_registers(tmp_path: Path) -> tuple[Path, Path]:
    """Return a directorate register with the Actions sheet (CRR18 has three actions, one overdue, one without an
    owner, one done) and a corporate register made by `riskreg new` without one: both validate with no errors."""
    import datetime as dt

    from support.depth_register import APPETITE, depth_actions, depth_risks

    from workbook.xlsx.builder import build_workbook, save

    risks, history, settings = depth_risks()
    for risk in risks:
        if risk["id"] == "CRR03":  # the sample marks it New twice (R010): once is right
            risk.update({key: "↗" for key, value in risk.items() if key.startswith("trend") and value == "New"})
            risk["trend1"] = "New"
    actions = depth_actions(risks)
    actions += [{"risk_id": "CRR18", "action": "Agree the new rota with the unions", "due": dt.datetime(2021, 12, 15),
                 "status": "Not started"},
                {"risk_id": "CRR18", "action": "Brief the Chief Executive", "owner": "Head of Service",
                 "due": dt.datetime(2021, 6, 30), "status": "Done", "completed_on": dt.datetime(2021, 6, 28),
                 "update": "Briefed."}]
    dept, corporate = tmp_path / "dept.xlsx", tmp_path / "corporate.xlsx"
    save(build_workbook(risks, history, {**settings, **PAPER_SETTINGS, "title": DEPT}, full=True, actions=actions,
                        appetite=APPETITE), dept)
    jobs.new_register(corporate, parse_period(SAMPLE_PERIOD), settings={**PAPER_SETTINGS, "title": CORPORATE})
    for path in (dept, corporate):
        assert run_cli("validate", path).exit_code == 0
    return dept, corporate


def roll_and_fill(paths, period: str) -> None:
    """Roll both registers on, and fill the new quarter's trend cells as the risk manager does (trends --write)."""
    roll_both(paths, period)
    for path in paths:
        assert run_cli("trends", path, "--write").exit_code == 0


def assert_clean(*paths: Path) -> None:
    for path in paths:
        result = run_cli("validate", path)
        assert result.exit_code == 0, result.output
        assert "\terror\t" not in result.output


def test_actions_go_up_down_and_up_again_with_their_risk(depth_registers):
    import datetime as dt

    from workbook.xlsx.tables import register_table

    dept, corporate = depth_registers
    held = action_rows(dept, "CRR18")
    assert [a["action"] for a in held] == ["Review the controls of Core Skills Resilience & Training Risk",
                                           "Agree the new rota with the unions", "Brief the Chief Executive"]
    assert read_register(corporate).actions is None  # `riskreg new` without --full: no Actions sheet

    result = run_cli("escalate", dept, "CRR18", "--to", corporate)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "CRR18 escalated from dept.xlsx to corporate.xlsx in 2021/22 Q2: closed on dept.xlsx (its History kept), "
        "1 History row copied, 3 actions carried with it on a new Actions sheet on corporate.xlsx (kept on "
        "dept.xlsx and marked in Update); the move is recorded in both registers.")
    # The target holds them as the source had them: owners, dates, status, update; a blank stays blank.
    assert action_rows(corporate, "CRR18") == held
    assert "owner" not in {k for k, v in action_rows(corporate, "CRR18")[1].items() if v is not None}
    table = register_table(corporate, "RiskActions")
    assert table is not None and (table.header_row, table.last_row) == (1, 4)
    assert read_register(corporate).lists["ActionStatuses"] == ("Not started", "In progress", "Done", "Cancelled")
    # The source keeps them with the closed risk, each saying where it went; its History is kept as well.
    mark = "Escalated with CRR18 to the Corporate Risk Register in 2021/22 Q2: followed there."
    kept = action_rows(dept, "CRR18")
    assert [a["update"] for a in kept] == [f"{mark}\nWork under way.", mark, f"{mark}\nBriefed."]
    assert [{k: v for k, v in a.items() if k != "update"} for a in kept] == \
        [{k: v for k, v in a.items() if k != "update"} for a in held]
    assert_clean(dept, corporate)
    assert "Actions!D2" not in run_cli("validate", dept).output  # overdue, but followed up on the corporate now
    assert "R042\tActions!D2" in run_cli("validate", corporate).output

    roll_and_fill(depth_registers, "2021/22 Q3")
    result = run_cli("de-escalate", corporate, "CRR18", "--to", dept)
    assert result.exit_code == 0, result.output
    assert "3 actions carried with it into 3 earlier rows of it there (kept on corporate.xlsx and marked in Update)" \
        in result.output
    back = action_rows(dept, "CRR18")
    assert back == held  # its own rows, as the corporate had them: the mark gone with the values
    assert len([a for a in read_register(dept).actions if a.text("risk_id") == "CRR18"]) == 3  # not added again
    assert [a["update"] for a in action_rows(corporate, "CRR18")][1] == \
        "De-escalated with CRR18 to the Adults Directorate Risk Register in 2021/22 Q3: followed there."
    assert_clean(dept, corporate)

    roll_and_fill(depth_registers, "2021/22 Q4")
    result = run_cli("escalate", dept, "CRR18", "--to", corporate)
    assert result.exit_code == 0, result.output
    assert "3 actions carried with it into 3 earlier rows of it there" in result.output
    assert action_rows(corporate, "CRR18") == held
    assert len(read_register(corporate).actions) == 3
    assert_clean(dept, corporate)
    # CRR18 joined in 2021/22 Q2: each quarter since once on each register.
    assert history_periods(corporate, "CRR18") == ["2021/22 Q2", "2021/22 Q3"]
    assert Counter(history_periods(dept, "CRR18")) == Counter(["2021/22 Q2", "2021/22 Q3"])
    assert risk_status(corporate, "CRR18") == "Open" and risk_status(dept, "CRR18") == "Closed"
    assert action_rows(corporate, "CRR18")[0]["due"] == dt.date(2021, 8, 31)  # a date, shown as one


def test_the_actions_sheet_made_on_the_target_is_the_one_riskreg_new_makes(depth_registers, tmp_path, soffice):
    from openpyxl import load_workbook
    from support.ooxml_schema import changed_parts, invalid_parts, package_parts

    from workbook.core.schema import ACTION_COLUMNS

    dept, corporate = depth_registers
    before = package_parts(corporate)
    assert run_cli("escalate", dept, "CRR18", "--to", corporate).exit_code == 0
    assert invalid_parts(changed_parts(package_parts(corporate), before)) == []
    made = load_workbook(corporate)["Actions"]
    full = tmp_path / "full.xlsx"
    jobs.new_register(full, parse_period(SAMPLE_PERIOD), full=True)
    model = load_workbook(full)["Actions"]
    for sheet in (made, model):
        assert [c.value for c in sheet[1]] == [c.header for c in ACTION_COLUMNS]
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows.replace("$", "") == "1:1"
        assert list(sheet.tables) == ["RiskActions"]
        assert sheet[1][0].font.b
    assert [made.column_dimensions[c].width for c in "ABCDEFG"] == \
        [model.column_dimensions[c].width for c in "ABCDEFG"]
    assert sorted((v.type, v.formula1, str(v.sqref).split(":")[0]) for v in made.data_validations.dataValidation) == \
        sorted((v.type, v.formula1, str(v.sqref).split(":")[0]) for v in model.data_validations.dataValidation)
    assert made["D2"].number_format == model["D2"].number_format == "dd/mm/yyyy"
    assert load_workbook(corporate).defined_names["ActionStatuses"].attr_text.startswith("Lists!$")
    assert made.tables["RiskActions"].ref == "A1:G4"
    for part in ("oddHeader", "oddFooter"):
        for side in ("left", "center", "right"):
            ours, theirs = getattr(getattr(made, part), side), getattr(getattr(model, part), side)
            assert (ours.text or "").replace("Corporate Risk Register", "") == (theirs.text or "").replace(
                "Corporate Risk Register", ""), (part, side)  # the title is each register's own
    soffice(corporate)  # LibreOffice opens it (and prints it)


def test_each_paper_says_where_the_risk_went_in_the_quarter_of_the_move_only_across_two_roll_overs(registers,
                                                                                                  tmp_path):
    dept, corporate = registers
    roll_both(registers, "2021/22 Q3")
    assert run_cli("escalate", dept, "CRR05", "--to", corporate).exit_code == 0
    said = {dept: "CRR05 was escalated to the Corporate Risk Register.",
            corporate: "CRR05 was escalated from the Adults Directorate Risk Register."}
    closed = "CRR05 Demand Management was closed this quarter."
    q3 = {path: paper_text(jobs.build_paper(path, tmp_path / f"{path.stem}-q3.docx", force=True).paper)
          for path in registers}
    for path in registers:
        assert q3[path].count(said[path]) == 1 and q3[path].count("was escalated") == 1
    assert q3[dept].count(closed) == 1 and closed not in q3[corporate]
    for quarter, label in (("q4", "2021/22 Q4"), ("q1", "2022/23 Q1")):
        roll_both(registers, label)
        for path in registers:
            text = paper_text(jobs.build_paper(path, tmp_path / f"{path.stem}-{quarter}.docx", force=True).paper)
            assert "was escalated" not in text and "was de-escalated" not in text, (path.name, quarter)
            assert closed not in text  # closed once, in the quarter it left
            # The directorate's paper no longer names it; the corporate one lists it as one of its own.
            assert ("CRR05" in text) == (path == corporate), (path.name, quarter)
    # Two quarters on, each quarter's paper rebuilt from History says what it said then.
    for path in registers:
        for label, stem in (("2021/22 Q3", "past-q3"), ("2021/22 Q4", "past-q4")):
            past = paper_text(jobs.build_past_paper(path, parse_period(label), tmp_path / f"{path.stem}-{stem}.docx",
                                                    force=True).paper)
            assert past.count(said[path]) == (1 if label == "2021/22 Q3" else 0), (path.name, label)
        assert past.count("was escalated") == 0
