"""The verifier side of OpenID4VP 1.0 under HAIP: x509_hash, signed Request Objects,
encrypted responses (against the example of OpenID4VP 1.0 §8.3) and DCQL answer matching
(against the Credential Set example of §6.2 in ../shared/vectors/openid4vc)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from jwcrypto import jwe, jwk, jws
from jwcrypto.jws import InvalidJWSSignature

from credentials.oid4vp import OpenId4VpError
from credentials.oid4vp_verifier import (
    REQUEST_TYP,
    VerifierIdentity,
    authorization_link,
    build_dc_api_request_object,
    build_request_object,
    decrypt_response,
    match_vp_token,
    new_response_key,
    parse_response_payload,
    private_response_key,
    sign_request_object,
    x509_hash_client_id,
)
from credentials.x509_dev_ca import create_leaf, create_root_ca

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "openid4vc"
SD_JWT_QUERY_ID = "a_sd_jwt"
LDP_QUERY_ID = "a_ldp_vc"


def haip_dcql_query(vct_values: list[str]) -> dict[str, Any]:
    """A query of the employer's shape: an SD-JWT VC by vct or an ldp_vc, either one."""
    return {
        "credentials": [
            {"id": SD_JWT_QUERY_ID, "format": "dc+sd-jwt", "multiple": True,
             "meta": {"vct_values": vct_values}},
            {"id": LDP_QUERY_ID, "format": "ldp_vc", "multiple": True,
             "meta": {"type_values": [["VerifiableCredential"]]}},
        ],
        "credential_sets": [{"options": [[SD_JWT_QUERY_ID], [LDP_QUERY_ID]]}],
    }  # fmt: skip


# OpenID4VP 1.0 §8.3 (Encrypted Responses): the example response, encrypted to the first
# key of the example request, and that key with its private part as the text gives it.
SPEC_JWK = {
    "kty": "EC", "kid": "ac", "use": "enc", "crv": "P-256", "alg": "ECDH-ES",
    "x": "YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk",
    "y": "Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk",
    "d": "Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww",
}  # fmt: skip
SPEC_RESPONSE = (
    "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt"
    "0eSI6IkVDIiwieCI6Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5I"
    "joicjRmakRxd0p5czlxVU9QLV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In1"
    "9..uAYcHRUSSn2X0WPX.yVzlGSYG4qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN"
    "4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx1oFIUpQQ"
)


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _encrypt(payload: Any, public: dict[str, Any], **header: Any) -> str:
    protected = {"alg": "ECDH-ES", "enc": "A128GCM", "kid": public.get("kid"), **header}
    token = jwe.JWE(json.dumps(payload).encode(), protected=json.dumps(protected))
    token.add_recipient(jwk.JWK(**public))
    return str(token.serialize(compact=True))


# --- x509_hash and the identity ------------------------------------------------------------


def test_x509_hash_is_the_base64url_sha256_of_the_der_leaf() -> None:
    text = (VECTORS / "credential_issuer_metadata_sd_jwt_jwt.txt").read_text()
    header = _b64url_json("".join(text.split()).split(".")[0])
    der = base64.b64decode(header["x5c"][0])
    certificate = x509.load_der_x509_certificate(der)
    expected = base64.urlsafe_b64encode(certificate.fingerprint(hashes.SHA256())).rstrip(b"=")
    assert x509_hash_client_id(der) == "x509_hash:" + expected.decode()
    assert len(x509_hash_client_id(der)) == len("x509_hash:") + 43


def test_identity_refuses_a_key_of_another_certificate() -> None:
    root = create_root_ca("root")
    leaf = create_leaf(root, "verifier.example", san_dns=["verifier.example"])
    other = create_leaf(root, "other.example")
    with pytest.raises(OpenId4VpError, match="does not belong"):
        VerifierIdentity(other.key, (leaf.certificate,))
    identity = VerifierIdentity.from_pem(
        leaf.key.private_key.private_bytes(
            *_pem_pkcs8(),
        ),
        leaf.pem,
    )
    assert identity.client_id == x509_hash_client_id(leaf.der)
    with pytest.raises(OpenId4VpError, match="cannot read"):
        VerifierIdentity.from_pem(b"not a key", leaf.pem)


