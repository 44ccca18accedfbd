"""The Office.js add-in manifest (XML, [MS-OWEMXML]): the ribbon's tab, groups, buttons and tooltips, at this server."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

RIBBON_XML = Path(__file__).resolve().parents[1] / "ribbon" / "customUI14.xml"

OFFICEAPP = "http://schemas.microsoft.com/office/appforoffice/1.1"
OV = "http://schemas.microsoft.com/office/taskpaneappversionoverrides"
BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CUSTOM_UI = "{http://schemas.microsoft.com/office/2009/07/customui}"

# Buttons whose work needs the task pane: a question (the period), a file to save, or a second press.
TASKPANE_BUTTONS = {"roll_quarter", "build_paper", "build_joint_paper", "new_register", "rename_band", "rename_risk",
                    "correct_history"}
# Where the server does what the desktop ribbon's tooltip says differently (no file beside the workbook on a server).
SERVER_TIPS = {
    "roll_quarter": "Ask for the new reporting period in the task pane, record this quarter's ratings on the History "
                    "sheet and move the trend columns on by one quarter. Keep a copy first: the server keeps none.",
    "build_paper": "Build the Word board paper for the committee from the open workbook; save it from the task pane "
                   "(a PDF too where the server has LibreOffice).",
    "rename_band": "Type the band's name and its new name in the task pane, then rename it in the open workbook from "
                   "this quarter on; History keeps the closed quarters' words and the rename is recorded.",
    "rename_risk": "Type the risk's ID and its new ID in the task pane, then rename it in the open workbook from this "
                   "quarter on; History, trends and actions carry over.",
    "correct_history": "After correcting a closed quarter's History by hand, type the quarter and the reason in the "
                       "task pane to accept the change and seal the quarter again.",
    "build_joint_paper": "Choose the other registers' workbooks in the task pane, then build one Word paper for the "
                         "open workbook and them; save it from the task pane (a PDF too where the server has "
                         "LibreOffice).",
    "new_register": "Create an empty register workbook from the template (Register, Lists, History and Settings "
                    "sheets) and save it from the task pane.",
}
ICON_SIZES = (16, 32, 80)


def ribbon():
    """Return (tab label, [(group id, label, [(button id, label, screentip, supertip)])]) from the desktop ribbon."""
    root = etree.parse(str(RIBBON_XML)).getroot()
    tab = root.find(f".//{CUSTOM_UI}tab")
    groups = []
    for group in tab.findall(f"{CUSTOM_UI}group"):
        buttons = [(b.get("id"), b.get("label"), b.get("screentip"), SERVER_TIPS.get(b.get("id"), b.get("supertip")))
                   for b in group.findall(f"{CUSTOM_UI}button")]
        groups.append((group.get("id"), group.get("label"), buttons))
    return tab.get("label"), groups


def manifest_id(url: str) -> str:
    """Return the add-in's id: the same for every request to one server, different for another server."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, url))


