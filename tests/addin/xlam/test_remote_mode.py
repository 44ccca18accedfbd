"""The .xlam's remote mode: a SERVER_URL line in riskreg.conf sends each button to the riskreg server instead."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from oletools.olevba import VBA_Parser

from addin.ribbon import dispatch
from addin.xlam import build, install, ovba
from addin.xlam.build import MODULE_SOURCE, addin_bytes
from addin.xlam.cfb import read_streams


@pytest.fixture(scope="module")
def built_macros() -> dict[str, str]:
    parser = VBA_Parser("riskreg.xlam", data=addin_bytes())
    try:
        return {name[:-4] if name.endswith((".bas", ".cls")) else name: code.replace("\r\n", "\n")
                for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def donor_source(name: str) -> str:
    streams = build.remote_donor_streams()
    return ovba.module_source(ovba.parse_dir(ovba.decompress(streams["VBA/dir"])), streams, name)


def test_the_addin_carries_xlwings_server_client_modules_unchanged(built_macros):
    for name in build.REMOTE_MODULES:
        assert built_macros[name] == donor_source(name).replace("\r\n", "\n"), name
    assert "Function RunServerPython(" in built_macros["Remote"]


def test_remote_modules_keep_their_kind_and_carry_no_p_code():
    streams = read_streams(zipfile.ZipFile(io.BytesIO(addin_bytes())).read(build.VBA_PART))
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    offsets = {m.name: m.offset for m in ovba.modules(records)}
    assert all(offsets[name] == 0 for name in build.REMOTE_MODULES)
    project = streams["PROJECT"].decode("cp1252")
    assert "Module=Remote\r\n" in project and "Module=WebHelpers\r\n" in project
    for name in ("IWebAuthenticator", "WebClient", "WebRequest", "WebResponse"):
        assert f"Class={name}\r\n" in project
    count = next(r for r in records if r.id == ovba.PROJECT_MODULES).data
    assert int.from_bytes(count, "little") == len(offsets)


def test_the_callback_chooses_the_server_when_the_settings_name_one():
    source = MODULE_SOURCE.read_text(encoding="utf-8")
    assert 'server = GetConfig("SERVER_URL")' in source
    assert 'RunServerPython server & "/xlwings/custom-scripts-call/" & control.Id & question' in source
    assert 'If server = "" Then\n        RunPython' in source  # no SERVER_URL: the local Python, as before


def test_the_callback_speaks_the_servers_route_arguments_and_callback(remote):
    from addin.server import app, scripts

    source = MODULE_SOURCE.read_text(encoding="utf-8")
    assert "/xlwings/custom-scripts-call/" in source and '@app.post("/xlwings/custom-scripts-call/{script_name}")' \
        in open(app.__file__, encoding="utf-8").read()
    assert set(scripts.SCRIPTS) == set(dispatch.ACTIONS)  # every button id is a script of the same name
    assert re.search(rf"^Sub {scripts.DOWNLOAD}\(wb As Workbook, fileName As String, content As String, "
                     r"mimeType As String\)$", source, re.M)
    assert '"?arg=" & WorksheetFunction.EncodeURL(question)' in source and 'question = "?arg=true"' in source


def test_remote_settings_are_the_lines_the_vba_reads():
    settings = install.remote_settings("https://riskreg.force.example/", "k" * 30)
    assert install.config_text(settings, "\r\n") == ('"SERVER_URL","https://riskreg.force.example"\r\n'
                                                     f'"AUTH","{"k" * 30}"\r\n')
    assert install.remote_settings("https://riskreg.force.example") == {"SERVER_URL": "https://riskreg.force.example"}
    kept = install.merged_config('"INTERPRETER_WIN","C:\\\\py\\\\python.exe"\r\n', settings, "\r\n")
    assert kept.startswith('"INTERPRETER_WIN"') and '"SERVER_URL"' in kept


def test_remote_settings_refuse_plain_http():
    with pytest.raises(install.InstallError) as caught:
        install.remote_settings("http://riskreg.force.example")
    assert caught.value.user_message == ("http://riskreg.force.example: the server must be reached over https:// (or "
                                         "http://127.0.0.1 for a test).")


def test_the_local_python_line_imports_the_dispatcher_that_exists():
    import importlib

    line = re.search(r'RunPython "import ([\w.]+); ([\w.]+)\.run\(', MODULE_SOURCE.read_text(encoding="utf-8"))
    assert line and line.group(1) == line.group(2)
    assert importlib.import_module(line.group(1)).run is dispatch.run
