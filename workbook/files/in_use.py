"""Who has a file open: Office's `~$` owner file, LibreOffice's lock file, or a lock another program holds on it.

Excel, Word and PowerPoint write `~$<name>` beside a document they open for editing, on every system, holding the
user's name; LibreOffice writes `.~lock.<name>#`. A program may also hold an flock or fcntl lock on the file itself.
Any of these means a later save from that program would undo what riskreg writes, so every writer refuses.
Reading is never refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import sys
from pathlib import Path

from workbook.core.errors import OutputError

OWNER_PREFIX = "~$"
OWNER_BYTES = 256  # an owner file is 162 (Word) or 165 (Excel, PowerPoint) bytes
NAME_MAX = 52  # Office allows no longer user name
WORD_SUFFIXES = (".docx", ".docm", ".doc", ".dotx", ".dotm", ".dot", ".rtf")
LIBREOFFICE_PREFIX, LIBREOFFICE_SUFFIX = ".~lock.", "#"


def owner_file(target: Path | str) -> Path:
    """Return where Office keeps the owner file of `target`: Word shortens a long name, Excel never does."""
    target = Path(target)
    name = target.name
    if target.suffix.lower() in WORD_SUFFIXES:
        stem = len(target.stem)
        name = name[2:] if stem >= 8 else name[1:] if stem == 7 else name
    return target.with_name(OWNER_PREFIX + name)


def libreoffice_lock_file(target: Path | str) -> Path:
    """Return LibreOffice's lock file of `target`: '.~lock.<name>#' beside it."""
    target = Path(target)
    return target.with_name(f"{LIBREOFFICE_PREFIX}{target.name}{LIBREOFFICE_SUFFIX}")


def owner_name(data: bytes) -> str | None:
    """Return the user named in an Office owner file's bytes, None when they name no one riskreg can read.

    The layout (as LibreOffice reads and writes it): one byte, the name's length; the name in the Windows code
    page; padding to byte 54 (Word) or 55 (Excel, PowerPoint); a two-byte length and the name again in UTF-16-LE.
    """
    if len(data) < 57 or not 0 < data[0] <= NAME_MAX:
        return None
    at = 54
    # A Word file has zeros before byte 54; Excel's and PowerPoint's have a space or a zero and a space there.
    if data[at] == 0x20 and (data[at - 1] != 0 or data[at - 2] != 0):
        at = 55
    length = data[at] | data[at + 1] << 8
    if 0 < length <= NAME_MAX and len(data) >= at + 2 + 2 * length:
        with contextlib.suppress(UnicodeDecodeError):
            name = data[at + 2:at + 2 + 2 * length].decode("utf-16-le").strip()
            if name:
                return name
    name = data[1:1 + data[0]].decode("cp1252", errors="replace").strip()
    return name or None


def libreoffice_owner(text: str) -> str | None:
    """Return 'name on host' from a LibreOffice lock file's text ('name,user,host,date,profile;')."""
    fields = [field.strip() for field in text.rstrip().rstrip(";").split(",")]
    if len(fields) < 3:
        return None
    name = fields[0] or fields[1]
    return f"{name} on {fields[2]}" if name and fields[2] else name or None


def _read(path: Path, limit: int = OWNER_BYTES) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except FileNotFoundError:
        return None
    except OSError:
        return b""  # there, but unreadable (Office keeps it open on a share): still someone's


def _office_name(target: Path) -> str:
    suffix = target.suffix.lower()
    if suffix in WORD_SUFFIXES:
        return "Word"
    return "Excel" if suffix.startswith(".xl") else "Office"


def check_not_open(target: Path | str) -> None:
    """Refuse, naming who, when another program has `target` open for editing."""
    target = Path(target)
    if not target.is_file():
        return
    office = owner_file(target)
    data = _read(office)
    if data is not None:
        who = owner_name(data)
        by = f" by {who}" if who else ""
        raise OutputError(f"{target}: is open in {_office_name(target)}{by} ({office.name} is beside it), so nothing "
                          f"was changed. Close it in {_office_name(target)} and run the command again; if no one "
                          f"has it open, delete {office.name}.")
    libre = libreoffice_lock_file(target)
    data = _read(libre, 4096)
    if data is not None:
        who = libreoffice_owner(data.decode("utf-8", errors="replace"))
        by = f" by {who}" if who else ""
        raise OutputError(f"{target}: is open in LibreOffice{by} ({libre.name} is beside it), so nothing was "
                          f"changed. Close it in LibreOffice and run the command again; if no one has it open, "
                          f"delete {libre.name}.")
    holder = lock_holder(target)
    if holder is not None:
        raise OutputError(f"{target}: is open in {holder}, which holds a lock on it, so nothing was changed. Close "
                          f"it there and run the command again.")


def lock_holder(target: Path) -> str | None:
    """Return who holds an flock or fcntl lock on `target` ('process 1234 (soffice.bin)'), None when no one."""
    if os.name != "posix":  # pragma: no cover - Windows refuses the replace of a file open elsewhere by itself
        return None
    import fcntl

    try:
        handle = open(target, "rb")
    except OSError:
        return None
    with handle:
        fd = handle.fileno()
        held = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            held = err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
        pid = _fcntl_holder(fd) if not held else None
        if not held and pid is None:
            return None
        found = _proc_locks_holder(os.fstat(fd)) if pid is None else pid
    if found is None:
        return "another program"
    return _describe_process(found)


def _fcntl_holder(fd: int) -> int | None:
    """Return the process holding a record (fcntl) lock on the open file `fd`, None when none does."""
    import fcntl

    if sys.platform.startswith("linux"):
        # struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid
        layout = "hhqqi4x"
        query = struct.pack(layout, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        with contextlib.suppress(OSError):
            kind, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, query))
            return pid if kind != fcntl.F_UNLCK else None
        return None
    try:  # elsewhere: a read lock is refused only by another's write lock; who holds it is not told
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as err:
        return 0 if err.errno in (errno.EAGAIN, errno.EACCES) else None
    fcntl.lockf(fd, fcntl.LOCK_UN)
    return None


def _proc_locks_holder(info: os.stat_result) -> int | None:
    """Return the process /proc/locks names as holding a lock on the file `info` describes (Linux)."""
    wanted = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[1] != "->" and fields[5] == wanted:
            with contextlib.suppress(ValueError):
                return int(fields[4])
    return None


def _describe_process(pid: int) -> str:
    if pid <= 0:
        return "another program"
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        name = ""
    return f"process {pid} ({name})" if name else f"process {pid}"
