"""A register open elsewhere, read-only, or in a read-only folder: every writer refuses in one line, exit 2, the
file byte for byte as it was and no backup left; reading commands go on working. Backups are bounded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.office_files import libreoffice_lock_text, lock_held, owner_file_bytes, process_name
from support.riskreg_testing import run_cli

from workbook.files.backup import BACKUP_FOLDER

NEXT = "2021/22 Q3"
WRITES = {
    "validate --write": ["validate", "{path}", "--write"],
    "trends --write": ["trends", "{path}", "--write"],
    "roll-quarter": ["roll-quarter", "{path}", "--period", NEXT, "--force"],  # the sample has one error
}
ROOT = Path(__file__).resolve().parents[2]
READ_ONLY_FILE = ("Error: {register}: is read-only, so nothing was changed. Make the file writable (its "
                  "properties, or whoever manages the folder), or write to another file (-o).")
READ_ONLY_FOLDER = ("Error: {register}: the folder {folder} is read-only for you, so nothing was changed. Ask for "
                    "write access to the folder, or write to a file in another folder (-o).")
NOBODY = 65534  # the unprivileged user a root test run drops to, so that the system's own refusals are real


def _args(command: str, path: Path) -> list[str]:
    return [a.format(path=path) for a in WRITES[command]]


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(("~$", ".~lock"))) == \
        [path.name], "a backup, temporary or lock file was left behind"


@pytest.mark.parametrize("command", WRITES)
def test_a_register_open_in_excel_is_refused_naming_the_user(command, sample_workbook):
    owner = sample_workbook.with_name("~$register.xlsx")
    owner.write_bytes(owner_file_bytes("Jane Smith"))
    before = sample_workbook.read_bytes()
    result = run_cli(*_args(command, sample_workbook))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {sample_workbook}: is open in Excel by Jane Smith (~$register.xlsx is beside it), so nothing was "
        f"changed. Close it in Excel and run the command again; if no one has it open, delete ~$register.xlsx.")
    _unchanged(sample_workbook, before)


def test_a_register_open_in_libreoffice_is_refused(sample_workbook):
    sample_workbook.with_name(".~lock.register.xlsx#").write_text(libreoffice_lock_text("Jane Smith"))
    before = sample_workbook.read_bytes()
    result = run_cli(*_args("roll-quarter", sample_workbook))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {sample_workbook}: is open in LibreOffice by Jane Smith on PC042 (.~lock.register.xlsx# is beside "
        f"it), so nothing was changed. Close it in LibreOffice and run the command again; if no one has it open, "
        f"delete .~lock.register.xlsx#.")
    _unchanged(sample_workbook, before)


@pytest.mark.parametrize("kind", ["flock", "fcntl"])
def test_a_register_another_process_holds_locked_is_refused(kind, sample_workbook):
    before = sample_workbook.read_bytes()
    with lock_held(sample_workbook, kind) as holder:
        result = run_cli(*_args("validate --write", sample_workbook))
        who = f"process {holder.pid} ({process_name(holder.pid)})"
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {sample_workbook}: is open in {who}, which holds a lock on it, so nothing was changed. Close it "
        f"there and run the command again.")
    _unchanged(sample_workbook, before)


def test_reading_a_register_open_in_excel_goes_on(sample_workbook, tmp_path_factory):
    sample_workbook.with_name("~$register.xlsx").write_bytes(owner_file_bytes("Jane Smith"))
    before = sample_workbook.read_bytes()
    checked = run_cli("validate", sample_workbook)
    assert checked.exit_code in (0, 1) and "Error:" not in checked.output
    assert run_cli("trends", sample_workbook).exit_code == 0
    paper = tmp_path_factory.mktemp("papers") / "paper.docx"
    made = run_cli("paper", sample_workbook, "-o", paper, "--force")
    assert made.exit_code == 0, made.output
    assert paper.exists()
    _unchanged(sample_workbook, before)


def test_a_paper_open_in_word_is_not_written_over(sample_workbook, tmp_path):
    paper = tmp_path / "board paper.docx"
    assert run_cli("paper", sample_workbook, "-o", paper, "--force").exit_code == 0
    (tmp_path / "~$ard paper.docx").write_bytes(owner_file_bytes("Jane Smith", "Word"))
    before = paper.read_bytes()
    result = run_cli("paper", sample_workbook, "-o", paper, "--force")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {paper}: is open in Word by Jane Smith (~$ard paper.docx is beside it), so nothing was changed. "
        f"Close it in Word and run the command again; if no one has it open, delete ~$ard paper.docx.")
    assert paper.read_bytes() == before


@pytest.mark.parametrize("command", WRITES)
def test_a_read_only_register_is_refused(command, sample_workbook):
    sample_workbook.chmod(0o444)
    before = sample_workbook.read_bytes()
    result = run_cli(*_args(command, sample_workbook))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == READ_ONLY_FILE.format(register=sample_workbook)
    _unchanged(sample_workbook, before)
    copy = sample_workbook.with_name("copy.xlsx")
    assert run_cli(*_args(command, sample_workbook), "-o", copy).exit_code in (0, 1)  # a copy elsewhere is fine


# ---- the system's own refusals, as a user without the right to write ------------------------------------------

@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """Return a folder an unprivileged user can reach (pytest's own are private to the user running it)."""
    folder = Path(tempfile.mkdtemp(prefix="riskreg-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _as_unprivileged(*args: object) -> subprocess.CompletedProcess:
    """Run riskreg as a user the system refuses (nobody, when the tests run as root; else the user itself)."""
    drop = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if os.geteuid() == 0 else {}
    return subprocess.run([sys.executable, "-m", "addin", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "HOME": "/nonexistent"}, **drop)


def _owned_by_the_user(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


@pytest.mark.parametrize("what", ["folder", "file"])
def test_what_the_user_may_not_write_is_refused(what, sample_workbook, shared_folder):
    """A read-only folder (the file writable), or a file someone else owns in the user's own folder."""
    register = shared_folder / "register.xlsx"
    shutil.copyfile(sample_workbook, register)
    if what == "folder":
        register.chmod(0o666)
        shared_folder.chmod(0o555)
    else:
        _owned_by_the_user(shared_folder)
        if os.geteuid() != 0:
            register.chmod(0o444)
    before = register.read_bytes()
    result = _as_unprivileged(*_args("roll-quarter" if what == "folder" else "validate --write", register))
    assert result.returncode == 2, result.stderr
    expected = READ_ONLY_FOLDER if what == "folder" else READ_ONLY_FILE
    assert result.stderr.splitlines()[-1] == expected.format(register=register, folder=shared_folder)
    _unchanged(register, before)


def test_a_backup_folder_the_system_refuses_leaves_the_register_and_no_backup(sample_workbook, shared_folder):
    """The check before the write passes; the system refuses mid-way (the backup copy): one line, nothing left."""
    register = shared_folder / "register.xlsx"
    shutil.copyfile(sample_workbook, register)
    _owned_by_the_user(shared_folder)
    _owned_by_the_user(register)
    backups = shared_folder / BACKUP_FOLDER
    backups.mkdir(mode=0o555)  # someone else's, or made read-only
    backups.chmod(0o555)
    before = register.read_bytes()
    result = _as_unprivileged(*_args("trends --write", register))
    assert result.returncode == 2, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"Error: {register}: cannot copy it to {backups / 'register '}")
    assert last.endswith(" (Permission denied); the register was not changed. Free some space or make the folder "
                         "writable, then run again.")
    assert register.read_bytes() == before
    assert list(backups.iterdir()) == []
    assert sorted(p.name for p in shared_folder.iterdir()) == ["register.xlsx", BACKUP_FOLDER]


# ---- bounded backups ----------------------------------------------------------------------------------------

def test_only_the_last_backups_are_kept_and_the_output_names_those_removed(sample_workbook):
    from openpyxl import load_workbook

    wb = load_workbook(sample_workbook)
    wb["Settings"].append(["Backups to keep", 2, ""])
    wb.save(sample_workbook)
    folder = sample_workbook.parent / BACKUP_FOLDER
    folder.mkdir()
    old = [folder / f"register 2021-09-{day:02d} 12.00.00.xlsx" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"an old backup")
    other = folder / "other register 2021-09-01 12.00.00.xlsx"
    other.write_bytes(b"another workbook's")
    result = run_cli(*_args("roll-quarter", sample_workbook))
    assert result.exit_code == 0, result.output
    made = [p for p in folder.iterdir() if p not in (*old, other)]
    assert len(made) == 1
    assert sorted(folder.iterdir()) == sorted([old[2], made[0], other])
    assert result.output.splitlines()[-1] == (
        f"Removed 2 older backups from {folder} (Settings 'Backups to keep' is 2): register 2021-09-01 12.00.00.xlsx, "
        f"register 2021-09-02 12.00.00.xlsx.")
