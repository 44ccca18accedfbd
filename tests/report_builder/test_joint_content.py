"""What the joint paper says, worked out without a file: the highest marking, the combined counts, the note."""

from __future__ import annotations

import dataclasses

import pytest

from report_builder.content import build_content
from report_builder.joint import JointBody, JointPaperError, and_list, highest_marking, joint_content


def _body(register, source: str, marking: str, markings=("OFFICIAL", "OFFICIAL-SENSITIVE")) -> JointBody:
    content = build_content(register)
    content = dataclasses.replace(content, title_block=dataclasses.replace(content.title_block, marking=marking))
    return JointBody(source, content, markings)


def test_the_highest_marking_follows_riskregs_list_then_a_registers_own(register):
    official, sensitive = _body(register, "a.xlsx", "OFFICIAL"), _body(register, "b.xlsx", "OFFICIAL-SENSITIVE")
    assert highest_marking([official, sensitive]) == highest_marking([sensitive, official]) == "OFFICIAL-SENSITIVE"
    secret = _body(register, "c.xlsx", "SECRET", ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"))
    assert highest_marking([sensitive, secret, official]) == "SECRET"


def test_a_marking_no_list_ranks_is_refused_naming_the_register(register):
    odd = _body(register, "odd.xlsx", "RESTRICTED")
    with pytest.raises(JointPaperError) as caught:
        highest_marking([_body(register, "a.xlsx", "OFFICIAL"), odd])
    assert str(caught.value) == (
        "odd.xlsx: the protective marking 'RESTRICTED' is not on riskreg's Markings list or the register's own "
        "(OFFICIAL, OFFICIAL-SENSITIVE), so the joint paper cannot tell whether it is higher than the others'; the "
        "joint paper was not built. Add it to the Markings list of the register's Lists sheet, after the markings "
        "it is higher than.")


def test_counts_are_added_per_band_when_the_bands_agree(register):
    joint = joint_content([_body(register, "a.xlsx", "OFFICIAL"), _body(register, "b.xlsx", "OFFICIAL")], [0, 2])
    # the conftest register: 1 Critical, 2 High, 1 Medium open (CRR09 is closed)
    assert joint.combined_rows == (("Critical", "1", "1", "2"), ("High", "2", "2", "4"), ("Medium", "1", "1", "2"),
                                   ("Low", "0", "0", "0"), ("Total", "4", "4", "8"))
    assert joint.scales_note == "" and joint.risk_count == 8
    assert joint.data_quality == (
        "Data quality: this joint paper was built although the register of West Midlands Police "
        "(b.xlsx: 2 errors) has errors that should be corrected before it is relied on; each body's section lists "
        "them.",)


def test_and_list():
    assert [and_list([]), and_list(["A"]), and_list(["A", "B"]), and_list(["A", "B", "C"])] == [
        "", "A", "A and B", "A, B and C"]
