"""A real server for the server tests: `riskreg serve` on loopback, an API key, and an Entra-like signing key."""

from __future__ import annotations

import json

import pytest
from support.entra_tokens import API_KEY, AUDIENCE, MAX_BODY_MB, TENANT, Tokens
from support.server_process import running_server

@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture(scope="module")
def server(tmp_path_factory, tokens):
    """A running server that accepts the API key (no roles) and Entra tokens of the test tenant."""
    folder = tmp_path_factory.mktemp("server")
    keys = folder / "jwks.json"
    keys.write_text(json.dumps(tokens.jwks()))
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY, "RISKREG_ENTRA_TENANT_ID": TENANT,
           "RISKREG_ENTRA_AUDIENCE": AUDIENCE, "RISKREG_ENTRA_JWKS_FILE": str(keys),
           "RISKREG_MAX_BODY_MB": str(MAX_BODY_MB), "RISKREG_PUBLIC_URL": "https://riskreg.force.example",
           # The tests' simultaneous users share the API key and the loopback address, so the server counts them as
           # one caller: let them all in (test_faults.py checks the limit itself).
           "RISKREG_UPLOADS_PER_CLIENT": "16"}
    with running_server(env, folder, workers=2) as running:
        yield running
