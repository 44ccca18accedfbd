"""The matrix: default bands, the Matrix sheet's scoring and bands, and the scores every position reads from it."""

import pytest
from support.depth_grids import depth_clean
from support.register_grids import clean, put, register

from workbook.core import depth, matrix, trends
from workbook.core.values import entry_score, risk_score

RATINGS = ("Critical", "High", "Medium", "Low")


@pytest.mark.parametrize("size, expected", [
    # 60 %, 35 % and 15 % of the highest score, rounded up; the last rating from 1.
    (4, (("Critical", 10.0), ("High", 6.0), ("Medium", 3.0), ("Low", 1.0))),
    (5, (("Critical", 15.0), ("High", 9.0), ("Medium", 4.0), ("Low", 1.0))),
    (3, (("Critical", 6.0), ("High", 4.0), ("Medium", 2.0), ("Low", 1.0))),
    (10, (("Critical", 60.0), ("High", 35.0), ("Medium", 15.0), ("Low", 1.0))),
])
def test_default_bands_are_shares_of_the_highest_score(size, expected):
    assert matrix.default_bands(size, RATINGS) == expected


def test_a_register_without_a_matrix_sheet_scores_likelihood_times_impact_on_default_bands():
    on = matrix.matrix_of(register(clean()))
    assert (on.size, on.method, on.defined) == (4, "Likelihood × Impact", False)
    assert [on.rating(score) for score in (16, 10, 9, 6, 5, 3, 2, 1)] == [
        "Critical", "Critical", "High", "High", "Medium", "Medium", "Low", "Low"]


def test_the_matrix_sheet_sets_the_bands_and_ratings_follow_from_them():
    on = matrix.matrix_of(register(depth_clean()))
    assert on.defined and on.bands == (("Critical", 12), ("High", 8), ("Medium", 4), ("Low", 1))
    assert [on.rating(score) for score in (12, 11, 8, 7, 4, 3, 1)] == [
        "Critical", "High", "High", "Medium", "Medium", "Low", "Low"]


def test_bands_in_any_order_on_the_sheet_are_read_most_severe_first():
    grids = depth_clean()
    grids["Matrix"][3:7] = [["Low", 1], ["Medium", 4], ["High", 8], ["Critical", 12]]
    assert [rating for rating, _ in matrix.matrix_of(register(grids)).bands] == list(RATINGS)


def test_the_grid_method_scores_each_cell_as_the_sheet_says_and_the_whole_register_follows():
    grids = depth_clean()
    put(grids, "Matrix!B1", "Grid")
    put(grids, "Matrix!D12", 11)  # likelihood 3, impact 3: 11 instead of 9 (CRR01's residual cell)
    reg = register(grids)
    on = matrix.matrix_of(reg)
    assert on.method == "Grid" and on.problems == ()
    assert on.score(3, 3) == 11 and on.score(2, 3) == 6 and on.score(5, 1) is None and on.score("x", 1) is None
    crr01 = reg.by_id()["CRR01"]
    assert matrix.position_score(reg, crr01, "residual") == 11
    assert risk_score(crr01, on) == 11 and risk_score(crr01) == 9  # the same function, with and without the grid
    assert trends.snapshots(reg)["CRR01"][reg.period].score == 11  # trends score on the register's matrix
    history_row = reg.history[0]
    assert entry_score(history_row, on) == 6  # a recorded Score is kept as recorded


def test_a_grid_with_a_hole_falls_back_to_likelihood_times_impact():
    grids = depth_clean()
    put(grids, "Matrix!B1", "Grid")
    del grids["Matrix"][12]  # no row for likelihood 4
    on = matrix.matrix_of(register(grids))
    assert on.method == "Likelihood × Impact" and on.score(4, 4) == 16
    assert [(p.cell, p.problem) for p in on.problems] == [
        ("Matrix!B1", "needs a grid row for likelihood 4 below the 'Likelihood \\ Impact' row")]


def test_positions_come_from_likelihood_and_impact_else_the_typed_score():
    grids = depth_clean()
    reg = register(grids)
    assert depth.positions(reg, reg.by_id()["CRR01"]) == {"inherent": 16, "residual": 9, "target": 4}
    grids["Register"][0].append("Inherent Score")
    for row in grids["Register"][1:]:
        row.append(20)
    put(grids, "Register!P2", None)  # CRR01 has no inherent likelihood: its typed Inherent Score counts
    reg = register(grids)
    assert depth.positions(reg, reg.by_id()["CRR01"]) == {"inherent": 20, "residual": 9, "target": 4}
    assert depth.positions(reg, reg.by_id()["CRR02"])["inherent"] == 9  # worked out wins over typed
