"""The built add-in, read back with independent readers: zipfile, lxml, olefile, olevba and LibreOffice."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser

from addin.cli import cli
from addin.ribbon import dispatch
from addin.xlam import build, ovba
from addin.xlam.build import (
    MODULE_NAME,
    MODULE_SOURCE,
    RIBBON_CONTENT_TYPE,
    RIBBON_PART,
    RIBBON_REL_TYPE,
    RIBBON_XML,
    addin_bytes,
    build_addin,
    template_path,
)
from addin.xlam.cfb import read_streams

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# The customUI (2009/07) elements this ribbon may use and their allowed attributes, as the schema has them
# (checked against the Open XML SDK's classes generated from it: Tab, Group, Button); anything else is a typo
# Office would reject when it loads the ribbon.
ALLOWED = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {"id", "idMso", "idQ", "tag", "label", "getLabel", "visible", "getVisible", "keytip", "getKeytip",
            "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ"},
    "group": {"id", "idMso", "idQ", "tag", "label", "getLabel", "image", "imageMso", "getImage", "visible",
              "getVisible", "keytip", "getKeytip", "screentip", "getScreentip", "supertip", "getSupertip",
              "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ", "autoScale",
              "centerVertically"},
    "button": {"id", "idMso", "idQ", "tag", "label", "getLabel", "image", "imageMso", "getImage", "size",
               "getSize", "onAction", "enabled", "getEnabled", "visible", "getVisible", "description",
               "getDescription", "screentip", "getScreentip", "supertip", "getSupertip", "keytip", "getKeytip",
               "showLabel", "getShowLabel", "showImage", "getShowImage", "insertAfterMso", "insertBeforeMso",
               "insertAfterQ", "insertBeforeQ"},
}
ST_STRING_MAX = 1024  # label, screentip, supertip: ST_String is 1 to 1024 characters
ST_ID = re.compile(r"^[A-Za-z_][\w.-]{0,1023}$")  # xsd:ID, i.e. an NCName
SUB = re.compile(r"^Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)\s*$", re.IGNORECASE | re.MULTILINE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("addin") / "riskreg.xlam"
    return build_addin(target)


@pytest.fixture(scope="module")
def parts(built) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def ribbon(parts) -> etree._Element:
    return etree.fromstring(parts[RIBBON_PART])


@pytest.fixture(scope="module")
def macros(built) -> dict[str, str]:
    parser = VBA_Parser(str(built))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_ribbon_part_is_related_with_the_office_2010_relationship_type(parts):
    # The Office 2010 ribbon part keeps the 2007 relationship type (Open XML SDK: RibbonAndBackstageCustomizationsPart).
    rels = etree.fromstring(parts["_rels/.rels"])
    ui = [r for r in rels.findall(f"{{{PKG_RELS}}}Relationship") if r.get("Type").endswith("/ui/extensibility")]
    assert [(r.get("Type"), r.get("Target")) for r in ui] == [(RIBBON_REL_TYPE, RIBBON_PART)]
    assert RIBBON_REL_TYPE == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    assert "customUI/customUI.xml" not in parts  # the template's Office 2007 ribbon is gone


def test_ribbon_part_has_its_content_type(parts):
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.findall(f"{{{CONTENT_TYPES}}}Override")}
    assert overrides[f"/{RIBBON_PART}"] == RIBBON_CONTENT_TYPE == "application/xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert all(name.lstrip("/") in parts for name in overrides)


def test_ribbon_part_is_the_source_in_git(parts):
    assert parts[RIBBON_PART] == RIBBON_XML.read_bytes()


def test_ribbon_uses_only_customui_elements_and_attributes(ribbon):
    assert ribbon.tag == f"{{{CUSTOMUI_NS}}}customUI"
    ids = []
    for element in ribbon.iter(etree.Element):
        namespace, local = element.tag[1:].split("}")
        assert namespace == CUSTOMUI_NS, element.tag
        assert local in ALLOWED, f"element <{local}> is not allowed"
        assert set(element.attrib) <= ALLOWED[local], f"<{local}> has unknown attributes " \
                                                      f"{set(element.attrib) - ALLOWED[local]}"
        for name in ("label", "screentip", "supertip"):
            if name in element.attrib:
                assert 1 <= len(element.get(name)) <= ST_STRING_MAX
        if "id" in element.attrib:
            assert ST_ID.match(element.get("id"))
            ids.append(element.get("id"))
        for name in ("imageMso", "idMso"):
            if name in element.attrib:
                assert ST_ID.match(element.get(name))  # NCName, like ids
        if local == "button":
            assert element.get("size") in (None, "normal", "large")
            assert element.get("imageMso") and element.get("screentip") and element.get("supertip")
    assert len(ids) == len(set(ids)), "control ids must be unique"


def test_ribbon_has_the_tab_groups_and_buttons_users_expect(ribbon):
    tab = ribbon.find(f".//{{{CUSTOMUI_NS}}}tab")
    layout = [(group.get("label"), [b.get("label") for b in group]) for group in tab]
    assert tab.get("label") == "Risk Register"
    assert layout == [("Check", ["Validate", "Refresh trends", "Roll quarter"]),
                      ("Record", ["Rename band", "Rename risk", "Correct history"]),
                      ("Report", ["Build board paper", "Build joint paper", "New register"])]


def test_every_on_action_names_a_ribbon_callback_sub(ribbon, macros):
    actions = {b.get("onAction") for b in ribbon.iter(f"{{{CUSTOMUI_NS}}}button")}
    assert actions == {f"{MODULE_NAME}.OnRibbonButton"}
    for action in actions:
        module, sub = action.split(".")
        assert sub in SUB.findall(macros[module]), f"{action}: no Sub {sub}(control As IRibbonControl)"


def test_every_button_id_is_allowed_and_runs_an_entry_point_that_exists(ribbon):
    import inspect

    ids = [b.get("id") for b in ribbon.iter(f"{{{CUSTOMUI_NS}}}button")]
    assert set(ids) == set(dispatch.ACTIONS)
    for button_id in ids:
        function = dispatch.ACTIONS[button_id].function()
        assert callable(function)
        assert list(inspect.signature(function).parameters)[0] == "book"


def test_olefile_opens_the_vba_project_in_strict_mode(parts):
    with olefile.OleFileIO(io.BytesIO(parts[build.VBA_PART]), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert ole.parsing_issues == []
        streams = sorted("/".join(path) for path in ole.listdir())
    assert streams == sorted(["PROJECT", "PROJECTwm", "VBA/Dictionary", "VBA/RiskRegister", "VBA/Sheet2",
                              "VBA/ThisWorkbook", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/xlwings",
                              *(f"VBA/{name}" for name in build.REMOTE_MODULES)])


def test_our_module_decodes_to_exactly_the_source_in_git(macros):
    # VBA stores CRLF line ends; git keeps the .bas with LF.
    assert macros[MODULE_NAME] == MODULE_SOURCE.read_text(encoding="utf-8").replace("\n", "\r\n")


def test_xlwings_module_is_the_templates_but_for_the_config_name(macros):
    with zipfile.ZipFile(template_path()) as archive:
        template = read_streams(archive.read(build.VBA_PART))
    records = ovba.parse_dir(ovba.decompress(template["VBA/dir"]))
    original = ovba.module_source(records, template, "xlwings")
    assert macros["xlwings"] == original.replace(build.TEMPLATE_CONFIG_LINE, build.CONFIG_LINE)
    assert macros["xlwings"] != original
    for name in ("Dictionary", "ThisWorkbook", "Sheet2"):
        assert macros[name] == ovba.module_source(records, template, name)


def test_modules_without_p_code_and_project_renamed(parts):
    streams = read_streams(parts[build.VBA_PART])
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    offsets = {m.name: m.offset for m in ovba.modules(records)}
    assert offsets[MODULE_NAME] == 0 and offsets["xlwings"] == 0
    assert "RibbonMyAddin" not in offsets
    assert streams["VBA/_VBA_PROJECT"] == bytes.fromhex("cc61ffff000100")  # version 0xFFFF: recompile
    project = streams["PROJECT"].decode("cp1252")
    assert f"Module={MODULE_NAME}\r\n" in project and "RibbonMyAddin" not in project
    assert f'Name="{build.PROJECT_NAME}"\r\n' in project
    assert f"\r\n{MODULE_NAME}=" in project.split("[Workspace]")[1]
    wm = streams["PROJECTwm"]
    assert MODULE_NAME.encode() + b"\0" + MODULE_NAME.encode("utf-16-le") + b"\0\0" in wm
    assert b"RibbonMyAddin" not in wm


def test_config_sheet_follows_the_project_name(parts):
    workbook = etree.fromstring(parts["xl/workbook.xml"])
    names = [s.get("name") for s in workbook.iter("{*}sheet")]
    assert names == ["_riskreg.conf"]  # underscore: inactive, so the user's riskreg.conf file wins


def test_two_builds_are_byte_identical(tmp_path):
    first, second = build_addin(tmp_path / "a.xlam"), build_addin(tmp_path / "b.xlam")
    assert first.read_bytes() == second.read_bytes() == addin_bytes()


def test_malformed_ribbon_is_refused_before_anything_is_written(tmp_path):
    sources = build.Sources(b"<customUI><ribbon>", MODULE_SOURCE.read_text(), template_path())
    with pytest.raises(etree.XMLSyntaxError):
        build_addin(tmp_path / "x.xlam", sources)
    assert list(tmp_path.iterdir()) == []


def test_libreoffice_imports_the_vba_modules(built, tmp_path, soffice):
    # LibreOffice opens macro workbooks, not add-ins: the same parts with the workbook content type.
    copy = tmp_path / "riskreg.xlsm"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(name, data)
    ods = soffice(copy, "ods")
    with zipfile.ZipFile(ods) as archive:
        modules = {name.split("/")[-1][:-4]: archive.read(name) for name in archive.namelist()
                   if name.startswith(f"Basic/{build.PROJECT_NAME}/") and not name.endswith("script-lb.xml")}
    assert set(modules) == {"Dictionary", MODULE_NAME, "Sheet2", "ThisWorkbook", "xlwings", *build.REMOTE_MODULES}
    text = etree.fromstring(modules[MODULE_NAME]).text
    body = MODULE_SOURCE.read_text(encoding="utf-8").split("\n", 1)[1]  # LibreOffice drops Attribute lines
    # LibreOffice marks the module as VBA and ends it with an empty line.
    assert text == "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n" + body + "\n"
    assert 'PROJECT_NAME As String = "riskreg"' in etree.fromstring(modules["xlwings"]).text


def test_cli_builds_and_refuses_to_overwrite_without_force(tmp_path):
    from click.testing import CliRunner

    target = tmp_path / "riskreg.xlam"
    runner = CliRunner()
    first = runner.invoke(cli, ["addin", "build", "-o", str(target)])
    assert (first.exit_code, first.output) == (0, f"Wrote {target}\n")
    assert target.read_bytes() == addin_bytes()
