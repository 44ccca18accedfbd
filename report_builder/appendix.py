"""The full-register appendix: column widths, and the rows written as text straight into the saved paper.

A force-wide register has thousands of risks. Built as lxml elements the rows cost about 60 KB of memory and
0.6 ms each; written as text into the zip while it is saved they cost what the file itself does.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from report_builder.content import AppendixColumn, AppendixRow, Text
from report_builder.wordml import ParagraphWriter
from workbook.core.schema import RATING_BY_NAME

# A4 landscape with 2 cm margins leaves 25.7 cm; narrow columns get fixed widths and the text columns share the
# rest by weight.
WIDTH_CM = 25.6
FIXED_WIDTH_CM = {"id": 1.45, "trend": 1.0, "rating": 1.9, "score": 1.0, "date": 1.9, "status": 1.5}
FIXED_KEY_CM = {"name": 2.6, "owner": 2.0, "portfolio": 2.2, "proximity": 1.9}  # a long word ("Cybersecurity") fits a line
TEXT_WEIGHT = {"description": 60, "impact": 48, "controls": 80, "owner": 20, "portfolio": 20}
ROTATED_KINDS = ("trend", "score")  # narrow columns: their headers read bottom to top
CENTRED_KINDS = ("trend", "rating", "score", "id")
ARROW_CELL_PT = 12  # an arrow alone in a cell reads better larger than the 8 pt text
# Rough 8 pt metrics, to leave rows taller than a page free to break (Word cannot keep them whole).
CHAR_CM, LINE_CM, PARA_CM, PAGE_BODY_CM = 0.15, 0.33, 0.07, 14.5

# Where the rows go: a comment left in the table, replaced by the rows when the document part is written.
ROWS_COMMENT = "riskreg:appendix-rows"
ROWS_MARK = f"<!--{ROWS_COMMENT}-->".encode()
DOCUMENT_PART = "word/document.xml"


def widths(kinds: Sequence[tuple[str, str]], total_cm: float = WIDTH_CM) -> list[float]:
    """Return a width per (key, kind) column that adds up to `total_cm`."""
    fixed = [FIXED_KEY_CM.get(key) or (FIXED_WIDTH_CM.get(kind) if kind != "text" else None) for key, kind in kinds]
    spare = total_cm - sum(w for w in fixed if w)
    weights = {key: TEXT_WEIGHT.get(key, 20) for (key, kind), w in zip(kinds, fixed) if w is None}
    return [w if w else round(spare * weights[key] / sum(weights.values()), 2) for (key, _), w in zip(kinds, fixed)]


def column_widths(columns: Sequence[AppendixColumn]) -> list[float]:
    """Return the width of each appendix column, in cm."""
    return widths([(column.key, column.kind) for column in columns])


def estimated_height_cm(cells: Sequence[Text], widths_cm: Sequence[float]) -> float:
    """Return roughly how tall a row of `cells` prints, from the text's length."""
    return max((_text_height_cm(text, _chars_per_line(width)) for text, width in zip(cells, widths_cm)), default=0.0)


def _chars_per_line(width_cm: float) -> int:
    return max(1, int((width_cm - 0.4) / CHAR_CM))


def _text_height_cm(text: Text, per_line: int) -> float:
    lines = sum(max(1, -(-len(p.text) // per_line)) for p in text)
    return lines * LINE_CM + len(text) * PARA_CM


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
        self.writers: dict[str | None, tuple[str, ParagraphWriter, ParagraphWriter]] = {}

    def _writers(self, rating_name: str):
        rating = RATING_BY_NAME.get(rating_name) if self.rated else None
        key = rating.name if rating else None
        if key not in self.writers:
            look = dict(self.look, bold=True, colour=rating.font) if rating else self.look
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{rating.fill}"/>' if rating else ""
            self.writers[key] = (f"<w:tc><w:tcPr>{self.width}{shade}</w:tcPr>",
                                 ParagraphWriter("TableText", **look), ParagraphWriter("TableBullet", **look))
        return self.writers[key]

    def cell(self, text: Text, rating_name: str) -> str:
        opening, plain, bullet = self._writers(rating_name)
        paragraphs = [(bullet if para.bullet else plain)(para.text) for para in text] or [plain("")]
        return f"{opening}{''.join(paragraphs)}</w:tc>"


def rows_xml(columns: Sequence[AppendixColumn], rows: Iterable[AppendixRow]) -> Iterator[bytes]:
    """Yield each risk's w:tr as UTF-8: rows that fit a page are kept whole, the rating cell is shaded."""
    widths_cm = column_widths(columns)
    writers = [_Column(column, width) for column, width in zip(columns, widths_cm)]
    per_line = [_chars_per_line(width) for width in widths_cm]
    for row in rows:
        whole = max(map(_text_height_cm, row.cells, per_line), default=0.0) < PAGE_BODY_CM
        cells = "".join(writer.cell(text, row.rating) for writer, text in zip(writers, row.cells))
        properties = "<w:trPr><w:cantSplit/></w:trPr>" if whole else ""
        yield f"<w:tr>{properties}{cells}</w:tr>".encode()


def write_with_rows(docx: bytes, target: Path, rows: Iterable[bytes]) -> None:
    """Write the saved document `docx` to `target` with `rows` streamed in where ROWS_MARK stands."""
    import io

    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != DOCUMENT_PART:
                out.writestr(info, data)
                continue
            head, found, tail = data.partition(ROWS_MARK)
            if not found or ROWS_MARK in tail:
                raise ValueError(f"{DOCUMENT_PART}: expected the appendix mark once")
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with out.open(part, "w") as stream:
                stream.write(head)
                for row in rows:
                    stream.write(row)
                stream.write(tail)
