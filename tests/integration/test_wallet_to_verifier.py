"""Wallet and verifier in one process, talking HTTP through the network guard: the wallet
answers the verifier's OpenID4VP request (link or QR content) with the chosen credential;
the verifier checks the presentation's holder binding and the credential."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi.testclient import TestClient

from verifier.app import create_app as create_verifier
from verifier.settings import VerifierSettings
from web_common.migrations import upgrade

from ..api.wallet.conftest import Clock, Wallet, make_wallet, signed_credential


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", url)
    settings = VerifierSettings(
        environment="test", database_url=url, log_json=False,
        public_base_url="http://verifier.test",
    )  # fmt: skip
    app = create_verifier(settings, clock=Clock())
    with TestClient(app, base_url="http://verifier.test") as client:
        yield client


@pytest.fixture
def wallet(tmp_path: Path, verifier: TestClient) -> Iterator[Wallet]:
    yield from make_wallet(
        f"sqlite:///{tmp_path / 'wallet.db'}",
        http_client=cast(httpx.Client, verifier),
        resolve_host=lambda host, port: ["93.184.216.34"],
        allow_hosts=frozenset({"verifier.test"}),
    )


def test_wallet_answers_an_openid4vp_request(wallet: Wallet, verifier: TestClient) -> None:
    person = wallet.person()
    credential = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did)}
    ).json()
    created = verifier.post(
        "/oid4vp/requests", json={"target": "25498", "profile": "by_value"}
    ).json()
    preview = person.post("/api/requests/preview", json={"request": created["link"]})
    assert preview.status_code == 200, preview.text
    assert preview.json()["verifier"].startswith("http://verifier.test/")
    answered = person.post(
        "/api/requests/answer",
        json={"request": created["link"], "credentials": [credential["id"]]},
    )
    assert answered.status_code == 200, answered.text
    status = verifier.get(f"/oid4vp/requests/{created['id']}?key={created['resultKey']}").json()
    assert status["status"] == "answered", status
    binding = {c["check"]: c for c in status["result"]["presentationChecks"]}
    assert binding["holder_binding"]["outcome"] == "passed"
    [checked] = status["result"]["credentials"]
    assert checked["verified"] is True  # genuine; only "unknown issuer" (trust list) warns
    assert {c["check"]: c["outcome"] for c in checked["checks"]}["holder"] == "passed"
    # another account's credential cannot be sent
    other = wallet.person("other@example.nl")
    again = verifier.post("/oid4vp/requests", json={"profile": "by_value"}).json()
    refused = other.post(
        "/api/requests/answer", json={"request": again["link"], "credentials": [credential["id"]]}
    )
    assert refused.status_code == 404


def test_malformed_request_is_refused(wallet: Wallet) -> None:
    person = wallet.person()
    response = person.post("/api/requests/preview", json={"request": "openid4vp://?foo=bar"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_our_wallet_answers_the_verifiers_haip_request(
    wallet: Wallet, verifier: TestClient
) -> None:
    """The default request (signed by reference, x509_hash, direct_post.jwt, DCQL for
    dc+sd-jwt or ldp_vc) read and answered by our wallet with an ldp_vc credential."""
    person = wallet.person()
    credential = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did)}
    ).json()
    created = verifier.post("/oid4vp/requests", json={"target": "25498"}).json()
    assert created["profile"] == "haip"
    preview = person.post("/api/requests/preview", json={"request": created["link"]})
    assert preview.status_code == 200, preview.text
    answered = person.post(
        "/api/requests/answer",
        json={"request": created["link"], "credentials": [credential["id"]]},
    )
    assert answered.status_code == 200, answered.text
    status = verifier.get(f"/oid4vp/requests/{created['id']}?key={created['resultKey']}").json()
    assert status["status"] == "answered", status
    binding = {c["check"]: c for c in status["result"]["presentationChecks"]}
    assert binding["holder_binding"]["outcome"] == "passed"
