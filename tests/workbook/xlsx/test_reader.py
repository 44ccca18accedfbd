"""Reading register workbooks from disk: the sample reads back whole; files that are not registers are refused."""

import zipfile
from collections import Counter

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook

from workbook.core.errors import RegisterFormatError, UnsafeInputError
from workbook.core.periods import Period
from workbook.export.sample import sample_export_path
from workbook.export.text_format import read_export, to_register
from workbook.xlsx.reader import load_grids, read_register

SAVE_AS = "Open it in Excel and save it as an Excel Workbook (.xlsx)."


def message(path) -> str:
    with pytest.raises(RegisterFormatError) as caught:
        read_register(path)
    return caught.value.user_message


def test_sample_workbook_reads_back_every_value(sample_workbook):
    register = read_register(sample_workbook)
    imported = to_register(read_export(sample_export_path()), Period(2021, 2))
    assert [risk.id for risk in register.risks] == [risk.id for risk in imported.risks]
    assert [(risk.row, risk.values) for risk in register.risks] == [(r.row, r.values) for r in imported.risks]
    assert Counter(risk.rating for risk in register.risks) == {"Critical": 1, "High": 13, "Medium": 4}
    assert [p.label for p in register.trend_periods] == ["2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]
    assert register.history == imported.history
    assert register.setting("period") == "2021/22 Q2"
    assert register.lists["Ratings"] == ("Critical", "High", "Medium", "Low")
    assert register.cell(register.risks[0], "rating") == "Register!I2"
    assert register.source == str(sample_workbook)


def test_grids_keep_formulas_as_text(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"]["J2"] = "=UPPER(B2)"
    wb.save(sample_workbook)
    grids = load_grids(sample_workbook)
    assert list(grids) == ["Register", "Lists", "History", "Settings"]
    assert grids["Register"][1][9] == "=UPPER(B2)"
    assert grids["Settings"][0] == ("Setting", "Value", "What it means")


def test_missing_file(tmp_path):
    path = tmp_path / "register.xlsx"
    assert message(path) == (
        f"{path}: no such file. Check the name and folder, or create one with `riskreg new` or `riskreg import`.")


@pytest.mark.parametrize("name, content, problem", [
    ("register.xlsx", b"hello", "is not an Excel workbook (.xlsx)"),
    ("register.csv", b"ID,Risk Name", "is a CSV file, not an Excel workbook (.xlsx)"),
    ("register.xlsb", b"\x00\x01", "is an Excel binary workbook (.xlsb), not an Excel workbook (.xlsx)"),
])
def test_other_file_types(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    assert message(path) == f"{path}: {problem}. {SAVE_AS}"


def test_export_given_instead_of_workbook(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("ID\tRisk Name")
    assert message(path) == (f"{path}: is a text file, not an Excel workbook (.xlsx). If it is a register export, "
                             "turn it into a workbook with `riskreg import`.")


def test_damaged_workbook(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated in transit")
    assert message(path) == (
        f"{path}: is not a valid .xlsx workbook (the file is damaged or not a zip package). Open it in Excel and "
        "save it as an Excel Workbook (.xlsx), or rebuild it with `riskreg new`.")


def test_opendocument_spreadsheet(tmp_path):
    path = tmp_path / "register.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert message(path) == f"{path}: is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx). {SAVE_AS}"


def test_encrypted_workbook(tmp_path, sample_workbook):
    path = tmp_path / "locked.xlsx"
    with open(sample_workbook, "rb") as plain, open(path, "wb") as locked:
        OOXMLFile(plain).encrypt("secret", locked)
    assert message(path) == (
        f"{path}: is password-protected (encrypted). Open it in Excel, remove the password (File > Info > Protect "
        "Workbook > Encrypt with Password, clear it), save, and try again.")


def test_old_excel_format(tmp_path, sample_workbook, soffice):
    xls = soffice(sample_workbook, "xls", tmp_path / "old")
    assert message(xls) == f"{xls}: is an Excel 97-2003 workbook (.xls). {SAVE_AS}"


def test_zip_bomb_is_refused_before_opening(tmp_path):
    path = tmp_path / "register.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (6 * 1024 * 1024))
    with pytest.raises(UnsafeInputError) as caught:
        read_register(path)
    assert caught.value.user_message.startswith(f"{path}: part xl/worksheets/sheet1.xml unpacks to 6 MB from 6 KB")
    assert caught.value.user_message.endswith("a zip bomb. Refused: check where the file came from.")


def test_hidden_register_sheet(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb.active = 1
    wb["Register"].sheet_state = "hidden"
    wb.save(sample_workbook)
    assert message(sample_workbook) == (
        f"{sample_workbook}: sheet 'Register' is hidden. Unhide it in Excel (right-click a sheet tab > Unhide) "
        "and save, then try again.")


def test_renamed_register_sheet_is_reported_by_the_layout(sample_workbook):
    wb = load_workbook(sample_workbook)
    wb["Register"].title = "Registre"
    wb.save(sample_workbook)
    assert message(sample_workbook) == (
        f"{sample_workbook}: no sheet named 'Register' (sheets: Registre, Lists, History, Settings). Is 'Registre' "
        "the register? Rename it to 'Register'. Make a register with `riskreg new` or `riskreg import`.")


def test_workbook_resaved_by_libreoffice_still_reads(tmp_path, sample_workbook, soffice):
    resaved = soffice(sample_workbook, "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved")
    register = read_register(resaved)
    assert [risk.values for risk in register.risks] == [risk.values for risk in read_register(sample_workbook).risks]


def test_formulas_are_told_apart_from_text_that_starts_with_equals(tmp_path, sample_workbook):
    from openpyxl import load_workbook

    from workbook.core.model import Formula
    from workbook.xlsx.reader import load_grids

    wb = load_workbook(sample_workbook)
    ws = wb["Register"]
    ws["C2"] = "=B2&\" (copy)\""  # a real formula
    ws["D2"].value = "=typed as text"
    ws["D2"].data_type = "s"
    wb.save(sample_workbook)
    grid = load_grids(sample_workbook)["Register"]
    assert isinstance(grid[1][2], Formula)
    assert grid[1][3] == "=typed as text" and not isinstance(grid[1][3], Formula)


def test_fast_reader_gives_the_same_grids_as_openpyxl(sample_workbook):
    from openpyxl import load_workbook

    from workbook.xlsx.reader import _load_with_calamine, _load_with_openpyxl

    wb = load_workbook(sample_workbook)
    wb["Register"]["N2"] = 3  # a Likelihood score: whole numbers stay int on both readers
    wb["Register"]["D5"] = "   "
    wb.save(sample_workbook)

    def trimmed(grids):  # the readers may disagree only on trailing empty cells
        def row(values):
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            return tuple(values)

        return {name: [row(r) for r in rows] for name, rows in grids.items()}

    assert trimmed(_load_with_calamine(sample_workbook)) == trimmed(_load_with_openpyxl(sample_workbook))


def test_error_values_without_formulas_are_still_read(tmp_path, sample_workbook):
    import zipfile

    from workbook.xlsx.reader import load_grids

    # Excel stores a typed #N/A as an error cell (t="e") with no formula; calamine would read it as empty.
    patched = tmp_path / "errors.xlsx"
    with zipfile.ZipFile(sample_workbook) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b'<c r="I2"')
                end = data.index(b"</c>", start) + 4
                data = data[:start] + b'<c r="I2" t="e"><v>#N/A</v></c>' + data[end:]
            target.writestr(item, data)
    assert load_grids(patched)["Register"][1][8] == "#N/A"


def _last_text(data: bytes, text: bytes) -> bytes:
    """Put `text` at the start of the part's last text cell (raw XML bytes), far past the part's start."""
    at = data.rindex(b"<t>") + 3
    return data[:at] + text + data[at:]


@pytest.mark.parametrize("change, problem", [
    (lambda data: data[:data.rindex(b"</worksheet>")], "no element found"),
    (lambda data: data + b"<junk/>", "junk after document element"),
    (lambda data: _last_text(data, b"raw \x01 byte"), "not well-formed (invalid token)"),
    (lambda data: _last_text(data, "not a character \uffff".encode()), "not well-formed (invalid token)"),
    (lambda data: _last_text(data, b"\xff\xfe"), "not well-formed (invalid token)"),
], ids=["cut before the end tag", "junk after the end", "control byte", "U+FFFF", "not UTF-8"])
def test_damage_past_the_start_of_a_sheet_is_named(sample_workbook, tmp_path, change, problem):
    """The sheets python-calamine reads are screened, not parsed, and it reads past these: the message is the
    whole check's all the same."""
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(sample_workbook) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename == "xl/worksheets/sheet3.xml" else data)
    assert message(damaged).startswith(
        f"{damaged}: part xl/worksheets/sheet3.xml (sheet 'History') is damaged (not well-formed XML: {problem}, line ")


def test_wrong_checksum_of_a_sheet_is_named(sample_workbook, tmp_path):
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(sample_workbook.read_bytes())
    with zipfile.ZipFile(damaged) as archive:
        crc = archive.getinfo("xl/worksheets/sheet3.xml").CRC.to_bytes(4, "little")
    data = damaged.read_bytes()
    assert data.count(crc) == 2  # the part's local header and its central directory entry
    damaged.write_bytes(data.replace(crc, bytes([crc[0] ^ 1]) + crc[1:]))
    assert message(damaged) == (
        f"{damaged}: part xl/worksheets/sheet3.xml (sheet 'History') is damaged (Bad CRC-32 for file "
        "'xl/worksheets/sheet3.xml'). Restore the file from a backup, or open it in Office and save it again.")
