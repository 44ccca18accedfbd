"""Assemble riskreg.xlam from xlwings' ribbon add-in template, at the zip level, with no Excel.

The template (`quickstart_addin_ribbon.xlam`, shipped inside the xlwings package) brings the xlwings VBA
module that `RunPython` lives in, matching the installed xlwings exactly. The build swaps in our ribbon XML
and our one-callback VBA module, renames the add-in's config to `riskreg`, and writes every part with fixed
timestamps so two builds are byte-identical. openpyxl is never used: it drops the ribbon relationship.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from addin.xlam import ovba
from addin.xlam.cfb import read_streams, write_compound_file
from workbook.files.atomic import atomic_path

RIBBON_DIR = Path(__file__).resolve().parents[1] / "ribbon"
RIBBON_XML = RIBBON_DIR / "customUI14.xml"
MODULE_SOURCE = RIBBON_DIR / "RiskRegister.bas"

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
TEMPLATE_MODULE = "RibbonMyAddin"  # the template's demo callback module, replaced by ours
# xlwings' own add-in carries the VBA client of a server (RunServerPython) and the web classes it needs; the ribbon
# template does not. Copied from the same xlwings, so remote mode matches the installed version exactly.
REMOTE_DONOR = "addin/xlwings.xlam"
REMOTE_MODULES = ["Remote", "WebHelpers", "IWebAuthenticator", "WebClient", "WebRequest", "WebResponse"]
MODULE_NAME = "RiskRegister"
PROJECT_NAME = "RiskReg"  # the VBA project's name, as the VBA editor shows it
CONFIG_NAME = "riskreg"  # xlwings reads riskreg.conf (sheet or file) for this add-in
TEMPLATE_CONFIG_LINE = 'Public Const PROJECT_NAME As String = "myaddin"'
CONFIG_LINE = f'Public Const PROJECT_NAME As String = "{CONFIG_NAME}"'

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_CONTENT_TYPE = "application/xml"
VBA_PART = "xl/vbaProject.bin"
ADDIN_TITLE = "Risk Register"
ADDIN_DESCRIPTION = ("Risk Register ribbon tab: validate the corporate risk register, refresh trends, roll the "
                     "quarter and build the board paper with riskreg (Python, through xlwings).")

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DC = "http://purl.org/dc/elements/1.1/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

# Every zip entry gets this date; 1980-01-01 is the earliest a zip can hold, and nothing in it varies.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class TemplateMissingError(RuntimeError):
    """xlwings' add-in template is not where this xlwings version keeps it (a packaging bug, not a user error)."""


@dataclass(frozen=True)
class Sources:
    """The text sources the add-in is built from, and the xlwings template they go into."""

    ribbon_xml: bytes
    module_source: str
    template: Path


def template_path() -> Path:
    """Return the ribbon add-in template shipped inside the installed xlwings package."""
    import xlwings

    path = Path(xlwings.__file__).parent / TEMPLATE_NAME
    if not path.is_file():
        raise TemplateMissingError(f"{path}: xlwings {xlwings.__version__} ships no {TEMPLATE_NAME}")
    return path


def default_sources() -> Sources:
    return Sources(RIBBON_XML.read_bytes(), MODULE_SOURCE.read_text(encoding="utf-8"), template_path())


def _xml(root: etree._Element) -> bytes:
    # The declaration as Office writes it (lxml would use single quotes).
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + etree.tostring(root, encoding="UTF-8")


def _patch_rels(data: bytes) -> bytes:
    """Point the package's ribbon relationship at customUI14.xml (the Office 2010+ ribbon)."""
    root = etree.fromstring(data)
    for rel in root.findall(f"{{{PKG_RELS}}}Relationship"):
        if rel.get("Type", "").endswith("/ui/extensibility"):
            root.remove(rel)
    ids = {rel.get("Id") for rel in root}
    number = 1
    while f"rId{number}" in ids:
        number += 1
    etree.SubElement(root, f"{{{PKG_RELS}}}Relationship",
                     Id=f"rId{number}", Type=RIBBON_REL_TYPE, Target=RIBBON_PART)
    return _xml(root)


