"""The whole workflow runs with the network cut off: no command opens a connection or looks up a host."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from addin.cli import cli
from workbook.export.sample import SAMPLE_PERIOD, sample_export_path


class NetworkUsed(AssertionError):
    """A command tried to reach the network."""


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)


def test_workflow_without_network(no_network, tmp_path):
    register = tmp_path / "register.xlsx"
    steps = [
        ["import", str(sample_export_path()), "-o", str(register), "--period", SAMPLE_PERIOD],
        ["validate", str(register), "--write"],
        ["trends", str(register), "--write"],
        ["paper", str(register), "-o", str(tmp_path / "paper.docx"), "--force"],
        ["roll-quarter", str(register), "--period", "2021/22 Q3", "--force"],
        ["export", str(register), "-o", str(tmp_path / "export.txt")],
        ["new", str(tmp_path / "empty.xlsx")],
        ["addin", "build", "-o", str(tmp_path / "riskreg.xlam")],
    ]
    for args in steps:
        if args[0] not in cli.commands:
            continue
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in (0, 1), f"riskreg {' '.join(args)}: {result.output}"
    assert (tmp_path / "paper.docx").exists() and (tmp_path / "export.txt").exists()
