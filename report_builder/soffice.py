"""Run LibreOffice headless in a process group of its own, so that no part of it outlives the run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

# LibreOffice took 49–108 s for a 1,000-risk paper (7.2 MB of document XML) on a 2-core machine, about 15 s per
# megabyte at worst: allow twice that, and never less than two minutes.
MIN_TIMEOUT_SECONDS = 120
SECONDS_PER_MEGABYTE = 30
_GONE_WITHIN = 5.0  # seconds to wait for the killed group to go


def conversion_timeout(docx: Path) -> int:
    """Return the seconds LibreOffice may take to convert `docx`, from the size of its document text."""
    try:
        with zipfile.ZipFile(docx) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (OSError, KeyError, zipfile.BadZipFile):
        size = Path(docx).stat().st_size
    return max(MIN_TIMEOUT_SECONDS, round(SECONDS_PER_MEGABYTE * size / 1_000_000))


def run_group(command: Sequence[str], timeout: float) -> subprocess.CompletedProcess:
    """Run `command` as the leader of a new process group; on timeout or interrupt end the whole group, then raise.

    soffice is a shell script that starts oosplash, which starts soffice.bin: killing the first alone leaves the
    converter running, re-parented to PID 1.
    """
    process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=die_with_parent if _PRCTL else None)
    try:
        out, err = process.communicate(timeout=timeout)
    except BaseException:  # the timeout, Ctrl+C, or anything else that stops us waiting
        end_group(process)
        raise
    end_group(process)  # a helper it left behind, if any
    return subprocess.CompletedProcess(list(command), process.returncode, out, err)


def _prctl():
    """Return Linux's prctl(2) through ctypes, or None elsewhere."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()
PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Have the kernel send `signum` to this process when the one that started it dies (Linux; elsewhere nothing).

    LibreOffice runs it in the child before exec, so that a server worker killed with -9 takes it along: the soffice
    script execs oosplash, which keeps it; what oosplash starts is ended by the server's sweep."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signum)


def end_group(process: subprocess.Popen) -> None:
    """Kill every process of `process`'s group and wait until none is left (zombies excepted)."""
    if os.name == "nt":  # no process groups to signal: end the process itself
        with contextlib.suppress(OSError):
            process.kill()
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
        process.communicate(timeout=_GONE_WITHIN)
    deadline = time.monotonic() + _GONE_WITHIN
    while os.name != "nt" and group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def group_members(group: int) -> list[int]:
    """Return the live (not zombie) processes of process group `group` (Linux: read from /proc; elsewhere [])."""
    members = []
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdecimal():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": state, ppid, pgrp, …
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members
