"""Find what openpyxl would drop from a workbook, so that no command saves over it and loses it."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import OutputError
from workbook.core.schema import SUMMARY_SHEET, VALIDATION_SHEET
from workbook.files.package_guard import parse_xml, sheet_parts

# Sheets riskreg rebuilds from scratch on every write: what they hold is ours to replace.
REGENERATED_SHEETS = (VALIDATION_SHEET, SUMMARY_SHEET)

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@dataclass(frozen=True)
class PartFeature:
    """Parts under `prefix` hold a feature openpyxl drops or rewrites lossily."""

    prefix: str
    what: str


# Checked against openpyxl 3.1 (tests/safety/test_preserve.py round-trips each one it can build).
PART_FEATURES: tuple[PartFeature, ...] = (
    PartFeature("xl/charts/", "a chart"),
    PartFeature("xl/chartsheets/", "a chart sheet"),
    PartFeature("xl/pivotTables/", "a pivot table"),
    PartFeature("xl/slicers/", "a slicer"),
    PartFeature("xl/slicerCaches/", "a slicer"),
    PartFeature("xl/timelines/", "a timeline"),
    PartFeature("xl/vbaProject.bin", "macros (a VBA project)"),
    PartFeature("customUI/", "a custom ribbon (customUI)"),
    PartFeature("xl/externalLinks/", "links to other workbooks"),
    PartFeature("xl/threadedComments/", "threaded comments (they would become plain notes)"),
    PartFeature("xl/metadata.xml", "dynamic array formulas"),
    PartFeature("xl/richData/", "pictures in cells or linked data types"),
    PartFeature("xl/connections.xml", "data connections (Power Query)"),
    PartFeature("xl/queryTables/", "query tables"),
    PartFeature("xl/model/", "a data model"),
    PartFeature("xl/ctrlProps/", "form controls"),
    PartFeature("xl/activeX/", "ActiveX controls"),
    PartFeature("xl/embeddings/", "embedded objects"),
    PartFeature("xl/webextensions/", "Office add-in panes"),
    PartFeature("customXml/", "document-management metadata (custom XML, e.g. SharePoint)"),
)

# Worksheet <extLst> entries openpyxl removes on load (URIs from the Office extension registry).
EXTENSIONS: dict[str, str] = {
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "conditional formatting from Excel 2010+ (data bars, icon sets)",
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "drop-down lists that refer to another sheet (x14 data validation)",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "a slicer",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "a slicer",
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": "protected ranges",
    "{01252117-D84E-4E92-8308-4BE1C098FCBB}": "ignored-error markers",
    "{F7C9EE02-42E1-4005-9D12-6889AFFD525C}": "Office add-in panes",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "a timeline",
}
# Worksheet elements openpyxl does not read back, so a save drops them.
SHEET_ELEMENTS: dict[str, str] = {
    "legacyDrawingHF": "a picture in the page header or footer (e.g. a crest)",
    "picture": "a sheet background picture",
    "controls": "form or ActiveX controls",
    "oleObjects": "embedded objects",
}
_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?(" + "|".join(SHEET_ELEMENTS).encode() + rb")\b")
_EXT_URI = re.compile(rb'<(?:\w+:)?ext\b[^>]*\buri="(\{[0-9A-Fa-f-]+\})"')
# DrawingML elements openpyxl cannot read: it keeps only charts and plain pictures.
_SHAPES = re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)\b")
_PICTURE = re.compile(rb"<(?:\w+:)?pic\b")


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _targets(archive: zipfile.ZipFile, part: str, names: set[str], source: str) -> list[str]:
    """Return the package parts `part` relates to (external targets left out)."""
    rels = _rels_path(part)
    if rels not in names:
        return []
    targets = []
    for rel in parse_xml(archive.read(rels), f"{source}: part {rels}").iter(_REL):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        folder = posixpath.dirname(part)
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets.append(resolved)
    return targets


def _owners(archive: zipfile.ZipFile, names: set[str], sheets: dict[str, str], source: str) -> dict[str, str]:
    """Return part -> name of the sheet it hangs from (drawings, charts, pivots, comments …)."""
    owner: dict[str, str] = {}
    for sheet_part, sheet in sheets.items():
        queue = [sheet_part]
        while queue:
            part = queue.pop()
            for target in _targets(archive, part, names, source):
                if target in owner or target in sheets:
                    continue
                owner[target] = sheet
                queue.append(target)
    return owner


def _where(sheet: str | None) -> str:
    return f" on sheet '{sheet}'" if sheet else ""


def features_lost(path: Path | str, regenerated: Iterable[str] = REGENERATED_SHEETS) -> list[str]:
    """Return what saving the workbook at `path` with openpyxl would lose, e.g. "a chart on sheet 'Dash'"."""
    path = Path(path)
    source = str(path)
    skip = set(regenerated)
    found: list[str] = []

    def add(what: str, sheet: str | None) -> None:
        if sheet in skip:
            return
        item = what + _where(sheet)
        if item not in found:
            found.append(item)

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        sheets = sheet_parts(archive)
        owner = _owners(archive, names, sheets, source)
        for name in sorted(names):
            for feature in PART_FEATURES:
                if name.startswith(feature.prefix) and not name.endswith(".rels"):
                    add(feature.what, owner.get(name))
            if name.startswith("xl/drawings/") and name.endswith(".xml") and "/_rels/" not in name:
                data = archive.read(name)
                if _SHAPES.search(data):
                    add("shapes or text boxes", owner.get(name))
                if _PICTURE.search(data):
                    add("pictures (their names, alt text and cropping)", owner.get(name))
        for part, sheet in sheets.items():
            if part not in names or not part.startswith("xl/worksheets/"):
                continue
            data = archive.read(part)
            for element in _SHEET_ELEMENT.findall(data):
                add(SHEET_ELEMENTS[element.decode("ascii")], sheet)
            for uri in _EXT_URI.findall(data):
                uri = uri.decode("ascii").upper()
                add(EXTENSIONS.get(uri, f"an Excel extension ({uri})"), sheet)
    return found


def check_in_place(path: Path | str, regenerated: Iterable[str] = REGENERATED_SHEETS) -> None:
    """Refuse to save over the workbook at `path` when doing so would drop something the user made."""
    lost = features_lost(path, regenerated)
    if not lost:
        return
    listed = ", ".join(lost[:-1]) + (" and " if len(lost) > 1 else "") + lost[-1]
    raise OutputError(
        f"{path}: not written, because saving this workbook from riskreg would remove {listed} (the file "
        f"library riskreg uses cannot keep them). Write a copy instead with -o (e.g. -o "
        f"{Path(path).stem}-checked.xlsx), or use the riskreg add-in in Excel, which edits the open workbook "
        f"and keeps everything.")
