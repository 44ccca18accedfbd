"""Read the tables of a source register: .xlsx/.xlsm (openpyxl), .csv/.tsv/.txt (pandas), .docx (python-docx)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from workbook.core.errors import ImportSourceError
from workbook.core.model import as_text
from workbook.export.html_text import BULLET
from workbook.files.package_guard import DOCUMENT, WORKBOOK, check_package
from workbook.importers.table import RawTable, Span
from workbook.core.words import plural

MAX_TEXT_BYTES = 50 * 1024 * 1024
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DOCUMENT_SUFFIXES = (".docx",)
SUFFIXES = WORKBOOK_SUFFIXES + TEXT_SUFFIXES + DOCUMENT_SUFFIXES
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
DELIMITERS = ",\t;|"
_BINARY = ((b"PK\x03\x04", "a zip package (an .xlsx workbook or .docx document?)"),
           (b"\xd0\xcf\x11\xe0", "an Office binary file (an old .xls or .doc?)"), (b"%PDF", "a PDF"))


def read_tables(path: Path | str, sheet: str | None = None) -> list[RawTable]:
    """Return the tables of the register at `path`: every worksheet (or `sheet`), the text file, every Word table."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportSourceError(f"{path}: no such file. Check the name and folder.")
    if path.is_dir():
        raise ImportSourceError(f"{path}: is a folder. Give the register file (.xlsx, .xlsm, .csv, .tsv, .txt, .docx).")
    if suffix not in SUFFIXES:
        raise ImportSourceError(
            f"{path}: riskreg imports .xlsx, .xlsm, .csv, .tsv, .txt and .docx files, not '{suffix or 'no extension'}'. "
            "Save the register in one of those formats (an old .xls as .xlsx) and import that.")
    if suffix in WORKBOOK_SUFFIXES:
        return _workbook_tables(path, sheet)
    if sheet is not None and suffix in TEXT_SUFFIXES:
        raise ImportSourceError(f"{path}: --sheet is for workbooks and Word documents; a text file has one table.")
    if suffix in DOCUMENT_SUFFIXES:
        return _document_tables(path, sheet)
    return [_text_table(path)]


# --- workbooks ---------------------------------------------------------------------------------------------

def _workbook_tables(path: Path, sheet: str | None) -> list[RawTable]:
    from openpyxl import load_workbook

    check_package(path, WORKBOOK, ImportSourceError)
    try:
        wb = load_workbook(path, data_only=True, keep_links=False)
    except Exception as err:  # checked as a sound package already: what openpyxl trips on is in the file
        raise ImportSourceError(f"{path}: cannot be read as an Excel workbook ({' '.join(str(err).split())[:200]}). "
                                "Open it in Excel, save it as .xlsx and import that.") from None
    names = [ws.title for ws in wb.worksheets]
    if sheet is not None:
        match = [n for n in names if n == sheet] or [n for n in names if n.lower() == sheet.strip().lower()]
        if not match:
            raise ImportSourceError(f"{path}: no sheet named '{sheet}' (sheets: {', '.join(names)}). "
                                    "Give one of those with --sheet.")
        names = match[:1]
    return [_sheet_table(path, wb[name]) for name in names if wb[name].sheet_state == "visible" or sheet]


