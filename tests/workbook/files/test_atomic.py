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
