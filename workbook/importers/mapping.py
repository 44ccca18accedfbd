"""Read a mapping file (TOML) that says what the automatic column match got wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

from workbook.core.errors import ImportSourceError
from workbook.importers.columns import DEPTH_KEYS, SYNONYMS
from workbook.importers.headers import IGNORE, KEEP, ImportMapping
from workbook.importers.ratings import parse_bands
from workbook.core.words import plural

EXAMPLE = '''header_row = 3            # optional: the row the headers are on
table = 2                 # optional: in a Word document, the table the register is
id_pattern = "SR\\\\d{2}"    # optional: the Settings ID pattern
bands = "16-25 High, 12-15 High/Medium, 9-11 Medium, 1-8 Low"

[columns]                 # source header = register field, "keep" or "ignore"
"Risk Title" = "name"
"Notes" = "keep"
"Column B" = "id"         # a column by its place (two of one header, or none)'''


def read_mapping(path: Path | str) -> ImportMapping:
    """Return the mapping in the TOML file at `path`; raise naming the line and the fix."""
    path = Path(path)
    if not path.is_file():
        raise ImportSourceError(f"{path}: no such mapping file. Check the name and folder.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ImportSourceError(f"{path}: is not a TOML mapping file ({err}). Write it like:\n{EXAMPLE}") from None
    unknown = set(data) - {"columns", "bands", "header_row", "id_pattern", "table"}
    if unknown:
        raise ImportSourceError(f"{path}: unknown {plural(unknown, 'key', with_count=False)} {', '.join(sorted(unknown))}; "
                                "the keys are columns, bands, header_row, table and id_pattern.")
    columns = data.get("columns", {})
    fields = set(SYNONYMS) | set(DEPTH_KEYS) | {KEEP, IGNORE}
    for header, field in columns.items():
        if field not in fields:
            raise ImportSourceError(f"{path}: column '{header}' = '{field}': not a field. Use one of "
                                    f"{', '.join(sorted(fields))}.")
    try:
        bands = parse_bands(data.get("bands", ""))
    except ValueError as err:
        raise ImportSourceError(f"{path}: bands: '{err}' does not read as 'LOW-HIGH Rating', "
                                "e.g. \"16-25 High, 1-15 Low\".") from None
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise ImportSourceError(f"{path}: header_row = {header_row!r}: give the row number, e.g. header_row = 3.")
    table = data.get("table")
    if table is not None and (not isinstance(table, int) or table < 1):
        raise ImportSourceError(f"{path}: table = {table!r}: give the Word table's number, e.g. table = 2.")
    return ImportMapping(dict(columns), bands, header_row, str(data.get("id_pattern", "")), table, str(path))
