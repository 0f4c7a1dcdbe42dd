"""OpenID4VP presentation requests answered by a wallet, and wallet share links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from credentials.contexts import VC_V2
from credentials.keys import Ed25519KeyPair
from credentials.oid4vp import build_response_form, parse_authorization_request
from credentials.verification import sign_presentation
from qualifications.achievements import CredentialKind
from tests.databases import migrated
from verifier.app import create_app
from verifier.settings import VerifierSettings

from .conftest import Verifier
from .test_vc_api import DIPLOMA, STUDENT, _credential


def _vp(holder: Ed25519KeyPair, *, challenge: str, domain: str) -> dict[str, Any]:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did_key,
        "verifiableCredential": [_credential(CredentialKind.DIPLOMA, **DIPLOMA)],
    }
    return sign_presentation(vp, holder, holder.did_key_verification_method, challenge=challenge,
                             domain=domain, created="2026-11-24T11:59:00Z")  # fmt: skip


def test_wallet_answers_a_presentation_request_once(verifier: Verifier) -> None:
    created = verifier.client.post(
        "/oid4vp/requests", json={"target": "25498", "profile": "by_value"}
    )
    assert created.status_code == 201, created.text
    info = created.json()
    status_url = f"/oid4vp/requests/{info['id']}?key={info['resultKey']}"
    assert info["status"].endswith(status_url)
    assert verifier.client.get(status_url).json()["status"] == "pending"
    # the request id is in the QR code: it alone (or with a wrong key) does not read the result
    assert verifier.client.get(f"/oid4vp/requests/{info['id']}").status_code == 404
    assert verifier.client.get(f"{status_url[:-4]}0000").status_code == 404
    qr = verifier.client.get(f"/oid4vp/requests/{info['id']}/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.lstrip().startswith("<?xml") or "<svg" in qr.text

    request = parse_authorization_request(info["link"])  # what the wallet does
    vp = _vp(STUDENT, challenge=request.nonce, domain=request.client_id)
    form = build_response_form(request, {"mbo_credentials": [vp]})
    path = request.response_uri.removeprefix("http://localhost:8003")
    answer = verifier.client.post(path, data=form)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    status = verifier.client.get(status_url).json()
    assert status["status"] == "answered"
    assert status["result"]["verdict"] == "warning"  # genuine; issuer not on the trust list
    holder = next(
        c for c in status["result"]["presentationChecks"] if c["check"] == "holder_binding"
    )
    assert holder["outcome"] == "passed"

    again = verifier.client.post(path, data=form)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_request"


def test_answer_for_another_request_or_expired_is_refused(verifier: Verifier) -> None:
    first = parse_authorization_request(
        verifier.client.post("/oid4vp/requests", json={"profile": "by_value"}).json()["link"]
    )
    created = verifier.client.post("/oid4vp/requests", json={"profile": "by_value"}).json()
    second = parse_authorization_request(created["link"])
    status_url = f"/oid4vp/requests/{created['id']}?key={created['resultKey']}"
    replayed = _vp(STUDENT, challenge=first.nonce, domain=first.client_id)
    form = build_response_form(second, {"mbo_credentials": [replayed]})
    path = second.response_uri.removeprefix("http://localhost:8003")
    answer = verifier.client.post(path, data=form)
    assert answer.status_code == 400  # the holder binding fails: not an answer to this one
    assert "still open" in answer.json()["error_description"]
    status = verifier.client.get(status_url).json()
    assert status["status"] == "pending"
    assert status["result"] is None
    tampered = _vp(STUDENT, challenge=second.nonce, domain=second.client_id)
    tampered["holder"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    refused = verifier.client.post(
        path, data=build_response_form(second, {"mbo_credentials": [tampered]})
    )
    assert refused.status_code == 400
    # the holder's real answer still works after both
    real = _vp(STUDENT, challenge=second.nonce, domain=second.client_id)
    honest = verifier.client.post(
        path, data=build_response_form(second, {"mbo_credentials": [real]})
    )
    assert honest.status_code == 200, honest.text
    status = verifier.client.get(status_url).json()
    assert status["status"] == "answered"
    assert status["result"]["verdict"] == "warning"
    late = build_response_form(first, {"mbo_credentials": [replayed]})
    verifier.clock.now += timedelta(minutes=20)
    expired = verifier.client.post(
        first.response_uri.removeprefix("http://localhost:8003"), data=late
    )
    assert expired.status_code == 400
    assert "expired" in expired.json()["error_description"]
    assert verifier.client.post("/oid4vp/response/nope", data=late).status_code == 400
    bad = verifier.client.post(path.replace(second.state or "", "x"), data={"vp_token": "{"})
    assert bad.json()["error"] == "invalid_request"


def _share_app(vp: dict[str, Any]) -> FastAPI:
    wallet = FastAPI()

    @wallet.get("/s/{token}")
    def share(token: str) -> dict[str, Any]:
        return vp

    return wallet


def _verifier_with(wallet: FastAPI, tmp_path: Path, allow: frozenset[str]) -> TestClient:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    migrated("verifier", url)
    app = create_app(
        VerifierSettings(
            environment="test", database_url=url, log_json=False, dev_allow_hosts=allow
        ),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        http_client=cast(httpx.Client, TestClient(wallet)),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    return TestClient(app)


def test_share_link_is_checked_and_bound_to_its_origin(tmp_path: Path) -> None:
    vp = _vp(STUDENT, challenge="wallet-chosen", domain="https://wallet.example")
    with _verifier_with(_share_app(vp), tmp_path, frozenset()) as client:
        ok = client.post("/shares/check", json={"url": "https://wallet.example/s/abc"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["holder"] == STUDENT.did_key
        moved = client.post("/shares/check", json={"url": "https://copycat.example/s/abc"})
        assert moved.status_code == 400
        binding = next(c for c in moved.json()["checks"] if c["check"] == "holder_binding")
        assert binding["code"] == "domain_mismatch"
        refused = client.post("/shares/check", json={"url": "http://wallet.example/s/abc"})
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
        local = client.post("/shares/check", json={"url": "https://127.0.0.1/s/abc"})
        assert local.status_code == 400
