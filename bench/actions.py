"""Count the Excel calls the ribbon's Validate and Refresh trends make, through xlwings' remote engine.

Every call is a round trip to Excel, so the count must not grow with the number of risks or findings.
Run as `python -m bench.actions WORKDIR SIZE…` (a child of `python -m bench`, so the licence setting
below stays in that process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ("validate", "refresh_trends")
# Why colouring cannot be a fixed number of calls (tests/addin/ribbon/test_live_io.py pins each fact).
COLOUR_LIMIT = ("xlwings is the limit: each remote action addresses one rectangle (xlwings/pro/_xlremote.py, "
                "Range.append_json_action; a multi-area address such as 'A1,C5:C9' is read as A1:C9) and "
                "Range.set_colors refuses more than 10,000 cells per call (xlwings/main.py), so Validate makes "
                "3 + ceil(rows spanned / (10,000 // columns spanned)) calls")


def payload(path: Path) -> dict:
    """Return the payload Excel's add-in client would send for the workbook at `path`."""
    from bench.alternatives import read_calamine
    from tests.support.remote_payload import payload as remote_payload

    return remote_payload(path.name, read_calamine(path))


def count(inputs) -> dict[str, dict]:
    """Return, per ribbon entry, the number of Excel calls (and the findings) on the prepared workbook."""
    import xlwings as xw

    from addin.ribbon import entry
    from workbook.core.checks import check

    path = inputs.xlsx
    findings = len(check(inputs.register()))
    result = {}
    for name in ENTRIES:
        book = xw.Book(json=payload(path))
        try:
            getattr(entry, name)(book)
        except Exception as err:  # noqa: BLE001  (an unfinished entry point is reported, not fatal)
            result[name] = {"error": f"{type(err).__name__}: {err}"[:200]}
            continue
        actions = book.json()["actions"]
        result[name] = {"calls": len(actions), "findings": findings,
                        "by_kind": dict(Counter(a["func"] for a in actions))}
    return result


def action_counts(sizes: list[int], workdir: Path) -> dict:
    """Return the counts at each size as the report wants them: {'counts', 'table', 'note'}."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "bench.actions", str(workdir), *map(str, sizes)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"note": f"could not count: {last}"}
    found = json.loads(done.stdout.strip().splitlines()[-1])
    lines = ["| Ribbon button | Risks | Findings | Excel calls | Calls by kind |", "|---|---:|---:|---:|---|"]
    counts = {}
    for size, entries in found.items():
        for name, numbers in entries.items():
            if "error" in numbers:
                lines.append(f"| {name} | {int(size):,} | — | — | failed: {numbers['error']} |")
                continue
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(numbers["by_kind"].items()))
            lines.append(f"| {name} | {int(size):,} | {numbers['findings']:,} | {numbers['calls']} | {kinds} |")
            counts[f"{name} @ {int(size):,}"] = numbers["calls"]
    calls = {n: {found[s][n]["calls"] for s in found if "calls" in found[s][n]} for n in ENTRIES}
    constant = all(len(values) == 1 for values in calls.values() if values)
    growing = sorted({f"{name}: {kind} {min(seen)} → {max(seen)}" for name in ENTRIES
                      for kind in {k for s in found for k in found[s][name].get("by_kind", {})}
                      for seen in [[found[s][name].get("by_kind", {}).get(kind, 0) for s in found
                                    if "calls" in found[s][name]]] if seen and len(set(seen)) > 1})
    note = "the same count at every size" if constant else "grows with the register: " + "; ".join(growing)
    if any("setRangeColors" in line for line in growing):
        note += f"; {COLOUR_LIMIT}"
    note += "".join(f"; {n} failed" for n, values in calls.items() if not values)
    return {"counts": counts, "table": "\n".join(lines), "constant": constant, "note": note}


def main(argv: list[str]) -> None:
    from bench.prepare import prepare

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine's PolyForm Noncommercial key
    workdir, *sizes = argv
    result = {size: count(prepare(int(size), Path(workdir), log=lambda m: None)) for size in sizes}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
