"""Load on `riskreg serve`: many users pressing Validate at once, and one Validate against the desktop path.

Loopback only, bounded in count (users × rounds requests) and time (LOAD_TIMEOUT). Run as
`python -m bench.server [--users 50] [--rounds 2] [--size 1000] [--workers 2]`; writes bench/SERVER.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
API_KEY = "bench-" + "b" * 40
LOAD_TIMEOUT = 900.0  # seconds for the whole load run
REQUEST_TIMEOUT = 600.0
SINGLE_RUNS = 5
ROUTE = "/xlwings/custom-scripts-call/validate"

# The desktop path of one click: RunPython starts Python, which imports riskreg and xlwings and runs the entry point.
DESKTOP = ("import json, sys, xlwings as xw\n"
           "from addin.ribbon import entry\n"
           "book = xw.Book(json=json.load(open(sys.argv[1], encoding='utf-8')))\n"
           "entry.validate(book)\n"
           "print(book.json()['actions'][-1]['args'][0])\n")


def expected_answer(path: Path) -> tuple[str, int]:
    """Return the message Validate must show for the workbook at `path`, and its number of findings."""
    from workbook import jobs

    validation = jobs.validate_file(path)
    text = f"{validation.summary} — see the Validation sheet." if validation.findings else validation.summary
    return text, len(validation.findings)


def check_answer(response, message: str, findings: int) -> str | None:
    """Return what is wrong with one answer, or None when it is the right one."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    actions = response.json()["actions"]
    said = [a["args"][0] for a in actions if a["func"] == "alert"]
    if said != [message]:
        return f"message {said[:1]!r}"
    rows = [a for a in actions if a["func"] == "setValues"]
    if findings and (len(rows) != 1 or len(rows[0]["values"]) != findings + 4):
        return "Validation sheet of the wrong length"
    return None


WORKER = re.compile(rb"script=validate .*status=200 .* worker=(\d+)")


def served_by(log: bytes) -> dict[int, int]:
    """Return worker pid -> Validate requests it answered, from the server's log lines."""
    return dict(Counter(int(pid) for pid in WORKER.findall(log)))


def split(before: bytes, after: bytes) -> list[int]:
    """Return the answers each worker gave between two readings of the log, largest first."""
    old, new = served_by(before), served_by(after)
    return sorted((count - old.get(pid, 0) for pid, count in new.items()), reverse=True)


def worker_memory(pid: int) -> list[dict]:
    """Return peak and current resident memory (MB) of the server's worker processes (Linux /proc)."""
    found = []
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = children.read_text().split() if children.exists() else []
    for child in pids or [str(pid)]:  # one worker: uvicorn serves in the process it was started in
        status = Path(f"/proc/{child}/status")
        if not status.exists():
            continue
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        mb = lambda key: int(fields.get(key, "0 kB").split()[0]) / 1024  # noqa: E731
        found.append({"pid": int(child), "peak_mb": round(mb("VmHWM"), 1), "rss_mb": round(mb("VmRSS"), 1)})
    return [w for w in found if w["peak_mb"] > 30]  # uvicorn's process watcher is no worker


async def load(url: str, body: bytes, users: int, rounds: int, message: str, findings: int,
               tokens: list[str] | None = None) -> dict:
    """Run `users` concurrent users pressing Validate `rounds` times each, each signed in as themselves (a token of
    their own from `tokens`, else the API key); return timings and wrong answers."""
    import httpx

    latencies, wrong, busy = [], [], 0

    async def user(client, auth: str):
        nonlocal busy
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                response = await client.post(url + ROUTE, content=body, headers={"Authorization": auth})
            except httpx.TransportError as err:
                wrong.append(f"connection: {type(err).__name__}")
                continue
            if response.status_code == 503 and response.headers.get("retry-after"):
                busy += 1  # refused at once, as the bounded queue is meant to: not a wrong answer
                continue
            latencies.append(time.perf_counter() - started)
            problem = check_answer(response, message, findings)
            if problem:
                wrong.append(problem)

    # A connection per request, as separate Excel clients open: no reuse of one the server is closing as idle.
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(user(client, tokens[n] if tokens else API_KEY)
                                                for n in range(users))), LOAD_TIMEOUT)
        wall = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies) + busy + sum(w.startswith("connection") for w in wrong), "busy_503": busy,
            "wall_s": round(wall, 2), "throughput_rps": round(len(latencies) / wall, 2),
            "median_s": round(statistics.median(latencies), 3),
            "p95_s": round(latencies[max(0, int(len(latencies) * 0.95 + 0.5) - 1)], 3),
            "max_s": round(latencies[-1], 3), "wrong": wrong}


