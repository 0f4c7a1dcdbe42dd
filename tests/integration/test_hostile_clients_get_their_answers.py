"""The issuer as a real process, attacked from loopback addresses of their own (127.0.66.x;
the honest client is 127.0.0.1):

* slow bodies side by side on the token endpoint each get their 408 problem+json within the
  body budget (``ISSUER_BODY_READ_TIMEOUT_SECONDS``), while ``/healthz`` keeps answering;
* one client flooding the VC-API with poison graphs gets 4xx answers only, the ones beyond
  its queue a quick 429 with ``Retry-After`` (``web_common.work_gate``), while an honest
  client's issue requests in between are served.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier
from urllib.parse import urlsplit

import httpx
import pytest

from credentials.keys import Ed25519KeyPair
from tests.hostile import poison_credential

from ..processes import IssuerProcess, issuer_process
from .test_issuer_stays_responsive import HEALTH_WITHIN, HealthProbe

BODY_BUDGET = 2.0
SLOW_BODIES = 4
FLOOD = 24


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[IssuerProcess]:
    env = {
        "ISSUER_BODY_READ_TIMEOUT_SECONDS": str(BODY_BUDGET),
        "ISSUER_WORK_QUEUE_PER_CLIENT": "2",
    }
    with issuer_process(tmp_path, extra_env=env) as process:
        yield process


def _slow_body(base: str, source: str, start: Barrier) -> tuple[float, bytes]:
    """A token request whose declared 4,000-byte body comes one byte every 0.2 s: (seconds
    until the answer, the answer's bytes)."""
    parts = urlsplit(base)
    assert parts.port is not None
    with socket.create_connection(
        ("127.0.0.1", parts.port), timeout=30, source_address=(source, 0)
    ) as sock:
        start.wait()
        sock.sendall(
            b"POST /roc-midden/token HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n"
        )
        started = time.monotonic()
        sock.settimeout(0.2)
        answer = b""
        while time.monotonic() - started < BODY_BUDGET + 10:
            try:
                sock.sendall(b"a")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
            if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                break
        return time.monotonic() - started, answer


def test_slow_bodies_side_by_side_each_get_408_within_the_budget(issuer: IssuerProcess) -> None:
    start = Barrier(SLOW_BODIES)
    sources = [f"127.0.66.{n + 1}" for n in range(SLOW_BODIES)]
    with HealthProbe(issuer.base) as probe, ThreadPoolExecutor(SLOW_BODIES) as pool:
        answers = list(pool.map(lambda s: _slow_body(issuer.base, s, start), sources))
    for elapsed, answer in answers:
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408 "), answer[:300]
        assert b"content-type: application/problem+json" in head.lower()
        assert json.loads(body)["status"] == 408
        assert BODY_BUDGET - 0.5 < elapsed < BODY_BUDGET + 2, elapsed
    assert probe.slowest < HEALTH_WITHIN


def test_a_flood_from_one_client_gets_4xx_and_an_honest_client_is_served(
    issuer: IssuerProcess,
) -> None:
    body = json.dumps({"credential": poison_credential(Ed25519KeyPair.generate(), proof=False)})
    headers = {
        "Authorization": f"Bearer {issuer.issue_token}",
        "Content-Type": "application/json",
    }
    start = Barrier(FLOOD)
    transport = httpx.HTTPTransport(local_address="127.0.66.9")

    with httpx.Client(
        transport=transport, timeout=60, limits=httpx.Limits(max_connections=FLOOD)
    ) as attacker:

        def attack(_: int) -> httpx.Response:
            start.wait()
            return attacker.post(f"{issuer.base}/credentials/issue", content=body, headers=headers)

        with ThreadPoolExecutor(FLOOD) as pool:
            flood = [pool.submit(attack, n) for n in range(FLOOD)]
            honest = [issuer.issue(number) for number in range(3)]  # 201 each (asserted)
            answers = [f.result() for f in flood]
    statuses = sorted({r.status_code for r in answers})
    assert set(statuses) <= {400, 422, 429}, statuses
    refused = [r for r in answers if r.status_code == 429]
    assert refused, "24 at once with a queue of 2: some were refused at once"
    for response in refused:
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) >= 1
    assert len(honest) == 3
