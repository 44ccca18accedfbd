"""Build board paper on the real server with exempt risks: the public paper and the exempt appendix both come back."""

from __future__ import annotations

import base64
import io
import json

import docx
import httpx
from support.entra_tokens import API_KEY
from support.exempt_register import exempt_sample
from support.remote_payload import payload_from_xlsx

from addin.server.config import PAPER_ROLE

ROUTE = "/xlwings/custom-scripts-call/"


def answer(server, payload, auth: str, args) -> list[dict]:
    response = httpx.post(server.url + ROUTE + "build_paper", content=json.dumps({**payload, "args": args}).encode(),
                          headers={"Authorization": auth or API_KEY}, timeout=180)
    assert response.status_code == 200, response.text
    return response.json()["actions"]


def test_build_paper_sends_the_public_paper_and_the_exempt_appendix_with_their_pdfs(server, sample_workbook, tokens):
    exempt_sample(sample_workbook, {"CRR18": "Para 7", "CRR05": "Para 7"}, marking="OFFICIAL-SENSITIVE")
    actions = answer(server, payload_from_xlsx(sample_workbook), tokens.token([PAPER_ROLE]), [False])
    files = {a["args"][1]: base64.b64decode(a["args"][2]) for a in actions
             if a["func"] == "runMacro" and a["args"][0] == "riskregDownload"}
    assert sorted(files) == ["register board paper-exempt.docx", "register board paper-exempt.pdf",
                             "register board paper.docx", "register board paper.pdf"]
    def body(name: str) -> str:
        return "\n".join(p.text for p in docx.Document(io.BytesIO(files[name])).paragraphs)

    def tables(name: str) -> set[str]:
        return {row.cells[0].text for row in docx.Document(io.BytesIO(files[name])).tables[-1].rows[1:]}

    assert "2 risks are reported in the exempt appendix (Schedule 12A, paragraph 7)." in body(
        "register board paper.docx")
    assert not {"CRR18", "CRR05"} & tables("register board paper.docx")
    assert tables("register board paper-exempt.docx") == {"CRR18", "CRR05"}
    assert all(files[name].startswith(b"%PDF") for name in files if name.endswith(".pdf"))
    assert [a["args"][0] for a in actions if a["func"] == "alert"] == [
        "Board paper built: register board paper.docx and register board paper.pdf, ready to save from the task "
        "pane. Its exempt appendix (2 risks under Schedule 12A, marked OFFICIAL-SENSITIVE) is register board "
        "paper-exempt.docx and register board paper-exempt.pdf: keep it with the private papers, never the public "
        "ones."]