def single(url: str, sample_payload: Path, message: str, findings: int) -> dict:
    """Return the median time of one Validate on the sample: over HTTP to the running server, and as the desktop does."""
    import httpx

    body = sample_payload.read_bytes()
    server_times, desktop_times = [], []
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    for _ in range(SINGLE_RUNS):
        started = time.perf_counter()
        response = httpx.post(url + ROUTE, content=body, headers={"Authorization": API_KEY}, timeout=60)
        server_times.append(time.perf_counter() - started)
        assert check_answer(response, message, findings) is None, response.text[:300]
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", DESKTOP, str(sample_payload)], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120)
        desktop_times.append(time.perf_counter() - started)
        assert done.stdout.strip() == message, done.stderr[-500:]
    server, desktop = statistics.median(server_times), statistics.median(desktop_times)
    return {"server_s": round(server, 3), "desktop_s": round(desktop, 3), "ratio": round(server / desktop, 3)}


def in_process(body: bytes, message: str, findings: int) -> tuple[float, float]:
    """Return the median seconds of one Validate inside a worker (payload read, checks, actions built; no HTTP), on
    the clock and in CPU time (which other work on a busy machine changes much less)."""
    from addin.server.app import tune_gc
    from addin.server.limits import Limits
    from addin.server.payload import read_payload
    from addin.server.scripts import SCRIPTS, Call, run

    tune_gc()  # as a worker does after start-up
    times, cpu = [], []
    for _ in range(SINGLE_RUNS):
        started, used = time.perf_counter(), time.process_time()
        actions = run(SCRIPTS["validate"], Call(read_payload(body, [], Limits()), Limits(), Path(".")))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        said = [a["args"][0] for a in actions["actions"] if a["func"] == "alert"]
        assert said == [message], said
    return round(statistics.median(times), 3), round(statistics.median(cpu), 3)


