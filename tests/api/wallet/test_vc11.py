"""The wallet receives, verifies and shows VC Data Model 1.1 credentials (eddsa-rdfc-2022
and vc+jwt): their dates come from issuanceDate / expirationDate."""

from __future__ import annotations

import json

from tests.vc11 import signed_v11, v11_jwt

from .conftest import ISSUER_KEY, Wallet


def test_a_1_1_credential_is_received_and_shown_with_its_dates(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_v11(ISSUER_KEY, person.did, expirationDate="2030-01-01T00:00:00Z")
    response = person.post("/api/credentials", json={"credential": vc})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "ok"
    assert body["valid_from"].startswith("2020-03-01T08:00:00")
    assert body["valid_until"].startswith("2030-01-01T00:00:00")
    detail = person.get(f"/api/credentials/{body['id']}").json()
    fmt = next(c for c in detail["checks"] if c["check"] == "format")
    assert fmt["detail"] == "the credential follows the VC Data Model 1.1"


def test_a_1_1_vc_jwt_and_an_expired_1_1_credential(wallet: Wallet) -> None:
    person = wallet.person()
    token = v11_jwt(ISSUER_KEY, person.did)
    jwt = person.post(
        "/api/credentials/upload", files={"file": ("bewijs.jwt", token.encode(), "text/plain")}
    )
    assert jwt.status_code == 201, jwt.text
    assert (jwt.json()["format"], jwt.json()["state"]) == ("jwt_vc", "ok")
    expired = signed_v11(
        ISSUER_KEY, person.did, id="urn:uuid:0b1e6a3c-1111-4111-8111-000000000012",
        expirationDate="2026-01-01T00:00:00Z",
    )  # fmt: skip
    kept = person.post(
        "/api/credentials/upload",
        files={"file": ("oud.json", json.dumps(expired).encode(), "application/json")},
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["state"] == "expired"
