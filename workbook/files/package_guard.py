"""Refuse Office files that are not what they claim, and zip or XML bombs, before any library opens them."""

from __future__ import annotations

import codecs
import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import RiskregError, UnsafeInputError

# A register workbook is tens of kilobytes; a board-paper template a few hundred. These limits leave
# generous room for big registers and logos while keeping a crafted file from filling memory or disk.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 300 * 1024 * 1024
MAX_PART_UNCOMPRESSED = 200 * 1024 * 1024
MAX_PARTS = 5000
# Ordinary XML compresses 5–30 times; zip bombs compress hundreds or thousands of times.
MAX_RATIO = 150
RATIO_APPLIES_FROM = 5 * 1024 * 1024  # small parts may compress well without being a threat

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Kind:
    """What a command expects: an Excel workbook or a Word document, and the part that proves it."""

    noun: str  # "an .xlsx workbook"
    main_part: str
    save_as: str  # what to save a foreign file as in Office


WORKBOOK = Kind("an Excel workbook (.xlsx)", "xl/workbook.xml", "Excel Workbook (.xlsx)")
DOCUMENT = Kind("a Word document (.docx)", "word/document.xml", "Word Document (.docx)")

# File signatures and what to tell the user they gave us instead.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = (
    (b"%PDF", "a PDF"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)


