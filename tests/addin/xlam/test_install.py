"""Where `riskreg addin install` puts things on each platform (a pure function), and carrying a plan out."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
import xlwings
from click.testing import CliRunner

from addin.cli import cli
from addin.xlam import install
from addin.xlam.build import addin_bytes

WINDOWS_ENV = {"APPDATA": r"C:\Users\jo\AppData\Roaming", "USERPROFILE": r"C:\Users\jo"}


def windows_plan():
    return install.plan("win32", WINDOWS_ENV, r"C:\riskreg\.venv\Scripts\python.exe", r"C:\riskreg",
                        r"C:\riskreg\.venv\Lib\site-packages\xlwings", "0.37.8")


def mac_plan(home: str):
    return install.plan("darwin", {"HOME": home}, "/Users/jo/riskreg/.venv/bin/python", "/Users/jo/riskreg",
                        "/Users/jo/riskreg/.venv/lib/python3.11/site-packages/xlwings", "0.37.8")


def test_windows_paths_come_from_appdata_and_userprofile():
    plan = windows_plan()
    assert plan.addin == PureWindowsPath(r"C:\Users\jo\AppData\Roaming\Microsoft\Excel\XLSTART\riskreg.xlam")
    assert plan.config_file == PureWindowsPath(r"C:\Users\jo\.riskreg\riskreg.conf")
    assert plan.settings == {"INTERPRETER_WIN": r"C:\riskreg\.venv\Scripts\python.exe",
                             "PYTHONPATH": r"C:\riskreg", "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    assert plan.applescript is None


def test_macos_paths_are_the_excel_sandbox_folders():
    plan = mac_plan("/Users/jo")
    assert plan.addin == PurePosixPath(
        "/Users/jo/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel/riskreg.xlam")
    assert plan.config_file == PurePosixPath("/Users/jo/Library/Containers/com.microsoft.Excel/Data/riskreg.conf")
    assert plan.settings["INTERPRETER_MAC"] == "/Users/jo/riskreg/.venv/bin/python"
    assert plan.applescript == (
        PurePosixPath("/Users/jo/riskreg/.venv/lib/python3.11/site-packages/xlwings/xlwings-0.37.8.applescript"),
        PurePosixPath("/Users/jo/Library/Application Scripts/com.microsoft.Excel/xlwings-0.37.8.applescript"))


def test_linux_installs_nothing():
    plan = install.plan("linux", {"HOME": "/home/jo"}, "/usr/bin/python3", "/srv/riskreg", "/x", "0.37.8")
    assert (plan.platform, plan.addin, plan.config_file) == ("linux", None, None)
    assert install.install(plan) == ["There is no desktop Excel on Linux, so nothing was installed here."]


def test_windows_without_appdata_is_a_user_error():
    with pytest.raises(install.InstallError, match="APPDATA or USERPROFILE is not set"):
        install.plan("win32", {}, "python.exe", "C:\\r", "C:\\x", "0.37.8")


def test_settings_file_is_in_the_format_xlwings_vba_reads():
    text = install.config_text({"INTERPRETER_WIN": r"C:\py\python.exe", "PYTHONPATH": r"C:\r"}, "\r\n")
    assert text == '"INTERPRETER_WIN","C:\\py\\python.exe"\r\n"PYTHONPATH","C:\\r"\r\n'
    with pytest.raises(install.InstallError, match="contains a double quote"):
        install.config_text({"PYTHONPATH": 'C:\\"odd"'}, "\n")


def test_existing_settings_of_the_user_are_kept():
    existing = '"SHOW CONSOLE","True"\n"pythonpath","old"\n\n'
    merged = install.merged_config(existing, {"PYTHONPATH": "/new"}, "\n")
    assert merged == '"SHOW CONSOLE","True"\n"PYTHONPATH","/new"\n'


def test_install_and_uninstall_carry_out_a_macos_plan(tmp_path):
    plan = install.plan("darwin", {"HOME": str(tmp_path)}, "/py/bin/python", "/r",
                        str(Path(xlwings.__file__).parent), xlwings.__version__)
    done = install.install(plan)
    assert (tmp_path / install.MAC_STARTUP / "riskreg.xlam").read_bytes() == addin_bytes()
    config = tmp_path / install.MAC_CONTAINER / "riskreg.conf"
    assert config.read_text() == ('"INTERPRETER_MAC","/py/bin/python"\n"PYTHONPATH","/r"\n'
                                  '"ADD_WORKBOOK_TO_PYTHONPATH","false"\n')
    assert (tmp_path / install.MAC_SCRIPTS / f"xlwings-{xlwings.__version__}.applescript").exists()
    assert done[-1] == "Quit Excel completely and start it again: the Risk Register tab appears on the ribbon."
    with pytest.raises(install.InstallError, match="already installed. Pass --force"):
        install.install(plan)
    install.install(plan, force=True)
    assert install.uninstall(plan) == [f"Removed {tmp_path / install.MAC_STARTUP / 'riskreg.xlam'}",
                                       f"Removed {config}"]
    assert install.uninstall(plan) == ["Nothing to remove: the add-in is not installed for this user."]


def test_cli_install_on_linux_prints_the_manual_steps(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == ["There is no desktop Excel on Linux, so nothing was installed here.",
                         "To install on the computer that runs Excel:"]
    assert lines[2:] == install.manual_steps()
