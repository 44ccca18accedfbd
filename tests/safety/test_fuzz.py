"""Fuzz the importer, the HTML-fragment converter and the register reader: user errors or results, never a crash.

About 7,600 cases per run: 1,500 for each of the five fast properties (RISKREG_FUZZ_EXAMPLES sets that),
fewer for the end-to-end ones. Each crash found is pinned as an `@example` of the property that found it.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from addin.cli import cli
from workbook.core.errors import ExportFormatError, PeriodError, RegisterFormatError
from workbook.core.layout import register_from_grids
from workbook.core.periods import parse_period
from workbook.core.schema import CORE_COLUMNS
from workbook.export.html_text import fragment_to_text, text_to_fragment
from workbook.export.sample import SAMPLE_PERIOD, sample_text
from workbook.export.text_format import export_text, parse_export, parse_lines, to_register

pytestmark = pytest.mark.slow  # about 7,600 examples: `-m "not slow"` leaves them out of a quick run
SCALE = int(os.environ.get("RISKREG_FUZZ_EXAMPLES", "1500"))
FUZZ = settings(max_examples=SCALE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
HEADERS = [c.header for c in CORE_COLUMNS if c.kind != "trend"]
HEADER_LINE = "ID\tRisk Name\tDescription\tImpact\tKey Controls and Activities\tQ4 Trending\tQ1 Trending\t" \
              "Q2 Trending\tResidual Risk Rating"
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
TAGS = ["<p>", "</p>", '<ul style="list-style-type: none">', "</ul>", "<li>", "</li>", "<br>", "<br/>",
        "<script>alert(1)</script>", "<style>p{}</style>", '<img src=x onerror="x()">', "<b>", "</b>",
        "<!--", "-->", "<![CDATA[", "]]>", "<td>", "<table>", "&amp;", "&", "&#45;", "&#x2d;", "&lt;", "&#0;",
        "&#xD800;", "&#1114112;", "&nbsp;", " - ", "-", "•", "\ud800", "=", "+", "@", "<", ">", "&#"]
FRAGMENTS = st.lists(st.one_of(st.sampled_from(TAGS), st.text(alphabet=string.printable + CONTROL + "→↗↘é\u2028",
                                                                max_size=12)), max_size=20).map("".join)
CELLS = st.one_of(FRAGMENTS, st.sampled_from(["New", "N/A", "→", "↗", "↘", "High", "Critical", "CRR01", ""]))


@FUZZ
@given(FRAGMENTS)
@example("<p>-</p>")
@example('<ul style="list-style-type: none"> - <script>x</script> -')
@example("<!--<script>alert(1)</script>")  # an unclosed comment: its markup comes through as plain text
def test_fragment_to_text_never_crashes_and_is_clean(fragment):
    text = fragment_to_text(fragment)
    assert not any(ch in text for ch in CONTROL + "\t\r"), repr(text)
    # Whatever text comes out, writing it back as HTML escapes every '<' but those of our own tags.
    markup = re.sub(r'</?p>|<ul style="list-style-type: none">|</ul>', "", text_to_fragment(text))
    assert "<" not in markup and ">" not in markup, markup


@FUZZ
@given(FRAGMENTS)
@example("--><p>\x1b")  # a paragraph holding only a control character must not leave an empty last line
@example("<li>&#45;<p>&amp;")  # a bullet whose text is a lone dash must survive being written back
def test_converting_back_and_forth_is_stable(fragment):
    text = fragment_to_text(fragment)
    assert fragment_to_text(text_to_fragment(text)) == text


@st.composite
def exports(draw) -> str:
    """An export: optional blank/title lines, a (sometimes damaged) header, rows of random cells."""
    lines = draw(st.lists(st.sampled_from(["", "Corporate Risks", " "]), max_size=3))
    header = HEADER_LINE.split("\t")
    if draw(st.booleans()):
        position = draw(st.integers(0, len(header) - 1))
        header[position] = draw(st.sampled_from(["", "Risk Nmae", "ID", "Q3 Trending", header[position].upper(),
                                                 header[position] + " "]))
    lines.append("\t".join(header))
    for number in range(draw(st.integers(0, 6))):
        width = draw(st.sampled_from([9, 9, 9, 8, 10, 1]))
        cells = draw(st.lists(CELLS, min_size=width, max_size=width))
        if cells and draw(st.booleans()):
            cells[0] = f"CRR{number:02d}"
        lines.append("\t".join(cells))
        if draw(st.integers(0, 8)) == 0:
            lines += ["", "Corporate Risks", "", "\t".join(header)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines)


@FUZZ
@given(exports())
def test_importer_raises_only_user_errors(text):
    try:
        export = parse_export(text, "fuzz.txt")
        register = to_register(export, parse_period(SAMPLE_PERIOD))
    except (ExportFormatError, PeriodError) as err:
        assert err.user_message.startswith("fuzz.txt")
        assert "\n" not in err.user_message
        return
    assert len(register.risks) == len(export.rows)
    again = parse_export(export_text(register), "again.txt")  # what we export, we import again
    kept = [r for r in register.risks if any(r.text(c.key) for c in CORE_COLUMNS)]  # an empty row is no risk
    assert [fragment_to_text(r.cells["id"]) for r in again.rows] == [r.text("id") for r in kept]


@FUZZ
@given(st.binary(max_size=400))
@example(b"\xff\xfeI\x00D\x00\t\x00X")  # UTF-16 cut off mid-character (crashed: UnicodeDecodeError)
@example(b"\xef\xbb\xbfID\t\xff\xfe bad")  # UTF-8 BOM, then bytes that are not UTF-8 (crashed likewise)
def test_importer_on_random_bytes(data):
    """Both ways in: the file `riskreg import` streams line by line, and bytes decoded whole."""
    import tempfile

    from workbook.export.text_format import decode, read_export

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.txt"
        path.write_bytes(data)
        for read in (lambda: read_export(path), lambda: parse_lines(decode(data, str(path)).splitlines(), str(path))):
            try:
                read()
            except (ExportFormatError, PeriodError) as err:
                assert err.user_message.startswith(str(path)) and "\n" not in err.user_message


VALUES = st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True), st.booleans(), CELLS,
                   st.sampled_from(HEADERS + ["Q1 Trending", "Q2 Trending", "Q3 Trending", "Q4 Trending", "=A1",
                                              "#N/A", "2021/22 Q2", "Reporting period"]))


@st.composite
def grids(draw) -> dict:
    header = [*HEADERS[:5], "Q4 Trending", "Q1 Trending", "Q2 Trending", HEADERS[5]]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.booleans()):
        header[draw(st.integers(0, len(header) - 1))] = draw(VALUES)
    rows = draw(st.lists(st.lists(VALUES, max_size=12), max_size=6))
    sheets = {"Register": [tuple(header), *map(tuple, rows)]}
    if draw(st.booleans()):
        sheets["Settings"] = [("Setting", "Value"), ("Reporting period", draw(VALUES))]
    if draw(st.booleans()):
        sheets["History"] = draw(st.lists(st.lists(VALUES, max_size=9).map(tuple), max_size=4))
    if draw(st.booleans()):
        sheets["Lists"] = draw(st.lists(st.lists(VALUES, max_size=4).map(tuple), max_size=4))
    return sheets


@FUZZ
@given(grids())
def test_register_reader_raises_only_user_errors(sheets):
    try:
        register = register_from_grids(sheets, "grid.xlsx")
    except RegisterFormatError as err:
        assert err.user_message.startswith("grid.xlsx")
        return
    assert all(risk.row > register.header_row for risk in register.risks)


@settings(max_examples=max(SCALE // 100, 10), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(FRAGMENTS, FRAGMENTS), min_size=1, max_size=3))
def test_import_command_end_to_end(tmp_path_factory, cells):
    """The whole `riskreg import` on changed sample rows: a workbook or one Error line, nothing else."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    lines = sample_text().split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith("CRR")]
    for index, (name, controls) in zip(rows, cells):
        parts = lines[index].split("\t")
        parts[1], parts[4] = name.replace("\t", " ").replace("\n", " "), controls.replace("\t", " ")
        lines[index] = "\t".join(parts)
    export = folder / "export.txt"
    export.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    out = folder / "register.xlsx"
    result = CliRunner().invoke(cli, ["import", str(export), "-o", str(out), "--period", SAMPLE_PERIOD])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code == 2:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert not out.exists()
    else:
        assert result.exit_code == 0 and out.exists(), result.output
        from workbook.xlsx.reader import read_register

        assert len(read_register(out).risks) == 18


