"""Write each size's register workbook once (with the project's own template) and the inputs stages start from."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from bench.measures import Inputs
from tests.support.synthetic_register import write_synthetic_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "sample"
# A change to any of these makes the cached workbook stale; to the second group, the loaded inputs.
_WORKBOOK_SOURCES = ("bench/synthetic.py", "tests/support/synthetic_register.py", "bench/prepare.py", "workbook/xlsx/builder.py", "workbook/export/html_text.py",
                     "workbook/core/schema.py", "workbook/export/text_format.py")
_LOADED_SOURCES = ("workbook/xlsx/reader.py", "workbook/core/layout.py", "workbook/core/model.py", "workbook/core/periods.py",
                   "report_builder/content.py")


def _fingerprint(size: int | str, sources: tuple[str, ...]) -> str:
    digest = hashlib.sha256(str(size).encode())
    for name in sources:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


def write_sample_workbook(path: Path) -> None:
    """Write the bundled sample (18 risks) as a register workbook, the way `riskreg import` does."""
    from workbook.core.periods import parse_period
    from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
    from workbook.xlsx.builder import import_export

    if path.exists():
        path.unlink()
    import_export(sample_export_path(), path, parse_period(SAMPLE_PERIOD), settings=SAMPLE_SETTINGS)


def _content(register):
    from report_builder.content import build_content

    return build_content(register)


def prepare(size: int | str, workdir: Path, *, fresh: bool = False, log=print) -> Inputs:
    """Return the inputs of `size` risks (or the sample), writing what is missing or out of date."""
    folder = workdir / (f"{size}-risks" if size != SAMPLE else SAMPLE)
    stamp = folder / "inputs.json"
    made = json.loads(stamp.read_text()) if stamp.exists() and not fresh else {}
    workbook_print, loaded_print = _fingerprint(size, _WORKBOOK_SOURCES), _fingerprint(size, _LOADED_SOURCES)
    inputs = Inputs(folder, size if isinstance(size, int) else 0)
    if made.get("workbook") == workbook_print and made.get("loaded") == loaded_print:
        return inputs
    folder.mkdir(parents=True, exist_ok=True)
    if made.get("workbook") != workbook_print or not inputs.xlsx.exists() or \
            (size != SAMPLE and not inputs.lapsed_xlsx.exists()):
        log(f"writing the {size} register workbook …")
        if size == SAMPLE:
            write_sample_workbook(inputs.xlsx)
        else:
            write_synthetic_workbook(int(size), inputs.xlsx)
            write_synthetic_workbook(int(size), inputs.lapsed_xlsx, lapsed_reviews=True)
    log(f"loading the {size} register …")
    from workbook.xlsx.reader import read_register

    register = read_register(inputs.xlsx)
    (folder / "register.pickle").write_bytes(pickle.dumps(register, protocol=pickle.HIGHEST_PROTOCOL))
    try:
        content = _content(register)
    except Exception as err:  # noqa: BLE001  (the paper's stages then fail alone, each saying why)
        log(f"  no paper content for {size}: {type(err).__name__}: {err}")
        (folder / "content.pickle").unlink(missing_ok=True)
    else:
        (folder / "content.pickle").write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
    made = {"workbook": workbook_print, "loaded": loaded_print, "risks": len(register.risks),
            "history_rows": len(register.history), "xlsx_bytes": inputs.xlsx.stat().st_size}
    if inputs.lapsed_xlsx.exists():
        made["lapsed_findings"] = _findings(inputs.lapsed_xlsx)
    stamp.write_text(json.dumps(made))
    return inputs


def _findings(path: Path) -> int:
    """Return how many findings the checks make on the workbook at `path`."""
    from workbook.core.checks import check
    from workbook.xlsx.reader import read_register

    return len(check(read_register(path)))


def describe(inputs: Inputs) -> dict:
    """Return what was prepared: risks, History rows, workbook size."""
    return json.loads((inputs.folder / "inputs.json").read_text())
