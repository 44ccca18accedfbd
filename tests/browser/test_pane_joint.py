"""Build joint paper in the task pane, in Chromium: the other registers chosen with the file input, sent with the
open workbook to the real server, the joint paper and its exempt appendix saved from the pane's links."""

from __future__ import annotations

import os

import docx
import pytest
from support.entra_tokens import API_KEY
from support.exempt_register import mark_exempt
from support.joint_registers import OPCC, force_register, opcc_register, set_setting
from support.server_process import running_server

from browser.conftest import ROLES

FORCE = "West Midlands Police"


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    """The force's register (CRR09 exempt, its Settings naming opcc.xlsx), the OPCC's, and the OPCC's with errors."""
    folder = tmp_path_factory.mktemp("pane-joint")
    force = mark_exempt(force_register(folder / "force.xlsx"), {"CRR09": "Para 3"})
    set_setting(force, "Joint registers", "opcc.xlsx")
    (folder / "flawed").mkdir()
    notes = folder / "notes.txt"
    notes.write_text("Minutes of the last meeting\n")
    return {"force": force, "opcc": opcc_register(folder / "opcc.xlsx"),
            "flawed": opcc_register(folder / "flawed" / "opcc.xlsx", clean=False), "notes": notes}


def texts(path) -> tuple[list[str], list[str]]:
    """Return a Word document's headings and its other paragraphs."""
    paragraphs = docx.Document(str(path)).paragraphs
    return ([p.text for p in paragraphs if p.style.name.startswith("Heading")],
            [p.text for p in paragraphs if not p.style.name.startswith("Heading")])


def test_choosing_the_other_register_builds_the_joint_paper_and_its_exempt_appendix(open_pane, registers, tmp_path):
    pane = open_pane(registers["force"])
    pane.page.set_input_files("#joint_files", [registers["opcc"]])
    pane.click("build_joint_paper")
    pane.shot("3-joint-paper-done")
    assert pane.error() == ""
    assert pane.status() == (
        "Joint paper built: force joint paper.docx and force joint paper.pdf, marked OFFICIAL, for 2 registers: "
        f"{FORCE} (force.xlsx), {OPCC} (opcc.xlsx); ready to save from the task pane. The exempt appendix (Schedule "
        "12A; force.xlsx: 1 risk, marked OFFICIAL, the paper's own marking: Settings has no Exempt marking (set one "
        "to mark the exempt appendix higher)) is force joint paper-exempt-force.docx and force joint "
        "paper-exempt-force.pdf: keep it with the private papers, never the public ones. Their links are below.")
    assert pane.download_names() == ["Save force joint paper.docx", "Save force joint paper.pdf",
                                     "Save force joint paper-exempt-force.docx",
                                     "Save force joint paper-exempt-force.pdf"]
    paper = pane.download("Save force joint paper.docx", tmp_path / "joint.docx")
    exempt = pane.download("Save force joint paper-exempt-force.docx", tmp_path / "joint-exempt.docx")
    assert pane.download("Save force joint paper.pdf", tmp_path / "joint.pdf").read_bytes().startswith(b"%PDF-")
    headings, body = texts(paper)
    assert headings[:2] == ["1. Purpose", "2. Summary across the registers"]
    assert f"3. {FORCE}: Corporate Risk Register" in headings
    assert [h for h in headings if h.startswith(f"4. {OPCC}: ")]
    assert "Protective marking: OFFICIAL." in body
    assert "1 risk is reported in the exempt appendix (Schedule 12A, paragraph 3)." in body
    assert "CRR09" not in {row.cells[0].text for table in docx.Document(str(paper)).tables for row in table.rows}
    assert {row.cells[0].text for row in docx.Document(str(exempt)).tables[-1].rows[1:]} == {"CRR09"}


def test_a_register_with_errors_is_refused_then_built_with_build_joint_paper_anyway(open_pane, registers):
    pane = open_pane(registers["force"])
    pane.page.set_input_files("#joint_files", [registers["flawed"]])
    pane.click("build_joint_paper")
    assert pane.error().startswith("opcc.xlsx: the register has errors, so the joint paper was not built: opcc.xlsx "
                                   "has ")
    assert pane.error().endswith("\n\nTo build the joint paper anyway, with a data-quality note naming them, press "
                                 "'Build joint paper anyway' in the Risk Register task pane.")
    assert pane.download_names() == []
    errors = pane.error().split("opcc.xlsx has ", 1)[1].split(" ", 1)[0]
    pane.click("build_joint_paper_anyway")
    assert pane.error() == ""
    assert pane.status().endswith(f"; ready to save from the task pane. It carries a data-quality note naming "
                                  f"opcc.xlsx ({errors} errors). The exempt appendix (Schedule 12A; force.xlsx: 1 "
                                  "risk, marked OFFICIAL, the paper's own marking: Settings has no Exempt marking (set "
                                  "one to mark the exempt appendix higher)) is force joint paper-exempt-force.docx "
                                  "and force joint paper-exempt-force.pdf: keep it with the private papers, never the "
                                  "public ones. Their links are below.")


def test_no_file_chosen_and_a_file_that_is_not_a_workbook_are_each_one_message(open_pane, registers):
    pane = open_pane(registers["force"])
    pane.click("build_joint_paper")
    assert pane.error() == (
        "force.xlsx: Build joint paper needs the other registers' workbooks (its Settings row Joint registers names "
        "opcc.xlsx). Choose their .xlsx files under Joint paper in the Risk Register task pane, then press Build "
        "joint paper again.")
    pane.page.set_input_files("#joint_files", [registers["notes"]])
    pane.click("build_joint_paper")
    assert pane.error() == ("notes.txt: is a text file, not an Excel workbook (.xlsx). If it is a register export, "
                            "turn it into a workbook with `riskreg import`.")
    assert pane.download_names() == []


def test_files_too_large_for_the_server_are_named_before_anything_is_sent(open_pane, registers, tmp_path):
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY,
           "RISKREG_API_KEY_ROLES": ",".join(ROLES), "RISKREG_MAX_BODY_MB": "1"}
    big, half, other = tmp_path / "big.xlsx", tmp_path / "half.xlsx", tmp_path / "other.xlsx"
    big.write_bytes(os.urandom(800 * 1024))
    half.write_bytes(os.urandom(400 * 1024))
    other.write_bytes(os.urandom(400 * 1024))
    with running_server(env, tmp_path) as server:
        pane = open_pane(registers["force"], api_key=API_KEY, url=server.url)
        pane.page.set_input_files("#joint_files", [big])
        pane.click("build_joint_paper")
        assert pane.error() == ("big.xlsx: is 0.8 MB, too large to send to this server (it takes 1 MB in one "
                                "request, sent as text): ask its administrator to raise RISKREG_MAX_BODY_MB.")
        pane.page.set_input_files("#joint_files", [half, other])
        pane.click("build_joint_paper")
        assert pane.error() == ("other.xlsx: with it, the chosen workbooks are too large to send together to this "
                                "server (it takes 1 MB in one request, sent as text): build the joint paper with "
                                "fewer registers, or ask the server's administrator to raise RISKREG_MAX_BODY_MB.")
        assert "script=build_joint_paper" not in server.log_text()  # refused in the pane: nothing was sent
