"""Time a whole command and read its own peak memory, untouched by the memory of whoever started it.

Linux folds the starting process's peak RSS into a new program's `ru_maxrss` (vfork + exec), so the
command is started from a tiny stdlib-only Python that reports the command's time and peak: the most
the fold can add is that starter's own ~10 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_STARTER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write("\\n" + json.dumps({"code": code, "seconds": seconds, "kib": usage.ru_maxrss,
                                     "cpu": usage.ru_utime + usage.ru_stime}) + "\\n")
"""

# What the measured commands of the current run took: seconds and CPU summed, peak the largest.
taken: dict[str, float] = {"seconds": 0.0, "cpu": 0.0, "peak_mb": 0.0}


def run(command: list[str], ok_codes: tuple[int, ...] = (0,)) -> None:
    """Run `command`, adding its time and peak memory to `taken`; raise when it fails."""
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _STARTER, *command], stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, text=True, env=env)
    lines = done.stderr.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"code": done.returncode}
    if report["code"] not in ok_codes:
        raise RuntimeError(f"{' '.join(command)} exited {report['code']}: {' / '.join(lines[-4:-1])[-400:]}")
    taken["seconds"] += report["seconds"]
    taken["cpu"] += report["cpu"]
    taken["peak_mb"] = max(taken["peak_mb"], report["kib"] / 1024)
