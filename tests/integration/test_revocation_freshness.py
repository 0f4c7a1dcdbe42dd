"""Revocation shows within the lifetime the issuer states: a real issuer process
(``python -m issuer serve``) publishes its status lists with ``Cache-Control: max-age``, an
``ETag`` and the list's own ``ttl``; the verifier (its app, with the default guarded HTTP
client, over the loopback network) caches them that long at most, under its own ceiling."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.processes import IssuerProcess, issuer_process
from verifier.app import create_app
from verifier.settings import VerifierSettings
from web_common.migrations import upgrade

MAX_AGE = 2


def _verifier(issuer: IssuerProcess, tmp_path: Path) -> TestClient:
    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", url)
    settings = VerifierSettings(
        environment="test",
        database_url=url,
        log_json=False,
        dev_allow_hosts=frozenset({issuer.base.removeprefix("http://")}),
        status_list_cache_seconds=300,  # a high ceiling: the issuer's lifetime must win
    )
    return TestClient(create_app(settings))


def _status(verifier: TestClient, vc: dict[str, object]) -> str:
    response = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
    status = next(c for c in response.json()["checks"] if c["check"] == "status")
    return f"{status['outcome']}:{status.get('code') or ''}"


def test_the_issuer_states_the_lifetime_and_the_verifier_sees_a_revocation_within_it(
    tmp_path: Path,
) -> None:
    env = {"ISSUER_STATUS_LIST_MAX_AGE": str(MAX_AGE)}
    with issuer_process(tmp_path, extra_env=env) as issuer, _verifier(issuer, tmp_path) as verifier:
        vc = issuer.issue()
        status = vc["credentialStatus"]
        entries = status if isinstance(status, list) else [status]
        list_url = next(e["statusListCredential"] for e in entries)
        published = httpx.get(list_url, timeout=10)
        assert published.headers["cache-control"] == f"public, max-age={MAX_AGE}"
        assert published.json()["credentialSubject"]["ttl"] == MAX_AGE * 1000
        etag = published.headers["etag"]
        assert httpx.get(list_url, headers={"If-None-Match": etag}).status_code == 304

        assert _status(verifier, vc).startswith("passed")
        fetcher = verifier.app.state.status_fetcher  # type: ignore[attr-defined]
        first_check = fetcher.checked_at(list_url)
        assert first_check is not None
        time.sleep(MAX_AGE + 0.3)
        assert _status(verifier, vc).startswith("passed")  # revalidated (304), still fine
        first_check = fetcher.checked_at(list_url)
        issuer.revoke(str(vc["id"]))
        revoked_at = time.monotonic()
        seen = None
        while time.monotonic() < revoked_at + MAX_AGE + 5:
            if _status(verifier, vc) == "failed:revoked":
                seen = time.monotonic() - revoked_at
                break
            time.sleep(0.2)
        assert seen is not None, "the revocation did not show"
        assert seen <= MAX_AGE + 1.5  # within the stated lifetime (plus a request's time)
        assert fetcher.checked_at(list_url) > first_check
