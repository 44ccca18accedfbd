"""The ASGI application: one POST route per xlwings script call, the Office.js manifest and the task pane.

Stateless: each request carries the workbook's values and gets back the actions that change it, so any worker of
any machine can answer any request. Nothing the register says is logged: a line per request names the script, the
caller's id, the status and the time taken.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from addin.server.auth import Authenticator, Unauthorized
from addin.server.config import ServerConfig

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("riskreg.server")


def error(status: int, text: str) -> JSONResponse:
    """Return the one-line answer xlwings' clients show the user (`detail`)."""
    return JSONResponse({"detail": text}, status_code=status)


class BodyLimit:
    """ASGI middleware: refuse a request body over `limit` bytes, by its Content-Length or as it streams in."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        too_big = error(413, f"The workbook is too large for this server (over {self.limit // (1024 * 1024)} MB "
                             "of values): ask its administrator to raise RISKREG_MAX_BODY_MB.")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_big(scope, receive, send)
        # Read the body here, up to the limit, and hand it on whole: the app never sees more than `limit` bytes.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.limit:
                return await too_big(scope, receive, send)
            more = message.get("more_body", False)
        body = b"".join(chunks)

        async def replay():
            nonlocal body
            if body is None:
                return await receive()  # after the body: wait for the disconnect, as the server would
            message, body = {"type": "http.request", "body": body, "more_body": False}, None
            return message

        await self.app(scope, replay, send)


# xlwings' remote engine keeps one App per process whose active book receives every action (App.alert and others
# write to `books.active`), so two scripts running at once in one process would mix their answers: one at a time
# per worker, and as many at once as there are workers.
ONE_SCRIPT_AT_A_TIME = threading.RLock()
# Scripts run in one thread of their own: the event loop stays free for other requests, and the memory a script
# allocates is reused by the next one (threads taking turns would each keep an allocator arena of their own).
SCRIPT_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskreg-script")


def run_script(name: str, payload: dict, user) -> dict:
    """Run script `name` on the workbook in `payload` for `user`; return the actions (the xlwings response)."""
    import xlwings as xw
    import xlwings.server

    from addin.server import scripts

    with ONE_SCRIPT_AT_A_TIME:
        book = xw.Book(json=payload)
        args = payload.get("args") or []
        asyncio.run(xlwings.server.custom_scripts_call(scripts, scripts.SCRIPTS[name].__name__, current_user=user,
                                                       typehint_to_value={xw.Book: book}, args=list(args)))
        return book.json()


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """Return the server application (`uvicorn --factory addin.server.app:create_app` reads the environment)."""
    from addin.server import manifest
    from addin.server.scripts import SCRIPTS

    config = config or ServerConfig.from_environment()
    if not log.handlers:  # uvicorn configures its own loggers only
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s riskreg: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    auth = Authenticator(config)
    app = FastAPI(title="riskreg", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/xlwings/custom-scripts-call/{script_name}")
    async def call(script_name: str, request: Request):
        started, request_id = time.monotonic(), uuid.uuid4().hex[:12]
        user_id, status = "-", 500
        try:
            try:
                user = auth.user(request.headers.get("authorization"))
            except Unauthorized as err:
                status = 401
                return error(401, str(err))
            user_id = user.id
            if script_name not in SCRIPTS:
                status = 404
                return error(404, f"This server has no script {script_name[:40]!r}: the add-in and the server are "
                                  "of different versions.")
            body, questions = await request.body(), request.query_params.getlist("arg")
            try:
                actions = await asyncio.get_running_loop().run_in_executor(SCRIPT_THREAD, answer, script_name, body,
                                                                           questions, user)
            except BadPayload as err:
                status = 400
                return error(400, str(err))
            except PermissionError as err:
                status = 403
                return error(403, str(err))
            status = 200
            return JSONResponse(actions)
        except Exception as err:  # a bug: the traceback's frames go to the log, never the message (it may quote data)
            frames = "".join(traceback.format_list(traceback.extract_tb(err.__traceback__)))
            log.error("request %s: %s in script %s\n%s", request_id, type(err).__name__, script_name[:40], frames)
            return error(500, f"'{script_name[:40]}' stopped because of a fault in riskreg, not in your register. "
                              f"Give your administrator the reference {request_id}.")
        finally:
            log.info("request %s script=%s user=%s status=%d %.0f ms", request_id, script_name[:40], user_id, status,
                     (time.monotonic() - started) * 1000)

    @app.get("/manifest")
    async def get_manifest(request: Request):
        return Response(manifest.manifest_xml(config.public_url or str(request.base_url).rstrip("/"),
                                              config.client_id), media_type="application/xml")

    @app.get("/taskpane.html")
    async def taskpane():
        import xlwings

        settings = json.dumps({"appPath": "", "xlwingsVersion": xlwings.__version__, "requestTimeout": 300,
                               "onWasm": False, "authProviders": [], "isOfficialLiteAddin": False})
        page = (STATIC / "taskpane.html").read_text(encoding="utf-8").replace("__CONFIG__", settings)
        return Response(page, media_type="text/html")

    client = officejs_client()
    if client:
        log.info("task pane client: xlwings-server's Office.js client at %s", client)
    else:
        log.warning('task pane client: missing, the task pane cannot run: pip install "riskreg[officejs]" and restart')

    @app.get("/static/js/{path:path}")
    async def client_js(path: str):
        target = (client / path).resolve() if client else None
        if target is None or not target.is_relative_to(client) or not target.is_file():
            return error(404, 'No such file (the Office.js client comes with pip install "riskreg[officejs]").')
        return Response(target.read_bytes(), media_type="text/javascript")

    @app.get("/static/{name}")
    async def static(name: str):
        path = STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            return error(404, "No such file.")
        media = {".png": "image/png", ".js": "text/javascript", ".html": "text/html"}.get(path.suffix, "text/plain")
        return Response(path.read_bytes(), media_type=media)

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    app.add_exception_handler(404, lambda request, exc: error(404, "No such page on the Risk Register server."))
    app.add_exception_handler(405, lambda request, exc: error(405, "That method is not allowed here."))
    return BodyLimit(app, config.max_body)


def officejs_client() -> Path | None:
    """Return the folder of xlwings-server's Office.js client (its static/js), when that package is installed."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings_server")
    if spec is None or not spec.origin:
        return None
    folder = (Path(spec.origin).parent / "static" / "js").resolve()
    return folder if folder.is_dir() else None


