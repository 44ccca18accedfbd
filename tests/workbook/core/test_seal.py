"""Seals: what a seal keeps, the chain each seal makes with the one before, and a recorded correction."""

import datetime as dt

from support.register_grids import clean, put, register

from workbook.core import seal
from workbook.core.periods import parse_period
from workbook.core.record_text import QUARTER_KEY

Q4, Q1 = parse_period("2020/21 Q4"), parse_period("2021/22 Q1")


def sealed_grids():
    """The clean register with 2020/21 Q4 and 2021/22 Q1 sealed as History has them, the second covering the first."""
    grids = clean()
    grids["Record"] = [["Key", "Field", "Text"]]
    previous = None
    for period in (Q4, Q1):
        rows = [(e.risk_id, seal.entry_values(e)) for e in register(grids).history if e.period == period.label]
        quarter = {"committee": f"Committee of {period.label}"}
        grids["Record"].extend([QUARTER_KEY.format(label=period.label), k, v] for k, v in quarter.items())
        grids["Record"].extend([seal.seal_key(period), k, v] for k, v in seal.seal_fields(period, rows, quarter,
                                                                                            previous))
        previous = seal.seals(register(grids))[period]
    return grids


def kinds(grids):
    return [(a.kind, a.period.label, a.risk_id, a.key) for a in seal.alterations(register(grids))]


def test_a_seal_keeps_values_as_the_user_reads_them():
    assert [seal.cell_text(v) for v in (3.0, 3, dt.datetime(2021, 6, 30), " High ", None)] == [
        "3", "3", "2021-06-30", "High", ""]
    assert [seal.cell_text(v) for v in (dt.date(2021, 6, 30), True, dt.datetime(2021, 6, 30, 9, 5), 2.5)] == [
        "2021-06-30", "TRUE", "2021-06-30T09:05:00", "2.5"]


def test_an_untouched_register_has_no_alterations_and_each_seal_names_the_one_before():
    grids = sealed_grids()
    seals = seal.seals(register(grids))
    assert list(seals) == [Q4, Q1] and seals[Q1].previous == "2020/21 Q4" and seals[Q4].previous == ""
    assert kinds(grids) == []


def test_each_seal_covers_the_previous_one():
    grids = sealed_grids()
    chain_row = next(i for i, row in enumerate(grids["Record"], start=1)
                     if row[:2] == [seal.seal_key(Q4), seal.CHAIN_FIELD])
    put(grids, f"Record!C{chain_row}", "0" * 64)
    assert kinds(grids) == [("broken", "2020/21 Q4", "", ""), ("broken", "2021/22 Q1", "", "")]


def test_a_correction_renews_the_quarter_and_every_later_seal():
    grids = sealed_grids()
    put(grids, "History!C5", "High")  # CRR03 2020/21 Q4: Low when sealed
    assert kinds(grids) == [("changed", "2020/21 Q4", "CRR03", "rating")]
    correction = seal.plan_correction(register(grids), Q4, "  Rated High at the meeting ", dt.date(2021, 7, 1))
    assert correction.accepted == ("History row 5: CRR03 Rating 'Low' → 'High'",)
    assert correction.resealed == (Q1,)
    grids["Record"].extend(list(row) for row in correction.record)
    assert kinds(grids) == []
    renewed = seal.seals(register(grids))
    assert (renewed[Q4].version, renewed[Q1].version) == (2, 2)
    assert renewed[Q4].texts[seal.REASON_FIELD] == "2021-07-01: Rated High at the meeting"
