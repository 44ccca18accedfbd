"""Column matching: one- and two-row headers, group headers, repeats, headerless columns and the mapping's names."""

import pytest

from workbook.core.errors import ImportSourceError
from workbook.importers.headers import HeaderCell, ImportMapping, find_header, match_cell, plan_columns, read_header
from support.raw_tables import raw_table
from workbook.importers.table import RawTable, Span


def grid(rows, spans=()):
    return raw_table(rows, spans, source="risks.xlsx")


def fields(plans):
    return [(p.header, p.field) for p in plans]


def test_a_group_header_over_sub_headers_is_read_with_them():
    table = grid([["Ref", "Risk", "Current Risk Rating", "", ""], ["", "", "L", "S", "RAG"],
                  ["SR1", "Flood", "4", "3", "A"]],
                 [Span(0, 0, 2, 1), Span(0, 1, 2, 1), Span(0, 2, 1, 3)])
    header = read_header(table, find_header(table, ImportMapping()))
    assert (header.first, header.last) == (0, 1)
    assert [c.shown for c in header.cells] == ["Ref", "Risk", "Current Risk Rating – L", "Current Risk Rating – S",
                                               "Current Risk Rating – RAG"]
    assert fields(plan_columns(table, header, ImportMapping()))[2:] == [
        ("Current Risk Rating – L", "likelihood"), ("Current Risk Rating – S", "impact_score"),
        ("Current Risk Rating – RAG", "rating")]


def test_a_text_file_s_group_header_is_a_text_followed_by_empty_cells():
    table = RawTable("risks.csv", "", [["Ref", "Risk", "Inherent", "", "Residual", ""],
                                       ["", "", "L", "I", "L", "I"], ["SR1", "Flood", "4", "4", "3", "3"]], [1, 2, 3])
    plans = plan_columns(table, read_header(table, 0), ImportMapping())
    assert [p.field for p in plans] == ["id", "name", "inherent_likelihood", "inherent_impact", "likelihood",
                                        "impact_score"]


def test_a_title_over_the_table_is_no_group_header():
    table = RawTable("risks.csv", "", [["Council risk register", "", ""], ["Ref", "Risk", "Owner"],
                                       ["SR1", "Flood", "Clerk"]], [1, 2, 3])
    assert read_header(table, find_header(table, ImportMapping())).first == 1


@pytest.mark.parametrize("cell, field, position", [
    (HeaderCell("Risk Control / Response and Mitigation"), "controls", ""),  # the whole, not the leading "Risk"
    (HeaderCell("Risk rating before controls"), "rating", "inherent"),
    (HeaderCell("Likelihood", "Target risk"), "likelihood", "target"),
    (HeaderCell("Consequence", "Initial risk score"), "impact", "inherent"),
    (HeaderCell("Who might be harmed?"), None, ""),
    (HeaderCell("(Corporate) Action Owners"), "action_owner", ""),
    (HeaderCell("Resp."), "owner", ""),
    (HeaderCell("Previous Risk Score"), "previous", ""),
])
def test_match_cell(cell, field, position):
    match = match_cell(cell)
    assert (match.field, match.position) == (field, position)


def test_repeated_unlabelled_groups_are_inherent_residual_target_in_order():
    table = RawTable("risks.csv", "", [["Ref", "Risk", "L", "I", "S", "L", "I", "S", "L", "I", "S"],
                                       ["1", "Flood", "5", "4", "20", "4", "4", "16", "2", "3", "6"]], [1, 2])
    notes: list = []
    plans = plan_columns(table, read_header(table, 0), ImportMapping(), notes)
    assert [p.field for p in plans][2:] == ["inherent_likelihood", "inherent_impact", "inherent_score",
                                            "likelihood", "impact_score", "score", "target_likelihood",
                                            "target_impact", "target_score"]
    assert "read in order as the inherent, residual and target assessments" in notes[0][2]


