"""Read and write the tab-separated register export: repeated title and header blocks, HTML cells."""

from __future__ import annotations

import codecs
import difflib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbook.core.errors import ExportFormatError, PeriodError
from workbook.core.model import HistoryEntry, Register, Risk
from workbook.core.periods import Period
from workbook.core.schema import (
    ALL_COLUMNS,
    COLUMNS,
    CORE_COLUMNS,
    DEFAULT_LISTS,
    EXCEL_CELL_LIMIT,
    EXPORT_LAYOUT,
    NOT_APPLICABLE,
    SETTINGS,
    TREND_HEADER_PATTERN,
    TREND_KEYS,
    trend_header,
)
from workbook.core.values import looks_like_formula
from workbook.export.html_text import fragment_to_text, text_to_fragment

MAX_EXPORT_BYTES = 50 * 1024 * 1024
FIX_HINT = "Correct the export (or export the register again) and import it again."
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BINARY_MAGIC = {b"PK\x03\x04": "a zip file (an .xlsx workbook?)",
                 b"\xd0\xcf\x11\xe0": "an Office binary file (an .xls workbook or .doc?)",
                 b"%PDF": "a PDF"}
_FIXED = [c for c in CORE_COLUMNS if c.kind != "trend"]


@dataclass(frozen=True)
class ExportRow:
    """One risk row of the export: its line in the file and its raw cells by column key."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Export:
    """The parsed export: title, header texts by key, trend quarters (oldest first) and the risk rows."""

    source: str
    title: str
    headers: dict[str, str]
    quarters: tuple[int, ...]
    rows: tuple[ExportRow, ...]


# --- decoding -------------------------------------------------------------------------------------------

def sniff_encoding(head: bytes, source: str) -> str | None:
    """Return the encoding a BOM announces (None: try UTF-8); refuse binary files by their signature."""
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise ExportFormatError(
                f"{source}: is {what}, not the tab-separated text export. Give the register export saved as .txt.")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode(data: bytes, source: str) -> str:
    """Return the text of an export: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252."""
    encoding = sniff_encoding(data[:4], source)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            raise _not_as_marked(source, encoding, data[err.start], err.start) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_cp1252(data, source)


def _not_as_marked(source: str, encoding: str, byte: int, offset: int | None = None) -> ExportFormatError:
    name = "UTF-8" if encoding.startswith("utf-8") else "UTF-16"
    where = f" at offset {offset}" if offset is not None else ""
    return ExportFormatError(
        f"{source}: starts with a {name} byte-order mark but is not valid {name} (byte 0x{byte:02X}{where}). Save "
        f"the export again as 'Unicode Text' or UTF-8 and import it again.")


def _decode_cp1252(data: bytes, source: str) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise ExportFormatError(
            f"{source}: is not text in UTF-8, UTF-16 or Windows-1252 (byte 0x{data[err.start]:02X} at offset "
            f"{err.start}). Save the export as 'Unicode Text' or UTF-8 and import it again.") from None


def _stream(path: Path, encoding: str) -> Iterator[str]:
    with open(path, "rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline=None) as text:
        for line in text:
            yield line.rstrip("\n")


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as raw:
        try:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def iter_lines(path: Path, source: str) -> Iterator[str]:
    """Yield the file's lines without line ends, decoding as `decode` does but one line at a time."""
    with open(path, "rb") as raw:
        encoding = sniff_encoding(raw.read(4), source)
    if encoding is None:
        # A UTF-8 error may come late in the file: decide before yielding the first line.
        encoding = "utf-8" if _is_utf8(path) else "cp1252"
    try:
        yield from _stream(path, encoding)
    except UnicodeDecodeError as err:
        if encoding == "cp1252":
            _decode_cp1252(path.read_bytes(), source)  # raises, naming the byte and its offset
        raise _not_as_marked(source, encoding, err.object[err.start]) from None


# --- parsing --------------------------------------------------------------------------------------------

def _cells(line: str, keep: int = 1) -> list[str]:
    """Split a line into cells, dropping blank cells padded on beyond the first `keep`."""
    cells = line.split("\t")
    while len(cells) > keep and not cells[-1].strip():
        cells.pop()
    return cells


