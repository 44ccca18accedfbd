"""Read a register workbook file: guard the file, load plain value grids, parse the register.

Values come from python-calamine (about ten times faster than openpyxl); a workbook whose sheets hold formulas
or error values is read with openpyxl instead, which alone tells a formula from text typed with a leading '='.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import RegisterFormatError, UnsafeInputError
from .layout import register_from_grids
from .model import Formula, Register
from .safe_zip import WORKBOOK, check_package
from .schema import REGISTER_SHEET

# A register is well under a megabyte; these limits only stop zip bombs.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 10_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = "Open it in Excel and save it as an Excel Workbook (.xlsx)"
_OTHER_FORMATS = {
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".csv": "a CSV file",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".xlsb": "an Excel binary workbook (.xlsb)",
}


def _ole_kind(path: Path) -> str:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            return "encrypted"
    return "xls"


def _check_zip(path: Path, source: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise RegisterFormatError(
            f"{source}: is not a valid .xlsx workbook (the file is damaged or not a zip package). "
            f"{SAVE_AS_XLSX}, or rebuild it with `riskreg new`.") from None
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO:
        raise UnsafeInputError(
            f"{source}: refused: it would unpack to {total / 1024 / 1024:.0f} MB from {packed / 1024:.0f} KB "
            f"({len(members)} parts), which is how zip bombs look, not registers. Check where the file came from.")
    if "[Content_Types].xml" not in {m.filename for m in members}:
        kind = "an OpenDocument spreadsheet (.ods)" if "mimetype" in {m.filename for m in members} else "a zip file"
        raise RegisterFormatError(f"{source}: is {kind}, not an Excel workbook (.xlsx). {SAVE_AS_XLSX}.")


def check_workbook_file(path: Path | str) -> None:
    """Refuse a path that is missing, not an .xlsx, encrypted, another format or a zip bomb, saying what to do."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise RegisterFormatError(f"{source}: is a folder, not an Excel workbook (.xlsx). Give the path of the "
                                  f"register file.")
    if not path.is_file():
        raise RegisterFormatError(f"{source}: no such file. Check the name and folder, or create one with "
                                  f"`riskreg new` or `riskreg import`.")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        if _ole_kind(path) == "encrypted":
            raise RegisterFormatError(
                f"{source}: is password-protected (encrypted). Open it in Excel, remove the password "
                f"(File > Info > Protect Workbook > Encrypt with Password, clear it), save, and try again.")
        raise RegisterFormatError(f"{source}: is an Excel 97-2003 workbook (.xls). {SAVE_AS_XLSX}.")
    if not head.startswith(b"PK") and path.suffix.lower() in (".txt", ".tsv"):
        raise RegisterFormatError(f"{source}: is a text file, not an Excel workbook (.xlsx). If it is a register "
                                  f"export, turn it into a workbook with `riskreg import`.")
    if not head.startswith(b"PK"):
        what = _OTHER_FORMATS.get(path.suffix.lower())
        problem = f"is {what}, not an Excel workbook (.xlsx)" if what else "is not an Excel workbook (.xlsx)"
        raise RegisterFormatError(f"{source}: {problem}. {SAVE_AS_XLSX}.")
    _check_zip(path, source)
    # Every part unpacked (checksums) and its XML parsed, no DOCTYPE or entity: python-calamine reads XML that
    # openpyxl, which writes the register, refuses. Costs about a third of a calamine read (0.9 s at 10,000 risks).
    check_package(path, WORKBOOK, RegisterFormatError)


def _unreadable(path: Path, err: Exception) -> RegisterFormatError:
    detail = " ".join(str(err).split())[:200] or type(err).__name__  # openpyxl's messages span lines
    return RegisterFormatError(f"{path}: cannot be read as an Excel workbook ({detail}). {SAVE_AS_XLSX}, or "
                               f"rebuild it with `riskreg new`.")


def _open(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as err:  # the file is checked already; whatever openpyxl trips on is in the file
        raise _unreadable(path, err) from None


def _grid(ws) -> list[tuple]:
    ws.reset_dimensions()  # other tools write wrong sheet dimensions; read every cell there is
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    if any(isinstance(v, str) and v.startswith("=") for row in rows for v in row):
        # Only a second pass over cells tells a formula from text typed with a leading '='.
        rows = [tuple(Formula(c.value) if c.data_type == "f" else c.value for c in row) for row in ws.iter_rows()]
    return rows


# A formula element (<f>, <f t="shared" …/>, <x:f>) or an error-valued cell (t="e") in a worksheet part;
# plain substring searches, since a regular expression over megabytes of XML costs more than calamine's read.
_FORMULA_OR_ERROR = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b' t="e"')
_CHUNK = 1 << 20


def _has_formulas_or_errors(path: Path) -> bool:
    """Return whether any worksheet of the package holds a formula or an error value (streamed, no full copy)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            with archive.open(member) as part:
                tail = b""
                while chunk := part.read(_CHUNK):
                    window = tail + chunk
                    if any(needle in window for needle in _FORMULA_OR_ERROR):
                        return True
                    tail = chunk[-16:]
    return False


def _refuse_hidden_register(path: Path, hidden: list[str]) -> None:
    if REGISTER_SHEET in hidden:
        raise RegisterFormatError(
            f"{path}: sheet '{REGISTER_SHEET}' is hidden. Unhide it in Excel (right-click a sheet tab > "
            f"Unhide) and save, then try again.")


def _load_with_openpyxl(path: Path) -> dict[str, list[tuple]]:
    wb = _open(path)
    try:
        _refuse_hidden_register(path, [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"])
        try:
            return {ws.title: _grid(ws) for ws in wb.worksheets}
        except Exception as err:  # worksheets are parsed lazily in read-only mode
            raise _unreadable(path, err) from None
    finally:
        wb.close()


def _plain(value: object) -> object:
    """Return a calamine value as openpyxl gives it: empty cells None, whole numbers int."""
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _load_with_calamine(path: Path) -> dict[str, list[tuple]]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        _refuse_hidden_register(path, [m.name for m in sheets if m.visible != SheetVisibleEnum.Visible])
        return {m.name: [tuple(map(_plain, row)) for row in wb.get_sheet_by_name(m.name).to_python(
            skip_empty_area=False)] for m in sheets}
    except RegisterFormatError:
        raise
    except Exception as err:  # CalamineError, or whatever else the file makes it trip on
        raise _unreadable(path, err) from None


def load_grids(path: Path | str) -> dict[str, list[tuple]]:
    """Return every worksheet's values by sheet name (formulas as `Formula` text starting with '=')."""
    path = Path(path)
    check_workbook_file(path)
    if _has_formulas_or_errors(path):
        return _load_with_openpyxl(path)
    return _load_with_calamine(path)


def read_register(path: Path | str) -> Register:
    """Return the register in the workbook at `path`; raise RegisterFormatError naming the file and the fix."""
    return register_from_grids(load_grids(path), str(path))
