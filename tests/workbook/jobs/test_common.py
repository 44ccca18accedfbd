"""Tests for workbook/jobs/common.py: the words the front ends print about a register."""

from support.register_grids import clean, register

from workbook import jobs


def test_risks_with_ratings_words_every_count():
    grids = clean()
    assert jobs.risks_with_ratings(register(grids)) == "3 risks (1 High, 1 Medium, 1 Low)"
    grids["Register"][2:] = []
    assert jobs.risks_with_ratings(register(grids)) == "1 risk (1 High)"
    grids["Register"][1:] = []
    assert jobs.risks_with_ratings(register(grids)) == "0 risks"


def test_paper_settings_keeps_only_what_was_given():
    assert jobs.paper_settings("  Kent Police ", None, "") == {"organisation": "Kent Police"}
    assert jobs.paper_settings(None, "Audit Committee", "Chief Finance Officer") == {
        "committee": "Audit Committee", "author": "Chief Finance Officer"}
