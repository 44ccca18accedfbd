"""Writing files safely: to a temporary file beside the target, then moved into place only if no one else has it.

The move is the commit: under the writer's lock, after the temporary file is complete, riskreg checks that no one
has the target open (`in_use`) and, for a file it read and is replacing (the register), that it is still the one
read. The target is then moved aside in one step, which catches whatever is there at that instant, checked again,
and the new file put in its place only where no file has appeared meanwhile: a save landing at any moment of the
commit is kept, never overwritten.

A command that writes two files (escalate: both registers) commits them together (`atomic_paths`): every file is
made and checked before any is replaced, and when a later replace still fails, each file already replaced gets back
the very file it held, kept aside until then (else its backup): all are written, or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import OutputError
from workbook.files.in_use import check_not_open

HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class Snapshot:
    """What a file was when riskreg read it: enough to tell any later save from it."""

    size: int
    mtime_ns: int
    inode: tuple[int, int]  # (device, inode): a save by rename, as Excel's, makes a new one
    sha256: str

    @classmethod
    def of(cls, path: Path | str) -> Snapshot | None:
        """Return the snapshot of the file at `path`, None when there is none."""
        with contextlib.suppress(OSError):
            if not stat.S_ISREG(os.stat(path).st_mode):
                return None  # a folder, a device, a pipe: nothing riskreg replaces by reading it first
        for _ in range(5):  # written to while it was read: read it again
            try:
                with open(path, "rb") as handle:
                    before = os.fstat(handle.fileno())
                    digest = hashlib.sha256()
                    while block := handle.read(HASH_BLOCK):
                        digest.update(block)
                    after = os.fstat(handle.fileno())
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None
            except OSError as err:
                raise OutputError(f"{path}: cannot be read ({err.strerror}), so nothing was changed. Check that "
                                  f"you may open it, and run the command again.") from None
            if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
                break
        return cls(after.st_size, after.st_mtime_ns, (after.st_dev, after.st_ino), digest.hexdigest())

    def same_content(self, other: Snapshot | None) -> bool:
        """Return whether `other` holds the same bytes (a sync client may touch the time and change none)."""
        return other is not None and (other.size, other.sha256) == (self.size, self.sha256)


def changed_on_disk(target: Path) -> OutputError:
    """Return the refusal of a write whose target was saved by another program after riskreg read it."""
    return OutputError(f"{target}: changed on disk while riskreg was writing it (saved from Excel or another "
                       f"program?), so nothing was written and that version is kept. Close the workbook in Excel "
                       f"and run the command again.")


def check_can_replace(target: Path) -> None:
    """Refuse to write `target` when it, or its folder, is read-only."""
    target = Path(target)
    folder = target.parent
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(target, os.W_OK)):
        # The mode, not only access(): a file marked read-only is a statement, even to an administrator.
        raise OutputError(f"{target}: is read-only, so nothing was changed. Make the file writable (its "
                          f"properties, or whoever manages the folder), or write to another file (-o).")
    # Windows ignores a folder's read-only attribute (Explorer sets it on customised folders); access() does not.
    if os.name != "nt" and folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: the folder {folder} is read-only for you, so nothing was changed. Ask "
                          f"for write access to the folder, or write to a file in another folder (-o).")


def check_writable(target: Path, *, force: bool = False, ours: bool = False, option: str = "--force") -> None:
    """Refuse to replace an existing `target` unless `force` (or the file is our own previous output); the
    message names the command's `option` that replaces it."""
    if target.is_dir():
        raise OutputError(f"{target}: is a folder. Give a file name for the output.")
    if target.exists() and not (force or ours):
        raise OutputError(f"{target}: already exists. Choose another name, or pass {option} to replace it.")
    if not target.parent.exists():
        raise OutputError(f"{target}: folder {target.parent} does not exist. Create it first or choose another path.")
    if not target.parent.is_dir():
        raise OutputError(f"{target}: {target.parent} is a file, not a folder. Choose another path.")


