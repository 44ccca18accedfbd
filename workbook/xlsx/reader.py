"""Read a register workbook file: guard the file, load plain value grids, parse the register.

Values come from python-calamine (about ten times faster than openpyxl); a workbook whose sheets hold formulas
or error values is read with openpyxl instead, which alone tells a formula from text typed with a leading '='.
The file is guarded before either opens it (formats, zip bombs, DOCTYPE or entity declarations); the worksheets,
nearly all its bytes, are screened for damage while python-calamine parses them; and an error of the reader or the
layout stands only once the whole package check has found no damage to name instead.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from workbook.core.errors import RegisterFormatError
from workbook.core.layout import register_from_grids
from workbook.core.model import Formula, Register
from workbook.core.schema import REGISTER_SHEET
from workbook.files.background import in_background
from workbook.files.package_guard import WORKBOOK, check_package, check_sizes, parts_sound, screen_parts

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
    check_sizes(path, members)  # zip bombs: the package guard's limits, before anything is unpacked
    if "[Content_Types].xml" not in {m.filename for m in members}:
        kind = "an OpenDocument spreadsheet (.ods)" if "mimetype" in {m.filename for m in members} else "a zip file"
        raise RegisterFormatError(f"{source}: is {kind}, not an Excel workbook (.xlsx). {SAVE_AS_XLSX}.")


def check_workbook_file(path: Path | str) -> None:
    """Refuse a path that is missing, not an .xlsx, encrypted, another format or a zip bomb, saying what to do."""
    path = Path(path)
    _check_file(path)
    # Every part unpacked (checksums) and its XML parsed, no DOCTYPE or entity: python-calamine reads XML that
    # openpyxl, which writes the register, refuses.
    check_package(path, WORKBOOK, RegisterFormatError)


@dataclass(frozen=True)
class Checked:
    """A workbook file checked before a write: its bytes when the check read them, and the parts it unpacked."""

    package: bytes | None = None  # the file's bytes as checked (None: the writer reads the file itself)
    unpacked: Mapping[str, bytes] = field(default_factory=dict)  # part -> its bytes, unpacked from `package`


def check_workbook_to_write(path: Path | str) -> Checked:
    """Refuse what check_workbook_file refuses, before a command writes into the workbook at `path`; return what
    the check read, for the writer to use rather than read and unpack it again.

    A writing command reads the register under the file's lock first: load_grids then checked every part but the
    sheets python-calamine reads whole, and checked those whole in a thread of its own while python-calamine
    parsed them (without the GIL). That check stands for this one when it found nothing and the file is still the
    one it checked, under the same hold of the lock; on anything else the whole check runs here, and names what it
    finds as it always has."""
    path = Path(path)
    beside = _CHECKED_BESIDE.pop(_beside_key(path), None)
    if beside is not None and beside.taken is _taken_as(path) and _sound(beside) and \
            beside.identity == _identity(path):
        _check_file(path)
        return Checked(beside.package, beside.unpacked)
    check_workbook_file(path)
    return Checked()


def _sound(beside: _Beside) -> bool:
    try:
        return beside.sound()
    except Exception:  # noqa: BLE001 - whatever stopped the check, the whole check runs and says what it finds
        return False


@dataclass(frozen=True)
class _Beside:
    """The deep check of a register's sheets going on beside python-calamine's reading of them."""

    taken: object  # what the file was when this thread took its lock (files/lock.held_as): the same hold only
    identity: tuple[int, ...]  # the file's identity while its bytes were read for the check
    sound: Callable[[], bool]  # waits for the check: whether the sheets passed it
    package: bytes  # the file's bytes, as the check read them
    unpacked: dict[str, bytes]  # the sheets the check unpacked, once it has found them sound


_CHECKED_BESIDE: dict[tuple[Path, int], _Beside] = {}


def _beside_key(path: Path) -> tuple[Path, int]:
    return path.absolute(), threading.get_ident()


def _taken_as(path: Path) -> object:
    """Return what `path` was when this thread took its lock (a write follows), or None when it holds none."""
    from workbook.files.lock import held_as

    try:
        return held_as(path)
    except RuntimeError:  # not held: a command that only reads
        return None


def _identity(path: Path) -> tuple[int, ...] | None:
    """Return what tells the file at `path` from any other version of it: size, change time, file id."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino, found.st_dev


def _check_sheets_beside(path: Path, sheets: tuple[str, ...]) -> None:
    """When a write follows (this thread holds the file's lock), start checking the sheets `sheets` whole, as
    check_workbook_file would, in a thread of its own, for check_workbook_to_write. The file is read here, once:
    the thread holds no file open (Windows would refuse to replace one that is)."""
    _CHECKED_BESIDE.pop(_beside_key(path), None)
    taken = _taken_as(path)
    if taken is None or not sheets:
        return
    before = _identity(path)
    try:
        package = path.read_bytes()
    except OSError:
        return
    if before is None or _identity(path) != before:
        return  # written to while it was read: the whole check runs before the write
    from workbook.files.lock import when_released

    key, unpacked = _beside_key(path), dict[str, bytes]()
    _CHECKED_BESIDE[key] = _Beside(taken, before, in_background(lambda: parts_sound(path, package, sheets, unpacked),
                                                                "riskreg-deep-check"), package, unpacked)
    # What it read is let go with the lock, whether or not a write follows (a refused roll-over writes nothing).
    when_released(path, lambda: _CHECKED_BESIDE.pop(key, None))


