"""The server is stateless: two `riskreg serve` instances behind nginx (Debian's nginx-light, on loopback) share the
load, and every answer is right whichever instance gave it."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from support.entra_tokens import API_KEY
from support.remote_payload import payload_from_xlsx
from support.server_process import free_port, running_server

ROUTE = "/xlwings/custom-scripts-call/"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = """
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$request_method $upstream_addr $status';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/body;  proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;  uwsgi_temp_path {folder}/uwsgi;  scgi_temp_path {folder}/scgi;
    upstream riskreg {{ least_conn; server {first}; server {second}; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 32m;
        client_body_buffer_size 32m;  # bodies in memory: nginx's workers (nobody, when run as root) write no files
        proxy_buffering off;
        proxy_read_timeout 300s;
        location / {{
            proxy_pass http://riskreg;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx_in_front(folder: Path, first: str, second: str):
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(CONFIG.format(folder=folder, first=first.removeprefix("http://"),
                                    second=second.removeprefix("http://"), port=port))
    output = open(folder / "nginx.out", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder)], stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # bounded: 200 tries, 0.05 s apart
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError((folder / "nginx.out").read_text())
            subprocess.run(["sleep", "0.05"], check=True)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        output.close()


@pytest.mark.slow
def test_two_instances_behind_nginx_answer_every_request_right(tmp_path, sample_workbook):
    env = {"XLWINGS_LICENSE_KEY": "noncommercial", "RISKREG_API_KEY": API_KEY, "RISKREG_UPLOADS_PER_CLIENT": "64"}
    payloads = []
    for n in range(4):  # four registers, each with n more names ending in a full stop: four different answers
        payload = payload_from_xlsx(sample_workbook)
        for row in next(s["values"] for s in payload["sheets"] if s["name"] == "Register")[1:1 + n]:
            row[1] = str(row[1]).rstrip(".") + "."
        payloads.append(json.dumps(payload).encode())
    for name in "ab":
        (tmp_path / name).mkdir()
    with running_server(env, tmp_path / "a") as first, running_server(env, tmp_path / "b") as second:
        def said(url: str, n: int) -> list[str]:
            response = httpx.post(url + ROUTE + "validate", content=payloads[n % 4], timeout=120,
                                  headers={"Authorization": API_KEY})
            assert response.status_code == 200, response.text
            return [a["args"][0] for a in response.json()["actions"] if a["func"] == "alert"]

        expected = [said(first.url, n) for n in range(4)]  # straight to one instance, one at a time
        assert len({tuple(e) for e in expected}) > 1
        with nginx_in_front(tmp_path / "nginx", first.url, second.url) as proxy:
            with ThreadPoolExecutor(max_workers=8) as pool:
                answers = list(pool.map(lambda n: said(proxy, n), range(40)))
        assert answers == [expected[n % 4] for n in range(40)]
        served = re.findall(r"^POST 127\.0\.0\.1:(\d+) 200$", (tmp_path / "nginx" / "access.log").read_text(), re.M)
        by_instance = {port: served.count(port) for port in set(served)}
        assert sorted(by_instance) == sorted([first.url.rsplit(":", 1)[1], second.url.rsplit(":", 1)[1]])
        assert sum(by_instance.values()) == 40
