"""`riskreg serve` as Excel's clients meet it: a real server process on loopback, real HTTP, real register payloads."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import httpx
import pytest
from support.entra_tokens import API_KEY, MAX_BODY_MB
from support.remote_actions import apply_actions, values
from support.remote_payload import payload_from_xlsx

from addin.ribbon import entry
from addin.server.config import PAPER_ROLE, ROLL_ROLE
from workbook import jobs
from workbook.core.periods import parse_period
from workbook.xlsx.reader import read_register

ROUTE = "/xlwings/custom-scripts-call/"


def call(server, script: str, payload, auth: str | None = API_KEY, args=None, content: bytes | None = None):
    headers = {"Authorization": auth} if auth is not None else {}
    if content is None:
        content = json.dumps({**payload, "args": args} if args is not None else payload).encode()
    return httpx.post(server.url + ROUTE + script, content=content, headers=headers, timeout=120)


def actions_of(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["actions"]


def alerts(actions) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def downloads(actions) -> dict[str, bytes]:
    return {a["args"][1]: base64.b64decode(a["args"][2]) for a in actions
            if a["func"] == "runMacro" and a["args"][0] == "riskregDownload"}


def without_stamp(rows):
    """Drop the 'Checked by … on <time>' line: the two runs happen seconds apart."""
    return [row for row in rows if not str(row[0]).startswith("Checked by")]


def test_validate_over_http_sends_the_same_actions_as_the_ribbon(server, sample_workbook, remote):
    payload = remote.payload_from_xlsx(sample_workbook)
    over_http = actions_of(call(server, "validate", payload))
    book = remote.open(payload)
    entry.validate(book)
    desktop = book.json()["actions"]

    assert [a["func"] for a in over_http] == [a["func"] for a in desktop]
    assert alerts(over_http) == ["1 error, 1 warning in 18 risks — see the Validation sheet."]
    assert remote.colours(payload, over_http) == {"Register!B3": "#ffeb9c", "Register!G3": "#ffc7ce"}
    assert without_stamp(remote.written(payload, over_http)["Validation"]["values"]) == \
        without_stamp(remote.written(payload, desktop)["Validation"]["values"])


def test_refresh_trends_over_http_rebuilds_the_summary_sheet(server, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    actions = actions_of(call(server, "refresh_trends", payload))
    assert alerts(actions) == ["Summary sheet rebuilt for 2021/22 Q2. No empty trend cell that History can fill."]
    summary = values(apply_actions(payload, actions), "Summary")
    assert summary[0][0].startswith("Summary")
    assert [a["func"] for a in actions] == ["addSheet", "setValues", "alert"]


def normal(value):
    """Compare cell values as Excel shows them: empty is empty, a date is its day, 4.0 is 4."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        return value[:10]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def grid(payload, sheet):
    rows = [[normal(v) for v in row] for row in values(payload, sheet)]
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(row) if v != ""), default=0) for row in rows), default=0)
    return [row[:width] + [""] * (width - len(row[:width])) for row in rows]


