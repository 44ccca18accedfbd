"""Export: the register's risks written out in the tab-separated export or as one flat table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbook.core.model import Register
from workbook.core.words import plural


@dataclass(frozen=True)
class Exported:
    """A finished export: the register read, where it went, its format and what the format does not carry."""

    register: Register
    source: Path
    output: Path
    fmt: str
    dropped: tuple[str, ...]

    def lines(self) -> list[str]:
        lines = [f"Exported {plural(self.register.risks, 'risk')} from {self.source} to {self.output}."]
        if self.dropped and self.fmt == "text":
            lines.append(f"Note: the export format has no {', '.join(self.dropped)} "
                         f"{plural(self.dropped, 'column', with_count=False)}; those values stay in the workbook only.")
        elif self.dropped:
            lines.append(f"Note: a flat table does not carry {'; '.join(self.dropped)}; those stay in the workbook "
                         "only.")
        return lines


def export_register(path: Path, output: Path, *, fmt: str = "text", force: bool = False) -> Exported:
    """Write the register at `path` out in the export format, or as a flat xlsx/csv/tsv table (`fmt`)."""
    from workbook.files.atomic import check_writable, write_text_atomic
    from workbook.xlsx.reader import read_register

    check_writable(output, force=force)
    register = read_register(path)
    if fmt != "text":
        from workbook.importers.flat import not_carried, write_flat

        write_flat(register, output, fmt, force=force)
        return Exported(register, path, output, fmt, tuple(not_carried(register)))
    from workbook.export.text_format import dropped_columns, export_text

    write_text_atomic(output, export_text(register))
    return Exported(register, path, output, fmt, tuple(dropped_columns(register)))