def test_a_repeated_header_is_renamed_and_said():
    table = RawTable("risks.csv", "", [["Ref", "Risk", "Notes", "Notes"], ["1", "Flood", "a", "b"]], [1, 2])
    notes: list = []
    plans = plan_columns(table, read_header(table, 0), ImportMapping(), notes)
    assert fields(plans)[2:] == [("Notes", "keep"), ("Notes (2)", "keep")]
    assert notes == [(3, "Notes", "header repeats column C's: renamed 'Notes (2)'")]


def test_an_arrow_column_without_header_is_the_trend():
    table = RawTable("risks.csv", "", [["Ref", "Risk", "Rating", ""], ["1", "Flood", "High", "↑"],
                                       ["2", "Fire", "Low", "↔"]], [1, 2, 3])
    assert fields(plan_columns(table, read_header(table, 0), ImportMapping()))[3] == ("Column D", "trend")


@pytest.mark.parametrize("key", ["Column B", "B", "2", "column 2"])
def test_a_headerless_column_is_named_by_its_letter_or_place(key):
    table = RawTable("risks.csv", "", [["Risk", "", "Rating"], ["Flood", "SR1", "High"]], [1, 2])
    mapping = ImportMapping({key: "id"}, header_row=1)
    assert fields(plan_columns(table, read_header(table, 0), mapping))[1] == ("Column B", "id")


def test_a_mapping_key_that_matches_no_column_is_an_error():
    table = RawTable("risks.csv", "", [["Ref", "Risk"], ["1", "Flood"]], [1, 2])
    with pytest.raises(ImportSourceError) as raised:
        plan_columns(table, read_header(table, 0), ImportMapping({"Risk Title": "name"}, source="map.toml"))
    assert raised.value.args[0] == ("map.toml: [columns] 'Risk Title' matches no column of risks.csv row 1 "
                                    "(columns: A 'Ref', B 'Risk'). Use a header as shown, or a column letter such "
                                    "as \"Column B\".")


def test_the_mapping_helps_the_detector_find_the_header():
    table = RawTable("risks.csv", "", [["Council", "", ""], ["Nr", "Peril", "Person"],
                                       ["1", "Flood", "Clerk"]], [1, 2, 3])
    assert find_header(table, ImportMapping()) is None
    assert find_header(table, ImportMapping({"Peril": "name", "Nr": "id"})) == 1
    assert find_header(table, ImportMapping(header_row=2)) == 1


def test_one_header_cell_over_a_rating_and_its_arrow_keeps_both_at_their_stage():
    table = grid([["Ref", "Risk", "Pre-mitigation risk", "", "Post-mitigation risk", ""],
                  ["1", "Flood", "High", "↔", "Medium", "↓"], ["2", "Fire", "Medium", "↑", "Low", "↔"]],
                 [Span(0, 2, 1, 2), Span(0, 4, 1, 2)])
    plans = plan_columns(table, read_header(table, 0), ImportMapping())
    assert fields(plans)[2:] == [("Pre-mitigation risk", "keep"), ("Pre-mitigation risk (D)", "keep"),
                                 ("Post-mitigation risk", "rating"), ("Post-mitigation risk (F)", "trend")]
    assert plans[3].why == "trend arrows of the inherent assessment"


def test_a_column_under_its_neighbour_s_header_cell_is_named_by_place():
    table = grid([["Ref", "Risk", "Risk Rating", ""], ["1", "Flood", "16", "x"]], [Span(0, 2, 1, 2)])
    plans = plan_columns(table, read_header(table, 0), ImportMapping({"Column D": "ignore"}))
    assert fields(plans)[2:] == [("Risk Rating", "score"), ("Risk Rating (D)", "ignore")]


def test_columns_of_one_header_are_told_apart_by_place():
    table = grid([["Ref", "Risk", "Notes", "Notes"], ["1", "Flood", "a", "b"]])
    plans = plan_columns(table, read_header(table, 0), ImportMapping({"Column D": "ignore"}))
    assert fields(plans)[2:] == [("Notes", "keep"), ("Notes (2)", "ignore")]
