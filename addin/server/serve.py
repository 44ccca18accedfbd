"""Run the server's worker processes, each with a listening socket of its own (SO_REUSEPORT), restarted if they die.

uvicorn's own `--workers` shares one socket: the worker whose event loop wakes first accepts every connection
waiting (asyncio accepts up to the backlog per wake), so under a burst one worker takes most of the work while
another sits idle. With a socket per worker the kernel spreads new connections across them. Workers die with this
supervisor (parent-death signal); a worker that dies is started again, and its start sweeps what the dead one left.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

UVICORN: dict[str, Any] = {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1", "log_level": "info", "server_header": False}
APP = "addin.server.app:create_app"


def serve(host: str, port: int, workers: int) -> None:
    """Serve on host:port with `workers` processes until SIGTERM or SIGINT."""
    import uvicorn

    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **UVICORN)
        return
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _socket(host, port).close()  # a port in use is refused here, once, not by each worker
    processes = [context.Process(target=_worker, args=(host, port), daemon=False) for _ in range(workers)]
    for process in processes:
        process.start()
    try:
        while not stopping:
            time.sleep(0.5)
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    print(f"riskreg: worker {process.pid} ended ({process.exitcode}); starting another",
                          file=sys.stderr, flush=True)
                    processes[index] = context.Process(target=_worker, args=(host, port), daemon=False)
                    processes[index].start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(20)
            if process.is_alive():
                process.kill()


def _socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _worker(host: str, port: int) -> None:
    """One worker: its own socket on the shared port, uvicorn serving the app on it."""
    import uvicorn

    from report_builder.soffice import die_with_parent

    die_with_parent(signal.SIGTERM)  # die with the supervisor, even when it is killed with -9
    sock = _socket(host, port)
    config = uvicorn.Config(APP, factory=True, host=host, port=port, **UVICORN)
    uvicorn.Server(config).run(sockets=[sock])
