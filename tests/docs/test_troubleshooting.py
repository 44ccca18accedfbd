"""guide/errors.py: every user error in the source has its entry, and docs/troubleshooting.md lists them as they are."""

from __future__ import annotations

import shlex

from guide.error_help import USAGE
from guide.errors import PAGE, class_problems, entries_of, page, sites
from support.riskreg_testing import run_cli


def test_every_message_riskreg_can_raise_has_exactly_one_entry():
    _, problems = entries_of(sites())
    assert problems == []


def test_every_error_class_says_what_it_means_and_has_a_section():
    assert class_problems() == []


def test_the_scan_reads_a_message_as_the_user_sees_it():
    """A message made with an f-string: its values become ‹words›, its constants their values."""
    found = {(site.module, site.template) for site in sites()}
    assert ("workbook/files/atomic.py", "‹file›: is read-only, so nothing was changed. Make the file writable (its "
            "properties, or whoever manages the folder), or write to another file (-o).") in found
    assert ("workbook/xlsx/reader.py", "‹file›: sheet 'Register' is hidden. Unhide it in Excel (right-click a sheet "
            "tab > Unhide) and save, then try again.") in found  # REGISTER_SHEET, imported from the schema


def test_the_scan_finds_errors_made_through_a_class_given_as_a_parameter():
    """package_guard makes the caller's error class (`error: type[RiskregError]`): those messages are listed too."""
    guard = [site for site in sites() if site.module == "workbook/files/package_guard.py"]
    assert "‹file›: holds macros (‹headers›), and every paper made from it would carry them. Open it in Word and use " \
           "Save As 'Word Document (.docx)', which leaves the macros out, then use that file." in \
           [site.template for site in guard if site.error == "RiskregError"]


def test_the_page_is_generated_from_the_source():
    assert PAGE.read_text(encoding="utf-8") == page(), (
        "docs/troubleshooting.md is out of date: run `python -m guide troubleshooting` and review the diff.")


def test_a_command_typed_wrongly_gets_the_message_the_page_gives(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for example, message, _ in USAGE:
        result = run_cli(*shlex.split(example)[1:])
        assert result.exit_code == 2, example
        last = result.output.strip().splitlines()[-1]
        # click suggests one command ('Did you mean …?') or several ('(Did you mean one of: …)').
        assert last == message or last.startswith((message + " Did you mean", message + " (Did you mean")), example


def test_a_new_message_without_an_entry_or_written_elsewhere_is_named(tmp_path):
    """The check that keeps the page from going stale: a raise the catalogue does not explain fails, by place."""
    core = tmp_path / "workbook" / "core"
    core.mkdir(parents=True)
    (core / "errors.py").write_text('class RiskregError(Exception):\n    """Base."""\n\n\n'
                                    'class OutputError(RiskregError):\n    """An output file cannot be written."""\n')
    (tmp_path / "workbook" / "new.py").write_text(
        "from workbook.core.errors import OutputError\n\n\n"
        "def save(path, message):\n"
        "    if message:\n"
        "        raise OutputError(message)\n"
        "    raise OutputError(f'{path}: the disk is on fire. Put it out.')\n")
    _, problems = entries_of(sites(tmp_path))
    assert problems[:2] == [
        "workbook/new.py:6: OutputError's message is not written at the raise (‹message›); write it there as an "
        "f-string, so the guide can list it.",
        "workbook/new.py:7: OutputError('‹file›: the disk is on fire. Put it out.') has no entry in "
        "guide/error_help.py.",
    ]
