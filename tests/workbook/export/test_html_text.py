"""HTML fragments of the export become clean cell text, without losing a word, and go back again."""

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook.export.html_text import fragment_to_text, text_to_fragment
from workbook.export.sample import sample_text

UL = '<ul style="list-style-type: none">'


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def source_words(fragment: str) -> list[str]:
    return words(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))


def sample_cells() -> list[tuple[int, int, str]]:
    return [(line, column, cell)
            for line, text in enumerate(sample_text().split("\n"), start=1)
            for column, cell in enumerate(text.split("\t"), start=1)]


def test_every_word_of_every_sample_cell_is_kept():
    cells = sample_cells()
    lost = [(line, column) for line, column, cell in cells if source_words(cell) != words(fragment_to_text(cell))]
    assert len(cells) == (4 + 3 + 3) + 3 * 9 + 18 * 9  # blank and title lines, header rows, risk rows
    assert lost == []


def test_every_sample_cell_survives_export_and_import():
    for _, _, cell in sample_cells():
        text = fragment_to_text(cell)
        assert fragment_to_text(text_to_fragment(text)) == text


def test_unclosed_list_of_dash_runs_becomes_bullets():
    assert fragment_to_text(f"{UL} - We have invested. - We are recruiting trainers. ") == (
        "• We have invested.\n• We are recruiting trainers.")


def test_dash_without_space_after_it_starts_a_bullet_but_a_dash_inside_a_word_does_not():
    fragment = f"{UL} -The impact of this risk. -CONNECT Legacy/ BRC Data- Significant issues with this content- not all "
    assert fragment_to_text(fragment) == (
        "• The impact of this risk.\n• CONNECT Legacy/ BRC Data- Significant issues with this content- not all")


def test_dash_before_a_number_is_not_a_bullet():
    assert fragment_to_text(f"{UL} - Costs fell -5% on last year ") == "• Costs fell -5% on last year"


def test_paragraph_starting_with_a_dash_is_a_bullet_run_and_others_are_plain_paragraphs():
    fragment = "<p>- Influence National debate - Review planning</p> <p>COVID - the risk of staff absence</p>"
    assert fragment_to_text(fragment) == (
        "• Influence National debate\n• Review planning\nCOVID - the risk of staff absence")


def test_paragraph_then_list_as_in_the_cybersecurity_controls():
    fragment = f"<p>IT&D operate a suite of mitigations:</p> {UL} - We Secure by Design. - We patch our systems. "
    assert fragment_to_text(fragment) == (
        "IT&D operate a suite of mitigations:\n• We Secure by Design.\n• We patch our systems.")


def test_plain_cell_keeps_its_dashes_and_raw_ampersands():
    assert fragment_to_text("Safeguarding - Local Policing") == "Safeguarding - Local Policing"
    assert fragment_to_text("Mutual Aid & Resourcing ") == "Mutual Aid & Resourcing"


def test_li_lists_br_entities_and_whitespace():
    fragment = "<ol><li>First&nbsp;item</li><li>Second  <b>bold</b>\n item</ol><p>Line one<br>Line&#160;two &amp; &lt;three&gt;</p>"
    assert fragment_to_text(fragment) == "• First item\n• Second bold item\nLine one\nLine two & <three>"


def test_script_style_and_event_attributes_are_dropped_not_kept_as_markup():
    fragment = ('<p onclick="steal()">Safe <img src=x onerror="alert(1)">text</p>'
                "<script>alert('x')</script><style>p {color: red}</style><!-- note -->")
    assert fragment_to_text(fragment) == "Safe text"


def test_control_characters_are_removed():
    assert fragment_to_text("Risk\x00 name\x07\ttext") == "Risk name text"


def test_single_paragraph_text_stays_plain_with_only_the_needed_escapes():
    assert text_to_fragment("IT&D & L&D <review> &amp;") == "IT&D & L&D &lt;review&gt; &amp;amp;"


def test_paragraphs_and_bullets_are_written_as_the_source_writes_them():
    assert text_to_fragment("Intro\nSecond") == "<p>Intro</p> <p>Second</p>"
    assert text_to_fragment("• One\n• Two") == f"{UL} - One - Two "
    assert text_to_fragment("Intro\n• One\n• Two\nAfter") == f"<p>Intro</p> {UL} - One - Two </ul> <p>After</p>"


def test_dashes_that_would_read_as_bullets_are_written_as_character_references():
    fragment = text_to_fragment("• JESIP NCALTS - All staff\n- not a bullet")
    assert fragment == f"{UL} - JESIP NCALTS &#45; All staff </ul> <p>&#45; not a bullet</p>"
    assert fragment_to_text(fragment) == "• JESIP NCALTS - All staff\n- not a bullet"


def test_empty_text_gives_an_empty_fragment():
    assert text_to_fragment("") == ""
    assert text_to_fragment(" \n ") == ""
    assert fragment_to_text("") == ""


# Clean cell text: lines of single-spaced words, some of them bullets.
WORD = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zs", "Zl", "Zp")), min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
CLEAN_LINE = st.one_of(LINE, LINE.map(lambda line: "• " + line))
CLEAN_TEXT = st.lists(CLEAN_LINE, min_size=1, max_size=5).map("\n".join)


@given(CLEAN_TEXT)
def test_clean_text_round_trips(text):
    assert fragment_to_text(text_to_fragment(text)) == text


@pytest.mark.parametrize("text", ["&amp", "a &copy b", "x &#45 y", "• - dash item", "- leading", "<p>tag</p>",
                                  "&lt;", "• a\n&#x2d;"])
def test_tricky_texts_round_trip(text):
    assert fragment_to_text(text_to_fragment(text)) == text
