"""Office files that are not what they claim, damaged, or built to harm are refused with a message saying what to do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbook.core.errors import RegisterFormatError, TemplateError, UnsafeInputError
from workbook.files.package_guard import DOCUMENT, WORKBOOK, check_package, parse_xml

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
          b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')


def package(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def good_parts() -> dict[str, bytes]:
    return {"[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook/>'}


def test_a_sound_workbook_passes(sample_workbook):
    check_package(sample_workbook, WORKBOOK, RegisterFormatError)


def test_zip_bomb_part_is_refused(tmp_path):
    parts = good_parts() | {"xl/worksheets/sheet1.xml": b"\0" * (6 * 1024 * 1024)}
    path = package(tmp_path / "bomb.xlsx", parts)
    with pytest.raises(UnsafeInputError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message.startswith(
        f"{path}: part xl/worksheets/sheet1.xml unpacks to 6 MB from 6 KB (ratio ")
    assert err.value.user_message.endswith("a zip bomb. Refused: check where the file came from.")


def test_total_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("workbook.files.package_guard.MAX_TOTAL_UNCOMPRESSED", 1024)
    path = package(tmp_path / "big.xlsx", good_parts() | {"xl/a.xml": b"<a>" + b"x" * 2000 + b"</a>"})
    with pytest.raises(UnsafeInputError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message == (
        f"{path}: unpacks to 0 MB (limit 0 MB), a zip bomb. Refused: check where the file came from.")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels"])
def test_entity_declarations_are_refused(tmp_path, part):
    path = package(tmp_path / "laughs.xlsx", good_parts() | {part: LAUGHS})
    with pytest.raises(UnsafeInputError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message == (
        f"{path}: part {part} declares a DOCTYPE or entities, which Office never writes (an XML entity bomb or "
        f"external-entity attack). Refused: check where the file came from.")


def test_utf16_doctype_is_refused(tmp_path):
    utf16 = LAUGHS.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>', 1).decode().encode("utf-16")
    path = package(tmp_path / "u16.docx", {"word/document.xml": utf16})
    with pytest.raises(UnsafeInputError):
        check_package(path, DOCUMENT, TemplateError)


def test_malformed_sheet_names_the_sheet(sample_workbook, tmp_path):
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(sample_workbook) as src, zipfile.ZipFile(damaged, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data[:200] if info.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(RegisterFormatError) as err:
        check_package(damaged, WORKBOOK, RegisterFormatError)
    assert err.value.user_message.startswith(
        f"{damaged}: part xl/worksheets/sheet1.xml (sheet 'Register') is damaged (not well-formed XML: ")
    assert err.value.user_message.endswith("Restore the file from a backup, or open it in Office and save it again.")


@pytest.mark.parametrize("content, what", [
    (b"", "is empty (0 bytes), not an Excel workbook (.xlsx). Restore the file from a backup, or choose the right "
          "file."),
    (b"ID,Risk Name\r\nCRR01,Cyber\r\n", "is a text file (a .csv or the tab-separated export?), not an Excel workbook "
     "(.xlsx). If it is the register export, build a workbook from it with `riskreg import`."),
    (b"%PDF-1.7\n", "is a PDF, not an Excel workbook (.xlsx). Choose the right file."),
])
def test_foreign_files_are_named(tmp_path, content, what):
    path = tmp_path / "register.xlsx"
    path.write_bytes(content)
    with pytest.raises(RegisterFormatError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message == f"{path}: {what}"


def test_password_protected_workbook(sample_workbook, tmp_path):
    import msoffcrypto.format.ooxml as ooxml

    path = tmp_path / "locked.xlsx"
    with open(sample_workbook, "rb") as plain, open(path, "wb") as out:
        ooxml.OOXMLFile(plain).encrypt("pw", out)
    with pytest.raises(RegisterFormatError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message == (
        f"{path}: is password-protected (encrypted), not an Excel workbook (.xlsx). Open it in Office, remove the "
        f"password (File > Info > Protect > Encrypt with Password, clear it), save a copy and use that copy.")


def test_wrong_kind_of_package(sample_workbook):
    with pytest.raises(TemplateError) as err:
        check_package(sample_workbook, DOCUMENT, TemplateError)
    assert err.value.user_message == (
        f"{sample_workbook}: is an Excel workbook (.xlsx), not a Word document (.docx). Choose the right file.")


def test_truncated_package(sample_workbook, tmp_path):
    path = tmp_path / "half.xlsx"
    path.write_bytes(sample_workbook.read_bytes()[:5000])
    with pytest.raises(RegisterFormatError) as err:
        check_package(path, WORKBOOK, RegisterFormatError)
    assert err.value.user_message == (
        f"{path}: is damaged (not a complete zip package: File is not a zip file). Restore it from a backup, "
        f"or open it in Office and save it again.")


def test_parse_xml_refuses_entities():
    with pytest.raises(UnsafeInputError) as err:
        parse_xml(LAUGHS, "part xl/sharedStrings.xml")
    assert err.value.user_message.startswith("part xl/sharedStrings.xml: declares a DOCTYPE or entities")


def test_template_that_makes_word_fetch_a_remote_file(tmp_path):
    from docx import Document

    from templates import BOARD_PAPER

    path = tmp_path / "template.docx"
    Document(str(BOARD_PAPER)).save(str(path))
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="file://share.example/t.dotm" TargetMode="External"/>'
            b'</Relationships>')
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/_rels/settings.xml.rels", rels)
    with pytest.raises(UnsafeInputError) as err:
        check_package(path, DOCUMENT, TemplateError)
    assert err.value.user_message == (
        f"{path}: part word/_rels/settings.xml.rels makes Office fetch 'file://share.example/t.dotm' "
        f"(attachedTemplate) from outside the file when it opens. Refused: remove the link (a remote attached "
        f"template, or a picture or object inserted with 'Link to File'), save, and use that file.")


def test_template_with_macros(tmp_path):
    from templates import BOARD_PAPER

    path = tmp_path / "template.docx"
    path.write_bytes(BOARD_PAPER.read_bytes())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(TemplateError) as err:
        check_package(path, DOCUMENT, TemplateError)
    assert err.value.user_message == (
        f"{path}: holds macros (word/vbaProject.bin), and every paper made from it would carry them. Open it in "
        f"Word and use Save As 'Word Document (.docx)', which leaves the macros out, then use that file.")


@pytest.mark.parametrize("deep", [True, False], ids=["deep", "shallow"])
def test_declaration_hidden_behind_a_long_comment(tmp_path, deep):
    hidden = b'<?xml version="1.0"?><!--' + b"x" * 100_000 + b"-->" + LAUGHS.split(b"?>", 1)[1]
    path = package(tmp_path / "hidden.xlsx", good_parts() | {"xl/sharedStrings.xml": hidden})
    with pytest.raises(UnsafeInputError):
        check_package(path, WORKBOOK, RegisterFormatError, deep=deep)


def test_shallow_check_passes_a_sound_workbook_and_catches_bombs(sample_workbook, tmp_path):
    check_package(sample_workbook, WORKBOOK, RegisterFormatError, deep=False)
    path = package(tmp_path / "laughs.xlsx", good_parts() | {"xl/sharedStrings.xml": LAUGHS})
    with pytest.raises(UnsafeInputError):
        check_package(path, WORKBOOK, RegisterFormatError, deep=False)
