"""The tab-separated export: the sample imports whole, bad files get messages with their line, export round-trips."""

import codecs
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.core.errors import ExportFormatError, PeriodError
from workbook.core.periods import Period
from workbook.export import text_format as export_format
from workbook.export.html_text import fragment_to_text
from workbook.export.sample import SAMPLE_PERIOD, sample_text
from workbook.export.text_format import (
    decode,
    dropped_columns,
    export_text,
    parse_export,
    read_export,
    to_register,
)

Q2 = Period(2021, 2)
HINT = "Correct the export (or export the register again) and import it again."
EXPECTED = ("ID, Risk Name, Description, Impact, Key Controls and Activities, 3 trend columns headed like "
            "'Q4 Trending', Residual Risk Rating")
FOUND = ("ID, Risk Name, Description, Impact, Key Controls and Activities, Q4 Trending, Q1 Trending, Q2 Trending, "
         "Residual Risk Rating")


def sample_lines() -> list[str]:
    return sample_text().split("\n")


def with_line(number: int, text: str) -> str:
    lines = sample_lines()
    lines[number - 1] = text
    return "\n".join(lines)


def error_of(text: str) -> str:
    with pytest.raises(ExportFormatError) as caught:
        parse_export(text, "export.txt")
    return caught.value.user_message


@pytest.fixture(scope="module")
def sample():
    return parse_export(sample_text(), "sample.txt")


def test_sample_has_eighteen_risks_in_three_blocks(sample):
    assert sample.title == "Corporate Risks"
    assert [row.line for row in sample.rows] == [*range(6, 12), *range(16, 22), *range(26, 32)]
    ids = [fragment_to_text(row.cells["id"]) for row in sample.rows]
    assert sorted(ids) == [f"CRR{n:02d}" for n in range(1, 19)]
    assert ids[:3] == ["CRR18", "CRR03", "CRR15"]


def test_sample_trend_columns_and_periods(sample):
    assert sample.quarters == (4, 1, 2)
    assert [sample.headers[key] for key in ("trend1", "trend2", "trend3")] == ["Q4 Trending", "Q1 Trending",
                                                                              "Q2 Trending"]
    register = to_register(sample, Period(2021, 2))
    assert [p.label for p in register.trend_periods] == ["2020/21 Q4", "2021/22 Q1", "2021/22 Q2"]
    assert register.setting("period") == SAMPLE_PERIOD


def test_sample_ratings_and_quirks(sample):
    register = to_register(sample, Q2)
    assert Counter(risk.rating for risk in register.risks) == {"Critical": 1, "High": 13, "Medium": 4}
    crr03 = register.by_id()["CRR03"]
    assert crr03.name == "Operational Training and Embedded Learning."
    assert crr03.trends == ("New", "New", "→")
    assert register.by_id()["CRR13"].text("controls").startswith(
        "IT&D operate a suite of mitigations to prevent Cyber Attack")


def test_every_word_of_the_sample_reaches_the_register(sample):
    register = to_register(sample, Q2)
    for row, risk in zip(sample.rows, register.risks):
        for key, fragment in row.cells.items():
            assert fragment_to_text(fragment) == risk.text(key), (row.line, key)


def test_imported_history_has_one_row_per_risk_per_period_on_the_register(sample):
    register = to_register(sample, Q2)
    crr03 = [(h.period, h.rating, h.trend, h.source) for h in register.history if h.risk_id == "CRR03"]
    assert crr03 == [("2020/21 Q4", "", "New", "imported"), ("2021/22 Q1", "", "New", "imported"),
                     ("2021/22 Q2", "High", "→", "imported")]
    crr18 = [(h.period, h.rating, h.trend) for h in register.history if h.risk_id == "CRR18"]
    assert crr18 == [("2021/22 Q2", "Critical", "New")]
    not_applicable = sum(trend == "N/A" for risk in register.risks for trend in risk.trends)
    assert len(register.history) == 18 * 3 - not_applicable
    assert [h.row for h in register.history] == list(range(2, len(register.history) + 2))


