"""Add the cell formats riskreg writes to a workbook's styles part, reusing one when it is already there."""

from __future__ import annotations

import copy

from lxml import etree

from workbook.core.findings import SEVERITY_FILLS
from workbook.core.values import looks_like_formula
from workbook.xlsx.package import M, Package

STYLES_PART = "xl/styles.xml"
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst")


def _key(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n")


class Styles:
    """The styles part: fills, fonts and cell formats (xf), each added once and referred to by index."""

    def __init__(self, package: Package):
        self.package = package
        self.root = package.xml(STYLES_PART)
        self._known: dict[tuple[str, bytes], int] = {}

    def _list(self, tag: str) -> etree._Element:
        found = self.root.find(f"{M}{tag}")
        if found is None:
            found = etree.Element(f"{M}{tag}", count="0")
            later = _ORDER[_ORDER.index(tag) + 1:]
            for child in self.root:
                if etree.QName(child).localname in later:
                    child.addprevious(found)
                    break
            else:
                self.root.append(found)
        return found

    def _add(self, tag: str, element: etree._Element) -> int:
        """Return the index of `element` in list `tag`, appending it when no equal entry exists."""
        key = (tag, _key(element))
        if key not in self._known:
            entries = self._list(tag)
            for index, existing in enumerate(entries):
                self._known.setdefault((tag, _key(existing)), index)
        if key not in self._known:
            entries = self._list(tag)
            entries.append(element)
            entries.set("count", str(len(entries)))
            self._known[key] = len(entries) - 1
            self.package.changed(STYLES_PART)
        return self._known[key]

    def xf(self, index: int) -> etree._Element:
        entries = self._list("cellXfs")
        if not len(entries):
            self._add("cellXfs", etree.Element(f"{M}xf", numFmtId="0", fontId="0", fillId="0", borderId="0",
                                               xfId="0"))
        return entries[index] if 0 <= index < len(entries) else entries[0]

    def fill(self, xf_index: int) -> etree._Element | None:
        fills = self._list("fills")
        fill_id = int(self.xf(xf_index).get("fillId") or 0)
        return fills[fill_id] if 0 <= fill_id < len(fills) else None

    def derive(self, xf_index: int, **changes) -> int:
        """Return a cell format like `xf_index` with `changes` (fill=, font=, alignment=, numFmt=, quotePrefix=)."""
        xf = copy.deepcopy(self.xf(xf_index))
        if "fill" in changes:
            xf.set("fillId", str(self._add("fills", changes["fill"])))
            xf.set("applyFill", "1")
        if "font" in changes:
            xf.set("fontId", str(self._add("fonts", changes["font"])))
            xf.set("applyFont", "1")
        if "numFmt" in changes:
            xf.set("numFmtId", str(self.number_format(changes["numFmt"])))
            xf.set("applyNumberFormat", "1")
        if changes.get("quotePrefix"):
            xf.set("quotePrefix", "1")
        if "alignment" in changes:
            for old in xf.findall(f"{M}alignment"):
                xf.remove(old)
            xf.insert(0, etree.Element(f"{M}alignment", **changes["alignment"]))
            xf.set("applyAlignment", "1")
        return self._add("cellXfs", xf)

    def number_format(self, code: str) -> int:
        formats = self._list("numFmts")
        for entry in formats:
            if entry.get("formatCode") == code:
                return int(entry.get("numFmtId"))
        number = max([163, *(int(e.get("numFmtId")) for e in formats)]) + 1
        etree.SubElement(formats, f"{M}numFmt", numFmtId=str(number), formatCode=code)
        formats.set("count", str(len(formats)))
        self.package.changed(STYLES_PART)
        return number


def text_style(styles: Styles, style: int, value: object) -> int:
    """Return the cell format for `value` in a cell formatted `style`: text that looks like a formula gets Excel's
    quote prefix, so it stays text (the one place a package cell is made so)."""
    return styles.derive(style, quotePrefix=True) if looks_like_formula(value) else style


def solid_fill(rgb: str) -> etree._Element:
    """Return a solid pattern fill of colour `rgb` ('C00000' or 'FFC00000')."""
    fill = etree.Element(f"{M}fill")
    pattern = etree.SubElement(fill, f"{M}patternFill", patternType="solid")
    etree.SubElement(pattern, f"{M}fgColor", rgb=rgb if len(rgb) == 8 else "FF" + rgb)
    etree.SubElement(pattern, f"{M}bgColor", indexed="64")
    return fill


def font(bold: bool = False, color: str | None = None, size: float = 11, underline: bool = False) -> etree._Element:
    element = etree.Element(f"{M}font")
    if bold:
        etree.SubElement(element, f"{M}b")
    if underline:
        etree.SubElement(element, f"{M}u")
    etree.SubElement(element, f"{M}sz", val=f"{size:g}")
    if color:
        etree.SubElement(element, f"{M}color", rgb="FF" + color)
    etree.SubElement(element, f"{M}name", val="Calibri")
    etree.SubElement(element, f"{M}family", val="2")
    return element


def fill_spec(fill: etree._Element | None) -> str:
    """Return a fill as text the Validation sheet keeps ('none', 'rgb:FF00B0F0', 'theme:4:0.0', 'indexed:5')."""
    pattern = fill.find(f"{M}patternFill") if fill is not None else None
    kind = pattern.get("patternType") if pattern is not None else None
    if pattern is None or kind in (None, "none"):
        return "none" if fill is None or fill.find(f"{M}gradientFill") is None else "other"
    color = pattern.find(f"{M}fgColor")
    if kind == "solid" and color is not None:
        if color.get("rgb"):
            return f"rgb:{color.get('rgb')}"
        if color.get("theme"):
            return f"theme:{color.get('theme')}:{float(color.get('tint') or 0)}"
        if color.get("indexed"):
            return f"indexed:{color.get('indexed')}"
    return "other"


def fill_from_spec(spec: str) -> etree._Element:
    """Return the fill `spec` describes; an edited or unknown spec gives no fill, the safe guess."""
    kind, _, rest = spec.partition(":")
    fill = etree.Element(f"{M}fill")
    pattern = etree.SubElement(fill, f"{M}patternFill")
    try:
        if kind == "rgb":
            color = {"rgb": rest}
        elif kind == "theme":
            theme, _, tint = rest.partition(":")
            color = {"theme": str(int(theme))}
            if float(tint):
                color["tint"] = repr(float(tint))
        elif kind == "indexed":
            color = {"indexed": str(int(rest))}
        else:
            color = None
    except (TypeError, ValueError):
        color = None
    if color is None:
        pattern.set("patternType", "none")
        return fill
    pattern.set("patternType", "solid")
    etree.SubElement(pattern, f"{M}fgColor", **color)
    etree.SubElement(pattern, f"{M}bgColor", indexed="64")
    return fill


def is_our_fill(fill: etree._Element | None) -> bool:
    spec = fill_spec(fill)
    return spec.startswith("rgb:") and spec[-6:].upper() in SEVERITY_FILLS.values()
