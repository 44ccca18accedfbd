"""Build board paper from the ribbon (xlwings' remote engine) with exempt risks: both documents beside the workbook."""

from __future__ import annotations

import docx
from support.exempt_register import exempt_sample

from addin.ribbon import entry


def test_build_paper_writes_the_exempt_appendix_beside_the_paper_and_says_where(sample_workbook, remote):
    exempt_sample(sample_workbook, {"CRR03": "Para 3"})
    book = remote.open(remote.payload_from_xlsx(sample_workbook))
    paper = entry.build_paper(book, register_path=sample_workbook)
    exempt = sample_workbook.with_name("register board paper-exempt.docx")
    assert paper == sample_workbook.with_name("register board paper.docx") and exempt.exists()
    messages = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
    assert messages[-1] == (
        f"Board paper written to {paper}. Its exempt appendix (1 risk under Schedule 12A, marked OFFICIAL, the "
        "paper's own marking: Settings has no Exempt marking (set one to mark the exempt appendix higher)) was "
        f"written to {exempt}.")
    assert "CRR03" not in {row.cells[0].text for row in docx.Document(paper).tables[-1].rows[1:]}
    assert {row.cells[0].text for row in docx.Document(exempt).tables[-1].rows[1:]} == {"CRR03"}
