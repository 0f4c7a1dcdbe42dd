"""The wallet's side of OpenID4VP 1.0 / HAIP 1.0: links, signed Request Objects with the
``x509_hash`` client id prefix, and the ``direct_post.jwt`` response, against a verifier
written in the test from the spec (tests/spec_verifier.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from credentials.oid4vp_wallet import (
    RequestError,
    build_response,
    parse_request_link,
    request_from_link,
    response_encryption,
    verify_request_object,
    x509_hash,
)
from credentials.x509_dev_ca import create_leaf, create_root_ca
from tests.spec_verifier import SpecVerifier

DCQL = {
    "credentials": [
        {
            "id": "diploma",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://issuer.example/vct/diploma"]},
            "claims": [{"path": ["given_name"]}, {"path": ["achievement_name"]}],
        }
    ]
}


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def verifier() -> SpecVerifier:
    return SpecVerifier()


def _verify(verifier: SpecVerifier, token: str, **options: Any) -> Any:
    return verify_request_object(token, client_id=verifier.client_id, now=_now(), **options)


def test_link_by_reference() -> None:
    link = parse_request_link(
        "openid4vp://?"
        + urlencode({"client_id": "x509_hash:abc", "request_uri": "https://v.example/r"})
    )
    assert (link.client_id, link.request_uri, link.request_uri_method) == (
        "x509_hash:abc",
        "https://v.example/r",
        "get",
    )
    assert not link.haip
    assert parse_request_link("haip-vp://?client_id=a&request_uri=https://v.example/r").haip


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mailto:someone@example.org",
        "openid4vp://?request_uri=https://v.example/r",  # no client_id
        "openid4vp://?client_id=a&request_uri=https://v.example/r&request_uri_method=put",
        "openid4vp://?client_id=a&request_uri=ftp://v.example/r",
        "openid4vp://?client_id=a&client_id=b&request_uri=https://v.example/r",
        "openid4vp://?client_id=a&request_uri=https://v.example/r&request=x.y.z",
        "openid4vp://?client_id=a&dcql_query=%7Bnot",
    ],
)
def test_bad_links_are_refused(text: str) -> None:
    with pytest.raises(RequestError):
        parse_request_link(text)


def test_signed_request_verifies(verifier: SpecVerifier) -> None:
    request = _verify(verifier, verifier.sign(verifier.claims(DCQL)))
    assert request.signed
    assert request.response_mode == "direct_post.jwt"
    assert request.client_id == verifier.client_id
    assert request.verifier_name == "Werkgever BV"
    assert request.certificate_name == "Werkgever BV"
    assert request.client_name is None
    named = verifier.claims(DCQL, client_metadata=verifier.metadata(client_name="Echte Bank"))
    claimed = _verify(verifier, verifier.sign(named))
    assert claimed.client_name == "Echte Bank"
    assert claimed.verifier_name == "Werkgever BV"  # the certificate's name comes first
    assert request.nonce == verifier.nonce
    assert request.state == verifier.state
    assert request.query_ids == ("diploma",)
    assert request.encryption is not None
    assert request.encryption.enc == "A128GCM"
    assert request.trusted is None
    assert x509_hash(verifier.certificate.certificate) == verifier.client_id.split(":", 1)[1]


def test_chain_to_configured_anchor(verifier: SpecVerifier) -> None:
    request = _verify(
        verifier, verifier.sign(verifier.claims(DCQL)), trust_anchors=[verifier.root.certificate]
    )
    assert request.trusted is True
    other = create_root_ca("someone else").certificate
    with pytest.raises(RequestError) as caught:
        _verify(verifier, verifier.sign(verifier.claims(DCQL)), trust_anchors=[other])
    assert caught.value.code == "untrusted_verifier"


def _code(verifier: SpecVerifier, token: str, **options: Any) -> str:
    with pytest.raises(RequestError) as caught:
        _verify(verifier, token, **options)
    return caught.value.code


def test_wrong_hash_is_refused(verifier: SpecVerifier) -> None:
    impostor = create_leaf(verifier.root, "impostor.example", organization="Impostor")
    # signed by another certificate (valid signature) but the client id names ours
    token = verifier.sign(verifier.claims(DCQL), signer=impostor, x5c=impostor.x5c([]))
    assert _code(verifier, token) == "hash_mismatch"


def test_wrong_signature_is_refused(verifier: SpecVerifier) -> None:
    impostor = create_leaf(verifier.root, "impostor.example")
    # our certificate in x5c, signed with another key
    token = verifier.sign(verifier.claims(DCQL), signer=impostor)
    assert _code(verifier, token) == "bad_signature"
    head, body, sig = verifier.sign(verifier.claims(DCQL)).split(".")
    tampered = json.loads(__import__("base64").urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    tampered["nonce"] = "other"
    from credentials.jwk import b64url_encode

    forged = ".".join([head, b64url_encode(json.dumps(tampered).encode()), sig])
    assert _code(verifier, forged) == "bad_signature"


def test_expired_request_is_refused(verifier: SpecVerifier) -> None:
    past = int((_now() - timedelta(hours=1)).timestamp())
    assert _code(verifier, verifier.sign(verifier.claims(DCQL, exp=past))) == "expired"
    no_exp = verifier.claims(DCQL)
    del no_exp["exp"]
    assert _code(verifier, verifier.sign(no_exp)) == "expired"
    future = int((_now() + timedelta(hours=1)).timestamp())
    assert _code(verifier, verifier.sign(verifier.claims(DCQL, iat=future))) == "not_yet_valid"


def test_wrong_typ_is_refused(verifier: SpecVerifier) -> None:
    assert _code(verifier, verifier.sign(verifier.claims(DCQL), typ="JWT")) == "wrong_typ"


def test_unknown_response_mode_is_refused(verifier: SpecVerifier) -> None:
    token = verifier.sign(verifier.claims(DCQL, response_mode="fragment"))
    assert _code(verifier, token) == "unsupported_response_mode"


def test_other_checks(verifier: SpecVerifier) -> None:
    assert (
        _code(verifier, verifier.sign(verifier.claims(DCQL, aud="https://else.example")))
        == "wrong_aud"
    )
    assert _code(verifier, verifier.sign(verifier.claims(DCQL, client_id="x509_hash:zz"))) == (
        "client_id_mismatch"
    )
    token = verifier.sign(verifier.claims(DCQL, wallet_nonce="w1"))
    assert _verify(verifier, token, wallet_nonce="w1").nonce == verifier.nonce
    assert _code(verifier, token, wallet_nonce="w2") == "wallet_nonce_mismatch"
    assert _code(verifier, verifier.sign(verifier.claims(DCQL, transaction_data=["e30"]))) == (
        "unsupported_transaction_data"
    )
    assert _code(verifier, verifier.sign(verifier.claims({"credentials": []}))) == "invalid_dcql"
    big = {"credentials": [dict(DCQL["credentials"][0], id=f"q{i}") for i in range(40)]}
    assert _code(verifier, verifier.sign(verifier.claims(big))) == "dcql_over_budget"
    no_keys = verifier.claims(DCQL, client_metadata={"client_name": "X"})
    assert _code(verifier, verifier.sign(no_keys)) == "no_encryption_key"
    assert _code(verifier, "not-a-jws") == "malformed"
    with pytest.raises(RequestError) as caught:
        verify_request_object(
            verifier.sign(verifier.claims(DCQL, client_id="decentralized_identifier:did:web:x")),
            client_id="decentralized_identifier:did:web:x",
            now=_now(),
        )
    assert caught.value.code == "unsupported_client_id"


def test_unsigned_requests() -> None:
    params = {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": "redirect_uri:https://v.example/resp",
        "response_uri": "https://v.example/resp",
        "nonce": "n1",
        "dcql_query": json.dumps(
            {"credentials": [{"id": "q", "format": "ldp_vc", "meta": {"type_values": [["X"]]}}]}
        ),
    }
    request = request_from_link(parse_request_link("openid4vp://?" + urlencode(params)))
    assert not request.signed
    assert request.query_ids == ("q",)
    with pytest.raises(RequestError) as caught:
        request_from_link(parse_request_link("haip-vp://?" + urlencode(params)))
    assert caught.value.code == "unsigned"
    hashed = {**params, "client_id": "x509_hash:abc"}
    with pytest.raises(RequestError) as caught:
        request_from_link(parse_request_link("openid4vp://?" + urlencode(hashed)))
    assert caught.value.code == "unsigned"


def test_encrypted_response_decrypts_at_the_verifier(verifier: SpecVerifier) -> None:
    request = _verify(verifier, verifier.sign(verifier.claims(DCQL)))
    form = build_response(request, {"diploma": ["eyJ...~"]})
    assert set(form) == {"response"}
    header, payload = verifier.decrypt(form["response"])
    assert header["alg"] == "ECDH-ES"
    assert header["enc"] == "A128GCM"
    assert header["kid"] == "resp-1"
    assert payload == {"vp_token": {"diploma": ["eyJ...~"]}, "state": verifier.state}
    with pytest.raises(RequestError):
        build_response(request, {"diploma": ["a", "b"]})  # multiple is false
    with pytest.raises(RequestError):
        build_response(request, {"other": ["a"]})


def test_enc_follows_the_verifier_metadata(verifier: SpecVerifier) -> None:
    metadata = verifier.metadata(encrypted_response_enc_values_supported=["A256GCM"])
    request = _verify(verifier, verifier.sign(verifier.claims(DCQL, client_metadata=metadata)))
    header, _ = verifier.decrypt(build_response(request, {"diploma": ["x~"]})["response"])
    assert header["enc"] == "A256GCM"
    with pytest.raises(RequestError):
        response_encryption(verifier.metadata(encrypted_response_enc_values_supported=["XC20P"]))
    with pytest.raises(RequestError):
        response_encryption(
            {"jwks": {"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}]}}
        )
    with pytest.raises(RequestError):
        response_encryption({"jwks": {"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}})


def test_module_example_runs() -> None:
    import doctest

    import credentials.oid4vp_wallet

    result = doctest.testmod(credentials.oid4vp_wallet)
    assert result.attempted > 0
    assert result.failed == 0
