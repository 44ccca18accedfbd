"""Edit an .xlsx package part by part: parts riskreg changes are rewritten, every other part is copied as it was."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path

from lxml import etree

from workbook.core.errors import RegisterFormatError
from workbook.files.background import in_background
from workbook.files.zip_parts import ZIP_EPOCH, Deflated, ZipWriter, copy_compressed, deflate, stretches, write_deflated
from workbook.xlsx.rows import SheetRows

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
M = f"{{{MAIN_NS}}}"
R_ID = f"{{{REL_NS}}}id"
WORKBOOK_PART = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"

REL_WORKSHEET = f"{REL_NS}/worksheet"
REL_COMMENTS = f"{REL_NS}/comments"
REL_VML = f"{REL_NS}/vmlDrawing"
REL_DRAWING = f"{REL_NS}/drawing"
REL_CHART = f"{REL_NS}/chart"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

# The guard (workbook/files/package_guard.py) has already refused DTDs and entities; this parser fetches nothing.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def rels_path(part: str) -> str:
    """Return the relationships part of `part` ('xl/worksheets/sheet1.xml' → 'xl/worksheets/_rels/sheet1.xml.rels')."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    """Return the part a relationship of `part` points at."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(source: str, target: str) -> str:
    """Return `target` as a relationship target written from `source`."""
    return posixpath.relpath(target, posixpath.dirname(source))


DEFLATING = 2  # stretches deflating at once: one a core on our machines (more hold more of them at the peak)
STRETCH_BYTES = 4 << 20


def _deflated(pieces: Iterable[bytes | memoryview], last: bool) -> list[Deflated]:
    """Return `pieces` deflated in stretches of STRETCH_BYTES, one after the other (the part's end when `last`)."""
    return [deflate((stretch,), last=last and final) for stretch, final in stretches(pieces, STRETCH_BYTES)]


def _deflated_one(stretch: bytes | memoryview, last: bool) -> list[Deflated]:
    return [deflate((stretch,), last=last)]


