"""What the user sees in the task pane when the server refuses or cannot answer."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys

from support.entra_tokens import API_KEY
from support.server_process import _wait_until_up as wait_until_up
from support.server_process import free_port, running_server

from browser.conftest import DOUBLE, ROLES
from browser.workbooks import double_book


def test_a_wrong_api_key_is_refused_with_the_servers_reason(open_pane, work):
    pane = open_pane(work, api_key="wrong-key-" + "x" * 30)
    pane.click("validate")
    pane.shot("4-error-wrong-key")
    assert pane.error() == ("The credentials were not accepted: check the API key in the add-in's settings, or sign "
                            "in again.")
    assert pane.status() == ""
    assert "Validation" not in pane.book_sheet_names()


def test_a_failed_sign_in_says_what_to_do(open_pane, work):
    pane = open_pane(work, sso_error={"code": 13001, "message": "The user is not signed in"})
    pane.click("validate")
    assert pane.error() == ("Sign-in failed: The user is not signed in. Type the API key below, or ask whoever runs "
                            "the Risk Register server.")


def test_a_sign_in_without_the_role_cannot_roll_the_quarter(open_pane, work, tokens):
    pane = open_pane(work, sso_token=tokens.token(roles=()))
    pane.page.fill("#period", "2021/22 Q3")
    pane.click("roll_quarter")
    assert pane.error().startswith("Access Denied")
    assert pane.error().endswith("Ask whoever runs the Risk Register server to give you the role.")
    assert "RiskRegister.RollQuarter" in pane.error()


def test_the_signed_in_users_token_is_what_the_server_sees(open_pane, work, tokens):
    pane = open_pane(work, sso_token=tokens.token(ROLES))
    pane.click("validate")
    assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."


def test_a_server_that_does_not_answer(open_pane, work, tmp_path):
    """The server stops between loading the pane and the click: the pane says so, in words, and is usable again."""
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY}
    with running_server(env, tmp_path) as server:
        pane = open_pane(work, api_key=API_KEY, url=server.url)
    pane.click("validate")
    pane.shot("4-error-no-answer")
    assert pane.error() == "The Risk Register server did not answer: try again in a minute, or ask whoever runs it."
    assert pane.page.get_attribute("#validate", "aria-disabled") is None


def test_serve_says_at_start_up_that_the_client_is_there_and_serves_it(server):
    import httpx

    assert "task pane client: xlwings-server's Office.js client at " in server.log_text()
    answer = httpx.get(f"{server.url}/static/js/custom-scripts/index.js", timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
    assert "export async function runPython" in answer.text


@contextlib.contextmanager
def busy_server(env: dict, folder, limit: int):
    """The real app under uvicorn with a concurrency limit (`uvicorn --factory addin.server.app:create_app`, as its
    docstring says): over `limit` open connections, uvicorn answers 503 Service Unavailable, to the pane's own files
    too (riskreg's queue bounds the scripts alone)."""
    port = free_port()
    log = folder / f"uvicorn-{port}.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("RISKREG_", "XLWINGS_"))} | env
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "addin.server.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--limit-concurrency", str(limit)], stdout=sink, stderr=subprocess.STDOUT,
            env=environment, cwd=folder, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def slow_requests(url: str, count: int) -> list[socket.socket]:
    """Open `count` requests that send their headers and never finish: each holds a place on the server."""
    host, port = url.removeprefix("http://").split(":")
    held = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(b"POST /xlwings/custom-scripts-call/validate HTTP/1.1\r\nHost: riskreg\r\n")
        held.append(sock)
    return held


def test_a_busy_server_says_so_and_the_pane_works_again_when_it_is_free(open_pane, work, tmp_path):
    """riskreg serve's own bounded queue (RISKREG_QUEUE=0: one Validate at a time, none waiting) is full while a long
    Validate runs: the pane's Validate gets the server's 503 and works again once the long one is done."""
    import threading

    import httpx
    from support.remote_actions import values
    from support.remote_payload import payload_from_xlsx

    long = payload_from_xlsx(work)
    history = values(long, "History")
    history.extend([[0] * len(history[0]) for _ in range(60_000)])  # junk rows: a Validate of some seconds
    scratch = tmp_path / "scratch"
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY, "RISKREG_QUEUE": "0",
           "RISKREG_SCRATCH_DIR": str(scratch)}
    with running_server(env, tmp_path) as server:
        pane = open_pane(work, api_key=API_KEY, url=server.url)
        first = threading.Thread(target=lambda: httpx.post(server.url + "/xlwings/custom-scripts-call/validate",
                                                           json=long, headers={"Authorization": API_KEY},
                                                           timeout=120))
        first.start()
        try:
            for _ in range(2400):  # the long Validate has its turn once its request folder is made
                if list(scratch.glob("worker-*/request-*")):
                    break
                pane.page.wait_for_timeout(25)
            pane.click("validate")
            pane.shot("4-error-busy")
            assert pane.error() == ("The Risk Register server is busy with other requests: press the button again in "
                                    "a minute.")
            assert "Validation" not in pane.book_sheet_names()
        finally:
            first.join(120)
        assert "status=503" in server.log_text()
        pane.click("validate")
        assert pane.error() == ""
        assert pane.status() == "1 error, 1 warning in 18 risks — see the Validation sheet."


def test_a_pane_opened_while_the_server_is_busy_says_to_open_it_again(open_pane, work, tmp_path, chromium):
    """The client's first file is held on its way until the server is full: the pane does not claim the client is
    missing, it says to open the pane again."""
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY}
    with busy_server(env, tmp_path, limit=32) as url:
        page = chromium.new_page()
        held, slots = [], []
        page.route("**/static/js/custom-scripts/index.js", lambda route: held.append(route))
        page.route("https://appsforoffice.microsoft.com/**",
                   lambda route: route.fulfill(path=DOUBLE, content_type="text/javascript"))
        page.add_init_script(f"globalThis.officeDoubleBook = {json.dumps(double_book(work))};")
        with page.expect_request("**/static/js/custom-scripts/index.js"):
            page.goto(f"{url}/taskpane.html", wait_until="commit")
        for _ in range(100):  # the route handler runs between Playwright calls
            if held:
                break
            page.wait_for_timeout(20)
        page.unroute("**/static/js/custom-scripts/index.js")
        slots = slow_requests(url, 32)
        try:
            held[0].continue_()
            page.wait_for_function("() => !document.getElementById('global-error-alert').classList.contains('d-none')")
            assert page.inner_text("#global-error-alert") == ("The task pane could not load all of its parts from "
                                                               "the server: close it and open it again in a minute.")
            assert page.is_hidden("#client-missing")
        finally:
            for sock in slots:
                sock.close()
            page.close()
