"""Files other programs leave beside a document they have open: Office's `~$` owner file, LibreOffice's lock file,
and a process that holds an flock or fcntl lock on the document."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

NAME_MAX = 52


def owner_file_bytes(user: str, app: str = "Excel") -> bytes:
    """Return an owner file naming `user` as Office writes it (the layout LibreOffice's MSO lock file code writes
    and reads): the name's length, the name in the Windows code page, padding, its length again as two bytes and
    the name in UTF-16-LE, then filler to 162 bytes (Word) or 165 (Excel, PowerPoint)."""
    user = user[:NAME_MAX]
    size = 162 if app == "Word" else 165
    data = bytearray([len(user)]) + user.encode("cp1252", errors="replace")
    if app == "Word":
        data += b"\x00" * (54 - len(data))
    else:
        if app == "PowerPoint":
            data += b"\x00"
        data += b" " * (55 - len(data))
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    filler = b"\x00" if app == "Word" else b" \x00"
    while len(data) < size:
        data += filler
    return bytes(data[:size])


def libreoffice_lock_text(user: str, system_user: str = "jsmith", host: str = "PC042") -> str:
    """Return a LibreOffice lock file's text: name, system user, host, date, profile, then ';'."""
    return f"{user},{system_user},{host},07.12.2026 14:30,file:///home/{system_user}/.config/libreoffice/4;"


HOLDER = r"""
import fcntl, sys
kind, path = sys.argv[1], sys.argv[2]
handle = open(path, "r+b")
if kind == "flock":
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
else:
    fcntl.lockf(handle.fileno(), fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


@contextlib.contextmanager
def lock_held(path: Path, kind: str = "flock") -> Iterator[subprocess.Popen]:
    """Hold an flock or fcntl (`kind`) lock on `path` from another process for the block."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, kind, str(path)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        yield process
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def process_name(pid: int) -> str:
    """Return the name Linux gives process `pid` (what riskreg names it by)."""
    return Path(f"/proc/{pid}/comm").read_text().strip()