def _check_file(path: Path) -> None:
    """Refuse what is not an .xlsx package at all, and zip bombs: the checks before the package's parts."""
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


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _read_whole(name: str) -> bool:
    """Return whether python-calamine reads part `name` whole (worksheets, shared strings): the package check
    screens these parts rather than parsing them twice."""
    return _is_worksheet(name) or name == "xl/sharedStrings.xml"


# A formula element (<f>, <f t="shared" …/>, <x:f>) or an error-valued cell (t="e") in a worksheet part. Expressions
# that start with literal text: the regex engine finds those faster than `in` does, which trips on XML's many '<'.
_FORMULA_OR_ERROR = tuple(re.compile(pattern) for pattern in (rb"<f[ />]", rb":f[ >]", rb' t="e"'))
_OVERLAP = 16


class _FormulaSearch:
    """Tell whether any worksheet part holds a formula or an error value, from the chunks the package screen unpacks."""

    def __init__(self) -> None:
        self.found = False
        self._part, self._tail = "", b""

    def __call__(self, name: str, chunk: bytes) -> None:
        if self.found or not _is_worksheet(name):
            return
        if name != self._part:
            self._part, self._tail = name, b""
        seam = self._tail + chunk[:_OVERLAP]
        self.found = any(p.search(chunk) or p.search(seam) for p in _FORMULA_OR_ERROR)
        self._tail = chunk[-_OVERLAP:]


def _refuse_hidden_register(path: Path, hidden: list[str]) -> None:
    if REGISTER_SHEET in hidden:
        raise RegisterFormatError(
            f"{path}: sheet '{REGISTER_SHEET}' is hidden. Unhide it in Excel (right-click a sheet tab > "
            f"Unhide) and save, then try again.")


def _load_with_openpyxl(path: Path) -> dict[str, list[tuple]]:
    # Reading only: openpyxl's "extension is not supported and will be removed" is about a save that never happens
    # (riskreg writes part by part and keeps every extension), so it is not the user's to see.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".* is not supported and will be removed", category=UserWarning)
        return _grids_with_openpyxl(path)


def _grids_with_openpyxl(path: Path) -> dict[str, list[tuple]]:
    wb = _open(path)
    try:
        _refuse_hidden_register(path, [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"])
        try:
            return {ws.title: _grid(ws) for ws in wb.worksheets}
        except Exception as err:  # worksheets are parsed lazily in read-only mode
            raise _unreadable(path, err) from None
    finally:
        wb.close()


def _plain_rows(rows: list[list]) -> list[tuple]:
    """Return calamine's rows as openpyxl gives them: empty cells None, whole numbers int (inline: a million cells).

    Each of calamine's rows is popped, so freed once converted: fewer live objects for the cycle collector to
    walk, and a lower peak."""
    rows.reverse()
    return [tuple([None if v == "" else int(v) if type(v) is float and v.is_integer() else v for v in rows.pop()])
            for _ in range(len(rows))]


def _load_with_calamine(path: Path) -> dict[str, list[tuple]]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [m for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        _refuse_hidden_register(path, [m.name for m in sheets if m.visible != SheetVisibleEnum.Visible])
        # Every sheet parsed before any is converted (python-calamine parses without the GIL, converts with it), and
        # each parsed sheet let go once converted.
        parsed = [wb.get_sheet_by_name(m.name) for m in sheets]
        return {m.name: _plain_rows(parsed.pop(0).to_python(skip_empty_area=False)) for m in sheets}
    except RegisterFormatError:
        raise
    except Exception as err:  # CalamineError, or whatever else the file makes it trip on
        raise _unreadable(path, err) from None


@contextmanager
def _damage_named_first(path: Path) -> Iterator[None]:
    """Let an error of the reader or the layout stand only when the whole package check finds no damage to name."""
    try:
        yield
    except RegisterFormatError:
        check_package(path, WORKBOOK, RegisterFormatError)
        raise


def load_grids(path: Path | str) -> dict[str, list[tuple]]:
    """Return every worksheet's values by sheet name (formulas as `Formula` text starting with '=')."""
    path = Path(path)
    _check_file(path)
    # Sizes, formats and every part's start (no DOCTYPE or entity) are checked before python-calamine opens the file;
    # the parts it reads whole are screened while it parses them, which it does without holding the GIL.
    screened = check_package(path, WORKBOOK, RegisterFormatError, screened=_read_whole)
    _check_sheets_beside(path, screened)
    formulas = _FormulaSearch()
    screening = in_background(lambda: screen_parts(path, screened, WORKBOOK, RegisterFormatError, look=formulas),
                              "riskreg-screen")
    try:
        grids, failure = _load_with_calamine(path), None
    except RegisterFormatError as err:
        grids, failure = {}, err
    screening()  # damage is named before anything read is used, as when the whole check ran first
    with _damage_named_first(path):
        if formulas.found:
            return _load_with_openpyxl(path)
        if failure is not None:
            raise failure
        return grids


def read_register(path: Path | str) -> Register:
    """Return the register in the workbook at `path`; raise RegisterFormatError naming the file and the fix."""
    from workbook.xlsx.tables import register_table

    grids = load_grids(path)
    with _damage_named_first(Path(path)):
        table = register_table(path)
        return register_from_grids(grids, str(path), table.totals if table else ())