def _sub(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def manifest_xml(url: str, client_id: str | None = None) -> bytes:
    """Return the manifest of the Risk Register add-in served from `url` (https://…, no trailing slash)."""
    tab_label, groups = ribbon()
    xsi_type = f"{{{XSI}}}type"
    app = etree.Element(f"{{{OFFICEAPP}}}OfficeApp", nsmap={None: OFFICEAPP, "xsi": XSI, "bt": BT, "ov": OV})
    app.set(xsi_type, "TaskPaneApp")
    o = lambda tag: f"{{{OFFICEAPP}}}{tag}"  # noqa: E731
    _sub(app, o("Id"), manifest_id(url))
    _sub(app, o("Version"), "1.0.0.0")
    _sub(app, o("ProviderName"), "riskreg")
    _sub(app, o("DefaultLocale"), "en-GB")
    _sub(app, o("DisplayName"), DefaultValue=tab_label)
    _sub(app, o("Description"), DefaultValue="Validate the corporate risk register, refresh trends, roll the quarter "
                                             "and build the board paper, on your organisation's riskreg server.")
    _sub(app, o("IconUrl"), DefaultValue=f"{url}/static/icon-32.png")
    _sub(app, o("HighResolutionIconUrl"), DefaultValue=f"{url}/static/icon-80.png")
    _sub(app, o("SupportUrl"), DefaultValue=f"{url}/taskpane.html")
    _sub(_sub(app, o("AppDomains")), o("AppDomain"), url)
    _sub(_sub(app, o("Hosts")), o("Host"), Name="Workbook")
    sets = _sub(_sub(app, o("Requirements")), o("Sets"), DefaultMinVersion="1.1")
    _sub(sets, o("Set"), Name="ExcelApi", MinVersion="1.9")
    _sub(_sub(app, o("DefaultSettings")), o("SourceLocation"), DefaultValue=f"{url}/taskpane.html")
    _sub(app, o("Permissions"), "ReadWriteDocument")

    v = lambda tag: f"{{{OV}}}{tag}"  # noqa: E731
    b = lambda tag: f"{{{BT}}}{tag}"  # noqa: E731
    # xsi:type names resolve in the default namespace, so the overrides declare their own (as Microsoft's samples do).
    overrides = etree.SubElement(app, v("VersionOverrides"), nsmap={None: OV})
    overrides.set(xsi_type, "VersionOverridesV1_0")
    host = _sub(_sub(overrides, v("Hosts")), v("Host"))
    host.set(xsi_type, "Workbook")
    desktop = _sub(host, v("DesktopFormFactor"))
    _sub(desktop, v("GetStarted"))
    getting = desktop[-1]
    _sub(getting, v("Title"), resid="GetStarted.Title")
    _sub(getting, v("Description"), resid="GetStarted.Description")
    _sub(getting, v("LearnMoreUrl"), resid="Taskpane.Url")
    _sub(desktop, v("FunctionFile"), resid="Taskpane.Url")
    point = _sub(desktop, v("ExtensionPoint"))
    point.set(xsi_type, "PrimaryCommandSurface")
    tab = _sub(point, v("CustomTab"), id="RiskRegister.Tab")
    short, long = {"Tab.Label": tab_label, "GetStarted.Title": "Risk Register"}, {
        "GetStarted.Description": "The Risk Register tab is ready: press Validate to check the open register."}

    def icon(parent):
        holder = _sub(parent, v("Icon"))
        for size in ICON_SIZES:
            _sub(holder, b("Image"), size=str(size), resid=f"Icon.{size}")

    for group_id, group_label, buttons in groups:
        group = _sub(tab, v("Group"), id=f"RiskRegister.{group_id}")
        _sub(group, v("Label"), resid=f"{group_id}.Label")
        short[f"{group_id}.Label"] = group_label
        icon(group)
        for button_id, label, screentip, supertip in buttons:
            control = _sub(group, v("Control"), id=f"RiskRegister.{button_id}")
            control.set(xsi_type, "Button")
            _sub(control, v("Label"), resid=f"{button_id}.Label")
            tip = _sub(control, v("Supertip"))
            _sub(tip, v("Title"), resid=f"{button_id}.Title")
            _sub(tip, v("Description"), resid=f"{button_id}.Tip")
            short.update({f"{button_id}.Label": label, f"{button_id}.Title": screentip})
            long[f"{button_id}.Tip"] = supertip
            icon(control)
            action = _sub(control, v("Action"))
            if button_id in TASKPANE_BUTTONS:
                action.set(xsi_type, "ShowTaskpane")
                _sub(action, v("TaskpaneId"), "RiskRegister.Taskpane")
                _sub(action, v("SourceLocation"), resid="Taskpane.Url")
            else:
                action.set(xsi_type, "ExecuteFunction")
                _sub(action, v("FunctionName"), button_id)
    _sub(tab, v("Label"), resid="Tab.Label")

    resources = _sub(overrides, v("Resources"))
    images = _sub(resources, b("Images"))
    for size in ICON_SIZES:
        _sub(images, b("Image"), id=f"Icon.{size}", DefaultValue=f"{url}/static/icon-{size}.png")
    _sub(_sub(resources, b("Urls")), b("Url"), id="Taskpane.Url", DefaultValue=f"{url}/taskpane.html")
    strings = _sub(resources, b("ShortStrings"))
    for key, text in short.items():
        _sub(strings, b("String"), id=key, DefaultValue=text)
    strings = _sub(resources, b("LongStrings"))
    for key, text in long.items():
        _sub(strings, b("String"), id=key, DefaultValue=text)
    if client_id:  # Microsoft Entra ID single sign-on: Office gets a token for this API and the task pane sends it
        info = _sub(overrides, v("WebApplicationInfo"))
        _sub(info, v("Id"), client_id)
        _sub(info, v("Resource"), f"api://{url.split('://', 1)[-1]}/{client_id}")
        scopes = _sub(info, v("Scopes"))
        for scope in ("openid", "profile"):
            _sub(scopes, v("Scope"), scope)
    return etree.tostring(app, xml_declaration=True, encoding="UTF-8", pretty_print=True)
