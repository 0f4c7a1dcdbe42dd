"""Key proofs for dc+sd-jwt (OpenID4VCI 1.0 §F.1) with ``jwk`` or a did:key ``kid``: what
is accepted and every way a hostile proof is refused (``invalid_proof``, never a 500)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credentials.keys import Ed25519KeyPair
from credentials.oid4vci import KeyProofError
from issuer.services.sd_jwt_delivery import verify_holder_key_proof

from .spec_jose import b64url, es256_jws, p256_public_jwk

AUD = "http://issuer.test/roc-midden"
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
TYP = "openid4vci-proof+jwt"
KEY = ec.generate_private_key(ec.SECP256R1())


def _claims(**changes: Any) -> dict[str, Any]:
    return {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n-1", **changes}


def _eddsa(header: dict[str, Any], claims: dict[str, Any], key: Ed25519KeyPair) -> str:
    head = b64url(json.dumps(header).encode())
    body = b64url(json.dumps(claims).encode())
    return f"{head}.{body}.{b64url(key.sign(f'{head}.{body}'.encode()))}"


def test_jwk_and_did_key_proofs_are_accepted() -> None:
    holder = verify_holder_key_proof(
        es256_jws({"typ": TYP, "jwk": p256_public_jwk(KEY)}, _claims(), KEY), audience=AUD, now=NOW
    )
    assert holder.jwk == p256_public_jwk(KEY)
    assert holder.holder_id.startswith("urn:ietf:params:oauth:jwk-thumbprint:sha-256:")
    assert holder.nonce == "n-1"
    ed = Ed25519KeyPair.generate()
    header = {"typ": TYP, "alg": "EdDSA", "kid": ed.did_key_verification_method}
    holder = verify_holder_key_proof(_eddsa(header, _claims(), ed), audience=AUD, now=NOW)
    assert holder.holder_id == ed.did_key
    assert holder.jwk["kty"] == "OKP"


OTHER = ec.generate_private_key(ec.SECP256R1())
PRIVATE_JWK = {**p256_public_jwk(KEY), "d": "AAAA"}
ED = Ed25519KeyPair.generate()

BAD: list[tuple[Any, str]] = [
    (es256_jws({"typ": "JWT", "jwk": p256_public_jwk(KEY)}, _claims(), KEY), "typ"),
    (es256_jws({"typ": TYP, "jwk": p256_public_jwk(OTHER)}, _claims(), KEY), "signature"),
    (es256_jws({"typ": TYP, "jwk": PRIVATE_JWK}, _claims(), KEY), "jwk cannot be used"),
    (es256_jws({"typ": TYP}, _claims(), KEY), "exactly one"),
    (
        es256_jws(
            {"typ": TYP, "jwk": p256_public_jwk(KEY), "kid": ED.did_key_verification_method},
            _claims(),
            KEY,
        ),
        "exactly one",
    ),
    (es256_jws({"typ": TYP, "kid": "did:web:evil.example#k"}, _claims(), KEY), "did:key"),
    (es256_jws({"typ": TYP, "jwk": p256_public_jwk(KEY), "x5c": []}, _claims(), KEY), "x5c"),
    (es256_jws({"typ": TYP, "jwk": p256_public_jwk(KEY)}, _claims(aud="x"), KEY), "aud"),
    (
        es256_jws(
            {"typ": TYP, "jwk": p256_public_jwk(KEY)},
            _claims(iat=int((NOW - timedelta(hours=1)).timestamp())),
            KEY,
        ),
        "too old",
    ),
    (es256_jws({"typ": TYP, "jwk": p256_public_jwk(KEY)}, _claims(nonce=None), KEY), "nonce"),
    (_eddsa({"typ": TYP, "alg": "none", "jwk": p256_public_jwk(KEY)}, _claims(), ED), "alg"),
    (
        _eddsa({"typ": TYP, "alg": "EdDSA", "jwk": p256_public_jwk(KEY)}, _claims(), ED),
        "signature",
    ),
    ("not.a.jwt", "malformed"),
    ("x" * 20_000, "reasonable size"),
    (42, "reasonable size"),
]


@pytest.mark.parametrize(("proof", "message"), BAD)
def test_hostile_key_proofs_are_refused(proof: Any, message: str) -> None:
    with pytest.raises(KeyProofError, match=message) as refused:
        verify_holder_key_proof(proof, audience=AUD, now=NOW)
    assert refused.value.error == "invalid_proof"