def _sheet_table(path: Path, ws) -> RawTable:
    rows = [[as_text(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    merged: set[tuple[int, int]] = set()
    spans: list[Span] = []
    for span in ws.merged_cells.ranges:
        if span.min_row - 1 >= len(rows):
            continue
        top = rows[span.min_row - 1][span.min_col - 1]
        spans.append(Span(span.min_row - 1, span.min_col - 1, min(span.max_row, len(rows)) - span.min_row + 1,
                          span.max_col - span.min_col + 1))
        for r in range(span.min_row - 1, min(span.max_row, len(rows))):
            for c in range(span.min_col - 1, span.max_col):
                if (r, c) != (span.min_row - 1, span.min_col - 1) and c < len(rows[r]):
                    rows[r][c] = top
                    merged.add((r, c))
    hidden = {r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden}
    keep = [i for i in range(len(rows)) if i not in hidden]
    index = {old: new for new, old in enumerate(keep)}
    kept_spans = []
    for s in spans:  # a hidden row inside a merged cell shortens it
        inside = [index[r] for r in range(s.row, s.row + s.rows) if r in index]
        if inside:
            kept_spans.append(Span(inside[0], s.column, len(inside), s.columns))
    return RawTable(str(path), f"sheet '{ws.title}'", [rows[i] for i in keep], [i + 1 for i in keep],
                    {(index[r], c) for r, c in merged if r in index}, spans=kept_spans)


# --- text files -------------------------------------------------------------------------------------------

def decode_text(data: bytes, source: str) -> str:
    """Return the text of a CSV/TSV file: UTF-8 or UTF-16 (BOM or not), else Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ImportSourceError(f"{source}: says it is {encoding.upper()} but is not. Save it again as "
                                        "CSV UTF-8 and import that.") from None
    if data[:200].count(b"\x00") > 20:  # UTF-16 without a BOM: every other byte of ASCII text is zero
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of a CSV/TSV text: the one csv.Sniffer finds, else the most frequent."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return max(DELIMITERS, key=sample.count)


def _text_table(path: Path) -> RawTable:
    import pandas as pd

    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ImportSourceError(f"{path}: is {size // 1024 // 1024} MB; text registers over "
                                f"{MAX_TEXT_BYTES // 1024 // 1024} MB are refused. Check you picked the right file.")
    data = path.read_bytes()
    what = next((what for magic, what in _BINARY if data.startswith(magic)), None)
    if what:
        raise ImportSourceError(f"{path}: is {what}, not a text table. Give it its real extension, or save the "
                                "register as CSV.")
    text = decode_text(data, str(path))
    delimiter = sniff_delimiter(text)
    try:
        width = max((len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), default=0)
        if not width:
            raise ImportSourceError(f"{path}: is empty. Export the register with its header row and import that.")
        frame = pd.read_csv(io.StringIO(text, newline=""), sep=delimiter, header=None, names=range(width),
                            dtype=str, keep_default_na=False, skip_blank_lines=False, engine="c")
    except (csv.Error, pd.errors.ParserError) as err:
        raise ImportSourceError(f"{path}: cannot be read as a table ({' '.join(str(err).split())[:160]}). Open it "
                                "in Excel, save it as CSV UTF-8 and import that.") from None
    rows = [[_unquoted(cell.strip()) for cell in row] for row in frame.itertuples(index=False, name=None)]
    return RawTable(str(path), "", rows, list(range(1, len(rows) + 1)))


def _cell_text(tc, qn) -> str:
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        parts = []
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            parts.append(node.text or "" if node.tag == qn("w:t") else "\n" if node.tag == qn("w:br") else "\t")
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        listed = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None or (
            style is not None and any(w in (style.get(qn("w:val")) or "").lower() for w in ("bullet", "list")))
        text = "".join(parts)
        paragraphs.append(BULLET + text if listed and text.strip() and not text.startswith(BULLET.strip()) else text)
    return "\n".join(paragraphs).strip()


def _unquoted(cell: str) -> str:
    """Return `cell` without the apostrophe that keeps a leading = + - @ from running as a formula in Excel."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


# --- Word documents ------------------------------------------------------------------------------------------

def _document_tables(path: Path, table: str | None) -> list[RawTable]:
    from docx import Document
    from docx.oxml.ns import qn

    check_package(path, DOCUMENT, ImportSourceError)
    try:
        document = Document(str(path))
    except Exception as err:  # a sound package python-docx cannot read: name what it says
        raise ImportSourceError(f"{path}: cannot be read as a Word document ({' '.join(str(err).split())[:200]}). "
                                "Open it in Word, save it as .docx and import that.") from None
    tables = []
    around = _around_tables(document, qn)
    for number, t in enumerate(document.tables, start=1):
        rows, merged, spans = _word_grid(t._tbl, qn)
        tables.append(RawTable(str(path), f"table {number}", rows, list(range(1, len(rows) + 1)), merged,
                               spans=spans, around=around[number - 1] if number <= len(around) else []))
    if not tables:
        raise ImportSourceError(f"{path}: has no table. riskreg imports the register table of a board paper "
                                "(its appendix); check you picked the right document.")
    if table is not None:
        wanted = table.strip().lower().removeprefix("table").strip()
        if not wanted.isdecimal() or not 1 <= int(wanted) <= len(tables):
            choice = f"1 to {len(tables)}" if len(tables) > 1 else "1"
            raise ImportSourceError(f"{path}: no table '{table}': the document has {plural(tables, 'table')}; "
                                    f"give --sheet {choice}.")
        return [tables[int(wanted) - 1]]
    return tables


AROUND_PARAGRAPHS = 3  # paragraphs kept from just above and just below each Word table


def _around_tables(document, qn) -> list[list[tuple[str, str]]]:
    """Return, for each top-level Word table, the last paragraphs above it and the first below it (not in a table)."""
    blocks: list[str | None] = []  # a paragraph's text, None for a table
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            blocks.append(None)
        elif child.tag == qn("w:p"):
            text = "".join(node.text or "" for node in child.iter(qn("w:t"))).strip()
            if text:
                blocks.append(text)
    found: list[list[tuple[str, str]]] = []
    for at in (i for i, b in enumerate(blocks) if b is None):
        above: list[str] = []
        for b in reversed(blocks[:at]):
            if b is None or len(above) == AROUND_PARAGRAPHS:
                break
            above.insert(0, b)
        below: list[str] = []
        for b in blocks[at + 1:]:
            if b is None or len(below) == AROUND_PARAGRAPHS:
                break
            below.append(b)
        found.append([("above", t) for t in above] + [("below", t) for t in below])
    return found


def _word_grid(tbl, qn) -> tuple[list[list[str]], set[tuple[int, int]], list[Span]]:
    """Return a Word table's text grid, its copied positions and its merged cells (`gridSpan`, `vMerge`)."""
    rows: list[list[str]] = []
    merged: set[tuple[int, int]] = set()
    anchors: dict[int, list[int]] = {}  # grid column -> [anchor row, rows, columns] of the vertical merge open there
    spans: list[list[int]] = []
    for r, tr in enumerate(tbl.tr_lst):
        row: list[str] = []
        for tc in tr.tc_lst:
            text = _cell_text(tc, qn)
            vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            continued = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            start, width = len(row), tc.grid_span
            if continued and r and start in anchors and start < len(rows[-1]):
                anchor = anchors[start]
                anchor[2] += 1
                for c in range(start, start + width):
                    row.append(rows[-1][c] if c < len(rows[-1]) else "")
                    merged.add((r, c))
                continue
            for c in range(start, start + width):
                row.append(text)
                if c > start:
                    merged.add((r, c))
            anchor = [r, start, 1, width]
            if vmerge is not None or width > 1:
                spans.append(anchor)
            if vmerge is not None:
                anchors[start] = anchor
            else:
                anchors.pop(start, None)
        rows.append(row)
    return rows, merged, [Span(r, c, h, w) for r, c, h, w in spans if h > 1 or w > 1]
