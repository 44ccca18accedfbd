"""Take one measurement in a fresh process and print seconds and peak memory as one JSON line.

A fresh process per run keeps one implementation's imports, caches and memory out of another's numbers.
Peak memory is this process's own high-water mark (VmHWM; ru_maxrss would include the parent's, which
Linux folds in at exec), or for a measured command, that command's (see bench/process.py).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from bench import process
from bench.measures import MEASURE_BY_KEY, Inputs


def own_peak_mb() -> float:
    """Return this process's peak resident memory since it started, in MB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


ROOT = Path(__file__).resolve().parent.parent
PROJECT = tuple(str(ROOT / package) for package in ("workbook", "report_builder", "addin", "templates"))


def _name(file: str, function: str) -> str:
    """Return a dotted name for a profiled function: package.module.function, or the builtin's own name."""
    parts = Path(file).with_suffix("").parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1:]
    elif file.startswith(str(ROOT)):
        parts = Path(file).relative_to(ROOT).with_suffix("").parts
    elif any(p.startswith("python3") for p in parts):
        parts = parts[max(i for i, p in enumerate(parts) if p.startswith("python3")) + 1:]
    else:
        return function
    return ".".join((*parts, function))


def hotspots(stats) -> dict[str, list]:
    """Return where the time went: our functions by cumulative share, any function by own share."""
    rows = [(file, function, calls, own, cumulative)
            for (file, _, function), (_, calls, own, cumulative, _) in stats.stats.items()]
    total = sum(own for *_, own, _ in rows) or 1.0
    ours = sorted((r for r in rows if r[0].startswith(PROJECT) and r[4] < 0.98 * total and not r[1].startswith("<")),
                  key=lambda r: -r[4])
    own = sorted(rows, key=lambda r: -r[3])
    return {"ours": [[_name(f, fn), calls, round(cum / total, 3)] for f, fn, calls, _, cum in ours[:6]],
            "own": [[_name(f, fn), calls, round(o / total, 3)] for f, fn, calls, o, _ in own[:5]]}


def measure_once(key: str, size: str, folder: Path, out: Path, profile: bool = False) -> dict:
    """Return seconds, CPU seconds and peak MB of one run of measurement `key`."""
    measure = MEASURE_BY_KEY[key]
    inputs = Inputs(folder, int(size) if size.isdigit() else 0)
    state = measure.setup(inputs)
    setup_mb = own_peak_mb()
    cpu_before = _cpu()
    start = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        if measure.process:  # the command's own process is profiled, not this one waiting for it
            process.profile_to = str(out.with_suffix(".prof"))
            measure.run(state, out)
        else:
            profiler.runcall(measure.run, state, out)
        seconds = time.perf_counter() - start
        stats = pstats.Stats(process.profile_to if measure.process else profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
        spots = hotspots(stats)
    else:
        measure.run(state, out)
        seconds = time.perf_counter() - start
    cpu = _cpu() - cpu_before
    if profile:
        return {"seconds": seconds, "cpu": cpu, "peak_mb": own_peak_mb(), "setup_mb": setup_mb, "hotspots": spots}
    if measure.process:
        return {"seconds": process.taken["seconds"], "cpu": process.taken["cpu"],
                "peak_mb": process.taken["peak_mb"], "setup_mb": setup_mb}
    return {"seconds": seconds, "cpu": cpu, "peak_mb": own_peak_mb(), "setup_mb": setup_mb}


def main(argv: list[str]) -> None:
    profile = "--profile" in argv
    key, size, folder, out = [a for a in argv if a != "--profile"]
    print(json.dumps(measure_once(key, size, Path(folder), Path(out), profile)))


if __name__ == "__main__":
    main(sys.argv[1:])
