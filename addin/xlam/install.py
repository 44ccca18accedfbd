"""Install riskreg.xlam into Excel's startup folder and tell its xlwings code which Python to run.

Where things go is a pure function of the platform and the environment (`plan`), so it is tested on any
machine; `install` only carries a plan out. On Linux there is no desktop Excel: the plan is the manual
steps for the Windows or macOS machine the user will install on.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from addin.xlam.build import CONFIG_NAME, build_addin
from workbook.core.errors import OutputError
from workbook.files.atomic import write_text_atomic

ADDIN_FILE = "riskreg.xlam"
WINDOWS, MACOS, LINUX = "windows", "macos", "linux"
# The Excel for Mac sandbox: the only folders its VBA can read without asking.
MAC_CONTAINER = "Library/Containers/com.microsoft.Excel/Data"
MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"
MAC_SCRIPTS = "Library/Application Scripts/com.microsoft.Excel"


class InstallError(OutputError):
    """The add-in cannot be installed where asked."""


@dataclass(frozen=True)
class InstallPlan:
    """Where the add-in, its xlwings settings and (on macOS) the RunPython helper go."""

    platform: str
    addin: PurePath | None
    config_file: PurePath | None
    settings: dict[str, str]
    applescript: tuple[PurePath, PurePath] | None = None  # (source in xlwings, target) on macOS
    notes: list[str] = field(default_factory=list)

    def files(self) -> tuple[Path, Path]:
        """Return the add-in and its settings file, which every platform but Linux has."""
        if self.addin is None or self.config_file is None:
            raise ValueError(f"no add-in is installed on {self.platform}")
        return Path(self.addin), Path(self.config_file)


def platform_of(sys_platform: str) -> str:
    if sys_platform.startswith("win"):
        return WINDOWS
    if sys_platform == "darwin":
        return MACOS
    return LINUX


def settings_for(platform: str, python: PurePath, project_root: PurePath) -> dict[str, str]:
    """Return the xlwings settings riskreg needs: this Python, riskreg's folder, and no workbook folder on the path.

    ADD_WORKBOOK_TO_PYTHONPATH is off so that a stray file beside a register (say workbook.py) can never be
    imported in place of riskreg's own modules.
    """
    key = "INTERPRETER_MAC" if platform == MACOS else "INTERPRETER_WIN"
    return {key: str(python), "PYTHONPATH": str(project_root), "ADD_WORKBOOK_TO_PYTHONPATH": "false"}


def remote_settings(server_url: str, api_key: str | None = None) -> dict[str, str]:
    """Return the settings that put the add-in in remote mode: its buttons call the riskreg server at `server_url`.

    Without Python on the PC the file is written by IT; `"AUTH"` is the server's API key, where one is used.
    """
    if not server_url.startswith("https://") and not server_url.startswith("http://127.0.0.1"):
        raise InstallError(f"{server_url}: the server must be reached over https:// (or http://127.0.0.1 for a test).")
    return {"SERVER_URL": server_url.rstrip("/"), **({"AUTH": api_key} if api_key else {})}


def plan(sys_platform: str, env: Mapping[str, str], python: str, project_root: str, xlwings_dir: str,
         xlwings_version: str) -> InstallPlan:
    """Return where everything goes on `sys_platform`, from the environment alone (no Excel needed)."""
    platform = platform_of(sys_platform)
    if platform == WINDOWS:
        appdata, profile = env.get("APPDATA"), env.get("USERPROFILE")
        if not appdata or not profile:
            raise InstallError("APPDATA or USERPROFILE is not set, so Excel's folders cannot be found. Run "
                               "`riskreg addin install` from a normal Windows command prompt.")
        win = PureWindowsPath
        return InstallPlan(
            WINDOWS,
            addin=win(appdata, "Microsoft", "Excel", "XLSTART", ADDIN_FILE),
            config_file=win(profile, f".{CONFIG_NAME}", f"{CONFIG_NAME}.conf"),
            settings=settings_for(WINDOWS, win(python), win(project_root)))
    home = env.get("HOME")
    if platform == MACOS:
        if not home:
            raise InstallError("HOME is not set, so Excel's folders cannot be found. Run `riskreg addin "
                               "install` from Terminal.")
        mac = PurePosixPath
        script = f"xlwings-{xlwings_version}.applescript"
        return InstallPlan(
            MACOS,
            addin=mac(home, MAC_STARTUP, ADDIN_FILE),
            config_file=mac(home, MAC_CONTAINER, f"{CONFIG_NAME}.conf"),
            settings=settings_for(MACOS, mac(python), mac(project_root)),
            applescript=(mac(xlwings_dir, script), mac(home, MAC_SCRIPTS, script)))
    return InstallPlan(LINUX, addin=None, config_file=None, settings={},
                       notes=["There is no desktop Excel on Linux, so nothing was installed here."])


def config_text(settings: Mapping[str, str], newline: str) -> str:
    """Return settings in the format xlwings' VBA reads with `Input #`: "KEY","value" per line."""
    for key, value in settings.items():
        if '"' in value:
            raise InstallError(f"{key} {value!r} contains a double quote, which xlwings' settings file cannot hold. "
                               "Install Python and riskreg in a folder whose path has no quotes.")
    return "".join(f'"{key}","{value}"{newline}' for key, value in settings.items())


