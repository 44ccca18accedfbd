"""What a `riskreg paper` process loads: the libraries the paper needs, and none that only cost start-up time.

Each module named here was once on the paper's path and cost a measurable share of the sample paper's process
(bench/RESULTS.md): matplotlib, python-pptx and its Pillow, xml.sax.saxutils (urllib.request, HTTP, e-mail, SSL).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs the command line in this process, then prints every module it left loaded.
PROBE = """
import json, sys
from addin.cli import main
code = 0
try:
    main(json.loads(sys.argv[1]))
except SystemExit as done:
    code = done.code or 0
print(json.dumps([code, sorted(sys.modules)]))
"""

NOT_ON_THE_PAPERS_PATH = (
    "matplotlib", "pptx", "PIL", "pandas", "numpy", "openpyxl", "xlwings", "rich", "fastapi", "uvicorn",
    "urllib.request", "http.client", "ssl", "email", "socket", "subprocess", "xml.sax.saxutils", "asyncio",
    "multiprocessing",
)
THE_PAPERS_LIBRARIES = ("docx", "docxtpl", "jinja2", "lxml", "xlsxwriter", "python_calamine", "click")


def _loaded_by(arguments: list[str], exit_code: int = 0) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(arguments)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == exit_code, done.stdout
    return set(modules)


def test_the_paper_loads_its_own_libraries_and_nothing_it_does_not_use(sample_workbook, tmp_path):
    paper = tmp_path / "paper.docx"
    loaded = _loaded_by(["paper", str(sample_workbook), "-o", str(paper), "--force"])
    assert paper.stat().st_size > 10_000  # the paper was written: the probe measured a whole run
    assert [name for name in THE_PAPERS_LIBRARIES if name not in loaded] == []
    assert [name for name in NOT_ON_THE_PAPERS_PATH if name in loaded] == []


def test_validate_loads_neither_word_nor_the_chart_libraries(sample_workbook):
    loaded = _loaded_by(["validate", str(sample_workbook)], exit_code=1)  # the sample has one error
    assert [name for name in ("docx", "docxtpl", "jinja2", "xlsxwriter", "pandas", "openpyxl", "subprocess",
                              "xml.sax.saxutils") if name in loaded] == []
