"""Where a worker writes files: a folder of its own (mode 0700), a private folder per request inside it, nothing kept.

Each worker makes `<root>/worker-<pid>` at start and points Python's temporary files there, so the libraries' own
temporary files (openpyxl, LibreOffice's work folder) land in it too. A request's folder is removed when the request
ends, however it ends. At start a worker sweeps the folders of workers that are gone (killed with -9, say): it ends
any process still working in them (a LibreOffice left behind) and removes them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "worker-"


def default_root() -> Path:
    """Return the scratch root when RISKREG_SCRATCH_DIR is unset: one per user in the system's temporary folder."""
    return Path(tempfile.gettempdir()) / f"riskreg-server-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _groups_using(folder: Path) -> set[int]:
    """Return the process groups of processes whose command line names a path in `folder` (Linux /proc)."""
    needle = str(folder).encode()
    groups: set[int] = set()
    for entry in Path("/proc").iterdir() if Path("/proc/self/cmdline").exists() else ():
        if not entry.name.isdecimal() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                groups.add(os.getpgid(int(entry.name)))
        except (OSError, ProcessLookupError):
            continue
    groups.discard(os.getpgid(0))  # never our own group (the server and its workers)
    return groups


def end_processes_in(folder: Path) -> None:
    """End every process group working in `folder` (a LibreOffice converting a paper there)."""
    for group in _groups_using(folder):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def sweep(root: Path) -> list[Path]:
    """Remove the folders of workers that are no longer running, ending what still works in them; return them."""
    removed = []
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):]
        if pid.isdecimal() and (int(pid) == os.getpid() or _alive(int(pid))):
            continue
        end_processes_in(folder)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


class Workspace:
    """A worker's scratch folder: made private at start, after sweeping those of dead workers."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root else default_root()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.swept = sweep(self.root)
        self.folder = self.root / f"{PREFIX}{os.getpid()}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(mode=0o700)
        tempfile.tempdir = str(self.folder)  # the libraries' temporary files too: swept with the folder
        os.environ["TMPDIR"] = str(self.folder)  # and LibreOffice's

    @contextlib.contextmanager
    def request(self, sole: bool = False) -> Iterator[Path]:
        """Yield a new private folder for one request; remove it when the request ends, however it ends.

        `sole`: no other request that writes temporary files runs meanwhile, so whatever the libraries left in the
        worker's folder during this one (openpyxl's temporary files after a failed save) is removed too."""
        before = set(os.listdir(self.folder)) if sole else set()
        folder = Path(tempfile.mkdtemp(prefix="request-", dir=self.folder))  # mode 0700
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            for name in set(os.listdir(self.folder)) - before if sole else ():
                if name.startswith("request-"):
                    continue  # another request's own folder (Validate runs beside a paper)
                path = self.folder / name
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        path.unlink()
