"""Validate OOXML parts against the vendored ECMA-376 transitional schemas (tests/data/ecma376), as Part 3 says.

Before a part is validated, markup compatibility is processed as ECMA-376 Part 3 (Markup Compatibility and
Extensibility) describes for a consumer that understands only the namespaces of these schemas: elements and
attributes of namespaces named in `mc:Ignorable` are removed (an element's content with it), each
`mc:AlternateContent` is replaced by the content of its first `mc:Choice` whose `Requires` namespaces are all
understood (else its `mc:Fallback`), and an element of a namespace that is neither understood nor ignorable is an
error, as is `mc:MustUnderstand` naming one. `xml:space` is checked for its two values and then set aside: XML 1.0
(§2.10) reserves it for any element and Excel writes it on SpreadsheetML's `t`, whose schema type is a simple one
that declares no attributes. What remains is validated with lxml's XMLSchema; `extLst/ext` content
is already open in the schemas (`xsd:any processContents="lax"`). The schema set is compiled once per process.
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "ecma376"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
VML_NAMESPACES = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
                  "urn:schemas-microsoft-com:office:excel", "urn:schemas-microsoft-com:office:word",
                  "urn:schemas-microsoft-com:office:powerpoint")
# namespace -> schema file; imported in this order (xml and Dublin Core first, so the core properties schema's
# remote locations for them are never fetched).
SCHEMA_FILES = {
    XML_NS: "xml.xsd",
    "http://purl.org/dc/elements/1.1/": "dc.xsd",
    "http://purl.org/dc/dcmitype/": "dcmitype.xsd",
    "http://purl.org/dc/terms/": "dcterms.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "shared-documentPropertiesVariantTypes.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes": "shared-commonSimpleTypes.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "shared-relationshipReference.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "shared-math.xsd",
    "http://schemas.openxmlformats.org/schemaLibrary/2006/main": "shared-customXmlSchemaProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/bibliography": "shared-bibliography.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml": "shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chartDrawing": "dml-chartDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "dml-diagram.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas": "dml-lockedCanvas.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "dml-picture.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "dml-wordprocessingDrawing.xsd",
    "urn:schemas-microsoft-com:vml": "vml-main.xsd",
    "urn:schemas-microsoft-com:office:office": "vml-officeDrawing.xsd",
    "urn:schemas-microsoft-com:office:excel": "vml-spreadsheetDrawing.xsd",
    "urn:schemas-microsoft-com:office:word": "vml-wordprocessingDrawing.xsd",
    "urn:schemas-microsoft-com:office:powerpoint": "vml-presentationDrawing.xsd",
}
UNDERSTOOD = frozenset(SCHEMA_FILES) | {MC}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@functools.cache
def schema() -> etree.XMLSchema:
    """Return every vendored schema compiled as one set (done once: it takes about a second)."""
    imports = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{name}"/>' for ns, name in SCHEMA_FILES.items())
    driver = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    document = etree.parse(io.BytesIO(driver.encode()), _PARSER, base_url=(SCHEMA_DIR / "driver.xsd").as_uri())
    return etree.XMLSchema(document)


def _namespaces(element: etree._Element, prefixes: str) -> set[str]:
    found = set()
    for prefix in prefixes.split():
        namespace = element.nsmap.get(prefix)
        if namespace is None:
            raise ValueError(f"mc prefix '{prefix}' is not declared")
        found.add(namespace)
    return found


def _namespace(name: str) -> str | None:
    return etree.QName(name).namespace if name.startswith("{") else None


def preprocess(root: etree._Element) -> tuple[etree._Element, list[str]]:
    """Return a copy of `root` with markup compatibility processed (ECMA-376 Part 3, §9-10), and the errors."""
    root = copy.deepcopy(root)
    errors: list[str] = []

    def walk(element: etree._Element, ignorable: frozenset[str]) -> None:
        ignorable = ignorable | frozenset(_namespaces(element, element.get(f"{{{MC}}}Ignorable", "")))
        must = _namespaces(element, element.get(f"{{{MC}}}MustUnderstand", ""))
        for namespace in must - UNDERSTOOD:
            errors.append(f"{element.tag}: mc:MustUnderstand names {namespace}, which is not understood")
        for name in list(element.attrib):
            namespace = _namespace(name)
            if name == f"{{{XML_NS}}}space":
                if element.get(name) not in ("default", "preserve"):
                    errors.append(f"{element.tag}: xml:space is {element.get(name)!r}, not 'default' or 'preserve'")
                del element.attrib[name]
                continue
            if namespace == MC or (namespace in ignorable and namespace not in UNDERSTOOD):
                del element.attrib[name]
        for child in list(element):
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions
            namespace = _namespace(child.tag)
            if child.tag == f"{{{MC}}}AlternateContent":
                chosen = _choose(child)
                position = element.index(child)
                element.remove(child)
                for offset, grandchild in enumerate(chosen):
                    element.insert(position + offset, grandchild)
                for grandchild in chosen:
                    if isinstance(grandchild.tag, str):
                        walk(grandchild, ignorable)
                continue
            if namespace is not None and namespace not in UNDERSTOOD:
                if namespace in ignorable:
                    element.remove(child)  # ProcessContent is not used by any part riskreg writes
                    continue
                errors.append(f"{child.tag} is of a namespace neither understood nor declared ignorable")
            if etree.QName(child).localname == "ext" and etree.QName(element).localname == "extLst":
                continue  # an extension's content is open (xsd:any, lax): the schemas validate what they declare
            walk(child, ignorable)

    def _choose(alternate: etree._Element) -> list[etree._Element]:
        for choice in alternate.iterfind(f"{{{MC}}}Choice"):
            if _namespaces(choice, choice.get("Requires", "")) <= UNDERSTOOD:
                return list(choice)
        fallback = alternate.find(f"{{{MC}}}Fallback")
        return list(fallback) if fallback is not None else []

    walk(root, frozenset())
    return root, errors


def part_errors(name: str, data: bytes) -> list[str]:
    """Return what is wrong with part `name` (its bytes `data`) against ECMA-376; [] when it is valid."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        return [f"{name}: not well-formed XML: {err}"]
    if root.tag == "xml":  # a VML drawing: a bag of VML elements with no root of its own in the schemas
        elements = [child for child in root if isinstance(child.tag, str)]
    else:
        elements = [root]
    errors: list[str] = []
    compiled = schema()
    for element in elements:
        namespace = _namespace(element.tag)
        if namespace not in SCHEMA_FILES:
            errors.append(f"{name}: no ECMA-376 schema for <{element.tag}>")
            continue
        processed, found = preprocess(element)
        errors += [f"{name}: {message}" for message in found]
        if not compiled.validate(processed):
            errors += [f"{name}:{e.line}: {e.message}" for e in compiled.error_log]
    return errors


def is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def package_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def changed_parts(after: Mapping[str, bytes], before: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Return the XML parts of `after` that are new or differ from `before` (all of them without `before`)."""
    return {name: data for name, data in after.items()
            if is_xml_part(name) and (before is None or before.get(name) != data)}


def invalid_parts(parts: Mapping[str, bytes], skip: Iterable[str] = ()) -> list[str]:
    """Return every schema error of `parts` (name -> bytes), parts named in `skip` left out."""
    skipped = set(skip)
    return [error for name, data in sorted(parts.items()) if name not in skipped for error in part_errors(name, data)]
