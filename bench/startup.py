"""What each command imports: heavy libraries loaded and their import time, from a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.measures import PAPER_MODULES, Inputs

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "matplotlib", "docx", "docxtpl", "openpyxl", "xlwings", "lxml", "python_calamine",
         "PIL", "jinja2", "xlsxwriter", "zlib_ng")
OUR_PACKAGES = {"workbook", "addin", "report_builder", "templates", "bench", "__main__"}

# Runs the command line in-process, then reports the modules it left loaded (argv: json list of arguments).
_PROBE = """
import json, sys
from addin.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
ours = set(json.loads(sys.argv[2]))
third = sorted(n for n, m in list(sys.modules.items()) if m is not None
               and n.split(".")[0] not in sys.stdlib_module_names and n.split(".")[0] not in ours
               and not n.startswith("_"))
print(json.dumps(third))
"""


def _import_ms(stderr: str) -> dict[str, float]:
    """Return the cumulative import time (ms) of each heavy package from `python -X importtime` output."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        name = name.strip()
        if name in HEAVY and name not in found and cumulative.strip().isdigit():
            found[name] = int(cumulative.strip()) / 1000
    return found


def probe(arguments: list[str]) -> dict:
    """Return the third-party modules `riskreg ARGUMENTS` loads and the heavy ones' import times."""
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", _PROBE, json.dumps(arguments),
                           json.dumps(sorted(OUR_PACKAGES))], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    modules = json.loads(lines[-1])
    tops = sorted({m.split(".")[0] for m in modules})
    return {"modules": modules, "heavy": [h for h in HEAVY if h in tops],
            "import_ms": _import_ms(done.stderr)}


def command_imports(sample: Inputs, scratch: Path) -> dict[str, dict]:
    """Return what `riskreg --help`, `validate` and `paper` import; save the paper's modules for the import-only run."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / "probe.xlsx"
    copy.write_bytes(sample.xlsx.read_bytes())
    commands = {
        "riskreg --help": ["--help"],
        "riskreg validate": ["validate", str(copy)],
        "riskreg paper": ["paper", str(sample.xlsx), "-o", str(scratch / "probe.docx"), "--force", "--overwrite"],
    }
    found = {name: probe(arguments) for name, arguments in commands.items()}
    paper = found["riskreg paper"]
    if "modules" in paper:
        (sample.folder / PAPER_MODULES).write_text(json.dumps(paper["modules"]))
    return found
