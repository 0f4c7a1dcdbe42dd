"""Issuer and verifier in one process, talking HTTP through the issuer app as transport: the
verifier resolves the issuer's did:web and fetches its status lists through the real network
guard, with only the host name resolution injected (issuer.test → a public address)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient

from credentials.keys import Ed25519KeyPair
from verifier.app import create_app
from verifier.services.trust import TrustEntry, add_trusted_issuer
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork
from web_common.migrations import upgrade

from ..api.issuer.conftest import Issuer, _issuer

STUDENT = Ed25519KeyPair.from_seed(bytes(range(60, 92)))


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    yield from _issuer(f"sqlite:///{tmp_path / 'issuer.db'}")


def _verifier(issuer: Issuer, tmp_path: Path, allow: bool = True) -> TestClient:
    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", url)
    settings = VerifierSettings(
        environment="test",
        database_url=url,
        log_json=False,
        dev_allow_hosts=frozenset({"issuer.test"} if allow else set()),
    )
    app = create_app(
        settings,
        clock=lambda: issuer.clock() + timedelta(minutes=5),
        http_client=cast(httpx.Client, issuer.client),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    return TestClient(app)


def _issue(issuer: Issuer) -> dict[str, Any]:
    from credentials.examples import mbo_certificaat

    credential = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["verifiableCredential"])


def test_verifier_checks_did_web_and_status_of_a_real_issuer(
    issuer: Issuer, tmp_path: Path
) -> None:
    vc = _issue(issuer)
    with _verifier(issuer, tmp_path) as verifier:
        with UnitOfWork(verifier.app.state.sessions) as uow:  # type: ignore[attr-defined]
            add_trusted_issuer(uow, TrustEntry(issuer.did, "ROC Midden", "school", ("*",)),
                               source="test", now=issuer.clock())  # fmt: skip
            uow.commit()
        first = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert first.status_code == 200, first.text
        assert first.json()["verdict"] == "valid", first.json()
        revoke = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            },
            headers=issuer.auth(issuer.status_token),
        )
        assert revoke.status_code == 200
        cached = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert cached.json()["verdict"] == "valid"  # status list cached for a bounded time
        verifier.app.state.status_fetcher.clear()  # type: ignore[attr-defined]
        revoked = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert revoked.status_code == 400
        assert revoked.json()["problemDetails"][0]["title"] == "revoked"


def test_plain_http_status_list_is_refused_unless_allow_listed(
    issuer: Issuer, tmp_path: Path
) -> None:
    """did:web always resolves over https; the issuer's status lists here are at http://
    URLs, which the guard refuses: "status could not be checked", never "valid"."""
    vc = _issue(issuer)
    with _verifier(issuer, tmp_path, allow=False) as verifier:
        response = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 200
    status = next(c for c in response.json()["checks"] if c["check"] == "status")
    assert (status["outcome"], status["code"]) == ("warning", "status_unavailable")
    assert "http" in status["detail"]
    assert response.json()["verdict"] == "warning"
