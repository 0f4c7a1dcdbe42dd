"""Wallet attestations (OAuth 2.0 Attestation-Based Client Authentication) checked by
``credentials.client_attestation``: a provider named by an ``x5c`` chain to a trust anchor,
the trust file, and the client_id / challenge / PoP-expiry rules. (The token endpoint's use,
with keys from the trust file, is tested in tests/api/issuer/test_vci_nl_wallet.py.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from credentials.client_attestation import (
    ATTESTATION_POP_TYP,
    ATTESTATION_TYP,
    ClientAttestationError,
    WalletProvider,
    load_wallet_providers,
    verify_client_attestation,
)
from credentials.jwk import P256KeyPair
from credentials.jws import sign_compact
from credentials.x509_dev_ca import create_intermediate_ca, create_leaf, create_root_ca
from issuer.settings import IssuerSettings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AUD = "https://issuer.example/roc"
ROOT = create_root_ca("wallet provider root", now=NOW - timedelta(days=1))
CA = create_intermediate_ca(ROOT, "wallet provider CA", now=NOW - timedelta(days=1))
SIGNER = create_leaf(CA, "wallet provider", now=NOW - timedelta(days=1))
INSTANCE = P256KeyPair.generate()
PROVIDERS = (WalletProvider("Test Wallet", anchors=(ROOT.certificate,)),)


def _attestation(key: P256KeyPair = SIGNER.key, x5c: list[str] | None = None, **claims: Any) -> str:
    body = {
        "iss": "https://wallet.example",
        "sub": "test-wallet",
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
        "cnf": {"jwk": INSTANCE.public_jwk},
        **claims,
    }
    header = {"typ": ATTESTATION_TYP, "x5c": x5c or SIGNER.x5c([CA])}
    return sign_compact(header, body, key)


def _pop(**claims: Any) -> str:
    body = {"aud": AUD, "jti": "j-1", "iat": int(NOW.timestamp()), **claims}
    return sign_compact({"typ": ATTESTATION_POP_TYP}, body, INSTANCE)


def test_x5c_chain_to_a_trust_anchor_is_accepted() -> None:
    verified = verify_client_attestation(
        _attestation(), _pop(challenge="c-1"), audience=AUD, providers=PROVIDERS, now=NOW,
        client_id="test-wallet", challenge="c-1",
    )  # fmt: skip
    assert verified.provider == "Test Wallet"
    assert verified.client_id == "test-wallet"
    assert verified.instance_jwk == INSTANCE.public_jwk
    assert verified.jti == "j-1"
    assert verified.replay_until > NOW + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("attestation", "pop", "kwargs", "reason"),
    [
        (_attestation(key=P256KeyPair.generate()), _pop(), {}, "trusted"),
        (
            _attestation(x5c=create_leaf(create_root_ca("other"), "x").x5c([])),
            _pop(),
            {},
            "trusted",
        ),
        (_attestation(), _pop(), {"client_id": "someone-else"}, "client_id"),
        (_attestation(), _pop(), {"challenge": "c-1"}, "challenge"),
        (_attestation(), _pop(exp=int(NOW.timestamp()) - 600), {}, "expired"),
        (_attestation(nbf=int(NOW.timestamp()) + 3600), _pop(), {}, "future"),
        (_attestation(sub=""), _pop(), {}, "sub"),
        (_attestation(exp="tomorrow"), _pop(), {}, "numeric exp"),
    ],
)
def test_refusals(attestation: str, pop: str, kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(ClientAttestationError, match=reason) as caught:
        verify_client_attestation(
            attestation, pop, audience=AUD, providers=PROVIDERS, now=NOW, **kwargs
        )
    assert caught.value.error == "invalid_client"


def test_trust_file(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(
        json.dumps(
            {
                "wallet_providers": [
                    {"name": "By key", "iss": "https://wallet.example",
                     "jwks": {"keys": [SIGNER.key.public_jwk]}},
                    {"name": "By CA", "certificates": [ROOT.pem.decode("ascii")]},
                ]
            }
        )
    )  # fmt: skip
    providers = load_wallet_providers(path)
    assert [p.name for p in providers] == ["By key", "By CA"]
    assert providers[0].issuer == "https://wallet.example"
    assert providers[1].anchors[0] == ROOT.certificate
    private = {"keys": [SIGNER.key.private_jwk]}
    bad_files = [
        ({}, "non-empty wallet_providers"),
        ({"wallet_providers": [{"name": "x"}]}, "give jwks or certificates"),
        ({"wallet_providers": [{"name": "x", "jwks": private}]}, "unusable key"),
    ]
    for bad, reason in bad_files:
        path.write_text(json.dumps(bad))
        with pytest.raises(ValueError, match=reason):
            load_wallet_providers(path)


def test_issuer_settings_refuse_an_unusable_trust_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    with pytest.raises(ValidationError, match="wallet attestation trust file"):
        IssuerSettings(environment="test", wallet_attestation_trust_file=str(broken))
    with pytest.raises(ValidationError, match="TRUST_FILE"):
        IssuerSettings(environment="test", wallet_attestation_required=True)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"wallet_providers": [{"name": "x", "jwks": {"keys": [
        SIGNER.key.public_jwk]}}]}))  # fmt: skip
    settings = IssuerSettings(
        environment="test", wallet_attestation_trust_file=str(good),
        wallet_attestation_required=True,
    )  # fmt: skip
    assert settings.wallet_attestation_required
