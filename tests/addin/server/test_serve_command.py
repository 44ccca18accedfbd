"""`riskreg serve` refuses to start a server that would accept no one, with one line and exit code 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from addin.cli import cli


@pytest.mark.parametrize("env,message", [
    ({"XLWINGS_LICENSE_KEY": "noncommercial"},
     "Error: the server would accept no one: set RISKREG_ENTRA_TENANT_ID and RISKREG_ENTRA_AUDIENCE (Microsoft "
     "Entra ID), or RISKREG_API_KEY, or both."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "short"},
     "Error: RISKREG_API_KEY is shorter than 24 characters: use a long random key, e.g. the output of `python -c "
     "\"import secrets; print(secrets.token_urlsafe(32))\"`."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_ENTRA_TENANT_ID": "t"},
     "Error: RISKREG_ENTRA_TENANT_ID is set but RISKREG_ENTRA_AUDIENCE is not: set it to the add-in's Application "
     "ID URI (api://…) or client id."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_API_KEY_ROLES": "Admin"},
     "Error: RISKREG_API_KEY_ROLES: unknown role 'Admin'; the roles are RiskRegister.RollQuarter, "
     "RiskRegister.BuildPaper."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_MAX_BODY_MB": "lots"},
     "Error: RISKREG_MAX_BODY_MB must be a number of megabytes, e.g. 32 (above 0, at most 4096); found 'lots'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_MAX_BODY_MB": "inf"},
     "Error: RISKREG_MAX_BODY_MB must be a number of megabytes, e.g. 32 (above 0, at most 4096); found 'inf'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_MAX_BODY_MB": "0"},
     "Error: RISKREG_MAX_BODY_MB must be a number of megabytes, e.g. 32 (above 0, at most 4096); found '0'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_MAX_BODY_MB": "-5"},
     "Error: RISKREG_MAX_BODY_MB must be a number of megabytes, e.g. 32 (above 0, at most 4096); found '-5'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_QUEUE": "many"},
     "Error: RISKREG_QUEUE must be a whole number from 0 to 100,000,000; found 'many'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_MAX_FINDINGS": "0"},
     "Error: RISKREG_MAX_FINDINGS must be a whole number from 1 to 100,000,000; found '0'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_PUBLIC_URL": "riskreg.example"},
     "Error: RISKREG_PUBLIC_URL 'riskreg.example' is not the address users reach the server at: give it as "
     "https://riskreg.example.org (Office requires https)."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_TIME_LIMIT_S": "inf"},
     "Error: RISKREG_TIME_LIMIT_S must be a number of seconds, e.g. 120 (above 0, at most 3600); found 'inf'."),
    ({"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": "k" * 30, "RISKREG_PAPER_TIME_LIMIT_S": "-1"},
     "Error: RISKREG_PAPER_TIME_LIMIT_S must be a number of seconds, e.g. 600 (above 0, at most 7200); found '-1'."),
    ({"RISKREG_API_KEY": "k" * 30},
     "Error: xlwings' remote engine needs a licence key: set XLWINGS_LICENSE_KEY (a commercial key, or "
     "'noncommercial' where the PolyForm Noncommercial licence covers you: see the README, 'Licence')."),
], ids=["no-credentials", "short-key", "tenant-without-audience", "unknown-role", "bad-size", "infinite-size",
        "zero-size", "negative-size", "bad-queue", "no-findings", "bad-public-url", "infinite-time-limit",
        "negative-paper-time-limit", "no-licence-key"])
def test_serve_refuses_a_configuration_it_cannot_run(monkeypatch, env, message):
    for name in ("XLWINGS_LICENSE_KEY", "RISKREG_API_KEY", "RISKREG_ENTRA_TENANT_ID", "RISKREG_ENTRA_AUDIENCE",
                 "RISKREG_API_KEY_ROLES", "RISKREG_MAX_BODY_MB", "RISKREG_QUEUE", "RISKREG_MAX_FINDINGS",
                 "RISKREG_PUBLIC_URL", "RISKREG_TIME_LIMIT_S", "RISKREG_PAPER_TIME_LIMIT_S"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert (result.exit_code, result.output.strip()) == (2, message)
