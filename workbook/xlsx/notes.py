"""Cell notes (legacy comments) in a worksheet's comments part and its VML drawing, edited note by note."""

from __future__ import annotations

import copy
import re

from lxml import etree

from workbook.core.errors import RegisterFormatError
from workbook.xlsx.sheet_xml import split_ref
from workbook.core.values import storable
from workbook.xlsx.package import (CT_COMMENTS, CT_VML, MAIN_NS, M, R_ID, REL_COMMENTS, REL_NS,
                                   REL_VML, Package)

# riskreg's finding notes sign with their own name, so a guidance note riskreg wrote (signed "riskreg", as on
# Lists!A1) is never taken for a finding and removed. Finding notes of older versions were signed "riskreg" too:
# they are told apart by their text, which starts "riskreg R001 (error): ...".
FINDINGS_AUTHOR = "riskreg findings"
_LEGACY_AUTHOR = "riskreg"
_LEGACY_FINDING = re.compile(r"riskreg R\d{3} \(")
SHAPES_PER_BLOCK = 1024  # VML shape ids: block n (o:idmap data) holds _x0000_s{n*1024+1} to _x0000_s{n*1024+1023}
_IDMAP = re.compile(rb"<(?:\w+:)?idmap\b[^>]*\bdata=\"([^\"]*)\"")  # any prefix: Excel's VML is not always XML
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_X = "urn:schemas-microsoft-com:office:excel"
# Worksheet elements that come after <legacyDrawing> (ECMA-376 Part 1, CT_Worksheet).
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
                 "extLst")


