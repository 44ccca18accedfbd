"""The Office.js manifest the server hands out: valid against Microsoft's schema, the ribbon's buttons at its URL."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from lxml import etree

from addin.server import manifest

SCHEMAS = Path(__file__).resolve().parents[2] / "data" / "officeapp-xsd"
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "OfficeAppManifestV1_1.xsd")))


@pytest.fixture(scope="module")
def served(server) -> etree._Element:
    response = httpx.get(server.url + "/manifest", timeout=30)
    assert response.headers["content-type"].startswith("application/xml")
    return etree.fromstring(response.content)


def strings(root) -> dict[str, str]:
    return {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{BT}String")}


def test_the_served_manifest_is_valid_against_microsofts_schema(schema, served):
    schema.assertValid(served)


@pytest.mark.parametrize("client_id", [None, "0b2c6f2e-1111-2222-3333-444455556666"])
def test_the_manifest_is_valid_with_and_without_single_sign_on(schema, client_id):
    root = etree.fromstring(manifest.manifest_xml("https://riskreg.force.example", client_id))
    schema.assertValid(root)
    info = root.find(f".//{OV}WebApplicationInfo")
    assert (info is not None) == bool(client_id)
    if client_id:
        assert info.findtext(f"{OV}Resource") == f"api://riskreg.force.example/{client_id}"


def test_the_schema_refuses_a_broken_manifest(schema):
    root = etree.fromstring(manifest.manifest_xml("https://riskreg.force.example"))
    root.find(f".//{OV}Control").set(XSI_TYPE, "Slider")  # not a control type Office knows
    assert not schema.validate(root)


def test_every_url_in_the_manifest_is_the_configured_server(served):
    urls = [e.get("DefaultValue") for e in served.iter() if str(e.get("DefaultValue", "")).startswith("http")]
    urls += [e.text for e in served.iter("{*}AppDomain")]
    assert urls and all(u.startswith("https://riskreg.force.example/") or u == "https://riskreg.force.example"
                        for u in urls)


def test_the_tab_has_the_ribbons_groups_buttons_and_tooltips(served):
    ribbon = etree.parse(str(manifest.RIBBON_XML)).getroot()
    custom = "{http://schemas.microsoft.com/office/2009/07/customui}"
    text = strings(served)
    tab = served.find(f".//{OV}CustomTab")
    assert text[tab.find(f"{OV}Label").get("resid")] == "Risk Register"
    expected, found = [], []
    for group in ribbon.iter(f"{custom}group"):
        expected.append((group.get("label"), [(b.get("label"), b.get("screentip"),
                                               manifest.SERVER_TIPS.get(b.get("id"), b.get("supertip")))
                                              for b in group.iter(f"{custom}button")]))
    for group in tab.findall(f"{OV}Group"):
        buttons = [(text[c.find(f"{OV}Label").get("resid")], text[c.find(f"{OV}Supertip/{OV}Title").get("resid")],
                    text[c.find(f"{OV}Supertip/{OV}Description").get("resid")]) for c in group.findall(f"{OV}Control")]
        found.append((text[group.find(f"{OV}Label").get("resid")], buttons))
    assert found == expected
    assert [b[0] for g in found for b in g[1]] == ["Validate", "Refresh trends", "Roll quarter", "Rename band",
                                                   "Rename risk", "Correct history", "Build board paper",
                                                   "Build joint paper", "New register"]


def test_buttons_that_ask_or_hand_back_a_file_open_the_task_pane_the_others_run_at_once(served, remote):
    kinds = {c.get("id"): c.find(f"{OV}Action").get(XSI_TYPE) for c in served.iter(f"{OV}Control")}
    assert kinds == {"RiskRegister.validate": "ExecuteFunction", "RiskRegister.refresh_trends": "ExecuteFunction",
                     "RiskRegister.roll_quarter": "ShowTaskpane", "RiskRegister.build_paper": "ShowTaskpane",
                     "RiskRegister.build_joint_paper": "ShowTaskpane", "RiskRegister.new_register": "ShowTaskpane", "RiskRegister.rename_band": "ShowTaskpane",
                     "RiskRegister.rename_risk": "ShowTaskpane", "RiskRegister.correct_history": "ShowTaskpane"}
    functions = {c.findtext(f"{OV}Action/{OV}FunctionName") for c in served.iter(f"{OV}Control")} - {None}
    from addin.server.scripts import SCRIPTS

    assert functions <= set(SCRIPTS)


def test_the_add_in_id_is_stable_per_server():
    assert manifest.manifest_id("https://a.example") == manifest.manifest_id("https://a.example")
    assert manifest.manifest_id("https://a.example") != manifest.manifest_id("https://b.example")


def test_the_task_pane_and_icons_are_served(server):
    page = httpx.get(server.url + "/taskpane.html", timeout=30)
    assert page.status_code == 200 and "riskregDownload" in page.text and "__CONFIG__" not in page.text
    for size in manifest.ICON_SIZES:
        icon = httpx.get(f"{server.url}/static/icon-{size}.png", timeout=30)
        assert icon.content.startswith(b"\x89PNG")
    assert httpx.get(server.url + "/static/..%2Fapp.py", timeout=30).status_code == 404
    assert httpx.get(server.url + "/static/js/../../app.py", timeout=30).status_code == 404
