"""The synonym table: headers in use read as the register field a person would say they mean."""

import pytest

from workbook.importers.columns import SYNONYMS, depth_key, match_header, synonyms_markdown


@pytest.mark.parametrize("header, field, stage", [
    ("Risk No", "id", ""), ("Ref.", "id", ""), ("Risk ID", "id", ""),
    ("Risk", "name", ""), ("Title", "name", ""), ("Subject", "name", ""), ("Strategic Risks", "name", ""),
    ("Risk(s) identified", "description", ""), ("Hazard", "description", ""),
    ("Consequence", "impact", ""), ("Effect", "impact", ""),
    ("Mitigation", "controls", ""), ("Control measures", "controls", ""),
    ("Risk Management and Control", "controls", ""), ("Key controls", "controls", ""),
    ("Owner", "owner", ""), ("Responsibility", "owner", ""), ("Action Owner", "action_owner", ""),
    ("Likelihood (1-5)", "likelihood", ""), ("L", "likelihood", ""), ("Probability", "likelihood", ""),
    ("I", "impact_score", ""), ("Severity", "impact_score", ""),
    ("Score", "score", ""), ("RAG", "rating", ""), ("Post Mitigation RAG", "rating", ""),
    ("Risk Level", "rating", ""), ("Risk Assessment", "rating", ""), ("Last Qrt", "previous", ""),
    ("Previous score", "previous", ""), ("Target date", "target_date", ""), ("Action status", "action_status", ""),
    ("Review", "review", ""), ("Direction of travel", "trend", ""),
    ("Original Likelihood", "likelihood", "original"), ("Inherent Score", "score", "inherent"),
    ("Target Impact", "impact", "target"), ("Current Likelihood", "likelihood", ""),
    ("Residual Risk Rating", "rating", ""),
])
def test_headers_in_use(header, field, stage):
    match = match_header(header)
    assert (match.field, match.stage) == (field, stage)


@pytest.mark.parametrize("header, position, depth", [
    ("Original Likelihood", "inherent", "inherent_likelihood"), ("Gross Score", "inherent", "inherent_score"),
    ("Inherent Risk Score", "inherent", "inherent_score"), ("Target Likelihood", "target", "target_likelihood"),
    ("Target Score", "target", "target_score"), ("Residual Score", "residual", None),
    ("Current Likelihood", "residual", None), ("Target Date", "", "target_date"), ("Risk Category", "", "category"),
    ("Category", "", "category"), ("Proximity", "", "proximity"), ("Due date", "", None),
])
def test_headers_of_the_in_depth_columns(header, position, depth):
    match = match_header(header)
    assert (match.position, depth_key(match.position, match.field)) == (position, depth)


@pytest.mark.parametrize("header", ["Notes", "22/23 Q1", "", "Comments from the Committee"])
def test_headers_with_no_field(header):
    assert match_header(header).field is None


def test_the_table_is_documented():
    text = synonyms_markdown()
    assert all(f"| {field} | " in text for field in SYNONYMS)


def test_the_guide_lists_the_table_as_it_is():
    from pathlib import Path

    readme = (Path(__file__).parents[3] / "docs" / "risk-manager" / "start.md").read_text(encoding="utf-8")
    start = readme.index("<!-- synonyms:")
    listed = readme[readme.index("\n", start) + 1:readme.index("<!-- /synonyms -->")]
    assert listed == synonyms_markdown()
