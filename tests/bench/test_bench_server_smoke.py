"""Keep `python -m bench.server` working: a few users on a small register; every answer checked, no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_server_bench_runs_and_every_answer_is_right(tmp_path):
    out = tmp_path / "SERVER.md"
    done = subprocess.run([sys.executable, "-m", "bench.server", "--users", "3", "--rounds", "2", "--size", "20",
                           "--workers", "1", "--workdir", str(tmp_path / "work"), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["load"]["requests"], result["load"]["wrong"]) == (6, [])
    assert result["load"]["median_s"] > 0 and result["single"]["desktop_s"] > 0 and result["memory"]
    text = out.read_text(encoding="utf-8")
    assert "| wrong answers | 0 |" in text and "| server ÷ desktop |" in text


def test_the_bench_refuses_an_unbounded_run():
    done = subprocess.run([sys.executable, "-m", "bench.server", "--users", "500", "--rounds", "3"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "at most 1,000 requests per run" in done.stderr
