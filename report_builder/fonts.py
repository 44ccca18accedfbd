"""Which fonts the PDF was made with: a template font LibreOffice did not find is named with its stand-in."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

# Fonts with the same metrics as the template's (so the PDF breaks lines and pages as Word does), by the name a
# PDF gives them (spaces and hyphens dropped). fonts-liberation and fonts-crosextra-carlito install them.
METRIC_COMPATIBLE = {
    "Arial": ("Arial", "LiberationSans", "Arimo"),
    "Calibri": ("Calibri", "Carlito"),
    "Times New Roman": ("TimesNewRoman", "LiberationSerif", "Tinos"),
    "Cambria": ("Cambria", "Caladea"),
    "Courier New": ("CourierNew", "LiberationMono", "Cousine"),
}
COMPATIBLE_NAMES = {"Arial": ("Liberation Sans",), "Calibri": ("Carlito",), "Times New Roman": ("Liberation Serif",),
                    "Cambria": ("Caladea",), "Courier New": ("Liberation Mono",)}
# Fonts for single characters (the trend arrows): any font that has the glyph will do.
SYMBOL_FONTS = ("Segoe UI Symbol",)
SYMBOL_STAND_INS = ("OpenSymbol", "SegoeUISymbol", "Symbol")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def template_fonts(docx: Path) -> list[str]:
    """Return the fonts the paper's styles name for text (not the symbol fonts), in first-use order."""
    from defusedxml import ElementTree

    with zipfile.ZipFile(docx) as archive:
        styles = ElementTree.fromstring(archive.read("word/styles.xml"))
    names = [fonts.get(f"{_W}ascii") for fonts in styles.iter(f"{_W}rFonts")]
    return [name for name in dict.fromkeys(filter(None, names)) if name not in SYMBOL_FONTS]


def pdf_fonts(pdf: Path) -> list[str]:
    """Return the base names of the fonts the PDF embeds or names, subset prefixes dropped ('LiberationSans')."""
    import pikepdf

    found: dict[str, None] = {}
    with pikepdf.open(pdf) as document:
        seen: set = set()
        for page in document.pages:
            fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
            for font in fonts.values() if hasattr(fonts, "values") else ():
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                base = str(font.get("/BaseFont", ""))
                found[re.sub(r"^/([A-Z]{6}\+)?", "", base).split(",")[0]] = None
    return list(found)


def _key(name: str) -> str:
    return re.sub(r"[\s-]", "", name).casefold()


def stand_ins(docx: Path, pdf: Path) -> list[str]:
    """Return a sentence for each template font the PDF was made without, naming what stood in for it."""
    used = pdf_fonts(pdf)
    keys = [_key(name) for name in used]
    notes = []
    for font in template_fonts(docx):
        accepted = [_key(name) for name in METRIC_COMPATIBLE.get(font, (font,))]
        if any(key.startswith(ok) for key in keys for ok in accepted):
            continue
        families = dict.fromkeys(name.split("-")[0] for name in used)
        others = [name for name in families if not any(_key(name).startswith(_key(f)) for f in SYMBOL_STAND_INS)]
        instead = " and ".join(others) or "another font"
        compatible = " or ".join(COMPATIBLE_NAMES.get(font, ())) or font
        notes.append(f"{pdf.name}: the template's font {font} is not installed, so {instead} stood in for it and "
                     f"lines and pages may break differently from Word; install {font} or {compatible} (Debian: "
                     "fonts-liberation, fonts-crosextra-carlito) and make the PDF again.")
    return notes
