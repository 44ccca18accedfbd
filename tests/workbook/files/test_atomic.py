"""Atomic writes: the previous file survives a failure; existing files are not replaced by accident."""

import pytest

from workbook.core.errors import OutputError
from workbook.files.atomic import atomic_path, check_writable, write_text_atomic


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "paper.docx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.docx"]


def test_successful_write_replaces(tmp_path):
    target = tmp_path / "out.txt"
    write_text_atomic(target, "a\r\nb")
    assert target.read_bytes() == b"a\r\nb"


def test_existing_output_needs_force(tmp_path):
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"x")
    with pytest.raises(OutputError) as err:
        check_writable(target)
    assert err.value.user_message == (
        f"{target}: already exists. Choose another name, or pass --force to replace it.")
    check_writable(target, force=True)


def test_missing_folder_is_named(tmp_path):
    target = tmp_path / "nowhere" / "register.xlsx"
    with pytest.raises(OutputError) as err:
        check_writable(target)
    assert err.value.user_message == (
        f"{target}: folder {target.parent} does not exist. Create it first or choose another path.")


def test_written_files_get_the_usual_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        target = tmp_path / "register.xlsx"
        write_text_atomic(target, "x")
        assert target.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


# ---- the commit: the file read is the file replaced ------------------------------------------------------------

CHANGED = ("{target}: changed on disk while riskreg was writing it (saved from Excel or another program?), so "
           "nothing was written and that version is kept. Close the workbook in Excel and run the command again.")


def _saved_by_excel(target, text):
    """Save `target` as Excel does: a new file renamed over it."""
    import os

    temp = target.with_name("EXCEL1234")
    temp.write_text(text)
    os.replace(temp, target)


def _only(folder):
    return sorted(p.name for p in folder.iterdir())


def test_commit_replaces_the_file_read(tmp_path):
    from workbook.files.atomic import Snapshot

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    with atomic_path(target, unchanged=Snapshot.of(target)) as temp:
        temp.write_text("written")
    assert target.read_text() == "written"
    assert _only(tmp_path) == ["register.xlsx"]


def test_commit_takes_a_touch_without_a_change_as_unchanged(tmp_path):
    import os

    from workbook.files.atomic import Snapshot

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    read = Snapshot.of(target)
    os.utime(target, ns=(1, 1))  # a sync client touched it
    with atomic_path(target, unchanged=read) as temp:
        temp.write_text("written")
    assert target.read_text() == "written"


def test_a_save_while_the_new_file_is_written_is_kept(tmp_path):
    from workbook.files.atomic import Snapshot

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    read = Snapshot.of(target)
    with pytest.raises(OutputError) as err:
        with atomic_path(target, unchanged=read) as temp:
            temp.write_text("written")
            _saved_by_excel(target, "saved in Excel")
    assert err.value.user_message == CHANGED.format(target=target)
    assert target.read_text() == "saved in Excel"
    assert _only(tmp_path) == ["register.xlsx"]


@pytest.mark.parametrize("moment", ["rename", "link"])
def test_a_save_at_the_instant_of_the_move_is_kept(tmp_path, monkeypatch, moment):
    """Just before the register is moved aside (the move catches the save, which is put back), or while it is aside
    (a save lands at its name: the new file is not put over it)."""
    import workbook.files.atomic as atomic
    from workbook.files.atomic import Snapshot

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    read = Snapshot.of(target)
    real = getattr(atomic.os, moment)

    def save_first(source, destination):
        if target in (source, destination):
            _saved_by_excel(target, "saved in Excel")
        return real(source, destination)

    monkeypatch.setattr(atomic.os, moment, save_first)
    with pytest.raises(OutputError) as err:
        with atomic_path(target, unchanged=read) as temp:
            temp.write_text("written")
    assert err.value.user_message == CHANGED.format(target=target)
    assert target.read_text() == "saved in Excel"
    assert _only(tmp_path) == ["register.xlsx"]


def test_a_register_deleted_meanwhile_is_not_written(tmp_path):
    from workbook.files.atomic import Snapshot

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    read = Snapshot.of(target)
    with pytest.raises(OutputError) as err:
        with atomic_path(target, unchanged=read) as temp:
            temp.write_text("written")
            target.unlink()
    assert err.value.user_message == (
        f"{target}: was moved or deleted while riskreg worked, so nothing was written. Its last version is in "
        f"riskreg's backup folder beside it.")
    assert _only(tmp_path) == []


def test_a_workbook_opened_in_excel_meanwhile_is_not_written(tmp_path):
    from support.office_files import owner_file_bytes

    target = tmp_path / "register.xlsx"
    target.write_text("read")
    with pytest.raises(OutputError) as err:
        with atomic_path(target) as temp:
            temp.write_text("written")
            (tmp_path / "~$register.xlsx").write_bytes(owner_file_bytes("Jane Smith"))
    assert err.value.user_message.startswith(f"{target}: is open in Excel by Jane Smith (~$register.xlsx is ")
    assert target.read_text() == "read"


