"""The client's values read straight into the core's layout, and the caps on what one request may make."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from addin.server.limits import Limits, capped_findings
from addin.server.payload import BadPayload, TooMuch, read_payload
from workbook.core.findings import Finding


def body(sheets, **book) -> bytes:
    from addin.server.payload import XLWINGS_VERSION

    return json.dumps({"client": "Microsoft Excel", "version": XLWINGS_VERSION, "names": [],
                       "book": {"name": "r.xlsx", **book}, "sheets": sheets}).encode()


def test_values_arrive_as_the_core_reads_them():
    sheets = [{"name": "Register", "values": [["ID", "Reviewed", "Score", "Odd"],
                                               ["R1", "2021-07-01T00:00:00.000Z", 4, "#N/A"],
                                               ["", "", 2.5, "=SUM(A1)"], ["", "", "", "stray"]],
               "used_range_address": "Register!A1:C3",
               "tables": [{"name": "RiskRegister", "show_totals": True, "total_row_range_address": "A3:C3"}]}]
    book = read_payload(body(sheets), [], Limits())
    assert book.grids() == {"Register": [["ID", "Reviewed", "Score"], ["R1", dt.datetime(2021, 7, 1), 4],
                                         [None, None, 2.5]]}
    assert book.totals_rows() == (3,)
    assert (book.name, book.sheet_names, book.args) == ("r.xlsx", ("Register",), ())


def test_url_questions_stand_in_for_missing_args():
    assert read_payload(body([]), ["2021/22 Q3", "true"], Limits()).args == ("2021/22 Q3", True)


@pytest.mark.parametrize("sheets,message", [
    ([{"name": "Register", "values": [[True, [1]]]}],
     "The request is not a workbook as xlwings' clients send it: sheet 'Register' cell B1 holds a JSON object or "
     "list, not a cell value. Update the add-in."),
    ([{"name": "A", "values": []}, {"name": "A", "values": []}],
     "The request is not a workbook as xlwings' clients send it: two sheets have one name. Update the add-in."),
    ([{"name": "", "values": []}],
     "The request is not a workbook as xlwings' clients send it: sheets[0].name is wrong: string should have at "
     "least 1 character. Update the add-in."),
], ids=["list-in-a-cell", "two-sheets-one-name", "empty-sheet-name"])
def test_what_is_not_a_workbook_is_named(sheets, message):
    with pytest.raises(BadPayload) as refused:
        read_payload(body(sheets), [], Limits()).grids()
    assert str(refused.value) == message


def test_too_many_cells_is_refused_before_any_work():
    with pytest.raises(TooMuch) as refused:
        read_payload(body([{"name": "History", "values": [[0, 0]] * 6}]), [], Limits(max_cells=10))
    assert str(refused.value) == ("The workbook has 12 cells of values, more than this server takes at once (10): "
                                  "ask its administrator to raise RISKREG_MAX_CELLS.")


def test_findings_beyond_the_cap_are_summarised_per_rule_and_sheet():
    def finding(rule: str, cell: str) -> Finding:
        return Finding(rule, "error", "", "Rating", cell, "0", "bad")

    findings = [finding("R004", "Register!I2")] * 50 + [finding("R023", "History!C2")] * 200_000 + \
        [finding("R004", "Register!I3")]
    listed, more = capped_findings(findings, 100)
    assert listed == findings[:100]
    assert more == ["and 199,950 more findings of R023 in History", "and 1 more finding of R004 in Register"]
    assert capped_findings(findings[:3], 100) == (findings[:3], [])
