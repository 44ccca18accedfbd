"""The product code type-checks: mypy finds no error in any of its packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["workbook", "addin", "report_builder", "templates", "guide"]  # the installed packages and the guide


def test_mypy_finds_no_error_in_the_product_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), *PRODUCT], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")
