"""The full-register appendix: column widths, and the rows written as text straight into the saved paper.

A force-wide register has thousands of risks. Built as lxml elements the rows cost about 60 KB of memory and
0.6 ms each; written as text and deflated (in a second thread, while the rest of the paper is built) they cost
about what their share of the file does.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from report_builder.content import AppendixColumn, AppendixRow, Para, Text
from report_builder.wordml import ParagraphWriter

if TYPE_CHECKING:
    from workbook.files.zip_parts import Deflated

# A4 landscape with 2 cm margins leaves 25.7 cm: the default when the template's section does not say.
WIDTH_CM = 25.6
# Rough widths of 8 pt text, in ems, generous enough for Arial and for DejaVu Sans (LibreOffice's stand-in for
# Arial where Arial is not installed), so no word is split; and a cell's padding.
EM_CM = 8 / 72 * 2.54
NARROW, WIDE = set("fijlrt.,:;'!|()- "), set("mwMW")
BOLD = 1.1
PADDING_CM = 0.45
SHORT_KINDS = ("id", "trend", "rating", "score", "date", "status")  # as wide as their longest word, no more
TEXT_MIN_CM = 2.0  # a text column never shrinks below about a dozen characters a line
SHORT_TEXT_CHARS = 160  # a text column this short on average is measured word by word
WORD_CAP_CM = 3.6  # a longer word may break: better than starving the columns beside it
CENTRED_KINDS = ("trend", "rating", "score", "id")
REPEATED_KINDS = ("trend", "rating", "score", "date", "status")
ARROW_CELL_PT = 12  # an arrow alone in a cell reads better larger than the 8 pt text

# Where the rows go: a comment left in the table, replaced by the rows when the document part is written.
ROWS_COMMENT = "riskreg:appendix-rows"
ROWS_MARK = f"<!--{ROWS_COMMENT}-->".encode()
DOCUMENT_PART = "word/document.xml"


def word_cm(word: str, bold: bool = False) -> float:
    """Return about how wide `word` prints in the 8 pt table text."""
    ems = sum(0.35 if ch in NARROW else 0.95 if ch in WIDE else 0.75 if ch.isupper() else
              0.64 if ch.isdigit() else 0.62 for ch in word)
    return ems * EM_CM * (BOLD if bold else 1.0)


def _widest_word_cm(texts: Iterable[str], bold: bool = False, hyphens: bool = False) -> float:
    # a line may break after a slash as well as at a space ("Portfolio/ Department"), and in a trend's word after
    # its hyphen ("↘ De-/escalating")
    words = {word for text in texts for word in
             (text.replace("-", "- ") if hyphens else text).replace("/", "/ ").split()}
    return max((word_cm(word, bold) for word in words), default=0.0)


def column_widths(columns: Sequence[AppendixColumn], rows: Sequence[AppendixRow],
                  total_cm: float = WIDTH_CM) -> list[float]:
    """Return each column's width in cm, from its content, adding up to `total_cm`.

    No header breaks inside a word; short columns (IDs, arrows, ratings, dates) are as wide as their longest
    word; the text columns share the rest by how much text they hold.
    """
    header_cm = [_widest_word_cm([c.header], bold=True) + PADDING_CM for c in columns]
    widths: list[float | None] = []
    weights: dict[int, float] = {}
    for index, column in enumerate(columns):
        if column.kind in SHORT_KINDS:
            widest = _widest_word_cm((p.text for row in rows for p in row.cells[index]), column.kind == "rating",
                                     hyphens=column.kind == "trend")
            widths.append(max(header_cm[index], widest + PADDING_CM))
        else:
            widths.append(None)
            mean = sum(len(p.text) for row in rows for p in row.cells[index]) / max(1, len(rows))
            weights[index] = max(1.0, mean) ** 0.5  # long text gets more, not all
            if mean <= SHORT_TEXT_CHARS:  # names, owners, details: keep their words whole too
                widest = _widest_word_cm(p.text for row in rows for p in row.cells[index])
                header_cm[index] = max(header_cm[index], min(widest + PADDING_CM, WORD_CAP_CM))
    floors = {i: max(header_cm[i], TEXT_MIN_CM) for i in weights}
    spare = total_cm - sum(w for w in widths if w is not None)
    free = dict(weights)
    while free:  # share by weight; a column its share leaves under its floor takes the floor instead
        share = {i: spare * w / sum(free.values()) for i, w in free.items()}
        low = [i for i, cm in share.items() if cm < floors[i]]
        if not low:
            for i, cm in share.items():
                widths[i] = cm
            break
        for i in low:
            widths[i] = floors[i]
            spare -= floors[i]
            del free[i]
    result = [float(w) for w in widths]  # type: ignore[arg-type]
    scale = total_cm / sum(result) if result and sum(result) > total_cm else 1.0
    return [round(w * scale, 2) for w in result]


def twips(cm: float) -> int:
    from docx.shared import Cm

    return round(Cm(cm).twips)


class _Column:
    """One column's cell writers: plain, and shaded by rating where the column is the rating."""

    def __init__(self, column: AppendixColumn, width_cm: float):
        self.width = f'<w:tcW w:type="dxa" w:w="{twips(width_cm)}"/>'
        self.rated = column.kind == "rating"
        self.look = {"centre": column.kind in CENTRED_KINDS,
                     "arrow_size_pt": ARROW_CELL_PT if column.kind == "trend" else None}
        self.writers: dict[tuple[str, str] | None, tuple[str, ParagraphWriter, ParagraphWriter]] = {}
        self.empties: dict[tuple[str, str], str] = {}
        # a trend, rating, score or date column holds a few values over and over: each cell written once
        self.written: dict[tuple[Text, str, str], str] | None = {} if column.kind in REPEATED_KINDS else None

    def _writers(self, row: AppendixRow):
        rating = (row.fill, row.font) if self.rated and row.fill else None
        key = rating
        if key not in self.writers:
            look = dict(self.look, bold=True, colour=rating[1]) if rating else self.look
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{rating[0]}"/>' if rating else ""
            self.writers[key] = (f"<w:tc><w:tcPr>{self.width}{shade}</w:tcPr>",
                                 ParagraphWriter("TableText", **look), ParagraphWriter("TableBullet", **look))
        return self.writers[key]

    def cell(self, text: Text, row: AppendixRow) -> str:
        if self.written is None:
            return self._cell(text, row)
        key = (text, row.fill, row.font)
        found = self.written.get(key)
        if found is None:
            found = self.written[key] = self._cell(text, row)
        return found

    def _cell(self, text: Text, row: AppendixRow) -> str:
        opening, plain, bullet = self._writers(row)
        paragraphs = [(bullet if para.bullet else plain)(para.text) for para in text] or [plain("")]
        return f"{opening}{''.join(paragraphs)}</w:tc>"

    def run_cell(self, run: Sequence[tuple[str, bool]], row: AppendixRow) -> str:
        """Return the cell holding `run`, a piece's share of a column as (text, bullet) pairs (see _runs)."""
        opening, plain, bullet = self._writers(row)
        paragraphs = [(bullet if is_bullet else plain)(text) for text, is_bullet in run] or [plain("")]
        return f"{opening}{''.join(paragraphs)}</w:tc>"

    def empty(self, row: AppendixRow) -> str:
        """Return the column's empty cell (a piece's share of a column that has run out), written once."""
        key = (row.fill, row.font) if self.rated else ("", "")
        if key not in self.empties:
            self.empties[key] = self._cell((), row)
        return self.empties[key]


