"""What the user sees in the task pane when the server refuses or cannot answer."""

from __future__ import annotations

import json

from support.server_process import running_server

from browser.conftest import ROLES


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


def test_a_server_that_does_not_answer(open_pane, work, tmp_path, chromium, tokens, shots):
    """The server stops between loading the pane and the click: the pane says so, in words, and is usable again."""
    from support.entra_tokens import API_KEY

    from browser.conftest import DOUBLE, Pane
    from browser.workbooks import double_book

    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY}
    with running_server(env, tmp_path) as server:
        page = chromium.new_page()
        page.route("https://appsforoffice.microsoft.com/**",
                   lambda route: route.fulfill(path=DOUBLE, content_type="text/javascript"))
        page.add_init_script(f"globalThis.officeDoubleBook = {json.dumps(double_book(work))};"
                             f"localStorage.setItem('riskreg-api-key', {json.dumps(API_KEY)});")
        page.goto(f"{server.url}/taskpane.html")
        page.wait_for_function("() => globalThis.xlwings !== undefined")
    pane = Pane(page, shots)
    pane.click("validate")
    pane.shot("4-error-no-answer")
    assert pane.error() == "The Risk Register server did not answer: try again in a minute, or ask whoever runs it."
    assert page.get_attribute("#validate", "aria-disabled") is None
    page.close()


def test_serve_says_at_start_up_that_the_client_is_there_and_serves_it(server):
    import httpx

    assert "task pane client: xlwings-server's Office.js client at " in server.log_text()
    answer = httpx.get(f"{server.url}/static/js/custom-scripts/index.js", timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
    assert "export async function runPython" in answer.text
