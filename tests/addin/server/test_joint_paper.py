"""Build joint paper on a real server: the other registers' files sent with the open workbook, the joint paper (and
each exempt appendix) sent back, bad uploads named, roles and the scratch folder as for the board paper."""

from __future__ import annotations

import base64
import io
import json

import docx
import httpx
import pytest
from support.entra_tokens import API_KEY, MAX_BODY_MB
from support.exempt_register import mark_exempt
from support.joint_registers import OPCC, force_register, opcc_register, set_setting
from support.remote_payload import payload_from_xlsx
from support.server_process import running_server, server_env

from addin.server.config import PAPER_ROLE

ROUTE = "/xlwings/custom-scripts-call/build_joint_paper"
FORCE = "West Midlands Police"


@pytest.fixture(scope="module")
def joint_server(tmp_path_factory, tokens):
    """A running server with a scratch folder the tests look into."""
    folder = tmp_path_factory.mktemp("joint-server")
    with running_server(server_env(folder, tokens, RISKREG_SCRATCH_DIR=str(folder / "scratch")), folder) as running:
        running.scratch = folder / "scratch"  # type: ignore[attr-defined]
        running.paper_token = tokens.token([PAPER_ROLE])  # type: ignore[attr-defined]
        yield running


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    """The force's register (CRR09 exempt, its Settings naming opcc.xlsx), the OPCC's, and the OPCC's with errors."""
    folder = tmp_path_factory.mktemp("joint-registers")
    force = mark_exempt(force_register(folder / "force.xlsx"), {"CRR09": "Para 3"})
    set_setting(force, "Joint registers", "opcc.xlsx")
    flawed = folder / "flawed"
    flawed.mkdir()
    return {"force": force, "opcc": opcc_register(folder / "opcc.xlsx"),
            "flawed": opcc_register(flawed / "opcc.xlsx", clean=False)}


def call(server, register, files, auth: str, anyway: bool = False) -> httpx.Response:
    args: list[object] = [anyway]
    for name, data in files:
        args += [name, base64.b64encode(data).decode("ascii")]
    return httpx.post(server.url + ROUTE, content=json.dumps({**payload_from_xlsx(register), "args": args}).encode(),
                      headers={"Authorization": auth}, timeout=300)


def answer(response: httpx.Response) -> tuple[dict[str, bytes], list[str]]:
    assert response.status_code == 200, response.text
    actions = response.json()["actions"]
    files = {a["args"][1]: base64.b64decode(a["args"][2]) for a in actions
             if a["func"] == "runMacro" and a["args"][0] == "riskregDownload"}
    return files, [a["args"][0] for a in actions if a["func"] == "alert"]


def headings(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]


def test_the_joint_paper_of_the_open_workbook_and_the_uploaded_register_comes_back_with_the_exempt_appendix(
        joint_server, registers, tokens):
    files, alerts = answer(call(joint_server, registers["force"], [("opcc.xlsx", registers["opcc"].read_bytes())],
                                tokens.token([PAPER_ROLE])))
    assert sorted(files) == ["force joint paper-exempt-force.docx", "force joint paper-exempt-force.pdf",
                             "force joint paper.docx", "force joint paper.pdf"]
    assert alerts == [
        "Joint paper built: force joint paper.docx and force joint paper.pdf, marked OFFICIAL, for 2 registers: "
        f"{FORCE} (force.xlsx), {OPCC} (opcc.xlsx); ready to save from the task pane. The exempt appendix (Schedule "
        "12A; force.xlsx: 1 risk, marked OFFICIAL, the paper's own marking: Settings has no Exempt marking (set one "
        "to mark the exempt appendix higher)) is force joint paper-exempt-force.docx and force joint "
        "paper-exempt-force.pdf: keep it with the private papers, never the public ones."]
    paper = docx.Document(io.BytesIO(files["force joint paper.docx"]))
    titles = headings(files["force joint paper.docx"])
    assert titles[:2] == ["1. Purpose", "2. Summary across the registers"]
    assert f"3. {FORCE}: Corporate Risk Register" in titles
    assert any(title.startswith(f"4. {OPCC}: ") for title in titles)
    assert "CRR09" not in {row.cells[0].text for table in paper.tables for row in table.rows}
    assert "Protective marking: OFFICIAL." in [p.text for p in paper.paragraphs]
    assert "OFFICIAL" in paper.sections[0].header.paragraphs[0].text
    exempt = docx.Document(io.BytesIO(files["force joint paper-exempt-force.docx"]))
    assert {row.cells[0].text for row in exempt.tables[-1].rows[1:]} == {"CRR09"}
    assert all(files[name].startswith(b"%PDF") for name in files if name.endswith(".pdf"))
    assert list(joint_server.scratch.glob("worker-*/request-*")) == []  # nothing kept


def test_no_uploaded_register_is_one_message_naming_what_the_settings_list(joint_server, registers, tokens):
    _, alerts = answer(call(joint_server, registers["force"], [], tokens.token([PAPER_ROLE])))
    assert alerts == [
        "force.xlsx: Build joint paper needs the other registers' workbooks (its Settings row Joint registers names "
        "opcc.xlsx). Choose their .xlsx files under Joint paper in the Risk Register task pane, then press Build "
        "joint paper again."]