# A risk's row is cut into pieces of at most this many estimated lines of its tallest text column (some 44 lines of
# 8 pt text fit an A4 landscape page), each starting with the risk's ID and name ("CRR07 | Demographics (continued)")
# and rating. A piece may not break across pages, so every page of the appendix starts with a row that names its
# risk; the price is the part of a page a piece that does not fit leaves empty, on average about half a piece. Small
# pieces, filled to the brim and each column's text shared evenly over them, keep that small: the demo paper prints
# on 24 pages against 22 with whole rows that break (29 with pieces of 16 lines that kept every paragraph whole), the
# 1,000-risk paper on 1,439 against 1,263 (2,059). Pieces of 8 lines gain no page (1,449) at more work; of 14 lose.
PIECE_LINES = 10
# A piece holds at least this many lines more than its "Name (continued)" cell takes.
NAME_ROOM = 3
# A paragraph that does not fit what is left of a piece fills it when at least this many lines are left, the rest
# going on in the next piece; with fewer left, it starts the next piece.
MIN_PART_LINES = 3
# A piece still taller than this (a long word-less run) may break: kept whole it might not fit on a page.
UNSPLIT_LINES = 40
# An average character of the 8 pt text, and what a line leaves unfilled on average (the next word did not fit),
# measured on the demo paper's rendered pages in Liberation Sans (a 3.9 cm text column holds about 28 characters a
# line); a bullet is indented, and each paragraph has 2 pt after it (about a fifth of a line).
CHAR_CM = 0.42 * EM_CM
WORD_SLACK = 3
BULLET_INDENT_CM = 0.35
SPACE_AFTER = 0.2
CONTINUED = " (continued)"
# The part of a paragraph that goes on from the piece above starts with this, so a reader (and `riskreg import` of
# the paper, which joins the two parts back into one paragraph) can tell it from a paragraph of its own.
GOES_ON = "\u2026 "


