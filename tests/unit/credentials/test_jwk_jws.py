"""JWK import/export, RFC 7638 thumbprints, strict compact JWS with ES256 and EdDSA."""

from __future__ import annotations

from typing import Any

import pytest
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from credentials.errors import JwtFormatError, KeyFormatError
from credentials.jwk import (
    EdDsaSigner,
    P256KeyPair,
    b64url_encode,
    jwk_thumbprint,
    jwk_thumbprint_uri,
    public_key_from_jwk,
    signer_from_jwk,
)
from credentials.jws import parse_compact, sign_compact, verify_compact
from credentials.keys import Ed25519KeyPair

from .sd_vectors import SD_JWT, load_settings


def test_rfc8037_a3_thumbprint_of_the_ed25519_example_key() -> None:
    key = {"crv": "Ed25519", "kty": "OKP", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jwk_thumbprint(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert jwk_thumbprint_uri(key).endswith(":sha-256:kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")


def test_p256_thumbprint_agrees_with_jwcrypto_and_ignores_extra_members() -> None:
    key = P256KeyPair.generate()
    other = jwcrypto_jwk.JWK(**key.public_jwk).thumbprint()
    assert key.thumbprint == other
    assert jwk_thumbprint({**key.public_jwk, "kid": "x", "use": "sig"}) == other


def test_the_rfc9901_keys_import_and_their_private_part_matches() -> None:
    settings = load_settings(SD_JWT)["key_settings"]
    issuer = P256KeyPair.from_jwk(settings["issuer_keys"][0])
    assert issuer.public_jwk == {k: settings["issuer_keys"][0][k] for k in ("kty", "crv", "x", "y")}
    assert issuer.private_jwk["d"] == settings["issuer_keys"][0]["d"]
    with pytest.raises(KeyFormatError, match="do not belong"):
        P256KeyPair.from_jwk({**settings["issuer_keys"][0], "x": settings["holder_key"]["x"]})


@pytest.mark.parametrize(
    "value",
    [
        "not a jwk",
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "P-256", "x": b64url_encode(bytes(32)), "y": b64url_encode(bytes(32))},
        {"kty": "EC", "crv": "P-256", "x": "short", "y": "short"},
        {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(31))},
        {"kty": "OKP", "crv": "X25519", "x": b64url_encode(bytes(32))},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
    ],
)
def test_bad_public_jwks_are_refused(value: Any) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_jwk(value)


def test_a_public_jwk_with_a_private_part_is_refused() -> None:
    with pytest.raises(KeyFormatError, match="private"):
        public_key_from_jwk(P256KeyPair.generate().private_jwk)


@pytest.mark.parametrize("signer", [P256KeyPair.generate(), EdDsaSigner(Ed25519KeyPair.generate())])
def test_compact_jws_round_trip_and_interop_with_jwcrypto(signer: Any) -> None:
    token = sign_compact({"typ": "example+jwt"}, {"sub": "x"}, signer)
    parsed = parse_compact(token)
    assert parsed.header == {"alg": signer.alg, "typ": "example+jwt"}
    assert verify_compact(parsed, public_key_from_jwk(signer.public_jwk))
    # another implementation accepts our signature
    checker = jwcrypto_jws.JWS()
    checker.deserialize(token)
    checker.verify(jwcrypto_jwk.JWK(**signer.public_jwk), alg=signer.alg)
    assert checker.payload == b'{"sub": "x"}'


def test_signer_from_jwk_handles_both_key_types() -> None:
    ed = EdDsaSigner(Ed25519KeyPair.generate())
    private = {**ed.public_jwk, "d": b64url_encode(ed.key.seed)}
    assert signer_from_jwk(private).public_jwk == ed.public_jwk
    p256 = P256KeyPair.generate()
    assert signer_from_jwk(p256.private_jwk).public_jwk == p256.public_jwk


def test_alg_confusion_and_wrong_keys_fail_verification() -> None:
    es = P256KeyPair.generate()
    ed = EdDsaSigner(Ed25519KeyPair.generate())
    token = sign_compact({}, {"a": 1}, es)
    assert not verify_compact(parse_compact(token), ed.public_key)
    assert not verify_compact(parse_compact(token), P256KeyPair.generate().public_key)
    head, _body, signature = token.split(".")
    forged_body = b64url_encode(b'{"a": 2}')
    tampered = f"{head}.{forged_body}.{signature}"
    assert not verify_compact(parse_compact(tampered), es.public_key)


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        b64url_encode(b'{"alg": "none"}') + "." + b64url_encode(b"{}") + ".",
        b64url_encode(b'{"alg": "HS256"}') + "." + b64url_encode(b"{}") + ".AA",
        b64url_encode(b'{"alg": "ES256", "alg": "EdDSA"}') + "." + b64url_encode(b"{}") + ".AA",
        b64url_encode(b'{"alg": "ES256", "crit": ["x"]}') + "." + b64url_encode(b"{}") + ".AA",
        b64url_encode(b'{"alg": "ES256"}') + "." + b64url_encode(b"[1]") + ".AA",
        b64url_encode(b'{"alg": "ES256"}') + "." + b64url_encode(b'{"a": NaN}') + ".AA",
        b64url_encode(b'{"alg": "ES256"}') + "=." + b64url_encode(b"{}") + ".AA",
        "x" * 300_000,
    ],
)
def test_malformed_compact_jws_raise_jwt_format_error(token: str) -> None:
    with pytest.raises(JwtFormatError):
        parse_compact(token)