class Package:
    """The parts of one .xlsx file: bytes as read, XML trees riskreg edits, parts added and removed."""

    def __init__(self, path: Path | str, data: bytes | None = None, unpacked: Mapping[str, bytes] | None = None):
        """Open the package at `path`, or the one given as its file's bytes `data` with parts of it already
        unpacked (`unpacked`: part -> its bytes, as the check before a write read them)."""
        self.path = Path(path)
        # The file is held in memory: parts are unpacked only when a command reads them, and the others are
        # copied into the new package still compressed.
        self._file = self.path.read_bytes() if data is None else data
        self._archive = zipfile.ZipFile(io.BytesIO(self._file))
        self.infos = self._archive.infolist()
        self._raw = {info.filename: info for info in self.infos}
        self._unpacked: dict[str, bytes] = dict(unpacked or {}) if data is not None else {}
        self._trees: dict[str, etree._Element] = {}
        self._rows: dict[str, SheetRows] = {}  # worksheet parts whose rows are parsed one at a time (rows.py)
        self._changed: set[str] = set()
        self._added: dict[str, bytes] = {}
        self._removed: set[str] = set()
        self._new: dict[str, None] = {}  # parts added, in the order they were added
        self._sheets: list[tuple[str, str]] | None = None  # the sheet list, until the workbook part changes
        # part -> (what it was, its stretches deflating): parts deflated ahead of the save (deflate_ahead)
        self._ahead: dict[str, tuple[tuple[object, int], Callable[[], list[Deflated]]]] = {}

    # ---- parts ----------------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Return every part name, in the package's order, parts added last."""
        kept = [info.filename for info in self.infos if info.filename not in self._removed]
        return kept + [name for name in self._new if name not in self._removed]

    def has(self, name: str) -> bool:
        return name not in self._removed and (name in self._raw or name in self._added or name in self._trees)

    def read(self, name: str) -> bytes:
        if name in self._trees:
            return self._serialise(name)
        if name in self._added:
            return self._added[name]
        if name not in self._unpacked:
            self._unpacked[name] = self._archive.read(self._raw[name])
        return self._unpacked[name]

    def xml(self, name: str) -> etree._Element:
        """Return the parsed part `name`, to edit in place (mark it with `changed`)."""
        if name not in self._trees:
            data = self.read(name)
            split = SheetRows.split(data) if name.startswith("xl/worksheets/") and name.endswith(".xml") else None
            if split is not None:
                data, self._rows[name] = split
            try:
                self._trees[name] = etree.fromstring(data, _PARSER)
                if split is not None:
                    self._rows[name].bind(self._trees[name])
            except etree.XMLSyntaxError as err:
                raise RegisterFormatError(
                    f"{self.path}: part {name} is not well-formed XML ({err}), so riskreg cannot write into it. "
                    f"Open the workbook in Excel, save it again and run the command again.") from None
        return self._trees[name]

    def sheet_rows(self, name: str) -> SheetRows | None:
        """Return the rows of the worksheet part `name` when they are parsed one at a time (None: parsed whole)."""
        self.xml(name)
        return self._rows.get(name)

    def changed(self, name: str) -> None:
        self._changed.add(name)
        self._forget_sheets(name)

    def _forget_sheets(self, name: str) -> None:
        if name in (WORKBOOK_PART, rels_path(WORKBOOK_PART)):
            self._sheets = None

    def put(self, name: str, data: bytes) -> None:
        """Add or replace part `name` with `data`."""
        self._forget_sheets(name)
        self._trees.pop(name, None)
        self._rows.pop(name, None)
        self._changed.discard(name)
        self._removed.discard(name)
        self._added[name] = data
        if name not in self._raw:
            self._new[name] = None

    def put_xml(self, name: str, root: etree._Element) -> None:
        self._forget_sheets(name)
        self._removed.discard(name)
        self._added.pop(name, None)
        self._trees[name] = root
        self._rows.pop(name, None)
        self._changed.add(name)
        if name not in self._raw:
            self._new[name] = None

    def remove(self, name: str) -> None:
        self._forget_sheets(name)
        self._removed.add(name)
        self._trees.pop(name, None)
        self._rows.pop(name, None)
        self._added.pop(name, None)
        self._changed.discard(name)

    def original(self, name: str) -> bytes | None:
        """Return part `name` as it was read from the file (None for a part riskreg added)."""
        info = self._raw.get(name)
        return self._archive.read(info) if info is not None else None

    def removed(self) -> set[str]:
        """Return the parts of the file that will not be written."""
        return {name for name in self._removed if name in self._raw}

    def is_parsed(self, name: str) -> bool:
        return name in self._trees

    def rewritten(self) -> set[str]:
        """Return the parts that will be written from riskreg's edits rather than copied (added ones included)."""
        return {name for name in self.names() if name not in self.untouched()}

    def untouched(self) -> set[str]:
        """Return the parts that will be copied as they were read."""
        return {name for name in self._raw if name not in self._removed and name not in self._added
                and name not in self._changed}

    def unique_name(self, pattern: str) -> str:
        """Return the first free part name of `pattern`, e.g. 'xl/worksheets/sheet{}.xml'."""
        number = 1
        while self.has(pattern.format(number)) or pattern.format(number) in self._raw:
            number += 1
        return pattern.format(number)

    def _serialise(self, name: str) -> bytes:
        data = etree.tostring(self._trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
        rows = self._rows.get(name)
        return rows.join(data) if rows is not None else data

    def chunks(self, name: str) -> Iterator[bytes | memoryview]:
        """Yield part `name` as `read` gives it, in pieces: a worksheet read row by row is never joined whole."""
        rows = self._rows.get(name) if name in self._trees else None
        if rows is None:
            yield self.read(name)
            return
        yield from rows.pieces(etree.tostring(self._trees[name], xml_declaration=True, encoding="UTF-8",
                                              standalone=True))

    def may_contain(self, name: str, text: bytes) -> bool:
        """Return whether part `name` may hold `text` (False only when it does not), without joining a worksheet
        read row by row."""
        rows = self._rows.get(name) if name in self._trees else None
        if rows is None:
            return text in self.read(name)
        return rows.may_contain(etree.tostring(self._trees[name]), text)

    def deflate_ahead(self, names: Iterable[str]) -> None:
        """Start deflating parts `names` as they stand now, in a thread beside whatever this one does next: the save
        takes what it made for a part still as it was (of a sheet read row by row, its rows: its frame, which the
        save may still adjust, is deflated then), and deflates again a part changed since."""
        for name in names:
            if name not in self._changed and name not in self._added:
                continue  # copied as it was read: nothing to deflate
            state = self._state(name)
            rows = self._rows.get(name) if name in self._trees else None
            pieces = [self._added[name]] if name in self._added else rows.settled_pieces() if rows else None
            if state is not None and pieces is not None:
                self._ahead[name] = (state, in_background(partial(_deflated, pieces, last=rows is None),
                                                          "riskreg-deflate-ahead"))

    def _state(self, name: str) -> tuple[object, int] | None:
        """Return what part `name` is now, to tell at the save whether it changed since it was deflated ahead: the
        bytes put in for it, or a sheet's rows and their version (None for any other part)."""
        if name in self._removed:
            return None
        if name in self._added:
            return self._added[name], 0
        rows = self._rows.get(name) if name in self._trees else None
        return (rows, rows.version) if rows is not None else None

    def _deflated_ahead(self, name: str) -> list[Callable[[], list[Deflated]]] | None:
        """Return the stretches of part `name` deflated ahead when it is still as it was then (with its frame's ends
        around a sheet's rows, deflated now), else None."""
        found = self._ahead.pop(name, None)
        state = self._state(name)
        if found is None or state is None or state[0] is not found[0][0] or state[1] != found[0][1]:
            return None
        rows = self._rows.get(name) if name in self._trees else None
        if rows is None:
            return [found[1]]
        ends = rows.ends(etree.tostring(self._trees[name], xml_declaration=True, encoding="UTF-8", standalone=True))
        if ends is None:
            return None
        head, tail = ends
        return [partial(_deflated, (head,), last=False), found[1], partial(_deflated, (tail,), last=True)]

    def save(self, target: Path) -> None:
        """Write the package to `target`: untouched parts copied, the others written from their trees."""
        untouched = self.untouched()
        # Each part written is deflated in stretches of a few megabytes, each stretch in a thread of its own (zlib-ng
        # lets go of the GIL) while this one makes the next, so that a large part keeps every core busy, not one;
        # at most DEFLATING stretches at once. Parts are written in order, each once all its stretches are done
        # (a deflated stretch is a fraction of its bytes: those waiting for their turn hold little).
        with ZipWriter(target) as out:
            parts: deque[tuple[zipfile.ZipInfo | str, list[Callable[[], list[Deflated]]] | None]] = deque()
            running: deque[Callable[[], list[Deflated]]] = deque()  # the stretches deflating, oldest first
            for name in self.names():
                info = self._raw.get(name)
                if info is not None and name in untouched:  # an untouched part is one read from the file
                    parts.append((info, None))  # copied in its turn
                    continue
                ahead = self._deflated_ahead(name)
                deflating: list[Callable[[], list[Deflated]]] = ahead or []
                parts.append((info or name, deflating))
                for stretch, last in () if ahead else stretches(self.chunks(name), STRETCH_BYTES):
                    while len(running) >= DEFLATING:
                        running.popleft()()  # waits for the oldest (what it raised is raised here)
                        while parts and parts[0][1] is not deflating and \
                                not any(finish in running for finish in parts[0][1] or ()):
                            self._write_first(out, parts)  # done, and not the part still being cut
                    running.append(in_background(partial(_deflated_one, stretch, last), "riskreg-deflate"))
                    deflating.append(running[-1])
            while parts:
                self._write_first(out, parts)

    def _write_first(self, out: ZipWriter,
                     parts: deque[tuple[zipfile.ZipInfo | str, list[Callable[[], list[Deflated]]] | None]]) -> None:
        """Write the first of `parts`: copied as stored, or from its stretches once they are deflated."""
        part, deflating = parts.popleft()
        if deflating is None:
            assert isinstance(part, zipfile.ZipInfo)
            self._copy_compressed(part, out)
            return
        name, date_time = (part.filename, part.date_time) if isinstance(part, zipfile.ZipInfo) else (part, ZIP_EPOCH)
        write_deflated(out, name, *(stretch for finish in deflating for stretch in finish()), date_time=date_time)

    def _copy_compressed(self, info: zipfile.ZipInfo, out: ZipWriter) -> None:
        copy_compressed(self._file, info, out)

    # ---- relationships and content types -------------------------------------------------------------------

    def rels(self, part: str) -> etree._Element:
        """Return the relationships of `part` (an empty set when it has none yet)."""
        name = rels_path(part)
        if not self.has(name):
            self.put_xml(name, etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS}))
        return self.xml(name)

    def related(self, part: str, kind: str | None = None) -> list[tuple[str, str]]:
        """Return (relationship id, target part) of `part`'s internal relationships, of type `kind` when given."""
        name = rels_path(part)
        if not self.has(name):
            return []
        return [(rel.get("Id"), resolve(part, rel.get("Target", "")))
                for rel in self.xml(name).iter(f"{{{PKG_REL_NS}}}Relationship")
                if rel.get("TargetMode") != "External" and (kind is None or rel.get("Type") == kind)]

    def relate(self, source: str, target: str, kind: str) -> str:
        """Add a relationship from `source` to `target`; return its id."""
        rels = self.rels(source)
        used = {rel.get("Id") for rel in rels}
        number = len(used) + 1
        while f"rId{number}" in used:
            number += 1
        rel_id = f"rId{number}"
        etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rel_id, Type=kind,
                         Target=relative(source, target))
        self.changed(rels_path(source))
        return rel_id

    def unrelate(self, source: str, rel_id: str) -> None:
        rels = self.rels(source)
        for rel in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("Id") == rel_id:
                rels.remove(rel)
        self.changed(rels_path(source))

    def set_content_type(self, part: str, content_type: str) -> None:
        types = self.xml(CONTENT_TYPES)
        for override in types.findall(f"{{{CT_NS}}}Override"):
            if override.get("PartName") == "/" + part:
                override.set("ContentType", content_type)
                break
        else:
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=content_type)
        self.changed(CONTENT_TYPES)

    def set_default_type(self, extension: str, content_type: str) -> None:
        types = self.xml(CONTENT_TYPES)
        if any(d.get("Extension", "").lower() == extension for d in types.findall(f"{{{CT_NS}}}Default")):
            return
        types.insert(0, etree.Element(f"{{{CT_NS}}}Default", Extension=extension, ContentType=content_type))
        self.changed(CONTENT_TYPES)

    def drop_content_type(self, part: str) -> None:
        types = self.xml(CONTENT_TYPES)
        for override in types.findall(f"{{{CT_NS}}}Override"):
            if override.get("PartName") == "/" + part:
                types.remove(override)
                self.changed(CONTENT_TYPES)

    # ---- the workbook's sheet list ---------------------------------------------------------------------------

    def sheets(self) -> list[tuple[str, str]]:
        """Return (sheet name, worksheet part) in the workbook's order (chart sheets included); kept until the
        workbook part or its relationships change (a roll-over asks once per cell it writes)."""
        if self._sheets is None:
            targets = dict(self.related(WORKBOOK_PART))
            self._sheets = [(sheet.get("name", ""), targets.get(sheet.get(R_ID), ""))
                            for sheet in self.xml(WORKBOOK_PART).iter(f"{M}sheet")]
        return list(self._sheets)

    def sheet_names(self) -> list[str]:
        return [name for name, _ in self.sheets()]

    def sheet_part(self, name: str) -> str | None:
        return dict(self.sheets()).get(name)

    def remove_sheet(self, name: str) -> None:
        """Remove sheet `name` and the parts that hang from it alone (drawings, charts, notes)."""
        book = self.xml(WORKBOOK_PART)
        sheets = book.find(f"{M}sheets")
        elements = list(sheets)
        index = next(i for i, s in enumerate(elements) if s.get("name") == name)
        element = elements[index]
        part = dict(self.related(WORKBOOK_PART))[element.get(R_ID)]
        sheets.remove(element)
        self.unrelate(WORKBOOK_PART, element.get(R_ID))
        self._shift_sheet_indexes(index, -1)
        self._remove_tree(part)
        self.changed(WORKBOOK_PART)

    def _remove_tree(self, part: str) -> None:
        others: set[str] = set()
        for name in self.names():
            if name.endswith(".rels") and name != rels_path(part):
                source = name.replace("_rels/", "")[: -len(".rels")]
                others.update(target for _, target in self.related(source))
        for _, target in self.related(part):
            if target not in others and self.has(target):
                self._remove_tree(target)
        for name in (part, rels_path(part)):
            if self.has(name):
                self.remove(name)
                self.drop_content_type(name)

    def add_sheet(self, name: str, index: int, root: etree._Element) -> str:
        """Add worksheet `name` at position `index` with the XML `root`; return its part name."""
        part = self.unique_name("xl/worksheets/sheet{}.xml")
        self.put_xml(part, root)
        self.set_content_type(part, CT_WORKSHEET)
        rel_id = self.relate(WORKBOOK_PART, part, REL_WORKSHEET)
        book = self.xml(WORKBOOK_PART)
        sheets = book.find(f"{M}sheets")
        ids = [int(s.get("sheetId", "0")) for s in sheets]
        element = etree.Element(f"{M}sheet", name=name, sheetId=str(max(ids, default=0) + 1))
        element.set(R_ID, rel_id)
        self._shift_sheet_indexes(index, +1)
        sheets.insert(index, element)
        self.changed(WORKBOOK_PART)
        return part

    def _shift_sheet_indexes(self, index: int, step: int) -> None:
        """Keep sheet-local names and the active tab on their sheets when a sheet is added or removed at `index`."""
        book = self.xml(WORKBOOK_PART)
        names = book.find(f"{M}definedNames")
        for defined in list(names) if names is not None else []:
            local = defined.get("localSheetId")
            if local is None:
                continue
            if step < 0 and int(local) == index:
                names.remove(defined)
            elif int(local) >= index:
                defined.set("localSheetId", str(int(local) + step))
        if names is not None and not len(names):
            book.remove(names)
        count = len(book.find(f"{M}sheets")) + (1 if step > 0 else 0)
        for view in book.iter(f"{M}workbookView"):
            for key in ("activeTab", "firstSheet"):
                value = view.get(key)
                if value is not None and int(value) >= index and (step > 0 or int(value) > 0):
                    view.set(key, str(min(max(int(value) + step, 0), max(count - 1, 0))))

    def set_defined_name(self, name: str, local_index: int, text: str) -> None:
        book = self.xml(WORKBOOK_PART)
        names = book.find(f"{M}definedNames")
        if names is None:
            names = etree.Element(f"{M}definedNames")
            anchor = book.find(f"{M}sheets")
            anchor.addnext(names)
            # definedNames follow sheets and any functionGroups/externalReferences
            for tag in ("functionGroups", "externalReferences"):
                found = book.find(f"{M}{tag}")
                if found is not None:
                    found.addnext(names)
        for defined in names:
            if defined.get("name") == name and defined.get("localSheetId") == str(local_index):
                defined.text = text
                break
        else:
            element = etree.SubElement(names, f"{M}definedName", name=name, localSheetId=str(local_index))
            element.text = text
        self.changed(WORKBOOK_PART)
