"""A dated backup is kept before the register is written, and only the last few of them."""

from __future__ import annotations

import datetime as dt

import pytest

from workbook.core.errors import OutputError
from workbook.files.backup import (
    BACKUP_FOLDER,
    Pruned,
    backup_register,
    backups_of,
    backups_to_keep,
    discard_backup,
    prune_backups,
)

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


def _backups(register, count):
    made = []
    for second in range(count):
        register.write_bytes(f"version {second}".encode())
        made.append(backup_register(register, now=NOON + dt.timedelta(seconds=second)))
    return made


def test_backups_are_listed_oldest_first_and_only_this_workbooks(tmp_path):
    register = tmp_path / "register.xlsx"
    other = tmp_path / "register 2.xlsx"  # its backups share the folder and the start of the name
    made = _backups(register, 3)
    other.write_bytes(b"other")
    backup_register(other, now=NOON)
    register.write_bytes(b"version again")
    again = backup_register(register, now=NOON + dt.timedelta(seconds=2))  # the same second: ' (2)'
    assert backups_of(register) == [*made, again]
    assert again.name == "register 2021-09-14 12.00.07 (2).xlsx"


def test_pruning_keeps_the_last_n_and_says_which_went(tmp_path):
    register = tmp_path / "register.xlsx"
    made = _backups(register, 5)
    pruned = prune_backups(register, made[-1], 3)
    assert pruned == Pruned(3, tuple(made[:2]))
    assert backups_of(register) == made[2:]
    assert pruned.sentence() == (
        f"Removed 2 older backups from {tmp_path / BACKUP_FOLDER} (Settings 'Backups to keep' is 3): "
        f"register 2021-09-14 12.00.05.xlsx, register 2021-09-14 12.00.06.xlsx.")
    assert prune_backups(register, made[-1], 3) == Pruned(3, ())
    assert Pruned(3, ()).sentence() == ""


def test_the_backup_just_made_is_kept_even_when_its_clock_ran_behind(tmp_path):
    register = tmp_path / "register.xlsx"
    made = _backups(register, 3)
    register.write_bytes(b"written after the clock went back")
    behind = backup_register(register, now=NOON - dt.timedelta(hours=1))
    assert prune_backups(register, behind, 1) == Pruned(1, tuple(made))
    assert backups_of(register) == [behind]


@pytest.mark.parametrize(("setting", "keep"), [(None, 10), ("", 10), (3, 3), (3.0, 3), ("4", 4), (1, 1),
                                               (0, 10), (-2, 10), (2.5, 10), ("ten", 10), (True, 10), (1000, 10)])
def test_backups_to_keep_reads_the_setting_or_falls_back_to_ten(setting, keep):
    assert backups_to_keep(setting) == keep
