"""Output paths that cannot be written get one `Error: …` line, exit code 2, and leave nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import cli
from workbook.export.sample import SAMPLE_PERIOD, sample_export_path

# Every command that writes a file of its own; {out} is the output path, {register} a good register.
WRITERS = {
    "new": ("new", "{out}.xlsx", "--period", SAMPLE_PERIOD),
    "import": ("import", "{export}", "-o", "{out}.xlsx", "--period", SAMPLE_PERIOD),
    "export": ("export", "{register}", "-o", "{out}.txt"),
    "paper": ("paper", "{register}", "-o", "{out}.docx", "--force"),  # --force: despite the sample's one error
    "addin build": ("addin", "build", "-o", "{out}.xlam"),
    "validate --write -o": ("validate", "{register}", "--write", "-o", "{out}.xlsx"),
    "trends --write -o": ("trends", "{register}", "--write", "-o", "{out}.xlsx"),
    "roll-quarter -o": ("roll-quarter", "{register}", "--period", "2021/22 Q3", "-o", "{out}.xlsx"),
}


# The option that replaces an existing output: the paper's --force means "build despite register errors".
REPLACE_OPTION = {"paper": "--overwrite"}


def replace_option(name: str) -> str:
    return REPLACE_OPTION.get(name, "--force")


def invoke(name: str, out: str, register: Path, *extra: str):
    args = [a.format(out=out, register=register, export=sample_export_path()) for a in WRITERS[name]]
    result = CliRunner().invoke(cli, [*args, *extra], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def suffix_of(name: str) -> str:
    return Path(next(a for a in WRITERS[name] if a.startswith("{out}"))).suffix


def one_error(result) -> str:
    """Assert exit code 2 and output ending with the one `Error: …` line (validate and trends print findings first)."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and lines and lines[-1].startswith("Error: "), result.output
    assert [line for line in lines if line.startswith("Error")] == lines[-1:], result.output
    assert not [line for line in lines if line.startswith(("Usage:", "Try '"))], "a usage screen, not a message"
    assert "Traceback" not in result.output
    return lines[-1]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def good_register(sample_workbook, tmp_path):
    """A good register, kept outside the folder the outputs go to."""
    return sample_workbook


@pytest.fixture
def outdir(tmp_path):
    folder = tmp_path / "outputs"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("name", WRITERS)
def test_output_in_a_missing_folder(name, good_register, outdir):
    out = outdir / "nowhere" / "result"
    line = one_error(invoke(name, str(out), good_register))
    target = out.with_name(out.name + suffix_of(name))
    assert line == f"Error: {target}: folder {target.parent} does not exist. Create it first or choose another path."
    assert tree(outdir) == []


@pytest.mark.parametrize("name", WRITERS)
def test_output_that_is_a_folder(name, good_register, outdir):
    suffix = suffix_of(name)
    folder = outdir / f"result{suffix}"
    folder.mkdir()
    line = one_error(invoke(name, str(outdir / "result"), good_register))
    assert line == f"Error: {folder}: is a folder. Give a file name for the output."
    assert tree(outdir) == [folder.name]


@pytest.mark.parametrize("name", WRITERS)
def test_output_whose_folder_is_a_file(name, good_register, outdir):
    blocker = outdir / "notes.txt"
    blocker.write_text("a file, not a folder")
    suffix = suffix_of(name)
    target = blocker / f"result{suffix}"
    line = one_error(invoke(name, str(blocker / "result"), good_register))
    assert line == f"Error: {target}: {blocker} is a file, not a folder. Choose another path."
    assert tree(outdir) == ["notes.txt"] and blocker.read_text() == "a file, not a folder"


@pytest.mark.parametrize("name", WRITERS)
def test_existing_output_needs_force(name, good_register, outdir):
    suffix = suffix_of(name)
    target = outdir / f"result{suffix}"
    target.write_bytes(b"previous")
    line = one_error(invoke(name, str(outdir / "result"), good_register))
    assert line == (f"Error: {target}: already exists. Choose another name, or pass {replace_option(name)} to "
                    "replace it.")
    assert target.read_bytes() == b"previous" and tree(outdir) == [target.name]
    replaced = invoke(name, str(outdir / "result"), good_register, replace_option(name))
    assert replaced.exit_code in (0, 1), replaced.output
    assert target.read_bytes() != b"previous" and tree(outdir) == [target.name]


@pytest.mark.parametrize("name", WRITERS)
def test_output_locked_by_another_program(name, good_register, outdir, monkeypatch):
    """Windows refuses to replace a file Excel or Word holds open: os.replace raises PermissionError."""
    suffix = suffix_of(name)
    target = outdir / f"result{suffix}"
    target.write_bytes(b"previous")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    line = one_error(invoke(name, str(outdir / "result"), good_register, replace_option(name)))
    assert line == (f"Error: {target}: cannot be replaced; is it open in Excel or Word? Close it and run the "
                    f"command again.")
    assert target.read_bytes() == b"previous" and tree(outdir) == [target.name]


@pytest.mark.parametrize("args", [["validate", "--write"], ["trends", "--write"],
                                  ["roll-quarter", "--period", "2021/22 Q3", "--force"]], ids=" ".join)
def test_register_locked_by_excel(args, good_register, monkeypatch):
    """Writing into a register Excel holds open: refused with the fix, the register as it was."""
    before = good_register.read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", locked)
    monkeypatch.setattr(os, "rename", locked)  # the register's move aside, where Windows says it is in use
    result = CliRunner().invoke(cli, [args[0], str(good_register), *args[1:]], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: {good_register}: cannot be replaced; is it open in Excel or Word? Close it and run the command "
        f"again.")
    assert good_register.read_bytes() == before
    assert not [p for p in good_register.parent.iterdir() if p.name.startswith(".~")]


@pytest.mark.parametrize("args", [["validate", "--write"], ["roll-quarter", "--period", "2021/22 Q3", "--force"]], ids=" ".join)
def test_replacing_the_register_keeps_its_permissions(args, good_register):
    """A register kept owner-only (it is protectively marked) stays owner-only after riskreg writes into it."""
    good_register.chmod(0o600)
    result = CliRunner().invoke(cli, [args[0], str(good_register), *args[1:]], catch_exceptions=True)
    assert result.exit_code in (0, 1), result.output
    assert good_register.stat().st_mode & 0o777 == 0o600
