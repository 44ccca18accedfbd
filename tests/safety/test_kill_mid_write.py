"""A run killed mid-write (SIGKILL: no clean-up code runs) leaves the previous file intact and readable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.export.sample import SAMPLE_PERIOD, sample_export_path

# Runs the CLI with every zip part write slowed down and the final move held back, so that the test can
# kill it while the temporary file is being written, or after it is written but before it is moved.
# (SECURITY.md names the microseconds between the register's move aside and the new file's link.)
SLOW_CLI = """
import os, sys, time, zipfile
marker = sys.argv.pop(1)
for name in ("writestr", "write"):
    original = getattr(zipfile.ZipFile, name)
    def slow(self, *args, _original=original, **kwargs):
        time.sleep(0.05)
        return _original(self, *args, **kwargs)
    setattr(zipfile.ZipFile, name, slow)
from workbook.files.zip_parts import ZipWriter  # riskreg's own package writer: each part slowed down too
add = ZipWriter.add
def slow_add(self, *args, **kwargs):
    time.sleep(0.05)
    return add(self, *args, **kwargs)
ZipWriter.add = slow_add
def holding(move):
    def held(src, dst):
        open(marker, "w").close()
        time.sleep(60)
        move(src, dst)
    return held
os.replace = holding(os.replace)  # a new file's move
os.rename = holding(os.rename)  # the register's: moved aside as the new one takes its place
from addin.cli import main
main(sys.argv[1:])
"""

# Command -> (arguments, the file it replaces); {target} is an existing file, {register} a good register.
COMMANDS = {
    "import": (["import", str(sample_export_path()), "-o", "{target}", "--period", SAMPLE_PERIOD, "--force"],
               "register.xlsx"),
    "export": (["export", "{register}", "-o", "{target}", "--force"], "export.txt"),
    "paper": (["paper", "{register}", "-o", "{target}", "--force", "--overwrite"], "paper.docx"),
    "validate --write": (["validate", "{target}", "--write"], "register.xlsx"),
    "trends --write": (["trends", "{target}", "--write"], "register.xlsx"),
    "roll-quarter": (["roll-quarter", "{target}", "--period", "2021/22 Q3", "--force"], "register.xlsx"),
}


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".~")]


@pytest.mark.parametrize("moment", ["writing the temporary file", "before the move"])
@pytest.mark.parametrize("name", COMMANDS)
def test_killed_run_keeps_previous_file(name, moment, sample_workbook, tmp_path):
    args, target_name = COMMANDS[name]
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / target_name
    register = tmp_path / "source.xlsx"
    shutil.copyfile(sample_workbook, register)
    if target.suffix == ".xlsx":
        shutil.copyfile(sample_workbook, target)
    else:
        target.write_bytes(b"previous version\r\n")
    previous = target.read_bytes()
    marker = tmp_path / "about-to-move"
    command = [sys.executable, "-c", SLOW_CLI, str(marker),
               *[a.format(target=target, register=register) for a in args]]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if moment == "before the move" and marker.exists():
                break
            if moment == "writing the temporary file" and temp_files(folder):
                break
            time.sleep(0.01)
        assert process.poll() is None, f"the command ended before it could be killed: {process.communicate()}"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert target.read_bytes() == previous
    if target.suffix == ".xlsx":
        from workbook.xlsx.reader import read_register

        assert len(read_register(target).risks) == 18
