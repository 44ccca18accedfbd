"""Build joint paper from the ribbon (xlwings' remote engine): the open register and those its Settings name, one
paper beside the workbook."""

from __future__ import annotations

import docx
import pytest
from support.joint_registers import OPCC, force_register, opcc_register, set_setting

from addin.ribbon import dispatch, entry


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    """A force register whose Settings name the OPCC's register beside it, and that OPCC register."""
    folder = tmp_path_factory.mktemp("joint")
    force = force_register(folder / "force.xlsx")
    opcc_register(folder / "opcc.xlsx")
    set_setting(force, "Joint registers", "opcc.xlsx")
    return force


def alerts(book) -> list[str]:
    return [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]


def test_build_joint_paper_writes_one_paper_of_the_registers_settings_names_beside_the_workbook(registers, remote):
    book = remote.open(remote.payload_from_xlsx(registers))
    paper = entry.build_joint_paper(book, register_path=registers)
    assert paper == registers.with_name("force joint paper.docx")
    assert alerts(book) == [
        f"Joint paper written to {paper}, marked OFFICIAL, for 2 registers: West Midlands Police (force.xlsx), "
        f"{OPCC} (opcc.xlsx)."]
    headings = [p.text for p in docx.Document(paper).paragraphs if p.style.name.startswith("Heading")]
    assert any("West Midlands Police" in h for h in headings) and any(OPCC in h for h in headings)
    again = entry.build_joint_paper(book, register_path=registers)
    assert again == paper  # riskreg's own untouched paper is replaced, as the CLI does


def test_a_blank_joint_registers_list_is_one_message_saying_what_to_fill_in(tmp_path, remote):
    force = force_register(tmp_path / "force.xlsx")
    book = remote.open(remote.payload_from_xlsx(force))
    dispatch.run("build_joint_paper", book, register_path=force)
    assert alerts(book) == [
        f"{force}: the Settings sheet has no row labelled Joint registers, so there are no registers to join. Name "
        "the other registers' files in column B of a Settings row labelled Joint registers (relative to this "
        "workbook's folder, separated by semicolons), then save the workbook and click Build joint paper again."]
    assert not (tmp_path / "force joint paper.docx").exists()


def test_build_joint_paper_needs_a_saved_workbook(registers, remote):
    book = remote.open(remote.payload_from_xlsx(registers))
    dispatch.run("build_joint_paper", book)
    assert alerts(book) == [
        "force.xlsx is not saved on this computer, and the joint paper is built from the saved files. Save the "
        "workbook (File > Save As) and click the button again."]


def test_a_register_with_errors_is_refused_as_the_cli_refuses_and_built_with_a_note_when_the_user_says_so(
        tmp_path, remote):
    from workbook.jobs.joint_paper import build_joint_paper
    from workbook.core.errors import RegisterErrorsError

    force = force_register(tmp_path / "force.xlsx")
    opcc = opcc_register(tmp_path / "opcc.xlsx", clean=False)
    set_setting(force, "Joint registers", "opcc.xlsx")
    with pytest.raises(RegisterErrorsError) as cli_refusal:
        build_joint_paper([force, opcc], tmp_path / "cli.docx")
    book = remote.open(remote.payload_from_xlsx(force))
    dispatch.run("build_joint_paper", book, register_path=force)
    assert alerts(book) == [cli_refusal.value.user_message]
    assert cli_refusal.value.user_message.startswith("opcc.xlsx: the register has errors, so the joint paper was not "
                                                     "built: opcc.xlsx has ")
    assert not (tmp_path / "force joint paper.docx").exists()
    paper = entry.build_joint_paper(book, register_path=force, force=True)
    errors = len(cli_refusal.value.errors)
    assert alerts(book)[-1] == (
        f"Joint paper written to {paper}, marked OFFICIAL, for 2 registers: West Midlands Police (force.xlsx), "
        f"{OPCC} (opcc.xlsx). It carries a data-quality note naming opcc.xlsx ({errors} errors).")
    assert paper.exists()


def test_a_missing_register_file_is_named_with_its_settings_cell(tmp_path, remote):
    force = force_register(tmp_path / "force.xlsx")
    set_setting(force, "Joint registers", "opcc.xlsx; gone.xlsx")
    opcc_register(tmp_path / "opcc.xlsx")
    book = remote.open(remote.payload_from_xlsx(force))
    dispatch.run("build_joint_paper", book, register_path=force)
    [message] = alerts(book)
    assert message.startswith(f"{force}: cell Settings!B")
    assert message.endswith(f" (Joint registers) names 'gone.xlsx', but there is no file {tmp_path / 'gone.xlsx'}. "
                            "Correct the name (relative to this workbook's folder), or move the register there.")


def test_exempt_risks_go_to_the_exempt_appendix_beside_the_joint_paper_and_the_message_says_where(tmp_path, remote):
    from support.exempt_register import mark_exempt

    force = mark_exempt(force_register(tmp_path / "force.xlsx"), {"CRR09": "Para 3"})
    opcc_register(tmp_path / "opcc.xlsx")
    set_setting(force, "Joint registers", "opcc.xlsx")
    book = remote.open(remote.payload_from_xlsx(force))
    paper = entry.build_joint_paper(book, register_path=force)
    exempt = tmp_path / "force joint paper-exempt-force.docx"
    assert alerts(book) == [
        f"Joint paper written to {paper}, marked OFFICIAL, for 2 registers: West Midlands Police (force.xlsx), "
        f"{OPCC} (opcc.xlsx). The exempt appendix (Schedule 12A; force.xlsx: 1 risk, marked OFFICIAL, the paper's "
        "own marking: Settings has no Exempt marking (set one to mark the exempt appendix higher)) is "
        f"{exempt}: keep it with the private papers, never the public ones."]
    assert {row.cells[0].text for row in docx.Document(exempt).tables[-1].rows[1:]} == {"CRR09"}