def test_a_read_only_file_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "register.xlsx"
    target.write_text("read")
    target.chmod(0o444)  # refused by its mode, even for an administrator, whom the system would let through
    with pytest.raises(OutputError) as err:
        with atomic_path(target):
            pytest.fail("the block must not run")
    assert err.value.user_message == (
        f"{target}: is read-only, so nothing was changed. Make the file writable (its properties, or whoever "
        f"manages the folder), or write to another file (-o).")
    assert _only(tmp_path) == ["register.xlsx"]


# ---- several files written together (atomic_paths) ------------------------------------------------------------

def _second_fails_after_the_first(monkeypatch, first, then):
    """Run `then` just after `first` is replaced: the moment a second file's replace is still to come."""
    from workbook.files import atomic

    replace_keeping = atomic._replace_keeping

    def replacing(temp, commit):
        kept = replace_keeping(temp, commit)
        if commit.target == first:
            then(kept)
        return kept

    monkeypatch.setattr(atomic, "_replace_keeping", replacing)


def test_files_written_together_are_all_replaced(tmp_path):
    import os

    from workbook.files.atomic import Commit, Snapshot, atomic_paths

    one, two, three = tmp_path / "one.xlsx", tmp_path / "two.xlsx", tmp_path / "three.docx"
    one.write_bytes(b"one")
    two.write_bytes(b"two")
    with atomic_paths((Commit(one, Snapshot.of(one)), Commit(two, Snapshot.of(two)), Commit(three))) as temps:
        for temp, text in zip(temps, (b"ONE", b"TWO", b"THREE")):
            temp.write_bytes(text)
    assert (one.read_bytes(), two.read_bytes(), three.read_bytes()) == (b"ONE", b"TWO", b"THREE")
    assert sorted(os.listdir(tmp_path)) == ["one.xlsx", "three.docx", "two.xlsx"]


def test_a_second_file_that_cannot_be_replaced_gives_the_first_back_its_very_file(tmp_path, monkeypatch):
    import os

    from support.office_files import owner_file_bytes

    from workbook.files.atomic import Commit, Snapshot, atomic_paths

    first, second, new = tmp_path / "dept.xlsx", tmp_path / "corporate.xlsx", tmp_path / "new.docx"
    first.write_bytes(b"dept")
    second.write_bytes(b"corporate")
    inode = os.stat(first).st_ino
    owner = tmp_path / "~$corporate.xlsx"
    _second_fails_after_the_first(monkeypatch, new, lambda kept: owner.write_bytes(owner_file_bytes("Jane Smith")))
    with pytest.raises(OutputError) as err:
        with atomic_paths((Commit(first, Snapshot.of(first)), Commit(new), Commit(second, Snapshot.of(second)))) \
                as temps:
            for temp in temps:
                temp.write_bytes(b"changed")
    assert err.value.user_message.startswith(f"{second}: is open in Excel by Jane Smith")
    assert (first.read_bytes(), second.read_bytes(), os.stat(first).st_ino) == (b"dept", b"corporate", inode)
    assert sorted(os.listdir(tmp_path)) == ["corporate.xlsx", "dept.xlsx", "~$corporate.xlsx"]  # new.docx undone


def test_a_first_file_whose_version_aside_is_gone_is_restored_from_its_backup_or_named(tmp_path, monkeypatch):
    from workbook.files.atomic import Commit, Snapshot, atomic_paths

    first, second, backup = tmp_path / "dept.xlsx", tmp_path / "corporate.xlsx", tmp_path / "dept backup.xlsx"
    first.write_bytes(b"dept")
    second.write_bytes(b"corporate")
    backup.write_bytes(b"dept")

    def lose_it(kept):  # the version aside vanishes (a share dropped it), and the second file turns read-only
        kept.unlink()
        second.chmod(0o444)

    _second_fails_after_the_first(monkeypatch, first, lose_it)
    commits = (Commit(first, Snapshot.of(first), backup), Commit(second, Snapshot.of(second)))
    with pytest.raises(OutputError, match="corporate.xlsx: is read-only"):
        with atomic_paths(commits) as temps:
            for temp in temps:
                temp.write_bytes(b"changed")
    assert first.read_bytes() == b"dept"  # from its backup
    second.chmod(0o644)
    first.write_bytes(b"dept")
    commits = (Commit(first, Snapshot.of(first)), Commit(second, Snapshot.of(second)))
    with pytest.raises(OutputError) as err:
        with atomic_paths(commits) as temps:
            for temp in temps:
                temp.write_bytes(b"changed")
    assert err.value.user_message == (
        f"{first}: was written, but a file written with it could not be, and dept.xlsx could not be put back (No "
        "such file or directory). Check it before you run the command again.")
    second.chmod(0o644)
