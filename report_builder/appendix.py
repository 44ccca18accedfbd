"""The full-register appendix: column widths, and the rows written as text straight into the saved paper.

A force-wide register has thousands of risks. Built as lxml elements the rows cost about 60 KB of memory and
0.6 ms each; written as text and deflated (in a second thread, while the rest of the paper is built) they cost
about what their share of the file does.
"""

from __future__ import annotations

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


def _widest_word_cm(texts: Iterable[str], bold: bool = False) -> float:
    # a line may break after a slash as well as at a space ("Portfolio/ Department")
    words = {word for text in texts for word in text.replace("/", "/ ").split()}
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
            widest = _widest_word_cm((p.text for row in rows for p in row.cells[index]), column.kind == "rating")
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
        opening, plain, bullet = self._writers(row)
        paragraphs = [(bullet if para.bullet else plain)(para.text) for para in text] or [plain("")]
        return f"{opening}{''.join(paragraphs)}</w:tc>"


# A risk's row is cut into pieces of at most this many lines of its tallest text column (about three quarters of
# the some 44 lines an A4 landscape page holds of 8 pt text), each starting with the risk's ID and name ("CRR07 |
# Demographics (continued)") and rating: a risk that runs on over pages is named again on every page or the next.
# The pieces may break across pages (kept whole, they would leave pages part empty), and are few: every row more
# slows LibreOffice's layout of a 1,000-risk paper.
PIECE_LINES = 32
# Up to this many risks: above it LibreOffice's layout time grows faster than the rows (1,000 risks in pieces took
# over 283 s to convert against 68 s whole), so a larger register's rows stay whole and may break across pages.
PIECED_UP_TO = 200
CHAR_CM = 0.62 * EM_CM  # an average character of the 8 pt text
CONTINUED = " (continued)"


def _lines(text: str, width_cm: float) -> int:
    """Return about how many lines `text` takes in a cell `width_cm` wide."""
    per_line = max(8, int((width_cm - PADDING_CM) / CHAR_CM))
    return max(1, -(-len(text) // per_line))


def _chunks(text: Text, width_cm: float) -> list[Text]:
    """Return `text` in runs of whole paragraphs of at most PIECE_LINES lines (a longer paragraph is a run of its
    own: the paper never splits what the register wrote as one paragraph)."""
    chunks: list[list[Para]] = [[]]
    used = 0
    for para in text:
        lines = _lines(para.text, width_cm)
        if chunks[-1] and used + lines > PIECE_LINES:
            chunks.append([])
            used = 0
        chunks[-1].append(para)
        used += lines
    return [tuple(chunk) for chunk in chunks]


def pieces(columns: Sequence[AppendixColumn], row: AppendixRow, widths_cm: Sequence[float]) -> list[tuple[Text, ...]]:
    """Return the cells of each piece of `row`: the text columns' paragraphs shared out in order; every piece
    repeats the ID, the name (marked continued) and the rating, the other short columns stand in the first."""
    chunked = [_chunks(text, width) if column.kind == "text" and column.key != "name" else [text]
               for column, text, width in zip(columns, row.cells, widths_cm)]
    count = max(len(chunks) for chunks in chunked)
    if count == 1:
        return [row.cells]
    result = []
    for index in range(count):
        cells: list[Text] = []
        for column, text, chunks in zip(columns, row.cells, chunked):
            if column.key == "name" and index:
                cells.append((Para(" ".join(p.text for p in text) + CONTINUED),))
            elif column.key in ("id", "name") or column.kind == "rating":
                cells.append(text)
            elif len(chunks) > 1 or column.kind == "text":
                cells.append(chunks[index] if index < len(chunks) else ())
            else:
                cells.append(text if index == 0 else ())
        result.append(tuple(cells))
    return result


def rows_xml(columns: Sequence[AppendixColumn], rows: Sequence[AppendixRow],
             widths_cm: Sequence[float]) -> Iterator[bytes]:
    """Yield each risk's rows (one per piece, up to PIECED_UP_TO risks) as UTF-8, its rating cell shaded in each."""
    writers = [_Column(column, width) for column, width in zip(columns, widths_cm)]
    pieced = len(rows) <= PIECED_UP_TO
    for row in rows:
        for piece in pieces(columns, row, widths_cm) if pieced else [row.cells]:
            cells = "".join(writer.cell(text, row) for writer, text in zip(writers, piece))
            yield f"<w:tr>{cells}</w:tr>".encode()


def deflated_rows(columns: Sequence[AppendixColumn], rows: Sequence[AppendixRow],
                  widths_cm: Sequence[float]) -> Callable[[], Deflated]:
    """Start writing and deflating the appendix rows in a second thread, beside the rest of the paper (zlib-ng
    compresses without the GIL); return the function that waits for them."""
    from workbook.files.background import in_background
    from workbook.files.zip_parts import blocks, deflate

    return in_background(lambda: deflate(blocks(rows_xml(columns, rows, widths_cm)), last=False), "riskreg-appendix")


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
