"""An Excel save during a 1,000-risk roll-quarter is never lost: riskreg refuses, or the save came after its write.

Real processes: `riskreg roll-quarter` in one, and in another a saver that does what Excel's Save does (writes a
whole new version of the workbook beside it and renames it over the register), started at a random moment of the
roll, a few times in quick succession. 50 runs, each with its own schedule.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.excel_save import saved_version
from support.large_register import PERIOD, write_large_register

from workbook.files.backup import backups_of
from workbook.xlsx.reader import read_register

RUNS = 50
ROOT = Path(__file__).resolve().parents[2]

SAVER = Path(__file__).resolve().parents[1] / "support" / "excel_save.py"


def _roll(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "addin", "roll-quarter", str(path), "--period",
                             PERIOD.next().label], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.slow
def test_no_save_is_lost_in_50_runs(tmp_path):
    base = write_large_register(tmp_path / "base.xlsx")
    data = base.read_bytes()
    # How long a roll takes here, to spread the saves over it (a schedule, not an assertion).
    warm = tmp_path / "warm"
    warm.mkdir()
    shutil.copyfile(base, warm / "register.xlsx")
    began = time.monotonic()
    assert _roll(warm / "register.xlsx").wait(timeout=120) == 0
    duration = time.monotonic() - began

    outcomes: dict[str, int] = {"refused": 0, "saved after the write": 0, "saved before the read": 0}
    lost = []
    for run in range(RUNS):
        folder = tmp_path / f"run {run}"
        folder.mkdir()
        path = folder / "register.xlsx"
        path.write_bytes(data)
        start = random.Random(run).uniform(0, duration * 1.2)
        roll = _roll(path)
        saver = subprocess.Popen([sys.executable, str(SAVER), str(path), str(base), str(run), f"{start:.3f}"],
                                 stdout=subprocess.PIPE, text=True)
        out, err = roll.communicate(timeout=120)
        versions = int(saver.communicate(timeout=60)[0])
        last = saved_version(data, versions)
        final = path.read_bytes()
        backups = backups_of(path)
        assert not [p.name for p in folder.iterdir() if p.name.startswith((".~", "saver"))], run  # no temp left
        if roll.returncode == 2:
            assert err.splitlines()[-1] == (
                f"Error: {path}: changed on disk while riskreg was writing it (saved from Excel or another "
                f"program?), so nothing was written and that version is kept. Close the workbook in Excel and run "
                f"the command again."), (run, err)
            assert not backups, run  # no backup of a write that did not happen
            if final != last:
                lost.append((run, "refused, yet the saver's last version is not on disk"))
            outcomes["refused"] += 1
        elif roll.returncode == 0:
            assert len(backups) == 1, (run, out)
            if final == last:  # the saver's save came after riskreg's write and replaced it
                outcomes["saved after the write"] += 1
            elif backups[0].read_bytes() == last:  # every save came before riskreg read the register
                assert read_register(path).period == PERIOD.next(), run
                outcomes["saved before the read"] += 1
            else:
                lost.append((run, "riskreg wrote over a save it had not read"))
        else:
            pytest.fail(f"run {run}: exit {roll.returncode}: {err}")
        shutil.rmtree(folder)
    assert lost == [], (lost, outcomes)
    assert sum(outcomes.values()) == RUNS, outcomes
    print(f"\n{RUNS} runs: {outcomes}; a roll took {duration:.2f} s", file=sys.stderr)
