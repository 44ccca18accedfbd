"""`riskreg serve` under bad requests, faults and load: real server processes on loopback, each case bounded.

A tight server (one worker, small limits) shows each bound giving its one-line answer: credentials before the body,
slow bodies, uploads per caller, rows and findings, a paper that keeps no one else waiting, a full disk, a worker
killed in the middle of a paper, and the manifest without a public address.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from support.entra_tokens import API_KEY, AUDIENCE, TENANT
from support.remote_actions import values
from support.remote_payload import payload_from_xlsx
from support.server_process import running_server

from addin.server.config import PAPER_ROLE, ROLL_ROLE
from addin.server.limits import Limits, estimated_seconds
from addin.server.payload import read_payload
from workbook import jobs

ROUTE = "/xlwings/custom-scripts-call/"
WAIT = 120.0  # seconds any one wait in this module may take


def env_for(folder: Path, tokens, **settings: str) -> dict[str, str]:
    keys = folder / "jwks.json"
    keys.write_text(json.dumps(tokens.jwks()))
    return {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY, "RISKREG_API_KEY_ROLES": PAPER_ROLE,
            "RISKREG_ENTRA_TENANT_ID": TENANT, "RISKREG_ENTRA_AUDIENCE": AUDIENCE,
            "RISKREG_ENTRA_JWKS_FILE": str(keys), "RISKREG_SCRATCH_DIR": str(folder / "scratch"), **settings}


@pytest.fixture(scope="module")
def tight(tmp_path_factory, tokens):
    folder = tmp_path_factory.mktemp("tight")
    env = env_for(folder, tokens, RISKREG_MAX_ROWS="300", RISKREG_MAX_FINDINGS="5", RISKREG_BODY_TIMEOUT_S="2",
                  RISKREG_UPLOADS_PER_CLIENT="2", RISKREG_PAPER_QUEUE="0", RISKREG_MAX_BODY_MB="4")
    with running_server(env, folder) as server:
        server.scratch = folder / "scratch"
        yield server


def post(server, script: str, payload: dict, auth: str | None = API_KEY, **kwargs) -> httpx.Response:
    headers = {"Authorization": auth} if auth else {}
    return httpx.post(server.url + ROUTE + script, json=payload, headers=headers, timeout=WAIT, **kwargs)


def detail(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["detail"]


def raw_request(server, head: str, body: bytes = b"") -> socket.socket:
    """Open a connection and send `head` (request line and headers) and `body`, leaving it open."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=WAIT)
    connection.sendall(head.encode() + b"\r\n" + body)
    return connection