def _pem_pkcs8() -> tuple[Any, Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return (serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())  # fmt: skip


# --- the Request Object --------------------------------------------------------------------


def test_signed_request_object_is_a_jar_a_wallet_can_check() -> None:
    identity = VerifierIdentity.development("verifier.example")
    key = new_response_key()
    payload = build_request_object(
        identity=identity, response_uri="https://verifier.example/oid4vp/response/1",
        nonce="n-1", state="s-1", dcql_query=haip_dcql_query(["https://vct.example/a"]),
        response_jwk=key, wallet_nonce="w-1", client_name="Werkgever",
    )  # fmt: skip
    token = sign_request_object(payload, identity)
    header = _b64url_json(token.split(".")[0])
    assert header["typ"] == REQUEST_TYP == "oauth-authz-req+jwt"
    assert header["alg"] == "ES256"
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    # what a wallet does (§5.9.3): the hash of x5c[0] is the client id, its key signed it
    assert x509_hash_client_id(base64.b64decode(header["x5c"][0])) == identity.client_id
    checked = jws.JWS()
    checked.deserialize(token)
    checked.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
    claims = json.loads(checked.payload)
    assert claims["client_id"] == identity.client_id
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["response_type"] == "vp_token"
    assert claims["response_mode"] == "direct_post.jwt"
    assert (claims["nonce"], claims["state"], claims["wallet_nonce"]) == ("n-1", "s-1", "w-1")
    metadata = claims["client_metadata"]
    (public,) = metadata["jwks"]["keys"]
    assert "d" not in public
    assert (public["kty"], public["crv"], public["alg"], public["use"]) == (
        "EC", "P-256", "ECDH-ES", "enc"
    )  # fmt: skip
    assert metadata["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    assert metadata["vp_formats_supported"]["dc+sd-jwt"] == {
        "sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]
    }  # fmt: skip
    assert "ldp_vc" in metadata["vp_formats_supported"]
    head, body, _sig = token.split(".")
    forged = jws.JWS()
    forged.deserialize(f"{head}.{body[:-2]}AA.{_sig}")
    with pytest.raises(InvalidJWSSignature):
        forged.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")


def test_dc_api_request_has_expected_origins_and_no_response_uri() -> None:
    identity = VerifierIdentity.development("verifier.example")
    payload = build_dc_api_request_object(
        identity=identity, expected_origins=["https://verifier.example"], nonce="n",
        dcql_query=haip_dcql_query(["https://vct.example/a"]), response_jwk=new_response_key(),
    )  # fmt: skip
    assert payload["response_mode"] == "dc_api.jwt"
    assert payload["expected_origins"] == ["https://verifier.example"]
    assert payload["client_id"] == identity.client_id
    assert "response_uri" not in payload
    assert "state" not in payload
    with pytest.raises(OpenId4VpError):
        build_dc_api_request_object(
            identity=identity, expected_origins=[], nonce="n", dcql_query={},
            response_jwk=new_response_key(),
        )  # fmt: skip


def test_the_short_link_names_client_id_request_uri_and_post() -> None:
    link = authorization_link("x509_hash:abc", "https://verifier.example/oid4vp/request/1")
    assert link.startswith("openid4vp://?")
    params = parse_qs(urlsplit(link).query)
    assert params == {
        "client_id": ["x509_hash:abc"],
        "request_uri": ["https://verifier.example/oid4vp/request/1"],
        "request_uri_method": ["post"],
    }


# --- the encrypted response ----------------------------------------------------------------


def test_decrypts_the_example_response_of_the_spec() -> None:
    payload = decrypt_response(SPEC_RESPONSE, jwk.JWK(**SPEC_JWK))
    assert payload == {"vp_token": {"example_credential_id": ["eyJhb...YMetA"]}}
    assert parse_response_payload(payload) == (
        {"example_credential_id": ["eyJhb...YMetA"]}, None
    )  # fmt: skip


def test_a_response_key_survives_its_stored_form() -> None:
    key = new_response_key()
    again = private_response_key(key.export_private())
    public = key.export_public(as_dict=True)
    token = _encrypt({"vp_token": {"q": [{}]}, "state": "s"}, public)
    assert decrypt_response(token, again)["state"] == "s"
    with pytest.raises(OpenId4VpError):
        private_response_key(key.export_public())  # no private part
    with pytest.raises(OpenId4VpError):
        private_response_key("not json")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "ECDH-ES+A128KW"}, "alg must be ECDH-ES"),
        ({"enc": "A128CBC-HS256"}, "enc must be one of"),
        ({"kid": "someone-else"}, "another key"),
        ({"zip": "DEF"}, "compressed"),
    ],
)
def test_refuses_what_was_not_offered(header: dict[str, str], message: str) -> None:
    key = new_response_key()
    token = _encrypt({"vp_token": {"q": [{}]}}, key.export_public(as_dict=True), **header)
    with pytest.raises(OpenId4VpError, match=message):
        decrypt_response(token, key)