def _expected_headers() -> str:
    names = [c.header for c in CORE_COLUMNS if c.kind != "trend"]
    return (f"{', '.join(names[:-1])}, {len(TREND_KEYS)} trend columns headed like '{trend_header(4)}', "
            f"{names[-1]}")


def _looks_like_header(cells: list[str]) -> bool:
    wanted = [c.header.lower() for c in _FIXED] + [trend_header(4).lower()]
    return any(difflib.get_close_matches(cell.strip().lower(), wanted, n=1, cutoff=0.6) for cell in cells)


def _header_error(line: int, found: list[str], problem: str, source: str) -> ExportFormatError:
    return ExportFormatError(
        f"{source} line {line}: {problem}. Expected headers: {_expected_headers()}; found: "
        f"{', '.join(found) or 'nothing'}. {FIX_HINT}")


def map_headers(cells: list[str], line: int, source: str) -> tuple[dict[str, int], dict[str, str]]:
    """Return column key -> 0-based position and key -> header text; raise naming the bad or missing headers."""
    found = [" ".join(c.split()) for c in cells]
    by_header = {c.header.lower(): c for c in _FIXED}
    positions: dict[str, int] = {}
    texts: dict[str, str] = {}
    trends: list[int] = []
    unknown: list[str] = []
    for position, text in enumerate(found):
        column = by_header.get(text.lower())
        if TREND_HEADER_PATTERN.match(text):
            trends.append(position)
        elif column is not None and column.key not in positions:
            positions[column.key], texts[column.key] = position, text
        else:
            unknown.append(text)
    missing = [c for c in _FIXED if c.key not in positions]
    if missing or unknown:
        raise _header_error(line, found, _header_problem(missing, unknown), source)
    if len(trends) != len(TREND_KEYS):
        raise _header_error(line, found, f"expected {len(TREND_KEYS)} trend columns, found {len(trends)}", source)
    for key, position in zip(TREND_KEYS, trends):
        positions[key], texts[key] = position, found[position]
    return positions, texts


def _header_problem(missing: list, unknown: list[str]) -> str:
    problems, explained = [], set()
    for column in missing:
        close = difflib.get_close_matches(column.header, unknown, n=1, cutoff=0.6)
        explained.update(close)
        hint = f" (found '{close[0]}': is it misspelt?)" if close else ""
        problems.append(f"missing column '{column.header}'{hint}")
    known = [c.header for c in _FIXED] + [trend_header(q) for q in range(1, 5)]
    for text in unknown:
        if text in explained:
            continue
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
        hint = f" (closest expected header: '{close[0]}')" if close else ""
        problems.append(f"unknown column '{text or '(blank)'}'{hint}")
    return "; ".join(problems)


def trend_quarters(texts: dict[str, str], line: int, source: str) -> tuple[int, ...]:
    """Return the trend columns' quarters, oldest first; raise unless they are consecutive quarters."""
    quarters = tuple(int(TREND_HEADER_PATTERN.match(texts[key]).group(1)) for key in TREND_KEYS)  # type: ignore[union-attr]
    if any(later != earlier % 4 + 1 for earlier, later in zip(quarters, quarters[1:])):
        shown = ", ".join(texts[key] for key in TREND_KEYS)
        raise ExportFormatError(
            f"{source} line {line}: the trend columns ({shown}) are not consecutive quarters, oldest first, "
            f"e.g. {trend_header(4)}, {trend_header(1)}, {trend_header(2)}. {FIX_HINT}")
    return quarters


