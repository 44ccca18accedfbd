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
# Set by `python -m bench --profile` on a whole-process measurement: the command runs under cProfile, its stats here.
profile_to: str | None = None


def _profiled(command: list[str]) -> list[str]:
    """Return `command` run under cProfile, writing its stats to `profile_to` (a Python script or `python -m`)."""
    if command[0] == sys.executable and command[1:2] == ["-m"]:
        return [sys.executable, "-m", "cProfile", "-o", str(profile_to), *command[1:]]
    if command[0] == sys.executable:
        return command  # `python -c`: cProfile cannot run it, so it is timed as it is
    return [sys.executable, "-m", "cProfile", "-o", str(profile_to), *command]


def run(command: list[str], ok_codes: tuple[int, ...] = (0,)) -> None:
    """Run `command`, adding its time and peak memory to `taken`; raise when it fails."""
    env = dict(os.environ)
    if profile_to is not None:
        command = _profiled(command)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _STARTER, *command], stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, text=True, env=env)
    lines = done.stderr.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"code": done.returncode}
    if report["code"] not in ok_codes:
        raise RuntimeError(f"{' '.join(command)} exited {report['code']}: {' / '.join(lines[-4:-1])[-400:]}")
    taken["seconds"] += report["seconds"]
    taken["cpu"] += report["cpu"]
    taken["peak_mb"] = max(taken["peak_mb"], report["kib"] / 1024)