def test_period_must_end_in_the_newest_trend_quarter(sample):
    with pytest.raises(PeriodError) as caught:
        to_register(sample, Period(2021, 3))
    assert caught.value.user_message == (
        "sample.txt: the reporting period 2021/22 Q3 does not fit the export, whose newest trend column is "
        "'Q2 Trending'. Give a period in Q2, e.g. 2021/22 Q2.")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_encodings_and_line_ends_are_read(tmp_path, sample, encoding, newline):
    text = sample_text().replace("\n", newline)
    if encoding == "cp1252":  # the trend arrows have no Windows-1252 code; keep the words
        text = text.replace("→", "->").replace("↗", "^").replace("↘", "v")
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        data = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec] + text.encode(codec)
    else:
        data = text.encode(encoding)
    path = tmp_path / "export.txt"
    path.write_bytes(data)
    export = read_export(path)
    assert decode(data, "export.txt").replace("\r\n", "\n").replace("\r", "\n") == text.replace(newline, "\n")
    assert [row.line for row in export.rows] == [row.line for row in sample.rows]
    assert fragment_to_text(export.rows[0].cells["name"]) == "Core Skills Resilience & Training Risk"


def test_late_non_utf8_byte_falls_back_to_windows_1252(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(sample_text().encode("utf-8").replace(b"S22 Governance", b"S22 Governance \x96 ROCU"))
    export = read_export(path)
    assert fragment_to_text(export.rows[2].cells["name"]) == "S22 Governance \u2013 ROCU"
    assert fragment_to_text(export.rows[0].cells["trend3"]) == "New"


def test_empty_file():
    assert error_of("") == "export.txt: the file is empty. Export the register again and import that file."
    assert error_of("\n \n\t\n") == "export.txt: the file is empty. Export the register again and import that file."


def test_nul_bytes_mean_not_text():
    assert error_of("\n\nCorporate\x00Risks") == (
        "export.txt line 3: holds NUL bytes, so this is not a text export (a spreadsheet or Word file?). "
        "Give the register export saved as tab-separated text.")


def test_workbook_given_instead_of_export(tmp_path, sample_workbook):
    with pytest.raises(ExportFormatError) as caught:
        read_export(sample_workbook)
    assert caught.value.user_message == (
        f"{sample_workbook}: is a zip file (an .xlsx workbook?), not the tab-separated text export. "
        "Give the register export saved as .txt.")


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(b"ID\tRisk Name\x81\xff")
    with pytest.raises(ExportFormatError) as caught:
        read_export(path)
    assert caught.value.user_message == (
        f"{path}: is not text in UTF-8, UTF-16 or Windows-1252 (byte 0x81 at offset 12). Save the export as "
        "'Unicode Text' or UTF-8 and import it again.")


def test_missing_file(tmp_path):
    with pytest.raises(ExportFormatError) as caught:
        read_export(tmp_path / "nope.txt")
    assert caught.value.user_message == f"{tmp_path / 'nope.txt'}: no such file. Check the name and folder of the export."


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(export_format, "MAX_EXPORT_BYTES", 10 * 1024)
    path = tmp_path / "export.txt"
    path.write_text(sample_text())
    with pytest.raises(ExportFormatError) as caught:
        read_export(path)
    assert caught.value.user_message == (
        f"{path}: is 40 KB; exports over 10 KB are refused (a register export is normally well under 1 MB). "
        "Check you picked the right file.")


def test_no_header_row():
    text = "\n".join(sample_lines()[5:])
    assert error_of(text) == (
        f"export.txt line 1: expected the header row ({EXPECTED}) before the first risk; found a row starting "
        f"'CRR18'. {HINT}")
    assert error_of("Corporate Risks\n\n") == f"export.txt: no header row found (expected {EXPECTED}). {HINT}"


def test_misspelt_header_names_the_closest_match():
    assert error_of(sample_text().replace("Risk Name", "Risk Nme", 1)) == (
        f"export.txt line 5: missing column 'Risk Name' (found 'Risk Nme': is it misspelt?). Expected headers: "
        f"{EXPECTED}; found: {FOUND.replace('Risk Name', 'Risk Nme')}. {HINT}")


def test_missing_and_unknown_headers():
    header = "ID\tDescription\tImpact\tKey Controls and Activities\tQ4 Trending\tQ1 Trend\tQ2 Trending\tResidual Risk Rating"
    assert error_of(with_line(5, header)) == (
        "export.txt line 5: missing column 'Risk Name'; unknown column 'Q1 Trend' (closest expected header: "
        f"'Q1 Trending'). Expected headers: {EXPECTED}; found: ID, Description, Impact, Key Controls and "
        f"Activities, Q4 Trending, Q1 Trend, Q2 Trending, Residual Risk Rating. {HINT}")


def test_trend_quarters_must_follow_each_other():
    assert error_of(sample_text().replace("Q4 Trending\tQ1 Trending", "Q1 Trending\tQ4 Trending", 1)) == (
        "export.txt line 5: the trend columns (Q1 Trending, Q4 Trending, Q2 Trending) are not consecutive "
        f"quarters, oldest first, e.g. Q4 Trending, Q1 Trending, Q2 Trending. {HINT}")


def test_repeated_header_must_match_the_first():
    header = sample_lines()[4].replace("Q4 Trending", "Q3 Trending")
    assert error_of(with_line(15, header)) == (
        f"export.txt line 15: this header row differs from the one on line 5 ({FOUND.replace('Q4', 'Q3')} "
        f"instead of {FOUND}). {HINT}")


def test_ragged_row():
    line = sample_lines()[8]
    assert error_of(with_line(9, line.rsplit("\t", 1)[0])) == (
        "export.txt line 9: expected 9 tab-separated cells (as in the header row on line 5), found 8. A cell may "
        f"hold a stray tab or line break, or be missing. {HINT}")
    assert error_of(with_line(9, line + "\tstray")).startswith("export.txt line 9: expected 9 tab-separated cells")


def test_blank_cells_padded_after_the_row_are_not_ragged():
    line = sample_lines()[8]
    assert len(parse_export(with_line(9, line + "\t\t"), "export.txt").rows) == 18


def test_duplicate_id_names_both_lines():
    assert error_of(sample_text().replace("CRR05\t", "CRR01\t")) == (
        "export.txt line 19: ID CRR01 appears twice, on lines 17 and 19. Give each risk its own ID, or remove the "
        f"repeated row. {HINT}")


def test_cell_longer_than_excel_allows(sample):
    line = sample_lines()[5].replace("Core Skills Resilience & Training Risk", "x" * 40_000, 1)
    export = parse_export(with_line(6, line), "export.txt")
    with pytest.raises(ExportFormatError) as caught:
        to_register(export, Q2)
    assert caught.value.user_message == (
        "export.txt line 6: the 'Risk Name' cell holds 40000 characters; Excel allows 32767. Shorten it and "
        "import again.")


def test_export_keeps_the_sample_layout(sample):
    text = export_text(to_register(sample, Q2))
    lines, original = text.split("\n"), sample_lines()
    assert len(lines) == len(original)
    structure = [(line.count("\t"), line if "\t" not in line else line.split("\t")[0]) for line in lines]
    assert structure == [(line.count("\t"), line if "\t" not in line else line.split("\t")[0]) for line in original]


def test_export_round_trip_gives_the_same_register(sample):
    register = to_register(sample, Q2)
    again = to_register(parse_export(export_text(register), "again.txt"), Q2)
    assert [(risk.row, risk.values) for risk in again.risks] == [(risk.row, risk.values) for risk in register.risks]
    assert again.trend_periods == register.trend_periods
    assert again.headers == register.headers
    assert again.history == register.history


def test_export_round_trip_of_awkward_text(sample):
    register = to_register(sample, Q2)
    risk = register.risks[0]
    risk.values["name"] = "=HYPERLINK(\"x\") & <b>not bold</b> &amp;"
    risk.values["controls"] = "Intro line\n• First - with dash\n• -5% cost\nClosing paragraph"
    again = to_register(parse_export(export_text(register), "again.txt"), Q2)
    assert again.risks[0].values == risk.values


def test_dropped_columns_lists_optional_values_the_export_cannot_carry(sample):
    register = to_register(sample, Q2)
    assert dropped_columns(register) == []
    register.risks[0].values["owner"] = "ACC Ops"
    register.risks[1].values["status"] = "Open"
    assert dropped_columns(register) == ["Risk Owner", "Status"]


WORD = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zs", "Zl", "Zp")), min_size=1, max_size=6)
LINE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
CELL_TEXT = st.lists(st.one_of(LINE, LINE.map(lambda line: "• " + line)), min_size=1, max_size=4).map("\n".join)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(CELL_TEXT, CELL_TEXT, CELL_TEXT), min_size=1, max_size=8))
def test_any_clean_register_text_survives_export_and_import(sample, texts):
    register = to_register(sample, Q2)
    register.risks = register.risks[:len(texts)]
    for risk, (name, description, controls) in zip(register.risks, texts):
        risk.values.update(name=name, description=description, controls=controls)
    again = to_register(parse_export(export_text(register), "again.txt"), Q2)
    assert [risk.values for risk in again.risks] == [risk.values for risk in register.risks]
