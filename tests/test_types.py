"""The jobs, the edit plan and its appliers, the CLI and the ribbon type-check: mypy finds no error in them (the rest
of the tree is on its way)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["workbook/jobs", "workbook/core/edit.py", "workbook/core/errors.py", "workbook/core/words.py",
           "workbook/core/checks.py", "workbook/core/trends.py", "workbook/core/rollover.py", "workbook/xlsx/apply.py",
           "workbook/xlsx/writer.py", "addin/cli.py", "addin/ribbon"]


def test_mypy_finds_no_error_in_the_jobs_the_edit_plan_and_the_front_ends(tmp_path):
    # Imported modules are read for their types but their own errors are not counted here.
    done = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(tmp_path),
                           *CHECKED], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")
