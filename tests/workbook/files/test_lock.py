"""Tests for workbook/files/lock.py: one writer at a time, with real files and real processes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from addin.cli import cli
from workbook import jobs
from workbook.core.errors import OutputError
from workbook.core.result_sheets import CELL_COLUMN, VALIDATION_HEADER_ROW
from workbook.core.schema import VALIDATION_SHEET
from workbook.files import lock
from workbook.files.lock import lock_path, one_writer
from workbook.xlsx.reader import read_register


def _lock_file(target, pid, command="riskreg roll-quarter", host=None, since="2026-12-01T09:30:00+00:00"):
    path = lock_path(target)
    path.write_text(json.dumps({"pid": pid, "host": host or socket.gethostname(), "command": command,
                                "since": since, "token": "feedface"}), encoding="utf-8")
    return path


@pytest.fixture
def other_process():
    """A live process that is not this one: the owner of a lock another command holds."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_lock_file_sits_beside_the_workbook_with_an_office_like_name(tmp_path):
    assert lock_path(tmp_path / "register.xlsx") == tmp_path / "~$register.xlsx.riskreg-lock"


def test_the_lock_names_its_owner_while_held_and_is_gone_after(tmp_path):
    target = tmp_path / "register.xlsx"
    with one_writer(target, command="riskreg validate") as path:
        owner = json.loads(path.read_text(encoding="utf-8"))
        assert (owner["pid"], owner["host"], owner["command"]) == (os.getpid(), socket.gethostname(),
                                                                   "riskreg validate")
        with one_writer(target):  # the same process again: a job's read and the write inside it
            assert path.exists()
        assert path.exists()
    assert not path.exists()


def test_another_thread_of_the_same_process_is_another_writer(tmp_path):
    """A process serving many users (a server's threads) gets no free pass from one thread's lock."""
    import threading

    target = tmp_path / "register.xlsx"
    outcome = []

    def second_writer():
        try:
            with one_writer(target, wait=0.2):
                outcome.append("wrote")
        except OutputError as err:
            outcome.append(err.user_message)

    with one_writer(target, command="riskreg roll-quarter"):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
    assert len(outcome) == 1 and "riskreg roll-quarter" in outcome[0] and outcome[0] != "wrote"
    thread = threading.Thread(target=second_writer)  # once released, the other thread writes
    thread.start()
    thread.join()
    assert outcome[1] == "wrote"


def test_a_second_writer_is_refused_naming_the_command_that_holds_the_workbook(tmp_path, other_process,
                                                                               monkeypatch):
    target = tmp_path / "register.xlsx"
    _lock_file(target, other_process)
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.2)
    started = time.monotonic()
    with pytest.raises(OutputError) as err:
        with one_writer(target):
            pytest.fail("the lock was taken while another process held it")
    assert time.monotonic() - started >= 0.2  # it waited before refusing
    assert err.value.user_message == (
        f"{target}: is being written by riskreg roll-quarter (process {other_process}, since 2026-12-01 09:30:00 "
        f"UTC), so nothing was changed. Wait for it to finish and run this command again. If no such command is "
        f"running, delete ~$register.xlsx.riskreg-lock beside the file.")
    assert json.loads(lock_path(target).read_text())["pid"] == other_process  # the other writer's lock stays


def test_the_cli_refuses_a_write_with_one_error_line_and_changes_nothing(sample_workbook, other_process,
                                                                        monkeypatch):
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.1)
    _lock_file(sample_workbook, other_process, command="riskreg paper")
    before = sample_workbook.read_bytes()
    result = CliRunner().invoke(cli, ["validate", str(sample_workbook), "--write"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {sample_workbook}: is being written by riskreg paper (process {other_process}, since 2026-12-01 "
        f"09:30:00 UTC), so nothing was changed. Wait for it to finish and run this command again. If no such "
        f"command is running, delete ~$register.xlsx.riskreg-lock beside the file.")
    assert "Traceback" not in result.output
    assert sample_workbook.read_bytes() == before
    assert not (sample_workbook.parent / "riskreg backups").exists()


def test_validate_without_write_reads_a_locked_workbook(sample_workbook, other_process, monkeypatch):
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.1)
    _lock_file(sample_workbook, other_process)
    result = CliRunner().invoke(cli, ["validate", str(sample_workbook)])
    assert result.exit_code == 1  # the sample's one error; not refused
    assert result.output.splitlines()[-1] == "1 error, 1 warning in 18 risks"


def test_a_lock_whose_process_has_ended_is_taken_over(sample_workbook, dead_pid):
    _lock_file(sample_workbook, dead_pid)
    result = CliRunner().invoke(cli, ["roll-quarter", str(sample_workbook), "--period", "2021/22 Q3", "--force"])
    assert result.exit_code == 0, result.output
    assert read_register(sample_workbook).period.label == "2021/22 Q3"
    assert not lock_path(sample_workbook).exists()


@pytest.mark.parametrize(("host", "since", "stale"), [
    ("another-pc", "2026-01-01T00:00:00+00:00", True),  # another computer's lock a day old: its writer is gone
    ("another-pc", None, False),  # another computer's fresh lock: its process cannot be seen from here
])
def test_a_lock_from_another_computer_is_stale_only_after_a_day(tmp_path, host, since, stale, monkeypatch):
    import datetime as dt

    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.1)
    target = tmp_path / "register.xlsx"
    since = since or dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    _lock_file(target, 4242, host=host, since=since)
    if stale:
        with one_writer(target):
            assert json.loads(lock_path(target).read_text())["pid"] == os.getpid()
    else:
        with pytest.raises(OutputError, match=r"is being written by riskreg roll-quarter \(process 4242 on "
                                              r"another-pc, since"):
            with one_writer(target):
                pass