def edit_file(path, cells: dict[str, object]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        sheet, cell = address.split("!")
        wb[sheet][cell] = value
    wb.save(path)


def test_roll_quarter_over_three_quarters_gives_the_workbook_the_cli_gives(server, sample_workbook, tokens, tmp_path):
    """Each quarter: edit ratings and trends, roll through the server and with the CLI; the values must agree."""
    import shutil

    auth = tokens.token([ROLL_ROLE])
    cli_file = tmp_path / "cli.xlsx"
    shutil.copyfile(sample_workbook, cli_file)
    payload = payload_from_xlsx(sample_workbook)
    register = read_register(sample_workbook)
    rating_column = register.columns["rating"]  # 1-based
    trend_column = register.columns[max(k for k in register.columns if k.startswith("trend"))]
    ratings = {risk.id: risk.rating for risk in register.risks}
    closed = {}
    period = parse_period("2021/22 Q2")
    edits = [{}, {"CRR05": "Critical"}, {"CRR05": "High", "CRR11": "Medium"}]
    for quarter, changes in enumerate(edits):
        # The risk manager's edits of the quarter, typed the same way into the open workbook and into the file.
        rows = values(payload, "Register")
        cells = {}
        for i, risk in enumerate(register.risks):
            if risk.id in changes:
                rows[risk.row - 1][rating_column - 1] = changes[risk.id]
                cells[f"Register!{chr(64 + rating_column)}{risk.row}"] = changes[risk.id]
                ratings[risk.id] = changes[risk.id]
            if quarter:  # the new quarter's trend column, empty after a roll, filled in before the next
                rows[risk.row - 1][trend_column - 1] = "→"
                cells[f"Register!{chr(64 + trend_column)}{risk.row}"] = "→"
        edit_file(cli_file, cells)

        new_period = period.next()
        actions = actions_of(call(server, "roll_quarter", payload, auth, [new_period.label]))
        payload = apply_actions(payload, actions)
        rolled = jobs.roll_quarter(cli_file, new_period, close_with_errors=True)  # as the server closes it
        closed[period.label] = dict(ratings)
        period = new_period

        # The History sentence is the job's own, the one the CLI prints.
        assert alerts(actions)[0].startswith(
            f"Rolled register.xlsx from {period.previous().label} to {period.label}. {rolled.history_line()} The "
            f"trend columns have moved on: fill in the {period.label} trends, then Validate.")
        if not quarter:  # the sample's History already holds its own quarter, 2021/22 Q2
            assert rolled.history_line() == (
                "History: 0 2021/22 Q2 rows recorded (Source 'rolled'); 18 risks already had a 2021/22 Q2 row, "
                "brought up to date from the Register: none had a value changed.")
        on_file = payload_from_xlsx(cli_file)
        for sheet in ("Register", "History", "Settings", "Record"):
            assert grid(payload, sheet) == grid(on_file, sheet), f"{sheet} after rolling to {period.label}"
        # The closed quarters' words: kept out of the way (hidden: Office.js is asked for no more than that).
        assert [s.get("visibility") for s in payload["sheets"] if s["name"] == "Record"] == ["Hidden"]

    # Worked out here, not by riskreg: three quarters closed, each with every risk's rating of that quarter.
    history = grid(payload, "History")
    header = history[0]
    rows = [dict(zip(header, row)) for row in history[1:]]
    for label, expected in closed.items():
        if label == "2021/22 Q2":
            continue  # the sample's own History already held Q2: rolling keeps it as it was
        recorded = {row["Risk ID"]: row["Rating"] for row in rows if row["Period"] == label}
        assert recorded == expected, label
    assert [r for r in values(payload, "Settings") if r[0] == "Reporting period"][0][1] == "2022/23 Q1"
    headers = values(payload, "Register")[0]
    assert [h for h in headers if str(h).endswith("Trending")] == ["Q3 Trending", "Q4 Trending", "Q1 Trending"]


def test_roll_quarter_refuses_a_skipped_quarter_and_changes_nothing(server, sample_workbook, tokens):
    actions = actions_of(call(server, "roll_quarter", payload_from_xlsx(sample_workbook), tokens.token([ROLL_ROLE]),
                              ["2022/23 Q1"]))
    assert [a["func"] for a in actions] == ["alert"]
    assert alerts(actions) == ["register.xlsx: reports 2021/22 Q2 (Settings!B5), so it can only roll to the next "
                               "quarter, 2021/22 Q3; asked for 2022/23 Q1. Roll one quarter at a time."]


def test_roll_quarter_without_a_period_asks_for_one_in_the_task_pane(server, sample_workbook, tokens):
    actions = actions_of(call(server, "roll_quarter", payload_from_xlsx(sample_workbook), tokens.token([ROLL_ROLE])))
    assert alerts(actions) == ["Roll quarter needs the new period: type it in the Risk Register task pane (for "
                               "example 2021/22 Q3) and press Roll quarter there."]


@pytest.mark.parametrize("script,args,role", [("roll_quarter", ["2021/22 Q3"], ROLL_ROLE),
                                              ("build_paper", [True], PAPER_ROLE)])
def test_roles_decide_who_may_roll_the_quarter_and_build_the_paper(server, sample_workbook, tokens, script, args,
                                                                   role):
    payload = payload_from_xlsx(sample_workbook)
    refused = call(server, script, payload, tokens.token([]), args)
    assert refused.status_code == 403
    assert refused.json() == {"detail": f"Access Denied. risk.manager@force.example is missing the following roles: "
                                        f"{role}. Ask whoever runs the Risk Register server to give you the role."}
    by_key = call(server, script, payload, API_KEY, args)  # this deployment gives the API key no roles
    assert by_key.status_code == 403
    assert call(server, script, payload, tokens.token([role]), args).status_code == 200


def test_build_paper_returns_the_word_paper_and_a_pdf_for_the_client_to_save(server, sample_workbook, tokens,
                                                                            tmp_path):
    import docx

    from report_builder.build import soffice_binary

    payload = payload_from_xlsx(sample_workbook)
    auth = tokens.token([PAPER_ROLE])
    refused = actions_of(call(server, "build_paper", payload, auth, [False]))
    assert downloads(refused) == {}
    assert alerts(refused)[0].startswith("register.xlsx: the register has 1 error, so the board paper was not built: "
                                         "Register!G3: ")  # the CLI's refusal, listing the error
    assert alerts(refused)[0].endswith("To build the paper anyway, with a data-quality note listing them, press "
                                       "'Build anyway' in the Risk Register task pane.")

    actions = actions_of(call(server, "build_paper", payload, auth, [True]))
    files = downloads(actions)
    expected = {"register board paper.docx"} | ({"register board paper.pdf"} if soffice_binary() else set())
    assert set(files) == expected
    paper = docx.Document(io.BytesIO(files["register board paper.docx"]))
    text = "\n".join(p.text for p in paper.paragraphs)
    assert "Corporate Risk Register – Quarter 2 2021/22" in text
    on_file = jobs.build_paper(sample_workbook, tmp_path / "cli.docx", force=True)

    def said(document):  # the provenance line names the file's time and hash: the server's copy is not the file
        return [p.text for p in document.paragraphs if p.text and "SHA-256" not in p.text]

    assert said(paper) == said(docx.Document(on_file.paper))
    if soffice_binary():
        assert files["register board paper.pdf"].startswith(b"%PDF")
        (tmp_path / "server paper.pdf").write_bytes(files["register board paper.pdf"])
    assert alerts(actions) == [f"Board paper built: {' and '.join(sorted(expected))}, ready to save from the task "
                               "pane. It carries a data-quality note listing 1 register error."]


def test_build_paper_adds_the_positions_when_the_task_pane_asks(server, tokens, tmp_path):
    """The task pane's positions box is the CLI's --positions: the table of positions and the movement grid."""
    import docx
    from support.depth_register import write_depth_sample

    def said(data: bytes) -> list[str]:  # the provenance line names the time and hash of the server's own copy
        return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text and "SHA-256" not in p.text]

    payload = payload_from_xlsx(write_depth_sample(tmp_path / "depth.xlsx"))
    auth = tokens.token([PAPER_ROLE])
    papers = {positions: downloads(actions_of(call(server, "build_paper", payload, auth, [True, positions])))
              ["depth board paper.docx"] for positions in (False, True)}
    headings = ["6. Inherent, residual and target positions", "Figure 3: Inherent, residual and target positions on the matrix"]
    assert set(headings) <= set(said(papers[True])) and not set(headings) & set(said(papers[False]))
    on_file = jobs.build_paper(tmp_path / "depth.xlsx", tmp_path / "cli.docx", force=True, positions=True)
    assert said(papers[True]) == said(on_file.paper.read_bytes())
    by_url = httpx.post(server.url + ROUTE + "build_paper?arg=true&arg=true", timeout=120,
                        json={**payload, "client": "VBA"}, headers={"Authorization": auth})
    assert set(headings) <= set(said(downloads(actions_of(by_url))["depth board paper.docx"]))
    page = httpx.get(server.url + "/taskpane.html", timeout=30).text
    assert 'id="positions" type="checkbox"' in page and 'run("build_paper", [false, positions()])' in page


