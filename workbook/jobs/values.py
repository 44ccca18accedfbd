"""Working on values only: a server has the client's values, not its file, so a job that needs a file (the board
paper) runs on a scratch copy."""

from __future__ import annotations

from pathlib import Path


def scratch_copy(folder: Path, source: str, grids: dict) -> Path:
    """Write the sheets `grids` of the workbook named `source` as a workbook file in `folder` (named after it, so
    that a paper built from it is too); return its path."""
    from workbook.xlsx.grids import write_grids

    path: Path = write_grids(Path(folder) / _scratch_name(source), grids)
    return path


def _scratch_name(source: str) -> str:
    """Return a safe file name for the scratch copy of the workbook named `source` (the paper is named after it)."""
    return safe_file_name(source, ".xlsx")


def safe_file_name(source: str, suffix: str | None = None) -> str:
    """Return the last part of the file name `source` a client sent, fit to write in a scratch folder: letters,
    digits, spaces and -_() only, never empty, never a path; ending in `suffix`, or in its own (letters and digits
    only) when None."""
    path = Path(str(source).replace("\\", "/"))
    stem = "".join(ch for ch in path.stem if ch.isalnum() or ch in " -_()").strip() or "register"
    ending = suffix if suffix is not None else "." + "".join(ch for ch in path.suffix if ch.isalnum())[:10]
    return f"{stem[:100]}{ending if ending != '.' else ''}"
