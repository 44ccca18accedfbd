"""A real `riskreg serve` process on a free loopback port, for the server tests and the load bench."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support.entra_tokens import Tokens

START_TIMEOUT = 60.0  # seconds: importing xlwings, FastAPI and the core takes a few on a busy 2-core machine


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: its base URL, its log file and its process."""

    url: str
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def server_env(folder: Path, tokens: Tokens, **more: str) -> dict[str, str]:
    """Return the environment of a test server that accepts the API key (no roles) and Entra tokens of the test
    tenant (its signing keys written in `folder`), with `more` settings."""
    import json

    from support.entra_tokens import API_KEY, AUDIENCE, MAX_BODY_MB, TENANT

    keys = folder / "jwks.json"
    keys.write_text(json.dumps(tokens.jwks()))
    return {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY, "RISKREG_ENTRA_TENANT_ID": TENANT,
            "RISKREG_ENTRA_AUDIENCE": AUDIENCE, "RISKREG_ENTRA_JWKS_FILE": str(keys),
            "RISKREG_MAX_BODY_MB": str(MAX_BODY_MB), **more}


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:  # bounded in time; one try every 0.2 s
        if process.poll() is not None:
            raise RuntimeError(f"riskreg serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"riskreg serve did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _limit_file_size(size: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@contextlib.contextmanager
def running_server(env: Mapping[str, str], folder: Path, workers: int = 1,
                   file_size_limit: int | None = None, tmpfs: tuple[Path, int] | None = None) -> Iterator[Server]:
    """Start `riskreg serve` on 127.0.0.1 with `env` added to the environment; stop it (and its workers) after.

    `file_size_limit` (bytes) is the server's RLIMIT_FSIZE: no file it writes may grow past it. `tmpfs` (folder,
    bytes) mounts a tmpfs of that size on the folder in a mount namespace of the server's own (`unshare`), as a small
    disk that fills; the test sees it at /proc/<pid>/root/<folder>."""
    port = free_port()
    log = folder / f"server-{port}.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RISKREG_", "XLWINGS_"))}
    environment.update(env)
    with open(log, "wb") as sink:
        command = [sys.executable, "-m", "addin", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
                   str(workers)]
        if tmpfs:
            folder_, size = tmpfs
            folder_.mkdir(parents=True, exist_ok=True)
            command = ["unshare", "--mount", "--map-root-user", "sh", "-c",
                       f'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$@"', str(folder_), *command]
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=environment, cwd=folder,
            start_new_session=True,  # its own process group: the workers stop with it
            preexec_fn=(lambda: _limit_file_size(file_size_limit)) if file_size_limit else None)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, log, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
