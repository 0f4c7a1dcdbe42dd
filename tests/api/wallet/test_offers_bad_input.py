"""Offers that are malformed or point where the wallet must not go: clear errors, nothing
stored, no request made to private or loopback addresses."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from .conftest import Wallet


@pytest.mark.parametrize(
    ("offer", "code"),
    [
        ("", "empty_offer"),
        ("hello", "invalid_offer"),
        ("openid-credential-offer://?foo=bar", "invalid_offer"),
        ("openid-credential-offer://?credential_offer=%7Bnot-json", "invalid_offer"),
        ("openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2Fx.example%2Fo",
         "invalid_offer"),
        ("openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%2Fo",
         "issuer_unreachable"),
        ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2F10.0.0.5%2Fo",
         "issuer_unreachable"),
        ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2F169.254.169.254%2Fo",
         "issuer_unreachable"),
        ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Flocalhost%2Fo",
         "issuer_unreachable"),
        ('{"credential_issuer": "https://127.0.0.1/x", "credential_configuration_ids": ["a"],'
         ' "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code":'
         ' {"pre-authorized_code": "c"}}}', "issuer_unreachable"),
        ('{"credential_issuer": "https://issuer.example", "credential_configuration_ids": []}',
         "invalid_offer"),
    ],
)  # fmt: skip
def test_bad_offers_are_refused(wallet: Wallet, offer: str, code: str) -> None:
    person = wallet.person()
    response = person.post("/api/offers/accept", json={"offer": offer})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert person.get("/api/credentials").json() == []


def test_offer_without_pre_authorized_code_and_missing_tx_code(wallet: Wallet) -> None:
    person = wallet.person()
    auth_only = {
        "credential_issuer": "https://issuer.example",
        "credential_configuration_ids": ["MboCertificaatCredential_ldp_vc"],
        "grants": {"authorization_code": {"issuer_state": "s"}},
    }
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(auth_only))
    response = person.post("/api/offers/accept", json={"offer": link})
    assert response.json()["code"] == "unsupported_offer"
    with_tx = {
        "credential_issuer": "https://issuer.example",
        "credential_configuration_ids": ["MboCertificaatCredential_ldp_vc"],
        "grants": {
            "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                "pre-authorized_code": "abc",
                "tx_code": {"input_mode": "numeric", "length": 6, "description": "Zie je mail"},
            }
        },
    }
    link = "openid-credential-offer://?credential_offer=" + quote(json.dumps(with_tx))
    response = person.post("/api/offers/accept", json={"offer": link})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "tx_code_required"
    assert (body["input_mode"], body["length"], body["description"]) == (
        "numeric", 6, "Zie je mail",
    )  # fmt: skip


def test_oversized_offer_text(wallet: Wallet) -> None:
    person = wallet.person()
    response = person.post("/api/offers/accept", json={"offer": "x" * 20_000})
    assert response.status_code == 400  # request validation: too long