def _patch_content_types(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for override in root.findall(f"{{{CONTENT_TYPES}}}Override"):
        if override.get("PartName", "").startswith("/customUI/"):
            root.remove(override)
    etree.SubElement(root, f"{{{CONTENT_TYPES}}}Override", PartName=f"/{RIBBON_PART}",
                     ContentType=RIBBON_CONTENT_TYPE)
    return _xml(root)


def _patch_workbook(data: bytes) -> bytes:
    """Rename the add-in's (inactive) config sheet to match PROJECT_NAME, and drop the template author's path."""
    root = etree.fromstring(data)
    sheets = root.findall(f"{{{SHEET_NS}}}sheets/{{{SHEET_NS}}}sheet")
    renamed = 0
    for sheet in sheets:
        if sheet.get("name") == "_myaddin.conf":
            sheet.set("name", f"_{CONFIG_NAME}.conf")
            renamed += 1
    if renamed != 1:
        raise TemplateMissingError("the xlwings template has no '_myaddin.conf' sheet to rename")
    for element in root.iter("{*}AlternateContent"):
        element.getparent().remove(element)
        break
    return _xml(root)


def _patch_core(data: bytes) -> bytes:
    """Set the title and comments the Excel Add-ins dialog shows; clear the template's author."""
    root = etree.fromstring(data)
    values = {f"{{{DC}}}title": ADDIN_TITLE, f"{{{DC}}}description": ADDIN_DESCRIPTION,
              f"{{{DC}}}creator": "riskreg", f"{{{CP}}}lastModifiedBy": "riskreg"}
    for tag, value in values.items():
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag)
        element.text = value
    return _xml(root)


def vba_project(template_bin: bytes, module_source: str) -> bytes:
    """Return the template's vbaProject.bin with our callback module in place of the demo one."""
    streams = read_streams(template_bin)
    streams = ovba.replace_module(streams, TEMPLATE_MODULE, MODULE_NAME, module_source, project_name=PROJECT_NAME)
    streams = ovba.replace_in_module(streams, "xlwings", TEMPLATE_CONFIG_LINE, CONFIG_LINE)
    streams = ovba.add_modules(streams, remote_donor_streams(), REMOTE_MODULES)
    return write_compound_file(streams)


def remote_donor_streams() -> dict[str, bytes]:
    """Return the VBA streams of xlwings' own add-in, which has the server client modules."""
    import xlwings

    path = Path(xlwings.__file__).parent / REMOTE_DONOR
    if not path.is_file():
        raise TemplateMissingError(f"{path}: xlwings {xlwings.__version__} ships no {REMOTE_DONOR}")
    with zipfile.ZipFile(path) as donor:
        return read_streams(donor.read(VBA_PART))


def addin_bytes(sources: Sources | None = None) -> bytes:
    """Return the bytes of riskreg.xlam built from `sources` (default: the files in git and installed xlwings)."""
    sources = sources or default_sources()
    etree.fromstring(sources.ribbon_xml)  # refuse a malformed ribbon before building anything
    with zipfile.ZipFile(sources.template) as template:
        parts = {info.filename: template.read(info) for info in template.infolist()}
    old_ribbon = [name for name in parts if name.startswith("customUI/")]
    for name in old_ribbon:
        del parts[name]
    parts["_rels/.rels"] = _patch_rels(parts["_rels/.rels"])
    parts["[Content_Types].xml"] = _patch_content_types(parts["[Content_Types].xml"])
    parts["xl/workbook.xml"] = _patch_workbook(parts["xl/workbook.xml"])
    parts["docProps/core.xml"] = _patch_core(parts["docProps/core.xml"])
    parts[VBA_PART] = vba_project(parts[VBA_PART], sources.module_source)
    parts[RIBBON_PART] = sources.ribbon_xml

    buffer = io.BytesIO()
    order = ["[Content_Types].xml", "_rels/.rels"] + sorted(n for n in parts if n not in
                                                              ("[Content_Types].xml", "_rels/.rels"))
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            archive.writestr(info, parts[name], compresslevel=9)
    return buffer.getvalue()


def build_addin(output: Path, sources: Sources | None = None) -> Path:
    """Write riskreg.xlam to `output` (atomically) and return the path."""
    output = Path(output)
    data = addin_bytes(sources)
    with atomic_path(output) as temp:
        temp.write_bytes(data)
    return output
