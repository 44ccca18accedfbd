"""The changes block tells text changes sentence by sentence, and stays short on a large register."""

from dataclasses import replace

from report_builder import redline
from workbook.core.changes import FieldChange, RiskChanges
from workbook.core.periods import parse_period

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _texts(elements) -> list[str]:
    return ["".join(t.text or "" for t in element.iter(f"{W}t")) for element in elements]


def test_a_rewritten_sentence_is_said_as_was_and_now_and_a_kept_or_moved_one_is_not():
    before = "• Daily demand meeting\n• Overtime plan agreed. Reviewed in June 2021.\n• Summer plan"
    after = "• Summer plan\n• Overtime plan agreed. Reviewed in March 2022.\n• Extra call handlers"
    assert redline.sentence_changes(before, after) == [
        "Removed: Daily demand meeting",
        "Was: Reviewed in June 2021.", "Now: Reviewed in March 2022.",
        "Added: Extra call handlers"]


def test_the_block_has_no_tracked_changes_and_names_each_change(paper_content):
    text = FieldChange("controls", "Key Controls and Activities", "• Triage. Reviewed in June.",
                       "• Triage. Reviewed in March.", (("equal", "x"),))
    rating = FieldChange("rating", "Residual Risk Rating", "High", "Medium")
    content = replace(paper_content, changes_since="2021/22 Q1", changes=(
        RiskChanges("CRR03", "Operational Training.", parse_period("2021/22 Q1"), (rating, text)),))
    elements = redline.changes_block(content)
    assert _texts(elements) == [
        "CRR03 Operational Training",
        "Residual Risk Rating: was High, now Medium.",
        "Key Controls and Activities: changed since 2021/22 Q1, sentence by sentence:",
        "Was: Reviewed in June.", "Now: Reviewed in March."]
    assert not [e for element in elements for e in element.iter(f"{W}ins", f"{W}del", f"{W}delText")]


def test_above_twenty_changed_risks_the_block_counts_them_by_field(paper_content):
    rating = FieldChange("rating", "Residual Risk Rating", "High", "Medium")
    score = FieldChange("score", "Score", "9", "6")
    many = tuple(RiskChanges(f"CRR{n:03}", f"Risk {n}", parse_period("2021/22 Q1"), (rating, score) if n % 2
                             else (rating,)) for n in range(redline.CHANGES_NAMED_UP_TO + 5))
    stale = tuple(f"CRR{n:03} Risk {n}: controls unchanged since 2020/21 Q4." for n in range(30))
    content = replace(paper_content, changes_since="2021/22 Q1", changes=many, stale=stale)
    assert _texts(redline.changes_block(content)) == [
        "25 risks changed since the last paper; the appendix holds each risk's current rating, score and text. "
        "Changes by field:",
        "Residual Risk Rating: 25 risks.", "Score: 12 risks.",
        "Controls not changed for a while: 30 risks (each is in the appendix)."]
