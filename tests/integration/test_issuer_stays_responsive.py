"""The issuer as a real process (SQLite and PostgreSQL) stays responsive while many wallets send
token requests with a used or a wrong code at once: ``/healthz`` keeps answering, every
request gets its 4xx answer, and no error path leaves a transaction (and its row lock) open.

The wallet side is written from OpenID4VCI 1.0 §6.1 (a form-encoded token request with the
pre-authorized code grant), not with our own client helpers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Event, Thread
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ..processes import IssuerProcess, issuer_process

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONCURRENT = 12
ANSWER_WITHIN = 30.0  # seconds for every hostile request (generous: 2 cores, Argon2)
HEALTH_WITHIN = 3.0  # seconds for each /healthz probe while they are in flight


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def issuer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IssuerProcess]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    # all at once from one address and all refused: not queued one by one or held back as a
    # hostile client's (the work gate and its strikes), so that the requests really meet
    env = {
        "ISSUER_WORK_SLOTS": str(CONCURRENT),
        "ISSUER_WORK_PER_CLIENT": str(CONCURRENT),
        "ISSUER_WORK_QUEUE_PER_CLIENT": str(CONCURRENT),
        "ISSUER_WORK_STRIKE_BURST": "1000",
    }
    with issuer_process(tmp_path, url, extra_env=env) as process:
        yield process


def _pre_authorized_code(offer_uri: str) -> tuple[str, str]:
    """``(token endpoint, pre-authorized code)`` from a ``credential_offer_uri`` offer."""
    offer_url = parse_qs(urlsplit(offer_uri).query)["credential_offer_uri"][0]
    offer = httpx.get(offer_url, timeout=10).json()
    issuer_id = offer["credential_issuer"]
    code = offer["grants"][GRANT]["pre-authorized_code"]
    return f"{issuer_id}/token", code


def _token(endpoint: str, code: str, tx_code: str) -> httpx.Response:
    return httpx.post(
        endpoint, data={"grant_type": GRANT, "pre-authorized_code": code, "tx_code": tx_code},
        timeout=ANSWER_WITHIN + 30,
    )  # fmt: skip


class HealthProbe:
    """Polls ``/healthz`` in a thread and keeps the slowest answer (inf when one failed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.slowest = 0.0
        self.probes = 0
        self._stop = Event()
        self._thread = Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                ok = httpx.get(f"{self.base}/healthz", timeout=HEALTH_WITHIN).status_code == 200
            except httpx.HTTPError:
                ok = False
            self.slowest = max(self.slowest, time.monotonic() - started if ok else float("inf"))
            self.probes += 1
            self._stop.wait(0.1)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=HEALTH_WITHIN + 5)


def _burst(endpoint: str, code: str, tx_codes: list[str]) -> list[tuple[float, httpx.Response]]:
    def one(tx_code: str) -> tuple[float, httpx.Response]:
        started = time.monotonic()
        response = _token(endpoint, code, tx_code)
        return time.monotonic() - started, response

    with ThreadPoolExecutor(len(tx_codes)) as pool:
        return list(pool.map(one, tx_codes))


def _open_transactions(database_url: str) -> int:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND state LIKE 'idle in transaction%%'",
            (name,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_used_and_wrong_codes_at_once_get_answers_and_healthz_keeps_answering(
    issuer: IssuerProcess,
) -> None:
    used_uri, tx_code = issuer.offer(issuer.issue(1)["id"])
    endpoint, redeemed_code = _pre_authorized_code(used_uri)
    first = _token(endpoint, redeemed_code, tx_code)
    assert first.status_code == 200, first.text
    _, used_code = _pre_authorized_code(issuer.offer(issuer.issue(3)["id"])[0])

    with HealthProbe(issuer.base) as probe:
        used_answers = _burst(endpoint, redeemed_code, [tx_code] * CONCURRENT)
        wrong_answers = _burst(endpoint, used_code, ["000000"] * CONCURRENT)
    for elapsed, response in used_answers + wrong_answers:
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_grant"
        assert elapsed < ANSWER_WITHIN
    assert probe.probes > 0
    assert probe.slowest < HEALTH_WITHIN
    # five wrong codes lock the offer however many arrive at once (SQLite has no row locks)
    details = [r.json()["error_description"] for _, r in wrong_answers]
    assert sum("is wrong" in d for d in details) == 5
    assert sum("now locked" in d for d in details) == 1
    if issuer.database_url.startswith("postgresql"):
        assert _open_transactions(issuer.database_url) == 0


def test_an_error_answer_leaves_no_lock_behind(issuer: IssuerProcess) -> None:
    """A used code is refused; the next request for the same offer row (which takes its row
    lock) is answered at once, so the refused request's transaction was ended."""
    credential = issuer.issue(2)
    offer_uri, tx_code = issuer.offer(credential["id"])
    endpoint, code = _pre_authorized_code(offer_uri)
    assert _token(endpoint, code, tx_code).status_code == 200
    for _ in range(3):
        started = time.monotonic()
        refused = _token(endpoint, code, tx_code)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_grant"
        assert time.monotonic() - started < 5
        if issuer.database_url.startswith("postgresql"):
            assert _open_transactions(issuer.database_url) == 0
