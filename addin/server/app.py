"""The ASGI application: one POST route per xlwings script call, the Office.js manifest and the task pane.

Stateless: each request carries the workbook's values and gets back the actions that change it, so any worker of
any machine can answer any request. Each request, in order: credentials from the headers (before any body is read),
the caller's upload limit, the body (bounded in size and time), the payload's shape, the worker's queue (bounded:
503 with Retry-After beyond it; dropped when the client has gone), then the script in its pool (papers in their own,
so Validate never waits behind a paper) in a private scratch folder removed afterwards. Nothing the register says is
logged: a line per request names the script, the caller's id, the status and the time taken, each escaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import json
import logging
import os
import shutil
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from addin.server import scratch
from addin.server.auth import API_KEY_USER, Authenticator, Unauthorized, User
from addin.server.config import ServerConfig
from addin.server.limits import estimated_seconds
from addin.server.payload import BadPayload, TooMuch, read_payload

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("riskreg.server")
FULL_DISK = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
STOP_WAIT = 30.0  # seconds a stopped script has to unwind before its request is answered anyway
LOW_DISK = 256 * 1024  # bytes free on the scratch disk below which a failed write is taken for a full disk


def error(status: int, text: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """Return the one-line answer xlwings' clients show the user (`detail`)."""
    return JSONResponse({"detail": text}, status_code=status, headers=headers)


def escaped(text: object, limit: int = 60) -> str:
    """Return `text` fit for one log field: control characters, spaces and quotes escaped, cut to `limit`."""
    value = str(text)[:limit]
    return value.encode("unicode_escape").decode("ascii").replace(" ", "\\x20").replace('"', '\\"') or "-"


class Refused(Exception):
    """A request answered with a 4xx/5xx and one line before its script ran."""

    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None):
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers


class Gate:
    """At most `running` scripts at once and `waiting` more in line, per worker; beyond that, 503 at once."""

    def __init__(self, running: int, waiting: int, retry_after: int):
        self.slots = asyncio.Semaphore(running)
        self.capacity, self.inside, self.retry_after = running + waiting, 0, retry_after

    @contextlib.asynccontextmanager
    async def turn(self, request: Request, what: str) -> AsyncIterator[None]:
        if self.inside >= self.capacity:
            raise Refused(503, f"The Risk Register server is busy with other {what}: press the button again in a "
                               f"minute.", {"Retry-After": str(self.retry_after)})
        self.inside += 1
        try:
            async with self.slots:
                if await request.is_disconnected():
                    raise Refused(499, "The client went away before its turn.")
                yield
        finally:
            self.inside -= 1


class Overran(BaseException):
    """Raised in a script's thread when its request has run past its time limit (a BaseException: no `except
    Exception` in the libraries keeps it from ending the work)."""


class Running:
    """The thread a request's script runs in and its scratch folder, so that work past its time limit can be ended:
    an Overran raised in the thread (the folder is removed as it unwinds) and the processes working there killed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: int | None = None
        self.folder: Path | None = None
        self.stopped = False
        self.loop = asyncio.get_running_loop()
        self.started = asyncio.Event()  # set when the script itself starts: its time limit counts from there

    def start_script(self) -> None:
        self.loop.call_soon_threadsafe(self.started.set)

    def begin(self) -> None:
        with self.lock:
            if self.stopped:
                raise Overran()
            self.thread = threading.get_ident()

    def end(self) -> None:
        with self.lock:
            self.thread = None

    def stop(self) -> None:
        """End the work: at the thread's next Python step, and at once for a LibreOffice working in its folder."""
        import ctypes

        with self.lock:
            self.stopped = True
            if self.thread is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), ctypes.py_object(Overran))
            if self.folder is not None:
                scratch.end_processes_in(self.folder)


class Uploads:
    """How many requests each caller has in progress (reading, waiting or running): at most `limit`."""

    def __init__(self, limit: int):
        self.limit, self.now = limit, Counter[str]()

    @contextlib.contextmanager
    def one(self, caller: str) -> Iterator[None]:
        if self.now[caller] >= self.limit:
            raise Refused(429, f"You already have {self.limit} Risk Register requests in progress: wait for them to "
                               "finish, then press the button again.", {"Retry-After": "5"})
        self.now[caller] += 1
        try:
            yield
        finally:
            self.now[caller] -= 1
            if not self.now[caller]:
                del self.now[caller]