def test_new_register_returns_an_empty_register_workbook(server, sample_workbook, tmp_path):
    actions = actions_of(call(server, "new_register", payload_from_xlsx(sample_workbook), args=["2023/24 Q1"]))
    files = downloads(actions)
    assert list(files) == ["Risk register 2023-24 Q1.xlsx"]
    target = tmp_path / "new.xlsx"
    target.write_bytes(files["Risk register 2023-24 Q1.xlsx"])
    register = read_register(target)
    assert (register.period.label, len(register.risks)) == ("2023/24 Q1", 0)
    assert alerts(actions) == ["Created Risk register 2023-24 Q1.xlsx: save it from the task pane, then open it in "
                               "Excel."]


NO_CREDENTIALS = ("No credentials: sign in to the Risk Register add-in (Microsoft 365) or set the server's API key "
                  "in the add-in's settings.")
NOT_ACCEPTED = ("The credentials were not accepted: check the API key in the add-in's settings, or sign in "
                "again.")


@pytest.mark.parametrize("make,message", [
    (lambda t: None, NO_CREDENTIALS),
    (lambda t: "", NO_CREDENTIALS),
    (lambda t: "Bearer", NO_CREDENTIALS),
    (lambda t: "wrong-key-" + "x" * 30, NOT_ACCEPTED),
    (lambda t: API_KEY[:-1], NOT_ACCEPTED),
    (lambda t: t.token(expires_in=-600), "Your sign-in has expired: close and reopen the Risk Register task pane."),
    (lambda t: t.token(audience="api://someone-else"),
     "The sign-in token is for another application, not this Risk Register server."),
    (lambda t: t.token(tenant="99999999-0000-0000-0000-000000000000"),
     "The sign-in token is from another organisation (Microsoft Entra tenant)."),
    (lambda t: t.token(key=t.other_key), "The sign-in token is not valid: sign in again."),
    (lambda t: "Bearer a.b.c", "The sign-in token is not valid: sign in again."),
], ids=["missing", "empty", "empty-bearer", "wrong-key", "key-one-short", "expired", "wrong-audience",
        "wrong-tenant", "wrong-signing-key", "garbage-jwt"])
