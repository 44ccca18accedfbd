"""The `riskreg paper` command's own part: it keeps the cycle collector off while it builds, and gives it back."""

import gc

from click.testing import CliRunner

from addin.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_paper_is_built_without_the_cycle_collector_which_it_gives_back(sample_workbook, tmp_path):
    assert gc.isenabled()
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        built = run("paper", sample_workbook, "-o", tmp_path / "paper.docx", "--force")
    finally:
        gc.callbacks.remove(seen)
    assert built.exit_code == 0, built.output
    assert collections == []  # tens of thousands of objects made, and none of them walked
    assert (tmp_path / "paper.docx").stat().st_size > 10_000
    assert gc.isenabled()
    gc.disable()
    try:
        refused = run("paper", sample_workbook, "-o", tmp_path / "again.docx")  # the sample has one error
        assert refused.exit_code == 2 and not (tmp_path / "again.docx").exists()
        assert refused.output.startswith("Error: register.xlsx: the register has 1 error, so the board paper was not "
                                         "built: ")
        assert not gc.isenabled()  # a caller that had it off still has it off
    finally:
        gc.enable()
