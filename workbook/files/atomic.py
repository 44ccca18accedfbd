"""Writing files safely: to a temporary file beside the target, then moved into place."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from workbook.core.errors import OutputError


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
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it over `target` only if the block succeeds."""
    target = Path(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".~{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    except OSError as err:
        raise OutputError(f"{target}: cannot write in {target.parent} ({err.strerror}). Choose a folder you can "
                          f"write to.") from None
    os.close(fd)
    temp = Path(name)
    _permissions_for(temp, target)
    try:
        yield temp
        try:
            os.replace(temp, target)
        except PermissionError:
            raise OutputError(f"{target}: cannot be replaced; is it open in Excel or Word? "
                              "Close it and run the command again.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


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