def test_every_request_without_good_credentials_gets_401_and_one_line(server, sample_workbook, tokens, make,
                                                                       message):
    response = call(server, "validate", payload_from_xlsx(sample_workbook), make(tokens))
    assert (response.status_code, response.json()) == (401, {"detail": message})


def test_a_valid_entra_token_is_accepted(server, sample_workbook, tokens):
    assert call(server, "validate", payload_from_xlsx(sample_workbook), tokens.token()).status_code == 200


@pytest.mark.parametrize("content,status,message", [
    (b"{not json", 400, "The request is not the JSON an xlwings client sends: update the add-in."),
    (b"\xff\xfe\x00", 400, "The request is not the JSON an xlwings client sends: update the add-in."),
    (b"[1, 2, 3]", 400, "The request is not a workbook as xlwings' clients send it (a JSON object): update the "
                        "add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {"name": "r.xlsx"}, "names": []}', 400,
     "The request is not a workbook as xlwings' clients send it: sheets is missing. Update the add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {}, "names": [], "sheets": []}', 400,
     "The request is not a workbook as xlwings' clients send it: book.name is missing. Update the add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {"name": "r.xlsx"}, "names": [], "sheets": [{"name": 3}]}',
     400, "The request is not a workbook as xlwings' clients send it: sheets[0].name is wrong: input should be a "
          "valid string. Update the add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {"name": "r.xlsx"}, "names": [], "sheets": [{"name": '
     b'"Register", "values": [["ID", {"a": [1]}]]}]}', 400,
     "The request is not a workbook as xlwings' clients send it: sheet 'Register' cell B1 holds a JSON object or "
     "list, not a cell value. Update the add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {"name": "r.xlsx"}, "names": [], "sheets": [{"name": '
     b'"Register", "values": [["ID"], [NaN]]}]}', 400,
     "The request is not a workbook as xlwings' clients send it: sheet 'Register' cell A2 holds a number that is "
     "not finite (NaN or infinity). Update the add-in."),
    (b'{"client": "Office.js", "version": "0.37.8", "book": {"name": "r.xlsx"}, "names": [], "sheets": [], '
     b'"args": {"period": 1}}', 400, "The request is not a workbook as xlwings' clients send it: args is wrong: input "
                                     "should be a valid array. Update the add-in."),
    (b'{"client": "VBA", "version": "0.1.0", "book": {"name": "r.xlsx", "active_sheet_index": 0, "selection": "A1"},'
     b' "names": [], "sheets": [{"name": "Register", "values": [[""]], "pictures": [], "tables": []}]}', 400,
     "The server could not use the request: Your xlwings version is different on the client (0.1.0) and server "
     "(0.37.8)."),
], ids=["not-json", "not-utf8", "not-an-object", "no-sheets", "book-without-name", "bad-sheet-name",
        "object-in-a-cell", "nan", "bad-args", "old-client"])
def test_malformed_payloads_get_400_and_one_line(server, content, status, message):
    response = call(server, "validate", None, content=content)
    assert (response.status_code, response.json()) == (status, {"detail": message})