@contextlib.contextmanager
def atomic_path(target: Path, unchanged: Snapshot | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it over `target` only if the block succeeds, no one has
    `target` open, and (given `unchanged`, what was read) it is still as read."""
    target = Path(target)
    check_not_open(target)
    check_can_replace(target)
    temp = _temp_beside(target)
    try:
        yield temp
        _durable(temp)
        check_not_open(target)  # opened in Excel while riskreg worked: its next save would undo this one
        if unchanged is None:
            _replace(temp, target)
        else:
            commit(temp, target, unchanged)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _temp_beside(target: Path) -> Path:
    """Return a new empty temporary file beside `target`, with the mode the target has."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".~{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    except OSError as err:
        raise OutputError(f"{target}: cannot write in {target.parent} ({err.strerror}). Choose a folder you can "
                          f"write to.") from None
    os.close(fd)
    temp = Path(name)
    _permissions_for(temp, target)
    return temp


@dataclass(frozen=True)
class Commit:
    """One file of a write of several: where it goes, what it was when read (None: not read, no check), and the
    backup kept of it, if any (what it is restored from when its version aside cannot be put back)."""

    target: Path
    unchanged: Snapshot | None = None
    backup: Path | None = None


def _ready(commit: Commit) -> None:
    """Refuse when `commit.target` is open elsewhere, read-only, or no longer the file read."""
    check_not_open(commit.target)
    check_can_replace(commit.target)
    if commit.unchanged is not None:
        _unchanged_now(commit.target, commit.unchanged)


@contextlib.contextmanager
def atomic_paths(commits: Sequence[Commit]) -> Iterator[tuple[Path, ...]]:
    """Yield a temporary path beside each commit's target; when the block succeeds, check every target before
    replacing any, then replace them in order: when one fails, the files already replaced get back what they held,
    so all are written or none."""
    for commit in commits:
        check_not_open(commit.target)
        check_can_replace(commit.target)
    temps: list[Path] = []
    try:
        for commit in commits:
            temps.append(_temp_beside(commit.target))
        yield tuple(temps)
        for temp in temps:
            _durable(temp)
        for commit in commits:  # every file checked before any is replaced
            _ready(commit)
        done: list[tuple[Commit, Path | None]] = []  # each file replaced, and where the version it held is
        try:
            for commit, temp in zip(commits, temps):
                _ready(commit)  # again: a program may have opened it while the files before it were replaced
                done.append((commit, _replace_keeping(temp, commit)))
        except BaseException:
            _restore_all(done)
            raise
        for _, aside in done:
            if aside is not None:
                with contextlib.suppress(FileNotFoundError):
                    aside.unlink()  # the versions read: superseded, now that every file is written
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _replace_keeping(temp: Path, commit: Commit) -> Path | None:
    """Move `temp` over `commit.target`; return where the file it replaced is kept (None: there was none)."""
    if commit.unchanged is not None:
        return _swap(temp, commit.target, commit.unchanged)
    aside = temp.with_name(temp.name.removesuffix(".tmp") + ".old")
    try:
        os.rename(commit.target, aside)
    except FileNotFoundError:
        _replace(temp, commit.target)
        return None
    except PermissionError:
        raise OutputError(f"{commit.target}: cannot be replaced; is it open in Excel or Word? "
                          "Close it and run the command again.") from None
    try:
        _replace(temp, commit.target)
    except BaseException:
        _put_back(aside, commit.target)
        raise
    return aside


def _restore_all(done: Sequence[tuple[Commit, Path | None]]) -> None:
    """Give each file already replaced back what it held, latest first; refuse, naming its backup, when one
    cannot be."""
    for commit, aside in reversed(done):
        try:
            if aside is None:
                commit.target.unlink()  # made by this write: there was no file before
            else:
                os.replace(aside, commit.target)
            continue
        except OSError as err:
            problem = err.strerror or str(err)
        if commit.backup is not None and _copy_over(commit.backup, commit.target):
            continue
        if commit.backup is not None:
            way_back = f"Copy its backup {commit.backup} over it"
        elif aside is not None and aside.exists():
            way_back = f"Its version before this command is {aside}: rename it to {commit.target.name}"
        else:
            way_back = "Check it"
        raise OutputError(f"{commit.target}: was written, but a file written with it could not be, and "
                          f"{commit.target.name} could not be put back ({problem}). {way_back} before you run the "
                          "command again.") from None


def _copy_over(backup: Path, target: Path) -> bool:
    """Put a copy of `backup` in place of `target`; return whether it could be."""
    temp: Path | None = None
    try:
        temp = _temp_beside(target)
        shutil.copy2(backup, temp)
        os.replace(temp, target)
        return True
    except (OSError, OutputError):
        return False
    finally:
        if temp is not None:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _durable(temp: Path) -> None:
    """Have the system put `temp` on disk before it takes the target's name: a crash just after the move then
    leaves the new file whole, not empty."""
    with contextlib.suppress(OSError), open(temp, "r+b") as handle:
        os.fsync(handle.fileno())


def _replace(temp: Path, target: Path) -> None:
    try:
        os.replace(temp, target)
    except PermissionError:
        raise OutputError(f"{target}: cannot be replaced; is it open in Excel or Word? "
                          "Close it and run the command again.") from None


def commit(temp: Path, target: Path, read: Snapshot) -> None:
    """Move the finished `temp` over `target` only if `target` is still the file `read`; else refuse, with every
    version saved by another program left in place."""
    aside = _swap(temp, target, read)
    with contextlib.suppress(FileNotFoundError):
        aside.unlink()  # the version read: superseded by this write


def _unchanged_now(target: Path, read: Snapshot) -> Snapshot:
    """Return what `target` is now; refuse when it is gone or no longer holds what was `read`."""
    now = Snapshot.of(target)
    if now is None:
        raise OutputError(f"{target}: was moved or deleted while riskreg worked, so nothing was written. Its last "
                          f"version is in riskreg's backup folder beside it.")
    if not read.same_content(now):
        raise changed_on_disk(target)
    return now


def _swap(temp: Path, target: Path, read: Snapshot) -> Path:
    """Move `temp` over `target` as `commit` does; return where the version read now is, moved aside (the caller
    removes it, or puts it back)."""
    now = _unchanged_now(target, read)
    aside = temp.with_name(temp.name.removesuffix(".tmp") + ".old")
    try:
        os.rename(target, aside)  # one step: what is at `target` now, not a moment ago, is what gets checked
    except FileNotFoundError:
        raise OutputError(f"{target}: was moved or deleted while riskreg worked, so nothing was written.") from None
    except PermissionError:
        raise OutputError(f"{target}: cannot be replaced; is it open in Excel or Word? "
                          "Close it and run the command again.") from None
    try:
        # While the register is aside its name is free: the same file, as its inode and time say, needs no reading.
        moved = os.stat(aside)
        same_file = ((moved.st_dev, moved.st_ino), moved.st_mtime_ns, moved.st_size) == (now.inode, now.mtime_ns,
                                                                                         now.size)
        if not (same_file or read.same_content(Snapshot.of(aside))):
            _put_back(aside, target)  # a save landed between the check and the move: it stays
            raise changed_on_disk(target)
        if not _place(temp, target):
            raise changed_on_disk(target)  # a save landed while the register was aside: it stays
    except BaseException:
        if aside.exists() and not target.exists():
            _put_back(aside, target)
        if target.exists():  # else the version read stays aside, under its own name, rather than nowhere
            with contextlib.suppress(FileNotFoundError):
                aside.unlink()  # the version read: superseded by the save that refused this write
        raise
    return aside


def _place(temp: Path, target: Path) -> bool:
    """Move `temp` to `target` unless a file is there; return whether it was moved."""
    if os.name == "nt":  # pragma: no cover - Windows' rename refuses an existing target by itself
        try:
            os.rename(temp, target)
        except FileExistsError:
            return False
        return True
    try:
        os.link(temp, target)  # refuses an existing target, in one step
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (FAT, some shares): the nearest rename
        if target.exists():
            return False
        os.replace(temp, target)
        return True
    temp.unlink()
    return True


def _put_back(aside: Path, target: Path) -> None:
    """Return the file moved `aside` to `target`, unless a newer save is there already."""
    if _place(aside, target):
        return


def _permissions_for(path: Path, target: Path) -> None:
    """Give the temporary file the mode `target` has (a marked register may be kept owner-only), else the mode
    a plainly created file would have (mkstemp makes it owner-only)."""
    with contextlib.suppress(OSError):
        if target.exists():
            shutil.copymode(target, path)
            return
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(path, 0o666 & ~umask)


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `target` atomically, with the line ends given in `text`."""
    write_bytes_atomic(target, text.encode(encoding))
