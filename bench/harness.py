"""Run each measurement in fresh child processes, several times, and keep the medians and peaks."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.measures import Inputs, Measure

ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 1800


@dataclass
class Result:
    """One measurement at one size: the runs' seconds and peak memory, or why it was not taken."""

    stage: str
    name: str
    role: str
    size: int | str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    setup_mb: list[float] = field(default_factory=list)
    skipped: str = ""
    error: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.seconds) and not self.error

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak(self) -> float:
        return max(self.peak_mb)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        return cls(**data)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("stage", "name", "role", "size", "seconds", "cpu", "peak_mb",
                                             "setup_mb", "skipped", "error", "note")}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def run_child(measure: Measure, inputs: Inputs, size: int | str, scratch: Path, profile: bool = False,
              quiet: bool = False) -> dict:
    """Return one run's numbers from a fresh `python -m bench.child` process (or {'error': …})."""
    scratch.mkdir(parents=True, exist_ok=True)
    out = scratch / f"{_slug(measure.key)}-{size}.docx"
    command = [sys.executable, "-m", "bench.child", measure.key, str(size), str(inputs.folder), str(out)]
    if profile:
        command.append("--profile")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"error": f"took over {CHILD_TIMEOUT} s"}
    if profile and not quiet:
        sys.stderr.write(done.stderr)
    if done.returncode != 0:
        last = [line for line in done.stderr.strip().splitlines() if line.strip()][-3:]
        return {"error": " / ".join(last) or f"exit code {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _runs(measure: Measure, size: int | str, repeat: int) -> int:
    return 1 if isinstance(size, int) and measure.once_above is not None and size > measure.once_above else repeat


def measure_all(measures: list[Measure], inputs: Inputs, size: int | str, repeat: int, scratch: Path,
                log=print) -> list[Result]:
    """Return each measurement's result at `size`: runs taken in turn (A, B, A, B …), so that the ratios
    between implementations compare runs made under the same load on a shared machine."""
    results = [Result(m.stage, m.name, m.role, size, note=m.note) for m in measures]
    for measure, result in zip(measures, results):
        result.skipped = measure.missing() or ""
        if not result.skipped and isinstance(size, int) and measure.max_size is not None and size > measure.max_size:
            result.skipped = f"skipped: {measure.skip_reason}"
    for turn in range(repeat):
        for measure, result in zip(measures, results):
            if result.skipped or result.error or turn >= _runs(measure, size, repeat):
                continue
            numbers = run_child(measure, inputs, size, scratch)
            if "error" in numbers:
                result.error = numbers["error"]
                log(f"  {measure.key} @ {size}: FAILED {result.error}")
                continue
            result.seconds.append(numbers["seconds"])
            result.cpu.append(numbers["cpu"])
            result.peak_mb.append(numbers["peak_mb"])
            result.setup_mb.append(numbers["setup_mb"])
            if turn == _runs(measure, size, repeat) - 1:
                log(f"  {measure.key} @ {size}: {result.median:.3f} s, {result.peak:.0f} MB "
                    f"({len(result.seconds)} run{'s' * (len(result.seconds) > 1)})")
    return results
