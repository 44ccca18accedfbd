"""One writer at a time: an owner file beside the file being written, in the spirit of Office's `~$` file.

`~$register.xlsx.riskreg-lock` holds who writes (process, computer, command, since when). It is created
exclusively (O_EXCL), so of two writers exactly one gets it; the other waits a few seconds for it to go, then
stops with a message naming the command that holds it. A lock whose process has ended (same computer) or that
is older than a day (another computer, whose processes cannot be seen from here) is stale and is taken over.
A thread that already holds the lock of a file may take it again (a job that reads and writes takes it around
both; the write inside takes it too); another thread of the same process waits like any other writer.

Taking the lock also refuses a file someone has open (`in_use`) or that is read-only, before any work, and records
what the file is at that moment (`held_as`): the write commits only over that same file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import OutputError
from workbook.files.atomic import Snapshot, check_can_replace
from workbook.files.in_use import check_not_open

LOCK_PREFIX, LOCK_SUFFIX = "~$", ".riskreg-lock"
WAIT_SECONDS = 5.0  # a write takes about a second at 1,000 risks; a second writer waits this long for it
POLL_SECONDS = 0.05
STALE_OTHER_HOST = dt.timedelta(days=1)
HALF_WRITTEN_SECONDS = 10.0  # a lock file still empty this long after it was made lost its writer mid-way

_held: dict[tuple[Path, int], int] = {}  # (lock file, thread) -> how many times that thread holds it
_taken_as: dict[tuple[Path, int], Snapshot | None] = {}  # (lock file, thread) -> the file when the lock was taken
_on_release: dict[tuple[Path, int], list[Callable[[], object]]] = {}  # (lock file, thread) -> what to forget then
_held_guard = threading.Lock()
_command = ""


def _host() -> str:
    """Return this computer's name (what socket.gethostname gives, without importing socket: click has platform)."""
    return platform.node()


def set_command(label: str) -> None:
    """Name the command this process runs, as a waiting writer will be told ('riskreg roll-quarter')."""
    global _command
    _command = label


def command_label() -> str:
    """Return the name of this process's command: as set, else the program's name and arguments."""
    return _command or " ".join([Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:2]]).strip()


def lock_path(target: Path | str) -> Path:
    """Return the lock file of `target`: '~$<name>.riskreg-lock' beside it."""
    target = Path(target)
    return target.with_name(f"{LOCK_PREFIX}{target.name}{LOCK_SUFFIX}")


@dataclass(frozen=True)
class Owner:
    """Who holds a lock, as its file says."""

    pid: int
    host: str
    command: str
    since: str  # ISO time, UTC
    token: str  # tells this holding of the lock from any later one

    def describe(self) -> str:
        where = "" if self.host == _host() else f" on {self.host}"
        since = self.since.replace("T", " ").removesuffix("+00:00")
        return f"{self.command or 'another riskreg command'} (process {self.pid}{where}, since {since} UTC)"


def _read_owner(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Owner(int(data["pid"]), str(data["host"]), str(data.get("command", "")), str(data["since"]),
                     str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows: os.kill(pid, 0) would end the process
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _is_stale(path: Path, owner: Owner | None) -> bool:
    if owner is None:  # empty or unreadable: being written this instant, or its writer died half-way
        with contextlib.suppress(OSError):
            return time.time() - path.stat().st_mtime > HALF_WRITTEN_SECONDS
        return False
    if owner.host == _host():
        return not _process_alive(owner.pid)
    try:
        since = dt.datetime.fromisoformat(owner.since)
    except ValueError:
        return True
    return dt.datetime.now(dt.timezone.utc) - since > STALE_OTHER_HOST


def _break(path: Path, stale: Owner | None) -> None:
    """Remove the stale lock at `path`, unless another writer has taken it over meanwhile."""
    breaker = path.with_name(path.name + ".break")
    try:
        fd = os.open(breaker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        with contextlib.suppress(OSError):
            if time.time() - breaker.stat().st_mtime > HALF_WRITTEN_SECONDS:
                breaker.unlink()  # left by a process that died while breaking a lock
        return
    os.close(fd)
    try:
        # Under the breaker no one else removes the lock, and no one can make a new one while it exists: so if it
        # still holds what was read as stale, it is that stale lock.
        if _read_owner(path) == stale and _is_stale(path, stale):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    finally:
        with contextlib.suppress(FileNotFoundError):
            breaker.unlink()


def _try_create(path: Path, owner: Owner) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except OSError as err:
        raise OutputError(f"{path.parent / path.name.removeprefix(LOCK_PREFIX).removesuffix(LOCK_SUFFIX)}: cannot "
                          f"make the lock file {path.name} in {path.parent} ({err.strerror}). Choose a folder you "
                          f"can write to.") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"pid": owner.pid, "host": owner.host, "command": owner.command, "since": owner.since,
                   "token": owner.token}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _acquire(target: Path, path: Path, command: str, wait: float) -> Owner:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    mine = Owner(os.getpid(), _host(), command, now.isoformat(), os.urandom(8).hex())
    deadline = time.monotonic() + wait
    while True:
        if _try_create(path, mine):
            return mine
        other = _read_owner(path)
        if _is_stale(path, other):
            _break(path, other)
            continue
        if time.monotonic() >= deadline:
            who = other.describe() if other else "another riskreg command"
            raise OutputError(
                f"{target}: is being written by {who}, so nothing was changed. Wait for it to finish and run this "
                f"command again. If no such command is running, delete {path.name} beside the file.")
        time.sleep(POLL_SECONDS)


def _release(path: Path, mine: Owner) -> None:
    if _read_owner(path) == mine:  # never remove a lock another writer took over as stale
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def one_writer(target: Path | str, command: str | None = None, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock of `target` for the block: wait up to `wait` seconds for another writer, then refuse."""
    target = Path(target)
    path = lock_path(target).absolute()
    if not path.parent.is_dir():  # nothing can be written there; the writer's own check says why, naming the folder
        yield path
        return
    key = (path, threading.get_ident())  # another thread of this process is another writer: it waits
    with _held_guard:
        again = _held.get(key, 0) > 0
        if again:
            _held[key] += 1
    if again:
        try:
            yield path
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    check_not_open(target)
    check_can_replace(target)
    mine = _acquire(target, path, command or command_label(), WAIT_SECONDS if wait is None else wait)
    try:
        taken_as = Snapshot.of(target)
    except BaseException:
        _release(path, mine)
        raise
    with _held_guard:
        _held[key] = 1
        _taken_as[key] = taken_as
    try:
        yield path
    finally:
        with _held_guard:
            del _held[key]
            del _taken_as[key]
            released = _on_release.pop(key, [])
        _release(path, mine)
        for forget in released:
            forget()


def when_released(target: Path | str, forget: Callable[[], object]) -> None:
    """Call `forget` when this thread lets go of the lock of `target` (at once when it does not hold it): what was
    read under the lock for the write that follows is let go with it, whether or not the write happens."""
    key = (lock_path(target).absolute(), threading.get_ident())
    with _held_guard:
        if key in _taken_as:
            _on_release.setdefault(key, []).append(forget)
            return
    forget()


def held_as(target: Path | str) -> Snapshot | None:
    """Return what `target` was when this thread took its lock (None when it did not exist); refuse when the
    thread does not hold it, since only a file read under its lock can be checked at the commit."""
    key = (lock_path(target).absolute(), threading.get_ident())
    with _held_guard:
        if key not in _taken_as:
            raise RuntimeError(f"{target}: its lock is not held, so what was read cannot be checked at the commit")
        return _taken_as[key]
