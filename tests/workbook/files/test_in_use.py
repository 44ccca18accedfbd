"""Who has a file open: Office's owner file, LibreOffice's lock file, or a lock held by another process."""

from __future__ import annotations

import pytest
from support.office_files import libreoffice_lock_text, lock_held, owner_file_bytes, process_name

from workbook.core.errors import OutputError
from workbook.files.in_use import (
    check_not_open,
    libreoffice_lock_file,
    libreoffice_owner,
    lock_holder,
    owner_file,
    owner_name,
)


@pytest.mark.parametrize(("name", "owner"), [
    ("register.xlsx", "~$register.xlsx"),  # Excel keeps the whole name, however long
    ("Corporate Risk Register.xlsx", "~$Corporate Risk Register.xlsx"),
    ("paper.docx", "~$paper.docx"),  # Word: a stem under 7 characters is kept
    ("papers1.docx", "~$apers1.docx"),  # 7: the first character goes
    ("board paper.docx", "~$ard paper.docx"),  # 8 or more: the first two go
])
def test_owner_file_is_named_as_office_names_it(tmp_path, name, owner):
    assert owner_file(tmp_path / name) == tmp_path / owner


@pytest.mark.parametrize("app", ["Excel", "Word", "PowerPoint"])
@pytest.mark.parametrize("user", ["Jane Smith", "Zoë Ó Briain", "J", "A" * 52])
def test_owner_name_reads_each_office_layout(app, user):
    data = owner_file_bytes(user, app)
    assert len(data) == (162 if app == "Word" else 165)
    assert owner_name(data) == user


@pytest.mark.parametrize("data", [b"", b"\x00" * 165, b"\x60" + b" " * 164, b"\x04Jane"])
def test_owner_name_of_what_names_no_one_is_none(data):
    assert owner_name(data) is None


def test_libreoffice_lock_names_its_user_and_computer(tmp_path):
    assert libreoffice_lock_file(tmp_path / "register.xlsx") == tmp_path / ".~lock.register.xlsx#"
    assert libreoffice_owner(libreoffice_lock_text("Jane Smith")) == "Jane Smith on PC042"
    assert libreoffice_owner("") is None


def test_a_register_open_in_excel_is_refused_naming_the_user(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"workbook")
    check_not_open(register)
    (tmp_path / "~$register.xlsx").write_bytes(owner_file_bytes("Jane Smith"))
    with pytest.raises(OutputError) as err:
        check_not_open(register)
    assert err.value.user_message == (
        f"{register}: is open in Excel by Jane Smith (~$register.xlsx is beside it), so nothing was changed. Close "
        f"it in Excel and run the command again; if no one has it open, delete ~$register.xlsx.")


def test_an_owner_file_that_cannot_be_read_still_refuses(tmp_path):
    paper = tmp_path / "board paper.docx"
    paper.write_bytes(b"paper")
    (tmp_path / "~$ard paper.docx").write_bytes(b"")
    with pytest.raises(OutputError) as err:
        check_not_open(paper)
    assert err.value.user_message == (
        f"{paper}: is open in Word (~$ard paper.docx is beside it), so nothing was changed. Close it in Word and "
        f"run the command again; if no one has it open, delete ~$ard paper.docx.")


def test_an_owner_file_without_its_document_refuses_nothing(tmp_path):
    (tmp_path / "~$register.xlsx").write_bytes(owner_file_bytes("Jane Smith"))
    check_not_open(tmp_path / "register.xlsx")  # a new file: no one can have it open


def test_a_register_open_in_libreoffice_is_refused(tmp_path):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"workbook")
    (tmp_path / ".~lock.register.xlsx#").write_text(libreoffice_lock_text("Jane Smith"))
    with pytest.raises(OutputError) as err:
        check_not_open(register)
    assert err.value.user_message == (
        f"{register}: is open in LibreOffice by Jane Smith on PC042 (.~lock.register.xlsx# is beside it), so "
        f"nothing was changed. Close it in LibreOffice and run the command again; if no one has it open, delete "
        f".~lock.register.xlsx#.")


@pytest.mark.parametrize("kind", ["flock", "fcntl"])
def test_a_lock_held_by_another_process_is_refused_naming_it(tmp_path, kind):
    register = tmp_path / "register.xlsx"
    register.write_bytes(b"workbook")
    assert lock_holder(register) is None
    with lock_held(register, kind) as holder:
        who = f"process {holder.pid} ({process_name(holder.pid)})"
        assert lock_holder(register) == who
        with pytest.raises(OutputError) as err:
            check_not_open(register)
    assert err.value.user_message == (
        f"{register}: is open in {who}, which holds a lock on it, so nothing was changed. Close it there and run "
        f"the command again.")
    check_not_open(register)  # let go: writable again