class BadPayload(Exception):
    pass


def query_value(text: str):
    """Return a URL argument as the script wants it: true/false as booleans, anything else as text."""
    return {"true": True, "false": False}.get(text.lower(), text)


def payload_problem(payload) -> str | None:
    """Return why `payload` is not a workbook as xlwings' clients send it, or None."""
    if not isinstance(payload, dict):
        return "The request is not a workbook as xlwings' clients send it (a JSON object): update the add-in."
    for key, kind in (("client", str), ("version", str), ("book", dict), ("sheets", list), ("names", list)):
        if not isinstance(payload.get(key), kind):
            return f"The request has no valid {key!r}: it is not a workbook as xlwings' clients send it."
    for sheet in payload["sheets"]:
        if not (isinstance(sheet, dict) and isinstance(sheet.get("name"), str) and isinstance(sheet.get("values"), list)
                and all(isinstance(row, list) for row in sheet["values"])):
            return "A sheet in the request has no name or no rows of values: update the add-in."
    if "args" in payload and not isinstance(payload["args"], list):
        return "The request's 'args' must be a list."
    return None


def answer(name: str, body: bytes, questions: list[str], user) -> dict:
    """Read the payload and run the script on it: one at a time, so a worker holds one parsed workbook at once."""
    from xlwings import XlwingsError

    with ONE_SCRIPT_AT_A_TIME:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadPayload("The request is not the JSON an xlwings client sends: update the add-in.") from None
        del body
        if isinstance(payload, dict) and "args" not in payload and questions:
            payload["args"] = [query_value(v) for v in questions]  # the questions VBA's RunServerPython asked
        problem = payload_problem(payload)
        if problem:
            raise BadPayload(problem)
        try:
            return run_script(name, payload, user)
        except XlwingsError as err:
            text = " ".join(str(err).split())
            if text.startswith("Access Denied"):
                raise PermissionError(f"{text}. Ask whoever runs the Risk Register server to give you the role.") \
                    from None
            raise BadPayload(f"The server could not use the request: {text[:200]}") from None