class SheetNotes:
    """The notes of one sheet: who wrote each, removed and added without touching the others' boxes."""

    def __init__(self, package: Package, sheet_part: str, sheet_root: etree._Element, sheet: str):
        self.package, self.part, self.sheet_root, self.sheet = package, sheet_part, sheet_root, sheet
        found = package.related(sheet_part, REL_COMMENTS)
        self.comments_part = found[0][1] if found else None
        legacy = sheet_root.find(f"{M}legacyDrawing")
        targets = dict(package.related(sheet_part, REL_VML))
        self.vml_part = targets.get(legacy.get(R_ID)) if legacy is not None else None

    def authors(self) -> dict[str, str]:
        """Return cell reference -> author of each note."""
        if self.comments_part is None:
            return {}
        root = self.package.xml(self.comments_part)
        names = [a.text or "" for a in root.iterfind(f"{M}authors/{M}author")]
        result = {}
        for comment in root.iterfind(f"{M}commentList/{M}comment"):
            author = int(comment.get("authorId") or 0)
            result[comment.get("ref", "")] = names[author] if author < len(names) else ""
        return result

    def findings(self) -> set[str]:
        """Return the cells whose note is one of riskreg's finding notes (not a guidance note, not a user's)."""
        if self.comments_part is None:
            return set()
        root = self.package.xml(self.comments_part)
        names = [a.text or "" for a in root.iterfind(f"{M}authors/{M}author")]
        found = set()
        for comment in root.iterfind(f"{M}commentList/{M}comment"):
            author = int(comment.get("authorId") or 0)
            name = names[author] if author < len(names) else ""
            text = "".join(comment.find(f"{M}text").itertext()) if comment.find(f"{M}text") is not None else ""
            if name == FINDINGS_AUTHOR or (name == _LEGACY_AUTHOR and _LEGACY_FINDING.match(text)):
                found.add(comment.get("ref", ""))
        return found

    def remove(self, refs: set[str]) -> None:
        """Remove the notes on the cells `refs`."""
        if not refs or self.comments_part is None:
            return
        root = self.package.xml(self.comments_part)
        listing = root.find(f"{M}commentList")
        for comment in list(listing):
            if comment.get("ref") in refs:
                listing.remove(comment)
        self.package.changed(self.comments_part)
        positions = {split_ref(ref) for ref in refs}
        if self.vml_part is not None:
            vml = self._vml(self.vml_part)
            for shape in list(vml.iter(f"{{{_V}}}shape")):
                data = shape.find(f"{{{_X}}}ClientData")
                if data is None or data.get("ObjectType") != "Note":
                    continue
                row, column = data.findtext(f"{{{_X}}}Row"), data.findtext(f"{{{_X}}}Column")
                if row is not None and column is not None and (int(row) + 1, int(column) + 1) in positions:
                    shape.getparent().remove(shape)
            self.package.changed(self.vml_part)

    def _vml(self, vml_part: str) -> etree._Element:
        try:
            return self.package.xml(vml_part)
        except RegisterFormatError:
            raise RegisterFormatError(
                    f"{self.package.path}: the note boxes of sheet '{self.sheet}' ({self.vml_part}) are in a form "
                    f"riskreg cannot edit safely, so nothing was written. Open the workbook in Excel, save it "
                f"again, and run the command again.") from None

    def add(self, notes: dict[str, str], author: str, size: tuple[int, int]) -> None:
        """Add a note with `author` to each cell of `notes` (reference -> text)."""
        if not notes:
            return
        comments_part, vml_part = self._ensure_parts()
        root = self.package.xml(comments_part)
        authors = root.find(f"{M}authors")
        names = [a.text for a in authors]
        if author not in names:
            etree.SubElement(authors, f"{M}author").text = author
            names.append(author)
        listing = root.find(f"{M}commentList")
        listing.extend(_comments(notes, names.index(author)))
        self.package.changed(comments_part)
        vml = self._vml(vml_part)
        shapetype = next((t.get("id") for t in vml.iter(f"{{{_V}}}shapetype")), None)
        if shapetype is None:
            shapetype = "_x0000_t202"
            vml.insert(0, _shapetype())
        ids = iter(self._free_shape_ids(vml, len(notes)))
        width, height = size
        shape = _note_shape("", shapetype, 0, 0, width, height)  # each note's box is a copy, its place set
        for ref in notes:
            row, column = split_ref(ref)
            vml.append(_placed(copy.deepcopy(shape), next(ids), row - 1, column - 1))
        self.package.changed(vml_part)

    def _free_shape_ids(self, vml: etree._Element, count: int) -> list[str]:
        """Return `count` shape ids free in this drawing's o:idmap blocks that no other drawing of the package
        uses, adding such a block when they are full (the shapes already there keep their ids). A drawing of notes
        alone with no o:idmap, as riskreg wrote them before, gets blocks of its own and its notes are numbered in
        them."""
        layout = vml.find(f"{{{_O}}}shapelayout")
        idmap = layout.find(f"{{{_O}}}idmap") if layout is not None else None
        taken = self._other_blocks()
        blocks = _blocks(idmap.get("data", "")) if idmap is not None else []
        shapes = list(vml.iter(f"{{{_V}}}shape"))
        renumber: list[etree._Element] = []
        if idmap is None and all(_is_note(shape) for shape in shapes):
            renumber = shapes
        if idmap is None:
            if layout is None:
                layout = etree.Element(f"{{{_O}}}shapelayout")
                layout.set(f"{{{_V}}}ext", "edit")
                vml.insert(0, layout)
            idmap = etree.SubElement(layout, f"{{{_O}}}idmap")
            idmap.set(f"{{{_V}}}ext", "edit")
        used = {shape.get("id", "") for shape in shapes if shape not in renumber}
        found: list[str] = []
        usable = [block for block in blocks if block not in taken]
        index = 0
        while len(found) < len(renumber) + count:
            if index == len(usable):
                usable.append(next(n for n in range(1, 1 << 20) if n not in taken and n not in blocks))
                blocks.append(usable[-1])
            block = usable[index]
            for number in range(block * SHAPES_PER_BLOCK + 1, (block + 1) * SHAPES_PER_BLOCK):
                shape_id = f"_x0000_s{number}"
                if shape_id not in used:
                    used.add(shape_id)
                    found.append(shape_id)
                    if len(found) == len(renumber) + count:
                        break
            index += 1
        idmap.set("data", ",".join(str(b) for b in blocks))
        for shape, shape_id in zip(renumber, found):
            shape.set("id", shape_id)
            if shape.get(f"{{{_O}}}spid") is not None:
                shape.set(f"{{{_O}}}spid", shape_id)
        return found[len(renumber):]

    def _other_blocks(self) -> set[int]:
        """Return the o:idmap blocks the package's other VML drawings use."""
        taken: set[int] = set()
        for name in self.package.names():
            if name.endswith(".vml") and name != self.vml_part:
                for match in _IDMAP.finditer(self.package.read(name)):
                    taken.update(_blocks(match.group(1).decode()))
        return taken

    def _ensure_parts(self) -> tuple[str, str]:
        """Return the sheet's comments and note-drawing parts, adding those it lacks."""
        package = self.package
        if self.comments_part is None:
            self.comments_part = package.unique_name("xl/comments{}.xml")
            root = etree.Element(f"{M}comments", nsmap={None: MAIN_NS})
            etree.SubElement(root, f"{M}authors")
            etree.SubElement(root, f"{M}commentList")
            package.put_xml(self.comments_part, root)
            package.set_content_type(self.comments_part, CT_COMMENTS)
            package.relate(self.part, self.comments_part, REL_COMMENTS)
        if self.vml_part is None:
            self.vml_part = package.unique_name("xl/drawings/commentsDrawing{}.vml")
            root = etree.Element("xml", nsmap={"v": _V, "o": _O, "x": _X})
            package.put_xml(self.vml_part, root)
            package.set_default_type("vml", CT_VML)
            rel_id = package.relate(self.part, self.vml_part, REL_VML)
            legacy = etree.Element(f"{M}legacyDrawing", nsmap={"r": REL_NS})
            legacy.set(R_ID, rel_id)
            for child in self.sheet_root:
                if etree.QName(child).localname in _AFTER_LEGACY:
                    child.addprevious(legacy)
                    break
            else:
                self.sheet_root.append(legacy)
            package.changed(self.part)
        return self.comments_part, self.vml_part


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def xml_text(value: str) -> str:
    """Return `value` escaped as lxml writes an element's text (so text written as XML reads back the same)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _comments(notes: dict[str, str], author_id: int) -> list[etree._Element]:
    """Return a comment element for each note (reference -> text), written as text and parsed once: a run of
    Validate adds thousands."""
    pieces = []
    for ref, text in notes.items():
        text = storable(text)
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        pieces.append(f'<comment ref="{xml_text(ref)}" authorId="{author_id}"><text><t{space}>{xml_text(text)}</t>'
                      '</text></comment>')
    return list(etree.fromstring(f'<commentList xmlns="{MAIN_NS}">{"".join(pieces)}</commentList>'.encode(), _PARSER))


def _is_note(shape: etree._Element) -> bool:
    data = shape.find(f"{{{_X}}}ClientData")
    return data is not None and data.get("ObjectType") == "Note"


def _blocks(data: str) -> list[int]:
    return [int(part) for part in data.replace(" ", "").split(",") if part.isdecimal()]


def _shapetype() -> etree._Element:
    shapetype = etree.Element(f"{{{_V}}}shapetype", id="_x0000_t202", coordsize="21600,21600", path="m,l,21600r21600,l21600,xe")
    shapetype.set(f"{{{_O}}}spt", "202")
    etree.SubElement(shapetype, f"{{{_V}}}stroke", joinstyle="miter")
    path = etree.SubElement(shapetype, f"{{{_V}}}path", gradientshapeok="t")
    path.set(f"{{{_O}}}connecttype", "rect")
    return shapetype


def _placed(shape: etree._Element, shape_id: str, row: int, column: int) -> etree._Element:
    """Return a copy of `_note_shape`'s box given its id and its cell (`row` and `column` counted from 0)."""
    shape.set("id", shape_id)
    data = shape[-1]  # ClientData: MoveWithCells, SizeWithCells, Anchor, AutoFill, Row, Column
    data[2].text = _anchor(row, column)
    data[4].text = str(row)
    data[5].text = str(column)
    return shape