def test_a_lock_left_empty_by_a_writer_that_died_is_taken_over_once_old(tmp_path, monkeypatch):
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.1)
    target = tmp_path / "register.xlsx"
    path = lock_path(target)
    path.write_text("")
    with pytest.raises(OutputError, match="is being written by another riskreg command, so nothing was changed"):
        with one_writer(target):
            pass
    old = time.time() - lock.HALF_WRITTEN_SECONDS - 1
    os.utime(path, (old, old))
    with one_writer(target):
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_releasing_never_removes_a_lock_another_writer_holds(tmp_path, other_process):
    target = tmp_path / "register.xlsx"
    with one_writer(target) as path:
        _lock_file(target, other_process)  # as if this lock had been judged stale and taken over
    assert json.loads(path.read_text())["pid"] == other_process


# ---- the race: real processes, roll-quarter against validate --write, many times ------------------------------

RACE_ROUNDS = 8


def _validation_cells(path) -> list[str] | None:
    wb = load_workbook(path, read_only=True)
    try:
        if VALIDATION_SHEET not in wb.sheetnames:
            return None
        rows = wb[VALIDATION_SHEET].iter_rows(min_row=VALIDATION_HEADER_ROW + 1, values_only=True)
        return sorted(row[CELL_COLUMN - 1] for row in rows if len(row) >= CELL_COLUMN and row[CELL_COLUMN - 1])
    finally:
        wb.close()


def test_roll_quarter_and_validate_write_never_both_write_at_once(sample_workbook, tmp_path):
    pristine = tmp_path / "pristine.xlsx"
    shutil.copyfile(sample_workbook, pristine)
    runner = [sys.executable, "-m", "addin"]
    outcomes = []
    for round_ in range(RACE_ROUNDS):
        work = tmp_path / f"round{round_}"
        work.mkdir()
        target = work / "register.xlsx"
        shutil.copyfile(pristine, target)
        commands = [runner + ["roll-quarter", str(target), "--period", "2021/22 Q3", "--force"],
                    runner + ["validate", str(target), "--write"]]
        if round_ % 2:
            commands.reverse()
        processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
        outputs = [p.communicate(timeout=120) for p in processes]
        results = {p.args[3]: (p.returncode, *output) for p, output in zip(processes, outputs)}
        roll, validate = results["roll-quarter"], results["validate"]
        assert roll[0] in (0, 2) and validate[0] in (0, 1, 2), results
        for code, out, err in (roll, validate):
            assert "Traceback" not in out + err
            if code == 2:
                assert "is being written by riskreg" in err, err
        final = read_register(target)
        listed = _validation_cells(target)
        if roll[0] == 0:
            assert final.period.label == "2021/22 Q3"
            # Either validate wrote first (the roll then removed its sheet) or it read and wrote the rolled
            # workbook: never the old quarter's findings left in the new quarter.
            if listed is not None:
                assert listed == sorted(f.cell for f in jobs.validate(final).findings if f.cell)
        else:
            assert final.period.label == "2021/22 Q2"
        assert not lock_path(target).exists()
        outcomes.append((roll[0], validate[0], listed is not None))
    assert any(code == 0 for code, _, _ in outcomes)  # the writers did run, not only refuse each other


def test_the_lock_records_the_file_as_it_was_when_taken(tmp_path):
    from workbook.files.atomic import Snapshot
    from workbook.files.lock import held_as

    register = tmp_path / "register.xlsx"
    register.write_text("as read")
    with one_writer(register):
        first = held_as(register)
        register.write_text("changed after the lock was taken")
        with one_writer(register):  # the write inside a job's read: still what the job read
            assert held_as(register) == first
    (tmp_path / "copy").write_text("as read")
    assert first is not None and first.same_content(Snapshot.of(tmp_path / "copy"))
    assert not first.same_content(Snapshot.of(register))
    with pytest.raises(RuntimeError):
        held_as(register)


def test_taking_the_lock_refuses_a_workbook_open_in_excel(tmp_path):
    from support.office_files import owner_file_bytes

    register = tmp_path / "register.xlsx"
    register.write_text("workbook")
    (tmp_path / "~$register.xlsx").write_bytes(owner_file_bytes("Jane Smith", "Excel"))
    with pytest.raises(OutputError) as err:
        with one_writer(register):
            pytest.fail("the block must not run")
    assert err.value.user_message.startswith(f"{register}: is open in Excel by Jane Smith")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx", "~$register.xlsx"]  # no lock left


def test_what_is_to_be_forgotten_with_the_lock_is_forgotten_when_it_goes(tmp_path):
    from workbook.files.lock import when_released

    target = tmp_path / "register.xlsx"
    target.write_bytes(b"PK")
    forgotten: list[str] = []
    with one_writer(target):
        with one_writer(target):  # held again by the same thread: still held after this block
            when_released(target, lambda: forgotten.append("inner"))
        assert forgotten == []
        when_released(target, lambda: forgotten.append("outer"))
    assert forgotten == ["inner", "outer"]
    when_released(target, lambda: forgotten.append("not held"))  # at once: nothing holds it
    assert forgotten == ["inner", "outer", "not held"]