def merged_config(existing: str, settings: Mapping[str, str], newline: str) -> str:
    """Return the settings file with riskreg's keys set and every other line the user had kept."""
    keys = {key.upper() for key in settings}
    kept = [line for line in existing.splitlines()
            if line.strip() and line.split(",", 1)[0].strip().strip('"').upper() not in keys]
    return "".join(line + newline for line in kept) + config_text(settings, newline)


def manual_steps() -> list[str]:
    """Return the steps a user follows on the Windows or macOS computer that runs Excel."""
    return [
        "1. Install Python 3.11 or newer and riskreg on the computer that runs Excel.",
        "2. Quit Excel, then run `riskreg addin install` there. It builds riskreg.xlam into Excel's startup folder",
        r"   (Windows: %APPDATA%\Microsoft\Excel\XLSTART; macOS: ~/Library/Group Containers/"
        "UBF8T346G9.Office/User Content/Startup/Excel)",
        r"   and writes riskreg.conf (Windows: %USERPROFILE%\.riskreg\riskreg.conf; macOS: "
        "~/Library/Containers/com.microsoft.Excel/Data/riskreg.conf):",
        '   "INTERPRETER_WIN","<that Python>" (macOS: "INTERPRETER_MAC"), "PYTHONPATH","<riskreg folder>",',
        '   "ADD_WORKBOOK_TO_PYTHONPATH","false".',
        "   To do it by hand instead: `riskreg addin build`, copy dist/riskreg.xlam into that folder, write that file.",
        "3. Start Excel: the Risk Register tab appears. The README section 'Install the add-in' has the macro "
        "settings and a five-minute test.",
    ]


def install(platform_plan: InstallPlan, *, force: bool = False) -> list[str]:
    """Carry out `platform_plan`: build the add-in into the startup folder, write the settings; return what was done."""
    if platform_plan.platform == LINUX:
        return platform_plan.notes
    addin, config = platform_plan.files()
    if addin.exists() and not force:
        raise InstallError(f"{addin}: the add-in is already installed. Pass --force to replace it (quit Excel "
                           "first).")
    done = []
    addin.parent.mkdir(parents=True, exist_ok=True)
    build_addin(addin)
    done.append(f"Installed the add-in: {addin}")
    newline = "\r\n" if platform_plan.platform == WINDOWS else "\n"
    config.parent.mkdir(parents=True, exist_ok=True)
    existing = config.read_text(encoding="utf-8") if config.exists() else ""
    write_text_atomic(config, merged_config(existing, platform_plan.settings, newline))
    done.append(f"Wrote the xlwings settings: {config}")
    if platform_plan.applescript:
        source, target = (Path(p) for p in platform_plan.applescript)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        done.append(f"Enabled RunPython for Excel (macOS): {target}")
    done.append("Quit Excel completely and start it again: the Risk Register tab appears on the ribbon.")
    return done


def uninstall(platform_plan: InstallPlan) -> list[str]:
    """Remove the add-in and riskreg's settings file (xlwings' own files stay); return what was done."""
    if platform_plan.platform == LINUX:
        return platform_plan.notes
    done = []
    for path in platform_plan.files():
        if path.exists():
            path.unlink()
            done.append(f"Removed {path}")
    return done or ["Nothing to remove: the add-in is not installed for this user."]


def current_plan() -> InstallPlan:
    """Return the plan for this machine, this Python and this riskreg."""
    import os
    import sys

    import xlwings

    project_root = Path(__file__).resolve().parents[2]
    return plan(sys.platform, os.environ, sys.executable, str(project_root), str(Path(xlwings.__file__).parent),
                xlwings.__version__)