def _anchor(row: int, column: int) -> str:
    return f"{column + 1}, 15, {max(row - 1, 0)}, 10, {column + 4}, 15, {row + 5}, 4"


def _note_shape(shape_id: str, shapetype: str, row: int, column: int, width: int, height: int) -> etree._Element:
    shape = etree.Element(f"{{{_V}}}shape", id=shape_id, type=f"#{shapetype}", fillcolor="#ffffe1",
                          style=f"position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:{width * 0.75:g}pt;"
                                f"height:{height * 0.75:g}pt;z-index:1;visibility:hidden")
    shape.set(f"{{{_O}}}insetmode", "auto")
    etree.SubElement(shape, f"{{{_V}}}fill", color2="#ffffe1")
    etree.SubElement(shape, f"{{{_V}}}shadow", on="t", color="black", obscured="t")
    path = etree.SubElement(shape, f"{{{_V}}}path")
    path.set(f"{{{_O}}}connecttype", "none")
    box = etree.SubElement(shape, f"{{{_V}}}textbox", style="mso-direction-alt:auto")
    etree.SubElement(box, "div", style="text-align:left")
    data = etree.SubElement(shape, f"{{{_X}}}ClientData", ObjectType="Note")
    etree.SubElement(data, f"{{{_X}}}MoveWithCells")
    etree.SubElement(data, f"{{{_X}}}SizeWithCells")
    etree.SubElement(data, f"{{{_X}}}Anchor").text = _anchor(row, column)
    etree.SubElement(data, f"{{{_X}}}AutoFill").text = "False"
    etree.SubElement(data, f"{{{_X}}}Row").text = str(row)
    etree.SubElement(data, f"{{{_X}}}Column").text = str(column)
    return shape
