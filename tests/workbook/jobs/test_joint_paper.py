"""The joint paper's job: the registers a workbook's Settings name under 'Joint registers', and the paper built
from them reading as the one built from the files named on the command line."""

from __future__ import annotations

from support.joint_registers import force_register, opcc_register, set_setting
from support.riskreg_testing import run_cli
from support.scenario import normalised_text
from workbook.jobs.joint_paper import default_joint_path, joint_names, joint_register_paths


def test_joint_names_reads_the_row_by_its_label_and_splits_on_semicolons_and_lines():
    grid = [("Setting", "Value"), ("Organisation", "West Midlands Police"),
            ("joint registers ", " opcc.xlsx; ../fire/fire.xlsx\nother.xlsx ;")]
    assert joint_names(grid) == (3, ["opcc.xlsx", "../fire/fire.xlsx", "other.xlsx"])
    assert joint_names([("Setting", "Value")]) == (0, [])
    assert joint_names([("Joint registers", None)]) == (1, [])


def test_the_settings_list_builds_the_same_paper_as_the_files_named(tmp_path):
    force = force_register(tmp_path / "force.xlsx")
    (tmp_path / "opcc").mkdir()
    opcc = opcc_register(tmp_path / "opcc" / "opcc.xlsx")
    set_setting(force, "Joint registers", "opcc/opcc.xlsx")
    assert joint_register_paths(force) == [force, opcc]
    result = run_cli("paper", force, "--joint")
    assert result.exit_code == 0, result.output
    written = default_joint_path(force)
    assert written == tmp_path / "force joint paper.docx" and result.output.startswith(f"Wrote {written}: ")
    again = run_cli("paper", force, "--joint")  # riskreg's own unchanged joint paper is replaced
    assert again.exit_code == 0 and again.output.startswith(f"Wrote {written}: "), again.output
    named = tmp_path / "named.docx"
    assert run_cli("paper", force, opcc, "-o", named).exit_code == 0
    assert normalised_text(written) == normalised_text(named)


def test_a_missing_or_empty_list_and_a_file_not_there_are_named(tmp_path):
    force = force_register(tmp_path / "force.xlsx")
    result = run_cli("paper", force, "--joint")
    assert (result.exit_code, result.output) == (2, (
        f"Error: {force}: the Settings sheet has no row labelled Joint registers, so there are no registers to "
        "join. Name the other registers' files in column B of a Settings row labelled Joint registers (relative to "
        "this workbook's folder, separated by semicolons), or name every register on the command line.\n"))
    set_setting(force, "Joint registers", "opcc.xlsx")
    result = run_cli("paper", force, "--joint")
    row = result.output.split("cell Settings!B", 1)[1].split(" ", 1)[0]
    assert (result.exit_code, result.output) == (2, (
        f"Error: {force}: cell Settings!B{row} (Joint registers) names 'opcc.xlsx', but there is no file "
        f"{tmp_path / 'opcc.xlsx'}. Correct the name (relative to this workbook's folder), or move the register "
        "there.\n"))
    assert not default_joint_path(force).exists()


def test_positions_are_for_one_registers_paper(tmp_path):
    force, opcc = force_register(tmp_path / "force.xlsx"), opcc_register(tmp_path / "opcc.xlsx")
    result = run_cli("paper", force, opcc, "--positions")
    assert result.exit_code == 2
    assert result.output == ("Error: --positions is for one register's paper; build each register's paper for "
                                  "its positions table.\n")