@functools.cache
def _per_line(width_cm: float, bullet: bool = False) -> int:
    """Return about how many characters a line of a cell `width_cm` wide holds."""
    return max(8, int((width_cm - PADDING_CM - (BULLET_INDENT_CM if bullet else 0.0)) / CHAR_CM) - WORD_SLACK)


def _lines(para: Para, width_cm: float) -> float:
    """Return about how many lines `para` takes in a cell `width_cm` wide, its space after included."""
    return (-(-len(para.text) // _per_line(width_cm, para.bullet)) or 1) + SPACE_AFTER


SENTENCE_FROM = 2  # a part may end after a sentence that ends in the later half of its room
SENTENCE_END = re.compile(r"[.;!?](?= [A-Z0-9•])")  # not "e.g. the": a sentence's next starts with a capital


def _split(para: Para, room: int) -> tuple[Para, Para]:
    """Return the first at most `room` characters of `para` and the rest, cut after a sentence that ends in the
    later half of them (a listener hears a sentence whole), else between words, else where the room ends; the rest
    goes on the same item (no new bullet) and starts with GOES_ON."""
    head, rest = _cut(para.text, room)
    return Para(head, para.bullet), Para(rest, False)


def _cut(text: str, room: int) -> tuple[str, str]:
    """Return the two texts `_split` cuts `text` into."""
    window = text[:room]
    start = len(GOES_ON) if text.startswith(GOES_ON) else 0  # a part going on is cut after its mark, not at it
    cut = -1
    for end in SENTENCE_END.finditer(window, room // SENTENCE_FROM):  # the last
        cut = end.start()
    if cut < room // SENTENCE_FROM:
        cut = window.rfind(" ", start + 1)
    cut = cut + 1 if cut > start else room
    return text[:cut].rstrip(), GOES_ON + text[cut:].lstrip()


def _per_lines(width_cm: float) -> tuple[int, int]:
    """Return `_per_line` of a cell `width_cm` wide for a plain paragraph and for a bullet (indexed by bullet)."""
    return _per_line(width_cm), _per_line(width_cm, True)


def _text_lines(text: Text, per: tuple[int, int]) -> float:
    """Return `_lines` summed over `text` in a cell whose `_per_lines` are `per`."""
    return sum((-(-len(para.text) // per[para.bullet]) or 1) + SPACE_AFTER for para in text)


def _chunks(text: Text, width_cm: float, budget: float = 0.0, runs: int = 0) -> list[Text]:
    """Return `text` in runs of at most `budget` (else PIECE_LINES) lines, in order: a paragraph that does not fit
    what is left of a run fills it when MIN_PART_LINES or more are left (see _split) and goes on in the next. The
    `runs`-th run may fill a whole piece of PIECE_LINES, so that a row's last lines do not make a piece of their
    own."""
    return [tuple(Para(*pair) for pair in run) for run in _runs(text, _per_lines(width_cm), budget, runs)] or [()]


def _runs(text: Text, per: tuple[int, int], budget: float = 0.0, runs: int = 0) -> list[list[tuple[str, bool]]]:
    """Return what `_chunks` does, as (text, bullet) pairs, for a cell whose `_per_lines` are `per` (no runs for
    no text): the appendix rows' inner loop, so no Para is made for a part."""
    budget = max(budget or PIECE_LINES, MIN_PART_LINES + 1.0)  # room to fill, or every run would be empty
    last_budget = max(budget, PIECE_LINES)
    chunks: list[list[tuple[str, bool]]] = [[]]
    used = 0.0
    for para in text:
        body, bullet = para.text, para.bullet
        while True:
            per_line = per[bullet]
            lines = (-(-len(body) // per_line) or 1) + SPACE_AFTER
            left = (last_budget if len(chunks) == runs else budget) - used
            if lines <= left:
                chunks[-1].append((body, bullet))
                used += lines
                break
            if left >= MIN_PART_LINES:
                head, body = _cut(body, int(left - SPACE_AFTER) * per_line)
                chunks[-1].append((head, bullet))
                bullet = False
            chunks.append([])
            used = 0.0
    chunks = [chunk for chunk in chunks if chunk]
    if runs and len(chunks) > runs and \
            sum((-(-len(body) // per[bullet]) or 1) + SPACE_AFTER for body, bullet in chunks[-1]) <= MIN_PART_LINES:
        _join_tail(chunks)
    return chunks


def _join_tail(chunks: list[list[tuple[str, bool]]]) -> None:
    """Put the last run's few lines back at the end of the run before (a paragraph cut between them whole again)."""
    tail = chunks.pop()
    if tail[0][0].startswith(GOES_ON):
        head = chunks[-1][-1]
        chunks[-1][-1] = (f"{head[0]} {tail[0][0][len(GOES_ON):]}", head[1])
        tail = tail[1:]
    chunks[-1].extend(tail)


# Text columns a row's pieces never share out: the name (repeated, "continued"), and Details' labelled lines, which
# stay together in the first piece.
WHOLE_TEXT_KEYS = ("name", "details")


def _is_cut(column: AppendixColumn) -> bool:
    return column.kind == "text" and column.key not in WHOLE_TEXT_KEYS


def continued(name: Text) -> str:
    """Return the name cell of a row's later pieces: "Demographics (continued)", a name's own full stop left out."""
    return " ".join(p.text for p in name).rstrip(". ") + CONTINUED


def _row_chunks(cells: Sequence[Text], widths_cm: Sequence[float], cut: Sequence[bool],
                name: int | None = None) -> list[list[Text] | None]:
    """Return the runs of each `cut` column of a row (None for the others), the row's text shared out evenly: as
    many pieces as its tallest column needs at PIECE_LINES lines (or, where the name column's "… (continued)" is
    taller, a few lines more than it), each column taller than one piece spread over all of them, so that a column
    with less text never makes a piece taller than the tallest column's share (its lines are an estimate)."""
    pers = [_per_lines(width) for width in widths_cm]
    shared = _row_runs(cells, pers, cut, None if name is None else _name_lines(continued(cells[name]), pers[name]))
    return [[tuple(Para(*pair) for pair in run) for run in runs] if runs is not None else [text] if cut[i] else None
            for i, (text, runs) in enumerate(zip(cells, shared))]


def _name_lines(named: str, per: tuple[int, int]) -> float:
    """Return the lines of `named`, the name cell of a row's later pieces ("… (continued)")."""
    return (-(-len(named) // per[False]) or 1) + SPACE_AFTER


def _row_runs(cells: Sequence[Text], pers: Sequence[tuple[int, int]], cut: Sequence[bool],
              name_lines: float | None) -> list[list[list[tuple[str, bool]]] | None]:
    """Return `_row_chunks`' runs of the `cut` columns taller than one piece, as `_runs` gives them, and None for
    every other column (whole in the first piece); `pers` are the columns' `_per_lines`, `name_lines` what
    `_name_lines` gives for the row's name, if it has one."""
    totals = [_text_lines(text, per) if cut[i] else 0.0 for i, (text, per) in enumerate(zip(cells, pers))]
    size = float(PIECE_LINES)
    if name_lines is not None:
        size = max(size, name_lines + NAME_ROOM)
    count = -(-max(totals, default=0.0) // size)
    if count <= 1:
        return [None] * len(cells)
    return [_runs(text, per, max(MIN_PART_LINES + 1.0, min(size, totals[i] / count + 1.0)), int(count))
            if cut[i] and totals[i] > size else None  # a short column stays whole in the first
            for i, (text, per) in enumerate(zip(cells, pers))]


def pieces(columns: Sequence[AppendixColumn], row: AppendixRow, widths_cm: Sequence[float]) -> list[tuple[Text, ...]]:
    """Return the cells of each piece of `row`: the text columns' paragraphs shared out in order; every piece
    repeats the ID, the name (marked continued) and the rating, the other short columns stand in the first."""
    cut = [_is_cut(column) for column in columns]
    name = next((i for i, column in enumerate(columns) if column.key == "name"), None)
    chunked = [chunks if chunks is not None else [text]
               for chunks, text in zip(_row_chunks(row.cells, widths_cm, cut, name), row.cells)]
    count = max(len(chunks) for chunks in chunked)
    if count == 1:
        return [row.cells]
    result = []
    for index in range(count):
        cells: list[Text] = []
        for column, text, chunks in zip(columns, row.cells, chunked):
            if column.key == "name" and index:
                cells.append((Para(continued(text)),))
            elif column.key in ("id", "name") or column.kind == "rating":
                cells.append(text)
            elif len(chunks) > 1 or column.kind == "text":
                cells.append(chunks[index] if index < len(chunks) else ())
            else:
                cells.append(text if index == 0 else ())
        result.append(tuple(cells))
    return result


def piece_lines(piece: Sequence[Text], widths_cm: Sequence[float]) -> float:
    """Return about how many lines the tallest cell of `piece` takes."""
    return max((sum(_lines(para, width) for para in text) for text, width in zip(piece, widths_cm)), default=1.0)


UNSPLIT = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"


# A long appendix is one table per this many risks, each opening with the header row on a new page: LibreOffice's
# layout of one table grows faster than its rows (1,000 risks in pieces that may not break: over 5 minutes as one
# table, 45 s as 40 tables, against 68 s for whole rows in one table before). The page break between them leaves at
# most part of a page empty per table.
RISKS_PER_TABLE = 25
# Between two of the tables: a page break in a paragraph one point high (Word joins tables with nothing between).
TABLE_BREAK = ('</w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr>'
               '<w:r><w:br w:type="page"/></w:r></w:p>')


def table_head(tbl) -> str:
    """Return the appendix table `tbl` up to ROWS_MARK as text (its properties, grid and header row), the
    namespace declared by the document left out."""
    from lxml import etree

    text = etree.tostring(tbl, encoding="unicode")
    head, found, _ = text.partition(ROWS_MARK.decode())
    if not found:
        raise ValueError("the appendix table holds no mark")
    return re.sub(r' xmlns:w="[^"]*"', "", head, count=1)


def rows_xml(columns: Sequence[AppendixColumn], rows: Sequence[AppendixRow],
             widths_cm: Sequence[float], head: str = "") -> Iterator[bytes]:
    """Yield each risk's rows (its pieces, as `pieces` cuts them) as UTF-8, its rating cell shaded in each; a piece
    short enough to fit on a page may not break across one. With the table's `head`, every RISKS_PER_TABLE risks
    close the table and open the next on a new page.

    Written piece by piece without building `pieces`' cells: what every piece repeats (ID, name, rating) and the
    empty cells are written once per risk (a 1,000-risk register has some 5,000 pieces).
    """
    writers = [_Column(column, width) for column, width in zip(columns, widths_cm)]
    pers = [_per_lines(width) for width in widths_cm]  # the widths hold for every row: their lines' sizes too
    restart = f"{TABLE_BREAK}{head}".encode() if head else b""
    cut = [_is_cut(column) for column in columns]
    repeated = [column.key in ("id", "name") or column.kind == "rating" for column in columns]
    names = [column.key == "name" for column in columns]
    name = names.index(True) if True in names else None
    for number, row in enumerate(rows):
        if restart and number and not number % RISKS_PER_TABLE:
            yield restart
        cells = row.cells
        named = name_lines = None
        if name is not None:
            named = continued(cells[name])
            name_lines = _name_lines(named, pers[name])
        shared = _row_runs(cells, pers, cut, name_lines)
        # a piece's cut columns hold at most PIECE_LINES lines; the others are whole in it
        whole = max((_text_lines(text, per) for i, (text, per) in enumerate(zip(cells, pers)) if not cut[i]),
                    default=1.0)
        opening = UNSPLIT if max(whole, PIECE_LINES) <= UNSPLIT_LINES else "<w:tr>"
        first = [writer.cell(text, row) if runs is None else writer.run_cell(runs[0], row)
                 for writer, text, runs in zip(writers, cells, shared)]
        yield f"{opening}{''.join(first)}</w:tr>".encode()
        count = max((len(runs) for runs in shared if runs is not None), default=1)
        if count == 1:
            continue
        later = [writer.run_cell(((named, False),), row) if names[i] else  # type: ignore[arg-type]
                 first[i] if repeated[i] else writer.empty(row) for i, writer in enumerate(writers)]
        for index in range(1, count):
            piece = [writer.run_cell(runs[index], row) if runs is not None and index < len(runs) else later[i]
                     for i, (writer, runs) in enumerate(zip(writers, shared))]
            yield f"{opening}{''.join(piece)}</w:tr>".encode()


# The rows are handed from the thread that writes them to the one that deflates them in blocks of this size: small
# enough that little is left to deflate after the last row (a 1,000-risk appendix is some 16 MB), large enough that
# zlib-ng works in long calls outside the GIL.
ROWS_BLOCK_BYTES = 1 << 20


def deflated_rows(columns: Sequence[AppendixColumn], rows: Sequence[AppendixRow],
                  widths_cm: Sequence[float], head: str = "") -> Callable[[], Deflated]:
    """Start writing and deflating the appendix rows in second threads, beside the rest of the paper; return the
    function that waits for them. One thread writes the rows' text, a block at a time, the other deflates each
    block as it comes (zlib-ng compresses without the GIL), so the rows' last block is deflated soon after it is
    written rather than all of them after the last."""
    from workbook.files.background import in_background, produced
    from workbook.files.zip_parts import blocks, deflate

    written = lambda: produced(blocks(rows_xml(columns, rows, widths_cm, head), ROWS_BLOCK_BYTES),  # noqa: E731
                               name="riskreg-appendix-rows")
    return in_background(lambda: deflate(written(), last=False), "riskreg-appendix")


def write_with_rows(docx: bytes, target: Path, rows: Deflated) -> None:
    """Write the saved document `docx` to `target` with the deflated `rows` where ROWS_MARK stands; every other
    part is copied as saved, still compressed."""
    import io

    from workbook.files.zip_parts import ZipWriter, copy_compressed, deflate, write_deflated

    with zipfile.ZipFile(io.BytesIO(docx)) as source, ZipWriter(target) as out:
        for info in source.infolist():
            if info.filename != DOCUMENT_PART:
                copy_compressed(docx, info, out)
                continue
            head, found, tail = source.read(info).partition(ROWS_MARK)
            if not found or ROWS_MARK in tail:
                raise ValueError(f"{DOCUMENT_PART}: expected the appendix mark once")
            write_deflated(out, info.filename, deflate((head,), last=False), rows, deflate((tail,)),
                           date_time=info.date_time)
