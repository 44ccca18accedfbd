"""Keep `python -m bench.years` working: a tiny register rolled twice prints its row; no timing asserted."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # bench/ is a tool beside the package, not installed with it

from bench import years  # noqa: E402


def test_the_years_bench_prints_its_row(capsys):
    years.main(["--risks", "5", "--quarters", "2", "--edit"])
    row = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\| 5 risks, 2 roll-overs \| [\d.]+ MB \| first roll \+\d+% \| [\d.]+ MB after 2 \| "
                        r"last roll [\d.]+ s \|", row), row
