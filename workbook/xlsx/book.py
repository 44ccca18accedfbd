"""A register workbook opened for part-level edits: its sheets' cells, notes, styles and shared strings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from workbook.xlsx.consistency import settle
from workbook.xlsx.sheet_xml import Cells
from workbook.xlsx.notes import SheetNotes
from workbook.xlsx.package import M, Package
from workbook.xlsx.styles import STYLES_PART, Styles

SHARED_STRINGS = "xl/sharedStrings.xml"


class Book:
    """The package plus what riskreg edits in it, each parsed only when a command first needs it."""

    def __init__(self, path: Path | str, data: bytes | None = None, unpacked: Mapping[str, bytes] | None = None):
        self.package = Package(path, data, unpacked)  # the file, or its bytes and parts as a check read them
        self._cells: dict[str, Cells] = {}
        self._notes: dict[str, SheetNotes] = {}
        self._styles: Styles | None = None
        self._shared: list[str] | None = None

    @property
    def path(self) -> Path:
        return self.package.path

    @property
    def sheetnames(self) -> list[str]:
        return self.package.sheet_names()

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            if not self.package.has(STYLES_PART):
                self.package.put_xml(STYLES_PART, etree.Element(f"{M}styleSheet", nsmap={None: M[1:-1]}))
            self._styles = Styles(self.package)
        return self._styles

    def part(self, sheet: str) -> str:
        """Return the part of `sheet`, one the workbook has (callers look in `sheetnames` first)."""
        part = self.package.sheet_part(sheet)
        if part is None:
            raise KeyError(f"no sheet named {sheet!r} in {self.path}")
        return part

    def cells(self, sheet: str, *, edit: bool = True) -> Cells:
        """Return the cells of `sheet`; with `edit`, its part is written back when the book is saved."""
        part = self.part(sheet)
        if sheet not in self._cells:
            self._cells[sheet] = Cells(self.package.xml(part), self.package.sheet_rows(part))
        if edit:
            self.package.changed(part)
        return self._cells[sheet]

    def notes(self, sheet: str) -> SheetNotes:
        if sheet not in self._notes:
            part = self.part(sheet)
            self._notes[sheet] = SheetNotes(self.package, part, self.package.xml(part), sheet)
        return self._notes[sheet]

    def text(self, cell: etree._Element | None) -> object:
        """Return the value `cell` shows: text, a number, or None."""
        if cell is None:
            return None
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(f"{M}is")
            return "".join(t.text or "" for t in inline.iter(f"{M}t")) if inline is not None else None
        value = cell.findtext(f"{M}v")
        if value is None:
            return None
        if kind == "s":
            shared = self.shared_strings()
            return shared[int(value)] if value.isdecimal() and int(value) < len(shared) else None
        if kind in ("str", "e"):
            return value
        if kind == "b":
            return value == "1"
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            if not self.package.has(SHARED_STRINGS):
                self._shared = []
            else:
                root = self.package.xml(SHARED_STRINGS)
                # A string's phonetic runs (rPh) are reading aids, not its text.
                self._shared = ["".join(t.text or "" for t in item.iter(f"{M}t")
                                        if t.getparent().tag != f"{M}rPh")
                                for item in root.iterfind(f"{M}si")]
        return self._shared

    def grid(self, sheet: str) -> list[list[object]]:
        """Return the sheet's values as rows (None for an empty cell), reading only; the part stays untouched."""
        cells = self.cells(sheet, edit=False)
        grid: list[list[object]] = []
        for number in cells.numbers():
            while len(grid) < number - 1:
                grid.append([])
            row: list[object] = []
            for column, element in sorted(cells.row_cells(number).items()):
                while len(row) < column - 1:
                    row.append(None)
                row.append(self.text(element))
            grid.append(row)
        return grid

    def save(self, target: Path) -> None:
        """Write the book to `target`, the package made consistent first (calcChain, tables' ranges)."""
        settle(self)
        self.package.save(target)