def describe_foreign(path: Path) -> str | None:
    """Return what `path` is when it is not an Office Open XML package (None when it is a zip)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        return "empty (0 bytes)"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return None
    if head.startswith(_OLE):
        return _describe_ole(path)
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    return "a text file (a .csv or the tab-separated export?)" if _looks_like_text(path) else "not an Office file"


def _describe_ole(path: Path) -> str:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except OSError:
        return "a damaged Office 97–2003 file"
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "password-protected (encrypted)"
    if "workbook" in streams or "book" in streams:
        return "an Excel 97–2003 workbook (.xls)"
    if "worddocument" in streams:
        return "a Word 97–2003 document (.doc)"
    return "an Office 97–2003 file"


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        sample = handle.read(4096)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    return b"\x00" not in sample


def _fix_for(what: str, kind: Kind) -> str:
    if what.startswith("password-protected"):
        return ("Open it in Office, remove the password (File > Info > Protect > Encrypt with Password, clear it), "
                "save a copy and use that copy.")
    if what.startswith("empty"):
        return "Restore the file from a backup, or choose the right file."
    if "97–2003" in what or what.startswith("an OpenDocument") or what.startswith("an Excel binary"):
        return f"Open it and use Save As '{kind.save_as}', then use the new file."
    if what.startswith("a text file") and kind is WORKBOOK:
        return "If it is the register export, build a workbook from it with `riskreg import`."
    return "Choose the right file."


def _refuse(path: Path, what: str, kind: Kind, error: type[RiskregError]) -> RiskregError:
    joined = "so it is not" if what.startswith("a zip file without") else "not"
    return error(f"{path}: is {what}, {joined} {kind.noun}. {_fix_for(what, kind)}")


def _package_kind(names: set[str]) -> str | None:
    """Return what a zip holds when it is not an OOXML package we can read."""
    if "mimetype" in names and "content.xml" in names:
        return "an OpenDocument file (.ods/.odt)"
    if "xl/workbook.bin" in names:
        return "an Excel binary workbook (.xlsb)"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if "xl/workbook.xml" in names:
        return "an Excel workbook (.xlsx)"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    return None


def check_package(path: Path | str, kind: Kind = WORKBOOK, error: type[RiskregError] = RiskregError, *,
                  deep: bool = True, screened: Callable[[str], bool] | None = None) -> tuple[str, ...]:
    """Refuse `path` unless it is a sound `kind` package: right type, intact, no zip bomb, no XML entities.

    Wrong or damaged files raise `error` (the caller's RegisterFormatError or TemplateError); files that
    look built to harm the machine raise UnsafeInputError. `deep` unpacks every part (checksums) and parses all
    of its XML (about half the time of reading a register with python-calamine); without it only the
    start of each XML part is parsed, which is where a DOCTYPE or entity declaration must stand.

    Parts named by `screened` are the caller's to read whole with a parser of its own (python-calamine: a
    register's worksheets, nearly all its bytes): only their prolog is parsed here, and their names are returned
    for `screen_parts`, which takes a quarter of the time of parsing them. The caller runs `screen_parts` before it
    uses what it read, and reruns this check without `screened` when its reader fails, so damage is named as here.
    """
    path = Path(path)
    if not path.exists():
        raise error(f"{path}: no such file. Check the name and folder.")
    if path.is_dir():
        raise error(f"{path}: is a folder, not {kind.noun}. Give the path of the file.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafeInputError(
            f"{path}: is {size / 1024 / 1024:.0f} MB; files over {MAX_FILE_BYTES // 1024 // 1024} MB are refused "
            f"({kind.noun} for riskreg is normally under 1 MB). Check you picked the right file.")
    what = describe_foreign(path)
    if what:
        raise _refuse(path, what, kind, error)
    try:
        archive = zipfile.ZipFile(path)
    except (*_DAMAGE, ValueError) as err:
        raise error(f"{path}: is damaged (not a complete zip package: {err}). Restore it from a backup, "
                    f"or open it in Office and save it again.") from None
    with archive:
        infos = archive.infolist()
        check_sizes(path, infos)
        names = {info.filename for info in infos}
        found = _package_kind(names)
        if kind.main_part not in names:
            raise _refuse(path, found or f"a zip file without {kind.main_part}", kind, error)
        try:
            sheets = sheet_parts(archive) if kind is WORKBOOK else {}
        except (RiskregError, *_DAMAGE):
            sheets = {}  # _check_part names the broken part below
        later: list[str] = []
        for info in infos:
            skip = screened is not None and screened(info.filename)
            try:
                _check_part(path, archive, info, error, sheets.get(info.filename), deep and not skip)
            except RiskregError:
                if later:  # a part screened later may hold the first problem: name the one the whole check names
                    check_package(path, kind, error, deep=deep)
                raise
            if skip:
                later.append(info.filename)
        if kind is DOCUMENT:  # what a template holds or links to, every paper made from it would too
            _check_macros(path, names, error)
            _check_external(path, archive, names)
    return tuple(later)


def check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose parts are too many or unpack too large: the one set of zip-bomb limits."""
    if len(infos) > MAX_PARTS:
        raise UnsafeInputError(
            f"{path}: holds {len(infos)} parts (limit {MAX_PARTS}); an Office file this shape is built to "
            f"exhaust the machine. Refused: check where the file came from.")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UnsafeInputError(
            f"{path}: unpacks to {total / 1024 / 1024:.0f} MB (limit {MAX_TOTAL_UNCOMPRESSED // 1024 // 1024} MB), "
            f"a zip bomb. Refused: check where the file came from.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_UNCOMPRESSED or (info.file_size > RATIO_APPLIES_FROM and ratio > MAX_RATIO):
            raise UnsafeInputError(
                f"{path}: part {info.filename} unpacks to {info.file_size / 1024 / 1024:.0f} MB from "
                f"{info.compress_size / 1024:.0f} KB (ratio {ratio:.0f}:1), a zip bomb. "
                f"Refused: check where the file came from.")


# What zipfile and zlib raise on a damaged part (a part stored with an unknown method: NotImplementedError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


class _Declaration(Exception):
    """An XML part declared a DOCTYPE or an entity."""


def _xml_parser():
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse(*args) -> None:
        raise _Declaration

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def _first_element(parser) -> list[str]:
    """Return a list that receives the name of the first element `parser` meets (the rest parse at C speed)."""
    names: list[str] = []

    def note(name: str, attributes) -> None:
        names.append(name)
        parser.StartElementHandler = None

    parser.StartElementHandler = note
    return names


def _feed(parser, chunk: bytes, lenient: bool, final: bool = False):
    """Feed `chunk` to `parser`; return the parser, or None once a lenient part stops parsing."""
    from xml.parsers import expat

    if parser is None:
        return None
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError:
        if not lenient:
            raise
        return None
    return parser


# Without `deep`, how far into each XML part its first element must start: the prolog before it is where a DOCTYPE
# or entity declaration must stand, and it is parsed in steps until that element.
SHALLOW_BYTES = 64 * 1024
_PROLOG_STEP = 4096


def _prolog(parser, head: bytes, lenient: bool = False) -> str | None:
    """Parse `head` up to its first element; return that element's name as written, None when `head` has none."""
    names = _first_element(parser)
    for start in range(0, len(head), _PROLOG_STEP):
        if _feed(parser, head[start:start + _PROLOG_STEP], lenient) is None or names:
            break
    return names[0] if names else None


def _check_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, error: type[RiskregError],
                sheet: str | None, deep: bool = True, kept: list[bytes] | None = None) -> None:
    """Read the part (checking its CRC); XML parts must be well-formed and declare no DOCTYPE or entity. A deep
    check appends the part's bytes, as it unpacks them, to `kept` when given."""
    from xml.parsers import expat

    name = info.filename
    where = f"part {name}" + (f" (sheet '{sheet}')" if sheet else "")
    is_xml = name.lower().endswith(_XML_SUFFIXES)
    if not (deep or is_xml):
        return
    parser = _xml_parser() if is_xml else None
    # Excel's legacy VML is often not well-formed (unclosed <br>): check it for declarations only.
    lenient = name.lower().endswith(".vml")
    try:
        with archive.open(info) as stream:
            if not deep:
                head = stream.read(SHALLOW_BYTES)
                if parser is not None and _prolog(parser, head, lenient) is None and len(head) == SHALLOW_BYTES:
                    raise _Declaration  # a prolog this long only serves to hide a declaration
                return
            while chunk := stream.read(1 << 20):
                parser = _feed(parser, chunk, lenient)
                if kept is not None:
                    kept.append(chunk)
            _feed(parser, b"", lenient, final=True)
    except _Declaration:
        raise UnsafeInputError(
            f"{path}: {where} declares a DOCTYPE or entities, which Office never writes (an XML entity bomb or "
            f"external-entity attack). Refused: check where the file came from.") from None
    except expat.ExpatError as err:
        raise error(f"{path}: {where} is damaged (not well-formed XML: {expat.ErrorString(err.code)}, line "
                    f"{err.lineno} column {err.offset + 1}). Restore the file from a backup, or open it in Office "
                    f"and save it again.") from None
    except _DAMAGE as err:
        raise error(f"{path}: {where} is damaged ({err}). Restore the file from a backup, or open it in Office "
                    f"and save it again.") from None


def parts_sound(path: Path | str, package: bytes, parts: Iterable[str], unpacked: dict[str, bytes] | None = None) -> bool:
    """Return whether `parts` of the package `package` (the bytes of the file at `path`, read once: no file is held
    open while this runs) pass the deep check `check_package` makes of them: unpacked (checksums) and parsed whole.
    False on any damage, which the caller names by running `check_package` itself. Each part found sound is put
    into `unpacked` (name -> its bytes) when given: a writer that edits it need not unpack it again."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for name in parts:
                kept: list[bytes] | None = [] if unpacked is not None else None
                _check_part(Path(path), archive, archive.getinfo(name), RiskregError, None, deep=True, kept=kept)
                if unpacked is not None and kept is not None:
                    unpacked[name] = b"".join(kept)
    except (RiskregError, KeyError, *_DAMAGE):
        if unpacked is not None:
            unpacked.clear()
        return False
    return True


def screen_parts(path: Path | str, parts: Iterable[str], kind: Kind = WORKBOOK,
                 error: type[RiskregError] = RiskregError, look: Callable[[str, bytes], None] | None = None) -> None:
    """Unpack `parts` (checksums) and screen their XML; on any doubt run the whole check, which names the problem.

    A screened part must end with its root element's end tag (a part cut short does not) and hold only UTF-8 and
    characters XML allows; `look(name, chunk)` sees every unpacked chunk. Damage this cannot see, a mismatched tag
    inside a part, python-calamine mostly refuses (its caller then reruns the whole check) or reads past.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        doubts = [_in_doubt(archive, name, look) for name in parts]
    if any(doubts):
        check_package(path, kind, error)


# Bytes XML forbids (C0 controls but tab, line feed, carriage return), and the bytes that end U+FFFE and U+FFFF in
# UTF-8, which it forbids too; bytes.translate drops every other byte in one pass, many times faster than parsing.
_FORBIDDEN = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_ORDINARY = bytes(b for b in range(256) if b not in _FORBIDDEN + b"\xbe\xbf")
_NON_CHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_CHUNK = 1 << 20
_TAIL = 256


def _in_doubt(archive: zipfile.ZipFile, name: str, look: Callable[[str, bytes], None] | None) -> bool:
    """Return whether part `name` may be damaged: unreadable, cut short, not UTF-8, or holding a forbidden character."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    root, tail, doubt = None, b"", False
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                if look is not None:
                    look(name, chunk)
                if not tail:
                    root = _root_name(chunk[:SHALLOW_BYTES])
                odd = chunk.translate(None, _ORDINARY)
                if odd and (odd.translate(None, b"\xbe\xbf") or any(c in tail[-2:] + chunk for c in _NON_CHARACTERS)):
                    doubt = True
                utf8.decode(chunk)
                tail = chunk[-_TAIL:] if len(chunk) >= _TAIL else (tail + chunk)[-_TAIL:]
        utf8.decode(b"", True)
    except (*_DAMAGE, UnicodeDecodeError):
        return True
    return doubt or root is None or not tail.rstrip(b" \t\r\n").endswith(b"</" + root + b">")


def _root_name(head: bytes) -> bytes | None:
    """Return the name of the first element in `head` as written (prefix included); None when a declaration or
    damage comes first."""
    from xml.parsers import expat

    try:
        name = _prolog(_xml_parser(), head)
    except (expat.ExpatError, _Declaration):
        return None
    return name.encode() if name is not None else None


# Relationships Office follows on its own when it opens a file: a remote template, linked picture or object
# makes Word or Excel fetch it (and hand the network a Windows login hash). Plain hyperlinks wait for a click.
_FETCHED = ("attachedTemplate", "image", "oleObject", "subDocument", "frame", "externalLinkPath", "package",
            "customXml", "aFChunk")


def _check_macros(path: Path, names: set[str], error: type[RiskregError]) -> None:
    """Refuse a template carrying a VBA project or ActiveX controls: papers must not carry macros."""
    found = sorted(n for n in names if n.lower().endswith("vbaproject.bin") or n.lower().startswith("word/activex/"))
    if found:
        raise error(f"{path}: holds macros ({found[0]}), and every paper made from it would carry them. Open it in "
                    f"Word and use Save As 'Word Document (.docx)', which leaves the macros out, then use that file.")


def _check_external(path: Path, archive: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse a package whose relationships make Office fetch something from outside the file."""
    for rels in sorted(n for n in names if n.endswith(".rels")):
        for rel in parse_xml(archive.read(rels), f"{path}: part {rels}").iter(_REL):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") == "External" and kind in _FETCHED:
                raise UnsafeInputError(
                    f"{path}: part {rels} makes Office fetch {rel.get('Target', '')!r} ({kind}) from outside the "
                    f"file when it opens. Refused: remove the link (a remote attached template, or a picture or object "
                    f"inserted with 'Link to File'), save, and use that file.")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return worksheet part -> sheet name, from xl/workbook.xml and its relationships (parsed defused)."""
    names = set(archive.namelist())
    workbook, rels = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    if workbook not in names or rels not in names:
        return {}
    by_id = {}
    for rel in parse_xml(archive.read(rels), f"{archive.filename}: part {rels}").iter(_REL):
        target = rel.get("Target", "")
        by_id[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    return {by_id[sheet.get(_R_ID)]: sheet.get("name", "")
            for sheet in parse_xml(archive.read(workbook), f"{archive.filename}: part {workbook}").iter(f"{_MAIN}sheet")
            if sheet.get(_R_ID) in by_id}


def parse_xml(data: bytes, source: str, error: type[RiskregError] = RiskregError):
    """Return the ElementTree root of `data`, refusing entities and DTDs (for XML we parse ourselves).

    `source` names the file and part, e.g. 'register.xlsx: part xl/workbook.xml'."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UnsafeInputError(f"{source}: declares a DOCTYPE or entities (an XML entity bomb?). Refused: check "
                               f"where the file came from.") from None
    except ParseError as err:
        raise error(f"{source}: is not well-formed XML ({err}). Restore the file from a backup, or open it in "
                    f"Office and save it again.") from None
