"""Pytest plugin shared by every test folder: the LibreOffice client used to open what we write."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def required_tool(*names: str) -> str:
    """Return the path of the first of `names` on PATH; fail (never skip) when none is: the tests need it."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{names[0]} is not installed: `python3 dev.py test` installs LibreOffice and poppler "
                "(apt-get, as root); install them to run these tests.")


@pytest.fixture
def soffice():
    """Return a function converting a file with LibreOffice headless: convert(path, "pdf") -> output path."""
    binary = required_tool("soffice", "libreoffice")

    def convert(path: Path, to: str = "pdf", outdir: Path | None = None) -> Path:
        path = Path(path)
        outdir = Path(outdir or path.parent)
        profile = outdir / ".lo-profile"
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile.resolve()}", "--headless", "--norestore",
             "--convert-to", to, "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=240)
        target = outdir / f"{path.stem}.{to.split(':')[0]}"
        assert result.returncode == 0 and target.exists(), (
            f"LibreOffice could not convert {path.name}: {result.stdout}\n{result.stderr}")
        return target

    return convert


def run_cli(*args: object):
    """Run `riskreg` with `args` in this process; let a real bug raise instead of hiding in the exit code."""
    from click.testing import CliRunner

    from addin.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result