XML_NOISE = st.text(alphabet='<>/="&;: ab_x0D8\x01\ufffetc', max_size=12).map(
    lambda t: t.encode("utf-8", "surrogatepass"))


@settings(max_examples=max(SCALE // 20, 20), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(part=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/worksheets/sheet4.xml",
                             "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]),
       where=st.floats(0, 1), cut=st.integers(0, 40), noise=XML_NOISE, raw=st.booleans())
def test_register_reader_on_damaged_workbooks(sample_workbook_bytes, tmp_path_factory, part, where, cut, noise, raw):
    """A register whose parts are damaged (XML edited, or bytes of the zip flipped): an Error, or the register."""
    import io
    import zipfile

    from workbook.core.errors import RiskregError
    from workbook.xlsx.reader import read_register

    if raw:
        data = bytearray(sample_workbook_bytes)
        start = int(where * (len(data) - 1))
        data[start:start + len(noise)] = noise
        damaged = bytes(data)
    else:
        source = zipfile.ZipFile(io.BytesIO(sample_workbook_bytes))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == part:
                    start = int(where * len(content))
                    content = content[:start] + noise + content[start + cut:]
                out.writestr(info.filename, content)
        damaged = buffer.getvalue()
    path = tmp_path_factory.mktemp("damaged") / "register.xlsx"
    path.write_bytes(damaged)
    try:
        read_register(path)
    except RiskregError as err:
        assert err.user_message.startswith(str(path)) and "\n" not in err.user_message, err.user_message