def test_refuses_a_wrong_key_a_tampered_token_and_plaintext() -> None:
    key, other = new_response_key(), new_response_key()
    public = other.export_public(as_dict=True)
    public["kid"] = key.get("kid")  # same kid, another key
    with pytest.raises(OpenId4VpError, match="cannot be decrypted"):
        decrypt_response(_encrypt({"vp_token": {"q": [{}]}}, public), key)
    good = _encrypt({"vp_token": {"q": [{}]}}, key.export_public(as_dict=True))
    head, enc_key, iv, ciphertext, tag = good.split(".")
    flipped = ciphertext[:-2] + ("AA" if ciphertext[-2:] != "AA" else "BA")
    with pytest.raises(OpenId4VpError, match="cannot be decrypted"):
        decrypt_response(".".join([head, enc_key, iv, flipped, tag]), key)
    unsigned = "eyJhbGciOiJub25lIn0.eyJ2cF90b2tlbiI6e319."  # alg none JWT, not a JWE
    with pytest.raises(OpenId4VpError, match="not a compact JWE"):
        decrypt_response(unsigned, key)
    with pytest.raises(OpenId4VpError, match="missing"):
        decrypt_response("", key)
    not_object = _encrypt(["a"], key.export_public(as_dict=True))
    with pytest.raises(OpenId4VpError, match="not a JSON object"):
        decrypt_response(not_object, key)


@pytest.mark.parametrize(
    "payload",
    [{}, {"vp_token": {}}, {"vp_token": {"q": []}}, {"vp_token": ["x"]}, {"vp_token": "{"}],
)
def test_a_response_without_a_proper_vp_token_is_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(OpenId4VpError):
        parse_response_payload(payload)


# --- DCQL answer matching ------------------------------------------------------------------


def _alternatives() -> dict[str, Any]:
    query: dict[str, Any] = json.loads((VECTORS / "dcql_credentials_alternatives.json").read_text())
    return query


@pytest.mark.parametrize(
    ("answered", "ok"),
    [
        (["pid"], True),
        (["other_pid"], True),
        (["pid_reduced_cred_1", "pid_reduced_cred_2"], True),
        (["pid", "nice_to_have"], True),
        (["pid_reduced_cred_1"], False),  # half of an option
        (["nice_to_have"], False),  # only the optional set
    ],
)
def test_credential_sets_of_the_spec_example(answered: list[str], ok: bool) -> None:
    token = {query_id: ["header.payload.sig~"] for query_id in answered}
    if ok:
        assert {a.query_id for a in match_vp_token(token, _alternatives())} == set(answered)
    else:
        with pytest.raises(OpenId4VpError, match="Credential Set"):
            match_vp_token(token, _alternatives())


def test_answers_must_fit_the_query() -> None:
    query = haip_dcql_query(["https://vct.example/a"])
    with pytest.raises(OpenId4VpError, match="no Credential Query"):
        match_vp_token({"elsewhere": [{}]}, query)
    with pytest.raises(OpenId4VpError, match="not dc\\+sd-jwt"):
        match_vp_token({SD_JWT_QUERY_ID: [{"a": 1}]}, query)
    with pytest.raises(OpenId4VpError, match="not ldp_vc"):
        match_vp_token({LDP_QUERY_ID: ["a~b~"]}, query)
    single = _alternatives()
    with pytest.raises(OpenId4VpError, match="allows one"):
        match_vp_token({"pid": ["a~", "b~"]}, single)
    (answer,) = match_vp_token({LDP_QUERY_ID: [{"type": "VerifiablePresentation"}]}, query)
    assert (answer.format, len(answer.presentations)) == ("ldp_vc", 1)


@pytest.mark.parametrize(
    "epk",
    [
        "p384",  # another curve (invalid-curve attack)
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},  # not a point on P-256
        {"kty": "oct", "k": "AAAA"},
        "not a key",
        None,
    ],
)
def test_a_hostile_ephemeral_key_is_refused(epk: Any) -> None:
    key = new_response_key()
    if epk == "p384":
        epk = jwk.JWK.generate(kty="EC", crv="P-384").export_public(as_dict=True)
    header: dict[str, Any] = {"alg": "ECDH-ES", "enc": "A128GCM", "kid": key.get("kid")}
    if epk is not None:
        header["epk"] = epk
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    token = head + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(OpenId4VpError, match="cannot be decrypted"):
        decrypt_response(token, key)