def answer_of(connection: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < int(
            dict(line.split(": ", 1) for line in data.partition(b"\r\n\r\n")[0].decode().split("\r\n")[1:])
            .get("content-length", "0")):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    connection.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def head_for(server, script: str, length: int, auth: str | None = API_KEY) -> str:
    host = server.url.removeprefix("http://")
    lines = [f"POST {ROUTE}{script} HTTP/1.1", f"Host: {host}", "Content-Type: application/json",
             f"Content-Length: {length}"] + ([f"Authorization: {auth}"] if auth else [])
    return "\r\n".join(lines) + "\r\n"


def test_credentials_are_checked_before_the_body_is_read(tight):
    # A client that announces 3 MB and sends none of it is answered at once: the server waits for no body.
    connection = raw_request(tight, head_for(tight, "validate", 3 * 1024 * 1024, auth=None))
    assert answer_of(connection) == (401, {"detail": "No credentials: sign in to the Risk Register add-in "
                                                     "(Microsoft 365) or set the server's API key in the add-in's "
                                                     "settings."})


def test_a_body_that_stops_arriving_gets_408_and_uploads_per_caller_are_bounded(tight, sample_workbook):
    stalled = [raw_request(tight, head_for(tight, "validate", 1000), b'{"client"') for _ in range(2)]
    try:
        busy = post(tight, "validate", payload_from_xlsx(sample_workbook))  # the same caller's third request
        assert detail(busy) == (429, "You already have 2 Risk Register requests in progress: wait for them to "
                                     "finish, then press the button again.")
        assert busy.headers["retry-after"] == "5"
        assert [answer_of(c) for c in stalled] == [(408, {"detail": "The workbook did not arrive within 2 s: check "
                                                                    "the network and press the button again."})] * 2
    finally:
        for connection in stalled:
            connection.close()
    assert post(tight, "validate", payload_from_xlsx(sample_workbook)).status_code == 200


def test_a_sheet_with_too_many_rows_gets_413_before_any_work(tight, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    values(payload, "History").extend([[0]] * 300)
    assert detail(post(tight, "validate", payload)) == (
        413, f"Sheet 'History' has {len(values(payload, 'History')):,} rows, more than this server takes (300): "
             "remove the empty or stray rows at its end, or ask the server's administrator to raise "
             "RISKREG_MAX_ROWS.")


def test_findings_beyond_the_cap_are_counted_not_listed(tight, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    history = values(payload, "History")
    width = len(history[0])
    history.extend([[0] + [""] * (width - 1) for _ in range(200)])  # junk rows: a finding or more each
    actions = post(tight, "validate", payload).json()["actions"]
    sheet = next(a for a in actions if a["func"] == "setValues")["values"]
    assert [row[0] for row in sheet[4:9]] != [""] * 5 and all(row[0] for row in sheet[4:9])
    counted = [row[6] for row in sheet[9:]]
    assert sheet[9:] == [[""] * 6 + [line, ""] for line in counted]
    every = jobs.validate(read_payload(json.dumps(payload).encode(), [], Limits()).register()).findings
    beyond: dict[tuple[str, str], int] = {}
    for finding in every[5:]:
        key = (finding.rule_id, finding.cell.split("!")[0])
        beyond[key] = beyond.get(key, 0) + 1
    assert len(every) > 200
    assert counted == [f"and {n:,} more finding{'s' if n != 1 else ''} of {rule} in {sheet_name}"
                       for (rule, sheet_name), n in sorted(beyond.items(), key=lambda item: (-item[1], item[0]))]
    assert any(line.endswith(" in History") for line in counted)


def test_a_token_with_roles_null_is_a_user_without_roles(tight, sample_workbook, tokens):
    token = tokens.token(claims={"roles": None, "preferred_username": None, "name": "Dana"})
    assert post(tight, "validate", payload_from_xlsx(sample_workbook), token).status_code == 200
    assert detail(post(tight, "roll_quarter", payload_from_xlsx(sample_workbook), token)) == (
        403, f"Access Denied. Dana is missing the following roles: {ROLL_ROLE}. Ask whoever runs the Risk Register "
             "server to give you the role.")
    assert detail(post(tight, "validate", {}, tokens.token(claims={"oid": None}))) == (
        401, "The sign-in token names no user: sign in again.")


def test_a_script_name_cannot_forge_a_log_line(tight):
    forged = "validate%0A2026-01-01 00:00:00,000 INFO riskreg: request 0 script=validate user=admin status=200"
    response = httpx.post(tight.url + ROUTE + forged, content=b"{}", headers={"Authorization": API_KEY},
                          timeout=WAIT)
    assert response.status_code == 404
    lines = tight.log_text().splitlines()
    assert not [line for line in lines if line.startswith("2026-01-01")]
    assert [line for line in lines if "script=validate\\n2026-01-01" in line]


def test_the_manifest_is_served_only_at_the_configured_address(tight):
    response = httpx.get(tight.url + "/manifest", headers={"Host": "evil.example"}, timeout=WAIT)
    assert detail(response) == (404, "This server has no public address set, so it serves no manifest: its "
                                     "administrator sets RISKREG_PUBLIC_URL (see docs/it/server.md, 'Deployment').")


def request_folders(server) -> list[Path]:
    return sorted(server.scratch.glob("worker-*/request-*"))


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT:.0f} s for {what}")
        time.sleep(0.05)


def test_a_paper_keeps_no_one_waiting_and_a_second_paper_gets_503(tight, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    papers: list[httpx.Response] = []
    first = threading.Thread(target=lambda: papers.append(post(tight, "build_paper", {**payload, "args": [True]})))
    first.start()
    try:
        wait_for(lambda: request_folders(tight), "the paper to start")
        second = post(tight, "build_paper", {**payload, "args": [True]})
        assert detail(second) == (503, "The Risk Register server is busy with other papers: press the button again "
                                       "in a minute.")
        assert second.headers["retry-after"] == "60"
        validated = post(tight, "validate", payload)  # not behind the paper: the paper is still being built
        assert validated.status_code == 200 and papers == []
    finally:
        first.join(WAIT)
    assert papers[0].status_code == 200
    assert request_folders(tight) == []  # each request's folder went with it
    worker = next(tight.scratch.glob("worker-*"))
    assert oct(worker.stat().st_mode & 0o777) == "0o700"


def test_a_full_disk_is_507_and_leaves_nothing_behind(tmp_path, tokens, sample_workbook):
    """The scratch folder is a 48 kB tmpfs (in a mount namespace of the server's own): the paper cannot fit."""
    scratch = tmp_path / "scratch"
    with running_server(env_for(tmp_path, tokens), tmp_path, tmpfs=(scratch, 48 * 1024)) as server:
        response = post(server, "build_paper", {**payload_from_xlsx(sample_workbook), "args": [True]})
        assert response.status_code == 507
        assert response.json()["detail"].startswith("The Risk Register server has run out of disk space for its "
                                                     "work: tell its administrator (reference ")
        seen = Path(f"/proc/{server.process.pid}/root") / str(scratch).lstrip("/")
        assert [p.name for p in seen.glob("worker-*/*")] == []
        assert post(server, "validate", payload_from_xlsx(sample_workbook)).status_code == 200


def processes_in(folder: Path) -> list[int]:
    needle = str(folder).encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_a_worker_killed_mid_paper_leaves_no_libreoffice_or_files(tmp_path, tokens, sample_workbook):
    """Two workers; the one building the paper is killed with -9 while LibreOffice converts it: the server starts
    another worker, whose start ends the orphaned LibreOffice and removes the dead worker's folder."""
    from report_builder.build import soffice_binary

    assert soffice_binary(), "LibreOffice is part of the development set-up (dev.py)"
    scratch = tmp_path / "scratch"
    payload = {**payload_from_xlsx(sample_workbook), "args": [True]}
    with running_server(env_for(tmp_path, tokens), tmp_path, workers=2) as server:
        threading.Thread(target=lambda: _ignore(lambda: post(server, "build_paper", payload)), daemon=True).start()
        wait_for(lambda: processes_in(scratch), "LibreOffice to start on the paper")
        (busy,) = {folder.parent for folder in scratch.glob("worker-*/request-*")}
        os.kill(int(busy.name.removeprefix("worker-")), 9)
        wait_for(lambda: not busy.exists() and len(list(scratch.glob("worker-*"))) == 2, "a new worker's sweep")
        wait_for(lambda: not processes_in(scratch), "the orphaned LibreOffice to end")
        assert post(server, "validate", payload_from_xlsx(sample_workbook)).status_code == 200
        assert list(scratch.glob("worker-*/*")) == []
        assert "; starting another" in server.log_text()


def _ignore(call) -> None:
    try:
        call()
    except httpx.TransportError:
        pass


class SlowKeys:
    """Entra's key endpoint, slow: a loopback HTTP server that takes `delay` seconds per answer and counts them."""

    def __init__(self, jwks: dict, delay: float):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        keys = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                keys.fetches += 1
                keys.busy.set()
                time.sleep(delay)
                body = json.dumps(jwks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "max-age=600, private")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                keys.busy.clear()

            def log_message(self, *args):
                pass

        self.fetches, self.busy = 0, threading.Event()
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/keys"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


def test_forged_key_ids_while_entra_is_slow_cost_other_users_nothing(tmp_path, tokens, sample_workbook):
    keys = SlowKeys(tokens.jwks(), delay=4.0)
    env = {**env_for(tmp_path, tokens), "RISKREG_ENTRA_JWKS_URL": keys.url}
    del env["RISKREG_ENTRA_JWKS_FILE"]
    payload = payload_from_xlsx(sample_workbook)
    try:
        with running_server(env, tmp_path) as server:
            forged: list[httpx.Response] = []
            senders = [threading.Thread(target=lambda n=n: forged.append(
                post(server, "validate", payload, tokens.token(kid=f"forged-{n}")))) for n in range(8)]
            for sender in senders:
                sender.start()
            assert keys.busy.wait(WAIT)
            by_key = post(server, "validate", payload)  # answered while the key set is still being fetched
            assert by_key.status_code == 200 and keys.busy.is_set()
            for sender in senders:
                sender.join(WAIT)
            assert [detail(r) for r in forged] == [(401, "The sign-in token is not valid: sign in again.")] * 8
            assert post(server, "validate", payload, tokens.token()).status_code == 200  # the real key: cached
            again = [post(server, "validate", payload, tokens.token(kid=f"forged-{n}")) for n in range(8, 12)]
            assert [r.status_code for r in again] == [401] * 4
            assert keys.fetches == 1  # one fetch for all of them: unknown ids wait a minute for the next
    finally:
        keys.http.shutdown()


def test_a_request_whose_client_has_gone_is_dropped_before_it_runs(tmp_path, tokens, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    long = json.loads(json.dumps(payload))
    history = values(long, "History")
    history.extend([[0] * len(history[0]) for _ in range(60_000)])  # junk rows: a Validate of some seconds
    with running_server(env_for(tmp_path, tokens), tmp_path) as server:
        scratch = tmp_path / "scratch"
        first = threading.Thread(target=lambda: post(server, "validate", long))
        first.start()
        wait_for(lambda: list(scratch.glob("worker-*/request-*")), "the long Validate to start")
        gone = json.dumps(payload).encode()
        connection = raw_request(server, head_for(server, "validate", len(gone)), gone)
        connection.close()  # the user gave up while it waited its turn
        first.join(WAIT)
        wait_for(lambda: "status=499" in server.log_text(), "the dropped request's log line")
        assert post(server, "validate", payload).status_code == 200
        assert server.log_text().count("script=validate user=api-key status=200") == 2


def test_a_request_too_big_for_its_time_limit_is_refused_before_any_work(tmp_path, tokens, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    cells = sum(len(row) for sheet in payload["sheets"] for row in sheet["values"])
    about = f"{estimated_seconds(cells, heavy=False):.2g}"
    with running_server(env_for(tmp_path, tokens, RISKREG_TIME_LIMIT_S="0.001"), tmp_path) as server:
        assert detail(post(server, "validate", payload)) == (
            413, f"'validate' on this workbook ({cells:,} cells of values) would take about {about} s, more than this "
                 "server gives one request (0.001 s): remove the empty or stray rows at the end of its sheets, or ask "
                 "the server's administrator to raise RISKREG_TIME_LIMIT_S.")
        wait_for(lambda: "script=validate user=api-key status=413" in server.log_text(), "the request's log line")


def test_a_paper_past_its_time_limit_is_stopped_with_its_libreoffice_and_files(tmp_path, tokens, sample_workbook):
    """The paper's estimate is within the limit, the paper and its PDF are not: the work is ended, LibreOffice with
    it, the request's folder removed, and the worker answers the next request."""
    scratch = tmp_path / "scratch"
    payload = {**payload_from_xlsx(sample_workbook), "args": [True]}
    with running_server(env_for(tmp_path, tokens, RISKREG_PAPER_TIME_LIMIT_S="1.5"), tmp_path) as server:
        assert detail(post(server, "build_paper", payload)) == (
            422, "'build_paper' was stopped after 1.5 s, the most this server gives one request, and nothing was "
                 "changed: press the button again when the server is less busy, or ask its administrator to raise "
                 "RISKREG_PAPER_TIME_LIMIT_S.")
        assert list(scratch.glob("worker-*/*")) == []
        wait_for(lambda: not processes_in(scratch), "LibreOffice to end")
        assert post(server, "validate", payload_from_xlsx(sample_workbook)).status_code == 200


def test_a_validate_past_its_time_limit_is_stopped_and_the_worker_goes_on(tmp_path, tokens, sample_workbook):
    """Junk rows cost more than the size estimate (a finding or more per cell): the Validate starts, runs past the
    limit and is ended in its thread; the same worker then answers the next request."""
    long = payload_from_xlsx(sample_workbook)
    history = values(long, "History")
    history.extend([[0] * len(history[0]) for _ in range(90_000)])
    cells = sum(len(row) for sheet in long["sheets"] for row in sheet["values"])
    assert estimated_seconds(cells, heavy=False) < 3
    with running_server(env_for(tmp_path, tokens, RISKREG_TIME_LIMIT_S="3"), tmp_path) as server:
        assert detail(post(server, "validate", long)) == (
            422, "'validate' was stopped after 3 s, the most this server gives one request, and nothing was changed: "
                 "press the button again when the server is less busy, or ask its administrator to raise "
                 "RISKREG_TIME_LIMIT_S.")
        assert list((tmp_path / "scratch").glob("worker-*/*")) == []
        assert post(server, "validate", payload_from_xlsx(sample_workbook)).status_code == 200
