"""Every command against every bad input: one `Error: …` line naming the file, exit code 2, nothing left behind."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import riskreg_bad_corpus as corpus_module  # registered by tests/safety/conftest.py
from click.testing import CliRunner

from addin.cli import cli

PERIOD = "2021/22 Q2"


@dataclass(frozen=True)
class Invocation:
    """One way of running a command: which input slot it takes and the arguments around it."""

    name: str
    slot: str  # register | export | template
    args: tuple[str, ...]  # {input}, {register} (a good one) and {out} are filled in
    writes_input: bool = False  # writes into the input file itself

    @property
    def command(self) -> tuple[str, ...]:
        return tuple(a for a in self.args[:2] if not a.startswith("{"))


INVOCATIONS = (
    Invocation("import", "export", ("import", "{input}", "-o", "{out}/register.xlsx", "--period", PERIOD)),
    Invocation("export", "register", ("export", "{input}", "-o", "{out}/export.txt")),
    Invocation("validate", "register", ("validate", "{input}")),
    Invocation("validate --write", "register", ("validate", "{input}", "--write"), writes_input=True),
    Invocation("trends", "register", ("trends", "{input}")),
    Invocation("trends --write", "register", ("trends", "{input}", "--write"), writes_input=True),
    Invocation("roll-quarter", "register", ("roll-quarter", "{input}", "--period", "2021/22 Q3", "--force"), writes_input=True),
    Invocation("paper", "register", ("paper", "{input}", "-o", "{out}/paper.docx")),
    Invocation("paper --force", "register", ("paper", "{input}", "-o", "{out}/paper.docx", "--force")),
    Invocation("paper --template", "template",
               ("paper", "{register}", "-o", "{out}/paper.docx", "--force", "--template", "{input}")),
)


def cases():
    for item in corpus_module.CORPUS:
        for invocation in INVOCATIONS:
            if item.slot in (invocation.slot, "any"):
                yield pytest.param(item, invocation, id=f"{invocation.name}:{item.name}")


def run(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash: let pytest show the traceback
    return result


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_one_error_line(result, file_name: str) -> str:
    """Assert exit code 2 and output ending with the one `Error: …` line, naming `file_name`; return it."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert lines and lines[-1].startswith("Error: ") and "Traceback" not in result.output, result.output
    assert [line for line in lines if line.startswith("Error")] == lines[-1:], result.output
    assert not [line for line in lines if line.startswith(("Usage:", "Try '"))], "a usage screen, not a message"
    assert file_name in lines[-1], f"the message does not name {file_name}: {lines[-1]}"
    return lines[-1]


@pytest.mark.parametrize("item, invocation", list(cases()))
def test_command_on_bad_input(item, invocation, bad_file, bases, tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    source = bad_file(item.name)
    given = inputs / item.name
    if source.stat().st_size > 10 * 1024 * 1024:
        given.symlink_to(source)  # the 100 MB export: no need for a second copy
    else:
        shutil.copyfile(source, given)
    before = given.read_bytes() if given.stat().st_size < 10 * 1024 * 1024 else None
    args = [a.format(input=given, register=bases.register, out=out) for a in invocation.args]

    result = run(args)

    if item.outcome == "error" or (item.outcome == "either" and result.exit_code not in (0, 1)):
        assert_one_error_line(result, item.name)
        assert files_in(out) == [], "a failed command left output behind"
        assert files_in(inputs) == [item.name], "a failed command left files beside its input"
        if before is not None:
            assert given.read_bytes() == before, "a failed command changed its input"
    else:
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code == 2:
            assert_one_error_line(result, item.name)
            assert files_in(out) == []
        assert not [name for name in files_in(out) + files_in(inputs) if name.startswith(".~")], \
            "temporary files left behind"


@pytest.mark.parametrize("invocation", INVOCATIONS, ids=lambda i: i.name)
@pytest.mark.parametrize("given", ["missing.xlsx", "a folder.xlsx"])
def test_command_on_missing_or_folder_input(invocation, given, bases, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = tmp_path / given
    if "folder" in given:
        path.mkdir()
    args = [a.format(input=path, register=bases.register, out=out) for a in invocation.args]
    assert_one_error_line(run(args), given)
    assert files_in(out) == []


@pytest.mark.parametrize("name", ["export_utf16.txt", "export_bom.txt", "export_crlf.txt", "export_cp1252.txt"])
def test_unusual_encodings_import_the_same_register(name, bad_file, bases, tmp_path):
    """UTF-16, a BOM, CRLF line ends or Windows-1252 change nothing in the register that comes out."""
    from workbook.xlsx.reader import read_register

    registers = {}
    for label, source in (("utf8", bases.export), (name, bad_file(name))):
        out = tmp_path / f"{label}.xlsx"
        result = run(["import", str(source), "-o", str(out), "--period", PERIOD])
        assert result.exit_code == 0, result.output
        registers[label] = [dict(r.values) for r in read_register(out).risks]
    expected = registers["utf8"]
    if name == "export_cp1252.txt":  # the arrows are not in Windows-1252: the file spelt them -> ^ v
        arrows = {"→": "->", "↗": "^", "↘": "v"}
        expected = [{k: (arrows.get(v, v) if isinstance(v, str) else v) for k, v in risk.items()} for risk in expected]
    assert registers[name] == expected


def test_large_export_is_streamed_not_held_whole(bases, tmp_path):
    """An export just under the size limit is read line by line: memory stays a few times the file, not more."""
    import subprocess
    import sys

    path = tmp_path / "export_45mb.txt"
    corpus_module.write_huge_export(path, bases, megabytes=45)
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    # VmHWM, not ru_maxrss: a forked child inherits its parent's (pytest's) ru_maxrss across exec.
    code = ("from workbook.export.text_format import read_export; "
            f"e = read_export({str(path)!r}); "
            "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]; "
            "print(len(e.rows), int(peak) // 1024)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    rows, peak_mb = map(int, result.stdout.split())
    assert rows > 20_000
    assert peak_mb < 250, f"reading a 45 MB export peaked at {peak_mb} MB"


LAYOUT_MESSAGES = {
    "sheet_renamed.xlsx": "no sheet named 'Register' (sheets: Risks, Lists, History, Settings). Is 'Risks' the "
                          "register? Rename it to 'Register'. Make a register with `riskreg new` or `riskreg import`.",
    "sheet_missing.xlsx": "no sheet named 'Register' (sheets: Lists, History, Settings). Make a register with "
                          "`riskreg new` or `riskreg import`.",
    "header_moved.xlsx": "sheet 'Register': the header row (with 'ID' and 'Risk Name') is on row 13, but riskreg "
                         "looks for it in the first 10 rows. Delete the empty or extra rows above it (a title row or "
                         "two is fine).",
    "header_duplicated.xlsx": "sheet 'Register' cell Register!D1: header 'Description' appears twice (first at "
                              "column C). Rename or delete one of them.",
    "sheet_hidden.xlsx": "sheet 'Register' is hidden. Unhide it in Excel (right-click a sheet tab > Unhide) and "
                         "save, then try again.",
}


@pytest.mark.parametrize("name", LAYOUT_MESSAGES)
def test_register_layout_messages(name, bad_file, tmp_path):
    """The exact words for a register whose layout is wrong: the sheet, row or cell, and the fix."""
    given = tmp_path / name
    shutil.copyfile(bad_file(name), given)
    line = assert_one_error_line(run(["export", str(given), "-o", str(tmp_path / "export.txt")]), name)
    assert line == f"Error: {given}: {LAYOUT_MESSAGES[name]}"