async def read_body(request: Request, config: ServerConfig) -> bytes:
    """Return the request's body: refused (413) over the size limit, (408) when it does not arrive in time."""
    too_big = Refused(413, f"The workbook is too large for this server (over {config.max_body // (1024 * 1024)} MB "
                           "of values): ask its administrator to raise RISKREG_MAX_BODY_MB.")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdecimal() or int(length) > config.max_body):
        raise too_big
    chunks, seen = [], 0
    try:
        async with asyncio.timeout(config.body_timeout):
            async for chunk in request.stream():
                seen += len(chunk)
                if seen > config.max_body:
                    raise too_big
                chunks.append(chunk)
    except TimeoutError:
        raise Refused(408, f"The workbook did not arrive within {config.body_timeout:g} s: check the network and "
                           "press the button again.") from None
    return b"".join(chunks)


def disk_full(err: BaseException | None, folder: Path) -> bool:
    """Return whether `err`, or an error it was raised from, is a full disk (or a file size limit), or the scratch
    disk is nearly full (some writers, lxml's among them, report a failed write as an error of their own)."""
    with contextlib.suppress(OSError):
        if shutil.disk_usage(folder).free < LOW_DISK:
            return True
    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, OSError) and err.errno in FULL_DISK:
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


def check_roles(user: User, roles: tuple[str, ...]) -> None:
    missing = [role for role in roles if role not in user.roles]
    if missing:
        raise Refused(403, f"Access Denied. {user.name} is missing the following roles: {', '.join(missing)}. Ask "
                           "whoever runs the Risk Register server to give you the role.")


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """Return the server application (`uvicorn --factory addin.server.app:create_app` reads the environment)."""
    from addin.server import manifest
    from addin.server.scripts import SCRIPTS, Call, Script, run

    config = config or ServerConfig.from_environment()
    if not log.handlers:  # uvicorn configures its own loggers only
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s riskreg: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    auth = Authenticator(config)
    workspace = scratch.Workspace(config.scratch_dir)
    # Scripts run in a thread of their own (the event loop stays free for other requests); papers in a pool of their
    # own, so that Validate, Refresh trends and Roll quarter never wait behind a paper and its PDF.
    light = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="riskreg-script")
    heavy = ThreadPoolExecutor(max_workers=config.paper_concurrency, thread_name_prefix="riskreg-paper")
    gates = {False: Gate(config.concurrency, config.queue, 5), True: Gate(config.paper_concurrency,
                                                                         config.paper_queue, 60)}
    uploads = Uploads(config.uploads_per_client)
    app = FastAPI(title="riskreg", docs_url=None, redoc_url=None, openapi_url=None)

    def work(name: str, script: Script, body: bytes, questions: list[str], running: Running) -> dict:
        running.begin()
        try:
            book = read_payload(body, questions, config.limits)
            del body
            check_time(name, script, book.cells)
            running.start_script()
            # Only papers write temporary files; with one paper at a time, what a failed one left is its own.
            with workspace.request(sole=script.heavy and config.paper_concurrency == 1) as folder:
                running.folder = folder
                return run(script, Call(book, config.limits, folder))
        finally:
            running.end()
            if sum(gate.inside for gate in gates.values()) <= 1:  # the last one in: give the burst's memory back
                release_memory()

    def check_time(name: str, script: Script, cells: int) -> None:
        """Refuse, before the work starts, a request whose size would take it past its time limit."""
        limit, estimate = config.limits.seconds(script.heavy), estimated_seconds(cells, script.heavy)
        if estimate > limit:
            about = f"{estimate:,.0f}" if estimate >= 10 else f"{estimate:.2g}"
            raise TooMuch(f"'{name[:40]}' on this workbook ({cells:,} cells of values) would take about {about} s, "
                          f"more than this server gives one request ({limit:g} s): remove the empty or stray rows at "
                          "the end of its sheets, or ask the server's administrator to raise "
                          f"{config.limits.setting(script.heavy)}.")

    async def in_time(name: str, script: Script, body: bytes, questions: list[str]) -> dict:
        """Run the script in its pool; end it, with one line, when it runs past its time limit."""
        running, limit = Running(), config.limits.seconds(script.heavy)
        future = asyncio.get_running_loop().run_in_executor(heavy if script.heavy else light, work, name, script,
                                                            body, questions, running)
        started = asyncio.ensure_future(running.started.wait())
        first: list[asyncio.Future[Any]] = [future, started]
        await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)  # the payload read and checked
        started.cancel()
        try:
            return await asyncio.wait_for(asyncio.shield(future), limit)
        except TimeoutError:
            running.stop()
            future.add_done_callback(lambda done: done.cancelled() or done.exception())  # the Overran, seen
            await asyncio.wait({future}, timeout=STOP_WAIT)  # its scratch folder is removed as it unwinds
            raise Refused(422, f"'{name[:40]}' was stopped after {limit:g} s, the most this server gives one "
                               "request, and nothing was changed: press the button again when the server is less "
                               "busy, or ask its administrator to raise "
                               f"{config.limits.setting(script.heavy)}.") from None

    @app.post("/xlwings/custom-scripts-call/{script_name}")
    async def call(script_name: str, request: Request) -> Response:
        started, request_id = time.monotonic(), uuid.uuid4().hex[:12]
        user_id, status = "-", 500

        def bug(err: Exception) -> JSONResponse:  # the traceback's frames go to the log, never the message
            frames = "".join(traceback.format_list(traceback.extract_tb(err.__traceback__)))
            log.error("request %s: %s in script %s\n%s", request_id, type(err).__name__, escaped(script_name), frames)
            return error(500, f"'{script_name[:40]}' stopped because of a fault in riskreg, not in your register. "
                              f"Give your administrator the reference {request_id}.")
        try:
            try:
                user = await auth.user(request.headers.get("authorization"))
            except Unauthorized as err:
                status = 401
                return error(401, str(err))
            user_id = user.id
            script = SCRIPTS.get(script_name)
            if script is None:
                status = 404
                return error(404, f"This server has no script {script_name[:40]!r}: the add-in and the server are "
                                  "of different versions.")
            # The API key is shared (every .xlam desktop presents it): count its callers by their address instead.
            address = request.client.host if request.client else "-"
            caller = user.id if user.id != API_KEY_USER else f"{user.id}@{address}"
            with uploads.one(caller):
                check_roles(user, script.roles)
                body = await read_body(request, config)
                questions = request.query_params.getlist("arg")
                async with gates[script.heavy].turn(request, "papers" if script.heavy else "requests"):
                    actions = await in_time(script_name, script, body, questions)
            status = 200
            return JSONResponse(actions)
        except Refused as err:
            status = err.status
            return error(err.status, err.text, err.headers)
        except BadPayload as err:
            status = 400
            return error(400, str(err))
        except TooMuch as err:
            status = 413
            return error(413, str(err))
        except Exception as err:
            if not disk_full(err, workspace.folder):
                return bug(err)
            status = 507
            log.error("request %s: the scratch disk is full (%s)", request_id, escaped(config.scratch_dir, 200))
            return error(507, "The Risk Register server has run out of disk space for its work: tell its "
                              f"administrator (reference {request_id}), then press the button again later.")
        finally:
            log.info("request %s script=%s user=%s status=%d %.0f ms worker=%d", request_id, escaped(script_name),
                     escaped(user_id, 80), status, (time.monotonic() - started) * 1000, os.getpid())

    @app.get("/manifest")
    async def get_manifest():
        if not config.public_url:
            return error(404, "This server has no public address set, so it serves no manifest: its administrator "
                              "sets RISKREG_PUBLIC_URL (see docs/it/server.md, 'Deployment').")
        return Response(manifest.manifest_xml(config.public_url, config.client_id), media_type="application/xml")

    @app.get("/taskpane.html")
    async def taskpane():
        import xlwings

        settings = json.dumps({"appPath": "", "xlwingsVersion": xlwings.__version__, "requestTimeout": 300,
                               "onWasm": False, "authProviders": [], "isOfficialLiteAddin": False,
                               "maxBodyBytes": config.max_body})  # the pane's own check of the files it sends
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
        if target is None or client is None or not target.is_relative_to(client) or not target.is_file():
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
    tune_gc()
    return app


def _malloc_trim():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


MALLOC_TRIM = _malloc_trim()


def release_memory() -> None:
    """Hand the memory freed by finished requests back to the system (glibc keeps it in its arenas otherwise)."""
    gc.collect(1)
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


def tune_gc() -> None:
    """Move what start-up made (it lives for the worker's life) out of the collector's way, and collect the young
    generation less often: a request allocates hundreds of thousands of cells that all die together."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def officejs_client() -> Path | None:
    """Return the folder of xlwings-server's Office.js client (its static/js), when that package is installed."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings_server")
    if spec is None or not spec.origin:
        return None
    folder = (Path(spec.origin).parent / "static" / "js").resolve()
    return folder if folder.is_dir() else None