def report(result: dict) -> str:
    load_, one, memory, burst = result["load"], result["single"], result["memory"], result["burst"]
    lines = [
        "# riskreg serve under load",
        "",
        f"Run {result['when']} on {result['machine']}; {result['workers']} uvicorn workers on 127.0.0.1, client and "
        "server on the same machine (they share its cores). `python -m bench.server` writes this file. Load average "
        f"before the run: {result['loadavg']} (other work on the machine).",
        "",
        f"One Validate of the {result['size']:,}-risk register inside a worker (payload read, checks, actions built; "
        f"no HTTP), median of {SINGLE_RUNS}: **{result['in_process_s'][0]} s** ({result['in_process_s'][1]} s of "
        "CPU time).",
        "",
        f"## {result['users']} users pressing Validate on a {result['size']:,}-risk register",
        "",
        f"Each user sends the payload xlwings' Excel client sends for the register ({result['payload_mb']} MB of JSON, "
        f"{result['findings']:,} findings) {result['rounds']} time(s); every answer is checked: status 200, the "
        "message box text, and a Validation sheet with one row per finding.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| requests | {load_['requests']} |",
        f"| wrong answers | {len(load_['wrong'])} |",
        f"| wall time | {load_['wall_s']} s |",
        f"| throughput | {load_['throughput_rps']} requests/s |",
        f"| median latency | {load_['median_s']} s |",
        f"| 95th-percentile latency | {load_['p95_s']} s |",
        f"| slowest | {load_['max_s']} s |",
        f"| refused at once (503, Retry-After) | {load_['busy_503']} |",
        f"| answered by each worker | {' / '.join(map(str, load_['split']))} |",
    ]
    for i, worker in enumerate(memory, start=1):
        lines.append(f"| worker {i} memory: peak / after | {worker['peak_mb']} MB / {worker['rss_mb']} MB |")
    lines += [
        "",
        f"## {burst['requests']} users pressing Validate at the same moment",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| answered | {burst['requests'] - burst['busy_503']} |",
        f"| refused at once (503, Retry-After) | {burst['busy_503']} |",
        f"| wrong answers | {len(burst['wrong'])} |",
        f"| 95th-percentile latency of those answered | {burst['p95_s']} s |",
        f"| answered by each worker | {' / '.join(map(str, burst['split']))} |",
    ]
    for i, worker in enumerate(result["memory_after_burst"], start=1):
        lines.append(f"| worker {i} memory after the burst: peak / now | {worker['peak_mb']} MB / "
                     f"{worker['rss_mb']} MB |")
    lines += [
        "",
        "## One Validate on the 18-risk sample: server against desktop",
        "",
        f"Medians of {SINGLE_RUNS}. Server: one HTTP request to the running server (payload in, actions out). "
        "Desktop: what RunPython does per click, a fresh Python process that imports riskreg and xlwings and runs "
        "the same entry point (process start included; Excel's own COM time is not in either).",
        "",
        "| path | time |",
        "|---|---:|",
        f"| server | {one['server_s']} s |",
        f"| desktop | {one['desktop_s']} s |",
        f"| server ÷ desktop | {one['ratio']} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="Validate presses per user")
    parser.add_argument("--size", type=int, default=1000, help="risks in the register")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst", type=int, default=200, help="users pressing Validate at the same moment")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--out", type=Path, default=HERE / "SERVER.md")
    args = parser.parse_args(argv)
    if args.users * args.rounds > 1000 or args.burst > 1000:
        parser.error("at most 1,000 requests per run")

    from bench.actions import payload
    from bench.prepare import SAMPLE, prepare
    from tests.support.server_process import running_server
    from workbook.files.atomic import write_text_atomic

    scratch = args.workdir / "server"
    scratch.mkdir(parents=True, exist_ok=True)
    big, sample = prepare(args.size, args.workdir, log=print), prepare(SAMPLE, args.workdir, log=print)
    body = json.dumps(payload(big.xlsx)).encode()
    sample_payload = scratch / "sample-payload.json"
    sample_payload.write_text(json.dumps(payload(sample.xlsx)), encoding="utf-8")
    message, findings = expected_answer(big.xlsx)
    sample_message, sample_findings = expected_answer(sample.xlsx)
    # Each simulated user signs in as themselves (an Entra-shaped token of their own, signed by a key made here): the
    # server's per-caller limits see 50 callers, as they would 50 colleagues.
    from tests.support.entra_tokens import AUDIENCE, TENANT, Tokens

    signer = Tokens()
    keys = scratch / "jwks.json"
    keys.write_text(json.dumps(signer.jwks()), encoding="utf-8")
    tokens = [signer.token(expires_in=3600) for _ in range(max(args.users, args.burst))]
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY,
           "RISKREG_ENTRA_TENANT_ID": TENANT, "RISKREG_ENTRA_AUDIENCE": AUDIENCE, "RISKREG_ENTRA_JWKS_FILE": str(keys),
           "RISKREG_MAX_BODY_MB": str(max(32, len(body) // (1024 * 1024) * 2))}
    loadavg = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with running_server(env, scratch, workers=args.workers) as server:
        asyncio.run(load(server.url, body, args.workers, 1, message, findings))  # warm each worker's imports
        log = server.log.read_bytes()
        measured = asyncio.run(load(server.url, body, args.users, args.rounds, message, findings, tokens))
        measured["split"], log = split(log, server.log.read_bytes()), server.log.read_bytes()
        memory = worker_memory(server.process.pid)
        burst = asyncio.run(load(server.url, body, args.burst, 1, message, findings, tokens))
        burst["split"] = split(log, server.log.read_bytes())
        time.sleep(2)  # let the workers finish what the burst left them
        after_burst = worker_memory(server.process.pid)
        one = single(server.url, sample_payload, sample_message, sample_findings)
    result = {"when": dt.datetime.now(dt.timezone.utc).strftime("%d %B %Y %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "workers": args.workers, "users": args.users, "rounds": args.rounds, "size": args.size,
              "findings": findings, "payload_mb": round(len(body) / 1e6, 1), "load": measured, "memory": memory,
              "single": one, "burst": burst, "memory_after_burst": after_burst, "loadavg": loadavg,
              "in_process_s": in_process(body, message, findings)}
    write_text_atomic(args.out, report(result))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
