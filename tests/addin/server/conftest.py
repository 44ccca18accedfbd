"""A real server for the server tests: `riskreg serve` on loopback, an API key, and an Entra-like signing key."""

from __future__ import annotations

import pytest
from support.entra_tokens import Tokens
from support.server_process import running_server, server_env

@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture(scope="module")
def server(tmp_path_factory, tokens):
    """A running server that accepts the API key (no roles) and Entra tokens of the test tenant."""
    folder = tmp_path_factory.mktemp("server")
    # The tests' simultaneous users share the API key and the loopback address, so the server counts them as one
    # caller: let them all in (test_faults.py checks the limit itself).
    env = server_env(folder, tokens, RISKREG_PUBLIC_URL="https://riskreg.force.example",
                     RISKREG_UPLOADS_PER_CLIENT="16")
    with running_server(env, folder, workers=2) as running:
        yield running