class _Parser:
    """Walk the export's lines once, keeping only what the rows need."""

    def __init__(self, source: str):
        self.source = source
        self.title = ""
        self.header_line = 0
        self.header_cells: list[str] = []
        self.positions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.rows: list[ExportRow] = []
        self.ids: dict[str, int] = {}
        self.seen_text = False

    def feed(self, number: int, line: str) -> None:
        if "\x00" in line:
            raise ExportFormatError(
                f"{self.source} line {number}: holds NUL bytes, so this is not a text export (a spreadsheet or "
                f"Word file?). Give the register export saved as tab-separated text.")
        if not line.strip():
            return
        self.seen_text = True
        cells = _cells(line, keep=len(self.header_cells) or 1)
        if len(cells) == 1 and (not self.header_line or cells[0].strip().lower() == self.title.lower()):
            self.title = self.title or cells[0].strip()
            return
        if not self.header_line:
            self._first_header(number, cells)
        elif cells[0].strip().lower() == self.header_cells[0].strip().lower() and _looks_like_header(cells):
            self._repeated_header(number, cells)
        else:
            self._row(number, cells)

    def _first_header(self, number: int, cells: list[str]) -> None:
        if not _looks_like_header(cells):
            raise ExportFormatError(
                f"{self.source} line {number}: expected the header row ({_expected_headers()}) before the first "
                f"risk; found a row starting '{cells[0].strip()[:40]}'. {FIX_HINT}")
        self.positions, self.texts = map_headers(cells, number, self.source)
        trend_quarters(self.texts, number, self.source)
        self.header_line, self.header_cells = number, cells

    def _repeated_header(self, number: int, cells: list[str]) -> None:
        if [" ".join(c.split()) for c in cells] != [" ".join(c.split()) for c in self.header_cells]:
            map_headers(cells, number, self.source)
            raise ExportFormatError(
                f"{self.source} line {number}: this header row differs from the one on line {self.header_line} "
                f"({', '.join(c.strip() for c in cells)} instead of "
                f"{', '.join(c.strip() for c in self.header_cells)}). {FIX_HINT}")

    def _row(self, number: int, cells: list[str]) -> None:
        expected = len(self.header_cells)
        if len(cells) != expected:
            raise ExportFormatError(
                f"{self.source} line {number}: expected {expected} tab-separated cells (as in the header row on "
                f"line {self.header_line}), found {len(cells)}. A cell may hold a stray tab or line break, or be "
                f"missing. {FIX_HINT}")
        row = ExportRow(number, {key: cells[position] for key, position in self.positions.items()})
        risk_id = fragment_to_text(row.cells["id"])
        if risk_id and risk_id in self.ids:
            raise ExportFormatError(
                f"{self.source} line {number}: ID {' '.join(risk_id.split())} appears twice, on lines "
                f"{self.ids[risk_id]} and {number}. "
                f"Give each risk its own ID, or remove the repeated row. {FIX_HINT}")
        self.ids.setdefault(risk_id, number)
        self.rows.append(row)

    def result(self) -> Export:
        if not self.seen_text:
            raise ExportFormatError(
                f"{self.source}: the file is empty. Export the register again and import that file.")
        if not self.header_line:
            raise ExportFormatError(
                f"{self.source}: no header row found (expected {_expected_headers()}). {FIX_HINT}")
        quarters = trend_quarters(self.texts, self.header_line, self.source)
        return Export(self.source, self.title, dict(self.texts), quarters, tuple(self.rows))


def parse_lines(lines: Iterable[str], source: str) -> Export:
    """Return the export held in `lines` (no line ends); raise ExportFormatError naming the line."""
    parser = _Parser(source)
    for number, line in enumerate(lines, start=1):
        parser.feed(number, line)
    return parser.result()


