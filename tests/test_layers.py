"""The house plan is a test: import-linter's contracts in pyproject.toml hold (layers, a pure core, no cycles)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; c()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_every_contract_is_kept():
    result = lint_imports("--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("workbook/core/findings.py", "import openpyxl", "pure"),
    ("workbook/core/model.py", "from workbook.xlsx import reader", "never back up"),
    ("report_builder/content.py", "import docx", "pure"),
    ("workbook/xlsx/reader.py", "from workbook import jobs", "never back up"),
    ("addin/ribbon/live_io.py", "from addin.ribbon import entry", "No import cycles"),
    ("workbook/jobs/__init__.py", "from addin.server import app", "nothing else imports"),
    ("addin/ribbon/entry.py", "from workbook.xlsx import reader", "only the jobs and the core"),
    ("addin/cli.py", "from report_builder import build", "only the jobs and the core"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    """The contracts can fail: the same check on a copy of the tree with one bad import added."""
    import shutil

    for folder in ("workbook", "addin", "report_builder", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint_imports("--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