def test_an_oversized_payload_gets_413_and_the_server_goes_on(server, sample_workbook):
    big = b'{"padding": "' + b"x" * (MAX_BODY_MB * 1024 * 1024 + 1) + b'"}'
    response = call(server, "validate", None, content=big)
    assert (response.status_code, response.json()) == (413, {"detail": f"The workbook is too large for this server "
                                                                        f"(over {MAX_BODY_MB} MB of values): ask its "
                                                                        "administrator to raise RISKREG_MAX_BODY_MB."})
    streamed = httpx.post(server.url + ROUTE + "validate", headers={"Authorization": API_KEY}, timeout=60,
                          content=iter([b"x" * (1024 * 1024)] * (MAX_BODY_MB + 1)))  # no Content-Length: chunked
    assert streamed.status_code == 413
    assert call(server, "validate", payload_from_xlsx(sample_workbook)).status_code == 200


def test_an_unknown_script_gets_404(server, sample_workbook):
    response = call(server, "delete_everything", payload_from_xlsx(sample_workbook))
    assert (response.status_code, response.json()) == (404, {"detail": "This server has no script "
                                                                       "'delete_everything': the add-in and the "
                                                                       "server are of different versions."})


def test_a_register_error_is_a_message_not_a_failure(server, sample_workbook):
    payload = payload_from_xlsx(sample_workbook)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != "Register"]
    actions = actions_of(call(server, "validate", payload))
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][3] == "critical"
    assert "no sheet named 'Register'" in actions[0]["args"][0]


def test_the_log_names_scripts_and_callers_but_no_register_text(server, sample_workbook):
    call(server, "validate", payload_from_xlsx(sample_workbook))
    register = read_register(sample_workbook)
    log = server.log_text()
    assert "script=validate" in log and "status=200" in log and "status=401" in log
    quoted = [t for risk in register.risks for t in (risk.name, risk.text("description")[:40]) if len(t) > 12]
    assert quoted and not [t for t in quoted if t in log]
    assert "Traceback" not in log  # no request in this module hit a bug
    assert server.process.poll() is None  # every bad request above left it running
    assert httpx.get(server.url + "/health", timeout=10).json() == {"status": "ok"}


def test_users_pressing_validate_at_once_each_get_their_own_answer(server, sample_workbook):
    """Two workers, eight users at once, four different registers: no answer may carry another's actions."""
    from concurrent.futures import ThreadPoolExecutor

    base = payload_from_xlsx(sample_workbook)
    payloads = []
    for n in range(4):
        payload = json.loads(json.dumps(base))
        for row in values(payload, "Register")[1:1 + n]:  # register n has n more names ending in a full stop
            row[1] = str(row[1]).rstrip(".") + "."
        payloads.append(payload)
    expected = [alerts(actions_of(call(server, "validate", payload))) for payload in payloads]  # one at a time
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: alerts(actions_of(call(server, "validate", payloads[n % 4]))), range(16)))
    assert answers == [expected[n % 4] for n in range(16)]
    assert len({tuple(e) for e in expected}) > 1  # the registers really differ


def test_the_xlams_remote_mode_asks_its_questions_in_the_url(server, sample_workbook, tokens):
    """RunServerPython sends no script arguments: the VBA callback puts its answers in `?arg=` (see RiskRegister.bas)."""
    payload = {**payload_from_xlsx(sample_workbook), "client": "VBA"}
    rolled = httpx.post(server.url + ROUTE + "roll_quarter?arg=2021%2F22%20Q3", json=payload, timeout=120,
                        headers={"Authorization": tokens.token([ROLL_ROLE])})
    assert alerts(actions_of(rolled))[0].startswith("Rolled register.xlsx from 2021/22 Q2 to 2021/22 Q3")
    paper = httpx.post(server.url + ROUTE + "build_paper?arg=true", json=payload, timeout=120,
                       headers={"Authorization": tokens.token([PAPER_ROLE])})
    assert "register board paper.docx" in downloads(actions_of(paper))


def test_roll_quarter_refuses_a_history_table_with_a_total_row(server, sample_workbook, tokens):
    payload = payload_from_xlsx(sample_workbook)
    history = next(s for s in payload["sheets"] if s["name"] == "History")
    last = len(history["values"])
    history["tables"] = [{"name": "RatingHistory", "show_totals": True, "total_row_range_address": f"A{last}:L{last}"}]
    actions = actions_of(call(server, "roll_quarter", payload, tokens.token([ROLL_ROLE]), ["2021/22 Q3"]))
    assert [a["func"] for a in actions] == ["alert"]
    assert alerts(actions) == [f"register.xlsx: the History table has a Total Row (row {last}), and Roll quarter over "
                               "the server can only write the new rows below it. Turn the Total Row off (Table "
                               "Design > Total Row), roll the quarter, then turn it on again."]
