#!/usr/bin/env python3
"""Set up a virtual environment and run the demo or the tests: the README's two commands.

    python3 dev.py demo     build the sample register, check it, work out trends, write the board paper
    python3 dev.py test     run the test suite (installs LibreOffice with apt-get when missing and allowed)
    python3 dev.py bench    run the benchmark (see bench/README in the Performance section of the README)
    python3 dev.py docs     regenerate the guide's troubleshooting page and pictures (docs/), then build it strictly

Only the standard library is used here, so it runs on a fresh machine with Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".riskreg-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# Debian packages the tests use as real clients, each with a file that shows it is installed.
DEBIAN_PACKAGES = {
    "libreoffice-writer-nogui": "/usr/bin/soffice",
    "libreoffice-calc-nogui": "/usr/lib/libreoffice/program/libsclo.so",
    "poppler-utils": "/usr/bin/pdftoppm",
    "fonts-dejavu": "/usr/share/fonts/truetype/dejavu",
    "fonts-liberation": "/usr/share/fonts/truetype/liberation",  # Arial's metrics, for the paper's PDF
    "fonts-crosextra-carlito": "/usr/share/fonts/truetype/crosextra",  # Calibri's metrics
    "chromium": "/usr/bin/chromium",  # headless, for the task pane's browser test (tests/browser)
    "nginx-light": "/usr/sbin/nginx",  # the server tests' reverse proxy in front of two `riskreg serve`
}


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(*args: object, **kwargs) -> None:
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def ensure_venv() -> None:
    """Create .venv and install the project with its test extra, again only when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"riskreg needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        say(f"creating virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing riskreg and its dependencies (first run takes a minute)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]", cwd=ROOT)
    STAMP.write_text(wanted)


def ensure_libreoffice() -> None:
    """Install the Debian packages the tests use (LibreOffice, poppler, Chromium, nginx) with apt-get when one is
    missing and we are allowed to (root)."""
    missing = [name for name, shows in DEBIAN_PACKAGES.items() if not Path(shows).exists()]
    if not missing:
        return
    can_install = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    if not can_install:
        say(f"{', '.join(missing)} not installed and cannot be installed here (apt-get as root): the tests that use "
            "them will fail. Install them to run those tests.")
        return
    say(f"installing {', '.join(missing)} with apt-get (the tests use them as real clients)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *DEBIAN_PACKAGES, env=env,
        stdout=subprocess.DEVNULL)


def demo(args: list[str]) -> int:
    ensure_venv()
    return subprocess.call([str(BIN / "riskreg"), "demo", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_venv()
    ensure_libreoffice()
    return subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)


def bench(args: list[str]) -> int:
    ensure_venv()
    return subprocess.call([str(PYTHON), "-m", "bench", *args], cwd=ROOT)


def docs(args: list[str]) -> int:
    ensure_venv()
    ensure_libreoffice()
    made = subprocess.call([str(PYTHON), "-m", "guide", *args], cwd=ROOT)
    if made:
        return made
    with tempfile.TemporaryDirectory(prefix="riskreg-site-") as site:  # the built site is never left in the tree
        return subprocess.call([str(PYTHON), "-m", "mkdocs", "build", "--strict", "--quiet", "-d", site], cwd=ROOT,
                               env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))  # Material's notice, not a problem


COMMANDS = {"demo": demo, "test": test, "bench": bench, "docs": docs}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
