"""Pytest plugin shared by every test folder: the LibreOffice client used to open what we write."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _soffice_or_skip() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("RISKREG_REQUIRE_SOFFICE"):
        pytest.fail("LibreOffice (soffice) is required in CI but not installed: `python3 dev.py test` installs it.")
    pytest.skip("LibreOffice (soffice) is not installed; `python3 dev.py test` installs it when run as root.")


@pytest.fixture
def soffice():
    """Return a function converting a file with LibreOffice headless: convert(path, "pdf") -> output path."""
    binary = _soffice_or_skip()

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