def parse_export(text: str, source: str) -> Export:
    """Return the export held in `text`."""
    return parse_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), source)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB".replace(".0 MB", " MB") if count >= 1024 * 1024 else f"{count // 1024} KB"


def read_export(path: Path | str) -> Export:
    """Return the export in the file at `path`, read line by line; refuse huge and non-text files."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise ExportFormatError(f"{source}: is a folder, not the export. Give the path of the exported .txt file.")
    if not path.is_file():
        raise ExportFormatError(f"{source}: no such file. Check the name and folder of the export.")
    size = path.stat().st_size
    if size > MAX_EXPORT_BYTES:
        raise ExportFormatError(
            f"{source}: is {_size(size)}; exports over {_size(MAX_EXPORT_BYTES)} are "
            f"refused (a register export is normally well under 1 MB). Check you picked the right file.")
    return parse_lines(iter_lines(path, source), source)


# --- the register ---------------------------------------------------------------------------------------

def check_period(export: Export, period: Period) -> tuple[Period, ...]:
    """Return the trend periods, oldest first, ending at `period`; raise when its quarter does not fit."""
    newest = export.quarters[-1]
    if period.quarter != newest:
        suggestion = Period(period.year, newest)
        raise PeriodError(
            f"{export.source}: the reporting period {period.label} does not fit the export, whose newest trend "
            f"column is '{export.headers[TREND_KEYS[-1]]}'. Give a period in Q{newest}, e.g. {suggestion.label}.")
    return tuple(period.shifted(i - len(TREND_KEYS) + 1) for i in range(len(TREND_KEYS)))


def _cell_text(row: ExportRow, key: str, source: str) -> str | None:
    text = fragment_to_text(row.cells[key])
    if len(text) > EXCEL_CELL_LIMIT:
        header = next(c.header for c in CORE_COLUMNS if c.key == key)
        raise ExportFormatError(
            f"{source} line {row.line}: the '{header}' cell holds {len(text)} characters; Excel allows "
            f"{EXCEL_CELL_LIMIT}. Shorten it and import again.")
    return text or None


def imported_history(risks: list[Risk], periods: tuple[Period, ...]) -> list[HistoryEntry]:
    """Return History rows for the imported trends: one per risk per period on the register, rating for the last."""
    entries: list[HistoryEntry] = []
    for risk in risks:
        for key, period in zip(TREND_KEYS, periods):
            trend = risk.text(key)
            if not trend or trend == NOT_APPLICABLE:
                continue
            rating = risk.rating if period == periods[-1] else ""
            entries.append(HistoryEntry(row=len(entries) + 2, risk_id=risk.id, period=period.label,
                                        rating=rating, trend=trend, source="imported"))
    return entries


def to_register(export: Export, period: Period) -> Register:
    """Return the register an import writes: cells as clean text, sheet rows from 2, history marked imported."""
    periods = check_period(export, period)
    risks = [Risk(row=index, values={c.key: (_cell_text(row, c.key, export.source) if c.key in row.cells else None)
                                     for c in COLUMNS})
             for index, row in enumerate(export.rows, start=2)]
    settings = {s.key: s.default for s in SETTINGS}  # what `new` writes; the paper's own details are given
    settings["period"] = period.label
    headers = {c.key: c.header for c in COLUMNS} | {key: export.headers[key] for key in TREND_KEYS}
    return Register(risks=risks, trend_periods=periods, settings=settings, lists=dict(DEFAULT_LISTS),
                    history=imported_history(risks, periods), columns={c.key: i for i, c in enumerate(COLUMNS, 1)},
                    headers=headers, header_row=1, source=export.source)


# --- writing -----------------------------------------------------------------------------------------

def dropped_columns(register: Register) -> list[str]:
    """Return the headers of columns holding values that the export format has no place for."""
    core = {c.key for c in CORE_COLUMNS}
    return [register.header_of(c.key) for c in ALL_COLUMNS
            if c.key not in core and c.key in register.columns and any(r.text(c.key) for r in register.risks)]


# Excel opens a .txt export with its text import: a cell starting with one of these would run as a formula
# (`=cmd|…` is DDE). A character reference reads the same to the register system and to `riskreg import`.


def _cell_fragment(text: str) -> str:
    fragment = text_to_fragment(text)
    return f"&#{ord(fragment[0])};{fragment[1:]}" if looks_like_formula(fragment) else fragment


def _export_row(risk: Risk) -> str:
    return "\t".join(_cell_fragment(risk.text(c.key)) for c in CORE_COLUMNS)


def export_text(register: Register) -> str:
    """Return the register in the export format: a title and header block every few risks, HTML cells."""
    header = "\t".join(register.header_of(c.key) for c in CORE_COLUMNS)
    size = EXPORT_LAYOUT.rows_per_block
    blocks = [register.risks[i:i + size] for i in range(0, len(register.risks), size)] or [[]]
    lines = [""]
    for block in blocks:
        lines += ["", EXPORT_LAYOUT.title, "", header, *(_export_row(risk) for risk in block)]
    return "\n".join(lines)
