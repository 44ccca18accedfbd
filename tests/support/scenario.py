"""What the scenario tests share: running riskreg as a user does, and reading a paper back as the Committee reads it."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner

from addin.cli import cli


def run(*args, code: int = 0) -> str:
    """Run `riskreg` with `args`; return its output, failing when the exit code is not `code`."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, f"riskreg {' '.join(map(str, args))}: exit {result.exit_code}\n{result.output}"
    return result.output


def header_columns(ws) -> dict[str, int]:
    """Return header -> column of an openpyxl worksheet's first row."""
    return {str(cell.value): cell.column for cell in ws[1] if cell.value is not None}


def table_rows(document, first_header: str) -> list[list[str]]:
    """Return the cells of the paper's table whose first header is `first_header`."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_header:
            return rows
    raise AssertionError(f"no table headed {first_header!r}")


def normalised_text(path: Path) -> list[str]:
    """Return the paper's paragraphs and table cells, less the line naming the file it was built from."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs if not p.text.startswith("Built from register file")]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return lines