def test_the_desktop_add_in_in_remote_mode_is_told_it_cannot_send_the_files_and_what_to_use(
        joint_server, registers):
    payload = {**payload_from_xlsx(registers["force"]), "client": "VBA"}
    response = httpx.post(joint_server.url + ROUTE + "?arg=false", content=json.dumps(payload).encode(),
                          headers={"Authorization": API_KEY}, timeout=300)
    assert response.status_code == 403  # the API key has no roles on this server: Build paper's role is needed
    _, alerts = answer(httpx.post(joint_server.url + ROUTE + "?arg=false", content=json.dumps(payload).encode(),
                                  headers={"Authorization": joint_server.paper_token}, timeout=300))
    assert alerts == [
        "force.xlsx: Build joint paper needs the other registers' workbooks (its Settings row Joint registers names "
        "opcc.xlsx), and the desktop add-in cannot send them to the Risk Register server. Build it from the Risk "
        "Register task pane (choose them under Joint paper there), or on a computer that has every register's file "
        "and riskreg: `riskreg paper \"force.xlsx\" OTHER.xlsx` in a terminal."]


def test_a_register_with_errors_is_refused_by_name_and_built_with_a_note_on_build_anyway(
        joint_server, registers, tokens):
    flawed = [("opcc.xlsx", registers["flawed"].read_bytes())]
    files, alerts = answer(call(joint_server, registers["force"], flawed, tokens.token([PAPER_ROLE])))
    assert files == {}
    [refusal] = alerts
    assert refusal.startswith("opcc.xlsx: the register has errors, so the joint paper was not built: opcc.xlsx has ")
    assert refusal.endswith("\n\nTo build the joint paper anyway, with a data-quality note naming them, press 'Build "
                            "joint paper anyway' in the Risk Register task pane.")
    assert str(joint_server.scratch) not in refusal  # no path of the server's
    errors = refusal.split("opcc.xlsx has ", 1)[1].split(" ", 1)[0]
    files, alerts = answer(call(joint_server, registers["force"], flawed, tokens.token([PAPER_ROLE]), anyway=True))
    assert "force joint paper.docx" in files
    assert alerts[0].split("; ready to save from the task pane.")[1].startswith(
        f" It carries a data-quality note naming opcc.xlsx ({errors} errors).")


@pytest.mark.parametrize(("name", "data", "message"), [  # the package guard's messages, with the file's name
    ("notes.txt", b"Minutes of the last meeting\n",
     "notes.txt: is a text file, not an Excel workbook (.xlsx). If it is a register export, turn it into a workbook "
     "with `riskreg import`."),
    ("opcc.xlsx", b"PK\x03\x04 cut short",
     "opcc.xlsx: is not a valid .xlsx workbook (the file is damaged or not a zip package). Open it in Excel and save "
     "it as an Excel Workbook (.xlsx), or rebuild it with `riskreg new`."),
    ("force joint paper.docx", b"PK\x03\x04 cut short",  # the paper's own name: the upload is not confused with it
     "force joint paper.docx: is not a valid .xlsx workbook (the file is damaged or not a zip package). Open it in "
     "Excel and save it as an Excel Workbook (.xlsx), or rebuild it with `riskreg new`."),
])
def test_an_upload_that_is_not_a_workbook_is_named_in_one_message(joint_server, registers, tokens, name, data,
                                                                   message):
    _, alerts = answer(call(joint_server, registers["force"], [(name, data)], tokens.token([PAPER_ROLE])))
    assert len(alerts) == 1 and alerts[0].startswith(f"{name}: ")
    assert alerts == [message]
    assert str(joint_server.scratch) not in alerts[0]


def test_file_names_are_cut_to_a_name_in_the_request_folder(joint_server, registers, tokens):
    sneaky = "../../" * 6 + "tmp/sneaky.xlsx"
    files, alerts = answer(call(joint_server, registers["force"], [(sneaky, registers["opcc"].read_bytes())],
                                tokens.token([PAPER_ROLE])))
    assert "force joint paper.docx" in files
    assert f"{OPCC} (sneaky.xlsx)" in alerts[0]
    assert not list(joint_server.scratch.parent.rglob("sneaky.xlsx"))


def test_the_same_register_twice_is_refused(joint_server, registers, tokens):
    data = registers["opcc"].read_bytes()
    _, alerts = answer(call(joint_server, registers["force"], [("opcc.xlsx", data), ("OPCC.xlsx", data)],
                            tokens.token([PAPER_ROLE])))
    assert alerts == [
        "OPCC.xlsx: chosen twice, or named as another register chosen is, and a joint paper takes each register "
        "once. Choose each other register's file once; rename one of two registers that share a name."]


def test_build_joint_paper_needs_the_paper_role_as_build_paper_does(joint_server, registers, tokens):
    response = call(joint_server, registers["force"], [("opcc.xlsx", b"")], tokens.token([]))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Access Denied. ")
    assert response.json()["detail"].endswith(f"is missing the following roles: {PAPER_ROLE}. Ask whoever runs the "
                                              "Risk Register server to give you the role.")
    assert call(joint_server, registers["force"], [], API_KEY).status_code == 403  # the key has no roles here


def test_uploads_over_the_body_limit_are_refused_before_the_work(joint_server, registers, tokens):
    response = call(joint_server, registers["force"], [("opcc.xlsx", b"\0" * (MAX_BODY_MB * 1024 * 1024))],
                    tokens.token([PAPER_ROLE]))
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"The workbook is too large for this server (over {MAX_BODY_MB} MB of values): ask its administrator to "
        "raise RISKREG_MAX_BODY_MB.")
