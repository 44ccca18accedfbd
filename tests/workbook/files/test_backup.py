"""A dated backup is kept before the register is written, and newer work saved meanwhile is never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.core.errors import OutputError
from workbook.files.backup import BACKUP_FOLDER, backup_register, check_unchanged, discard_backup

NOON = dt.datetime(2021, 9, 14, 12, 0, 5)


def test_backup_is_a_dated_copy_beside_the_register(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"version 1")
    backup = backup_register(register, now=NOON)
    assert backup == tmp_path / BACKUP_FOLDER / "register 2021-09-14 12.00.05.xlsx"
    assert backup.read_bytes() == b"version 1"
    assert backup.stat().st_mtime_ns == register.stat().st_mtime_ns


def test_existing_backups_are_never_replaced(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"version 1")
    first = backup_register(register, now=NOON)
    assert backup_register(register, now=NOON) == first  # same content: nothing new to keep
    register.write_bytes(b"version 2")
    second = backup_register(register, now=NOON)
    assert second.name == "register 2021-09-14 12.00.05 (2).xlsx"
    assert first.read_bytes() == b"version 1" and second.read_bytes() == b"version 2"


def test_write_refused_when_the_register_was_saved_after_the_backup(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"read by riskreg")
    backup = backup_register(register, now=NOON)
    check_unchanged(register, backup)
    register.write_bytes(b"saved from Excel meanwhile")
    with pytest.raises(OutputError) as err:
        check_unchanged(register, backup)
    assert err.value.user_message == (
        f"{register}: was saved by another program (Excel?) after riskreg read it, so it was not overwritten and "
        f"that newer work is kept. Close the workbook in Excel and run the command again.")


def test_backup_folder_blocked_by_a_file(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"x")
    (tmp_path / BACKUP_FOLDER).write_text("not a folder")
    with pytest.raises(OutputError) as err:
        backup_register(register, now=NOON)
    assert err.value.user_message == (
        f"{register}: {tmp_path / BACKUP_FOLDER} is a file, so backups cannot be kept there. Rename or move it "
        f"and run the command again.")


def test_discarded_backup_leaves_no_empty_folder(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"x")
    kept = backup_register(register, now=NOON)
    register.write_bytes(b"y")
    discard_backup(backup_register(register, now=NOON))
    assert [p.name for p in (tmp_path / BACKUP_FOLDER).iterdir()] == [kept.name]
    discard_backup(kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]
