"""LibreOffice runs in its own process group: a timed-out or interrupted conversion leaves nothing running."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

import report_builder.soffice as soffice_module
from report_builder.build import build_paper, convert_to_pdf
from report_builder.soffice import MIN_TIMEOUT_SECONDS, conversion_timeout, run_group
from workbook.core.errors import OutputError


def running_with(text: str) -> list[str]:
    """Return the command lines of live processes that mention `text` (read from /proc, not from our code)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append(command)
    return found


@pytest.fixture
def started(monkeypatch) -> list[subprocess.Popen]:
    """Record the processes run_group starts."""
    made: list[subprocess.Popen] = []
    real = subprocess.Popen

    def recording(*args, **kwargs):
        process = real(*args, **kwargs)
        made.append(process)
        return process

    monkeypatch.setattr(soffice_module.subprocess, "Popen", recording)
    return made


def test_a_timed_out_conversion_ends_every_libreoffice_process(sample_workbook, tmp_path, started, soffice):
    paper = build_paper(sample_workbook, tmp_path / "paper.docx", force=True).paper
    with pytest.raises(OutputError) as err:
        convert_to_pdf(paper, tmp_path / "paper.pdf", timeout=0.5)
    assert err.value.user_message == (
        f"{paper}: written, but LibreOffice did not finish the PDF within 0.5 s (the time allowed for a paper of "
        f"{paper.stat().st_size / 1_000_000:.1f} MB) and was stopped. Open the paper in Word and save it as PDF.")
    assert not (tmp_path / "paper.pdf").exists()
    profile = next(arg for arg in started[0].args if arg.startswith("-env:UserInstallation="))
    assert running_with(profile.split("file://", 1)[1]) == []
    assert started[0].returncode is not None


def grandchildren_script(tmp_path: Path) -> tuple[list[str], str]:
    """Return a shell command that starts a grandchild, as soffice starts oosplash and soffice.bin, and the text
    that names its processes."""
    seconds = f"61.{abs(hash(str(tmp_path))) % 10_000}"
    return ["sh", "-c", f"sleep {seconds} & sleep {seconds}"], f"sleep {seconds}"


def test_a_timeout_ends_the_grandchildren_too(tmp_path):
    command, name = grandchildren_script(tmp_path)
    with pytest.raises(subprocess.TimeoutExpired):
        run_group(command, timeout=0.3)
    assert running_with(name) == []


def test_an_interrupt_ends_the_whole_group(tmp_path):
    import os
    import signal
    import threading

    command, name = grandchildren_script(tmp_path)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()  # Ctrl+C while LibreOffice works
    with pytest.raises(KeyboardInterrupt):
        run_group(command, timeout=30)
    assert running_with(name) == []


def test_a_finished_conversion_makes_the_pdf(sample_workbook, tmp_path, soffice):
    paper = build_paper(sample_workbook, tmp_path / "paper.docx", force=True).paper
    assert convert_to_pdf(paper, tmp_path / "paper.pdf").read_bytes().startswith(b"%PDF")


def docx_with_text(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", b"x" * size)
    return path


def test_the_time_allowed_follows_the_size_of_the_document(tmp_path):
    assert conversion_timeout(docx_with_text(tmp_path / "small.docx", 40_000)) == MIN_TIMEOUT_SECONDS
    assert conversion_timeout(docx_with_text(tmp_path / "big.docx", 10_000_000)) == 300
    assert conversion_timeout(docx_with_text(tmp_path / "huge.docx", 60_000_000)) == 1800
