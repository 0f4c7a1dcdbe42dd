"""The verifier as a real process stays responsive while employers submit share links whose
server answers slowly: the outbound fetches run in the threadpool, ``/healthz`` keeps
answering, and every submission is answered (kept and sent on to its check page)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import httpx
import pytest

from ..processes import verifier_process
from .test_issuer_stays_responsive import HEALTH_WITHIN, HealthProbe

SLOW = 3.0  # seconds the share link's server takes (below the verifier's 5 s fetch timeout)
CONCURRENT = 8


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(SLOW)
        body = b'{"not": "a presentation"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def verifier(tmp_path: Path, slow_server: str) -> Iterator[str]:
    with verifier_process(tmp_path, {"VERIFIER_DEV_ALLOW_HOSTS": f'["{slow_server}"]'}) as base:
        yield base


def _submit(base: str, share: str) -> tuple[float, httpx.Response]:
    with httpx.Client(base_url=base, timeout=60) as client:
        home = client.get("/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
        assert token is not None
        started = time.monotonic()
        response = client.post(
            "/check", data={"csrf_token": token[1], "mode": "share", "share": share}
        )
        return time.monotonic() - started, response


def test_slow_share_link_servers_do_not_freeze_the_verifier(
    verifier: str, slow_server: str
) -> None:
    share = f"http://{slow_server}/s/slowslowslowslowslowslow"
    with HealthProbe(verifier) as probe, ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(lambda _: _submit(verifier, share), range(CONCURRENT)))
    for elapsed, response in answers:
        assert response.status_code == 303, response.text[:500]
        assert response.headers["location"].startswith("/check/")
        assert elapsed >= SLOW  # the slow server was really reached
        assert elapsed < SLOW * CONCURRENT  # fetched side by side, not one after another
    assert probe.probes >= 5
    assert probe.slowest < HEALTH_WITHIN
