"""VC-JOSE-COSE vc+jwt / vp+jwt: signing, decoding and verification that never raises."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jwcrypto import jwk, jws

from credentials.did import StaticDidResolver
from credentials.did_web import build_did_web_document
from credentials.errors import JwtFormatError, SigningError
from credentials.jose import (
    MAX_TOKEN_BYTES,
    decode_vc_jwt,
    enveloped_credential,
    public_jwk,
    sign_vc_jwt,
    sign_vp_jwt,
    unwrap_enveloped_credential,
    verify_vc_jwt,
    verify_vp_jwt,
)
from credentials.keys import Ed25519KeyPair

ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
HOLDER_KEY = Ed25519KeyPair.from_seed(bytes(32))
SCHOOL = "did:web:school.example"
KID = f"{SCHOOL}#key-1"
RESOLVER = StaticDidResolver(
    {
        SCHOOL: build_did_web_document(
            SCHOOL,
            [("key-1", ISSUER_KEY), ("key-old", OTHER_KEY)],
            assertion_method=["key-1"],
        )
    }
)
NOW = datetime(2025, 7, 1, tzinfo=UTC)


def credential(issuer: Any = SCHOOL) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "MboCertificaatCredential"],
        "issuer": issuer,
        "validFrom": "2025-07-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER_KEY.did_key, "naam": "Ünal Yılmaz"},
    }


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], key: Ed25519KeyPair = ISSUER_KEY) -> str:
    """A token signed with Ed25519 over whatever header and payload we like."""
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return signing_input + "." + b64(key.sign(signing_input.encode()))


HEADER = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}


def test_sign_and_verify_round_trip() -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    header, payload = decode_vc_jwt(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": KID}
    assert payload == credential()  # the credential itself, no "vc" claim
    result = verify_vc_jwt(token, RESOLVER)
    assert result.verified, result.reason
    assert (result.code, result.reason) == (None, None)
    assert result.payload == credential()
    assert result.verification_method == KID


def test_did_key_issuer_and_issuer_object() -> None:
    vc = credential({"id": HOLDER_KEY.did_key, "name": "Praktijkopleider"})
    token = sign_vc_jwt(vc, HOLDER_KEY, HOLDER_KEY.did_key_verification_method)
    assert verify_vc_jwt(token, RESOLVER).verified


def test_signature_verifies_independently_with_jwcrypto() -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(public_jwk(ISSUER_KEY.public_key), alg="EdDSA")
    assert json.loads(parsed.payload) == credential()


def test_public_jwk_is_okp_ed25519() -> None:
    exported = json.loads(public_jwk(ISSUER_KEY.public_bytes).export_public())
    assert exported == {"kty": "OKP", "crv": "Ed25519", "x": b64(ISSUER_KEY.public_bytes)}
    with pytest.raises(JwtFormatError, match="32 bytes"):
        public_jwk(b"short")


def test_tampered_payload_is_detected() -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    header, _, signature = token.split(".")
    changed = credential()
    changed["credentialSubject"]["naam"] = "Someone Else"
    forged = f"{header}.{b64(json.dumps(changed).encode())}.{signature}"
    result = verify_vc_jwt(forged, RESOLVER)
    assert not result.verified
    assert result.code == "bad_signature"
    assert result.payload == changed  # shown for display, marked unverified


def test_signature_by_another_key_is_detected() -> None:
    token = forge(HEADER, credential(), OTHER_KEY)
    result = verify_vc_jwt(token, RESOLVER)
    assert (result.verified, result.code) == (False, "bad_signature")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_single_character_change_fails(data: st.DataObject) -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    position = data.draw(st.integers(0, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != token[position]))
    mutated = token[:position] + replacement + token[position + 1 :]
    assert not verify_vc_jwt(mutated, RESOLVER).verified


def test_non_canonical_signature_encoding_is_refused() -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    # 64 signature bytes leave 4 unused bits in the last character; flip one of them.
    malleable = token[:-1] + alphabet[last ^ 1]
    result = verify_vc_jwt(malleable, RESOLVER)
    assert (result.verified, result.code) == (False, "malformed")
    assert "canonical" in (result.reason or "")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (HEADER | {"alg": "none"}, "unsupported_alg"),
        (HEADER | {"alg": "HS256"}, "unsupported_alg"),
        (HEADER | {"alg": "ES256"}, "unsupported_alg"),
        (HEADER | {"alg": "Ed448"}, "unsupported_alg"),
        (HEADER | {"alg": "ed25519"}, "unsupported_alg"),
        (HEADER | {"alg": ["EdDSA"]}, "unsupported_alg"),
        ({k: v for k, v in HEADER.items() if k != "alg"}, "unsupported_alg"),
        (HEADER | {"typ": "vp+jwt"}, "wrong_typ"),
        (HEADER | {"typ": "vc+ld+jwt"}, "wrong_typ"),
        (HEADER | {"typ": "vc+sd-jwt"}, "wrong_typ"),
        (HEADER | {"typ": ""}, "wrong_typ"),
        (HEADER | {"typ": None}, "wrong_typ"),
        (HEADER | {"typ": ["vc+jwt"]}, "wrong_typ"),
        (HEADER | {"crit": ["exp"]}, "malformed"),
        (HEADER | {"kid": "key-1"}, "bad_kid"),
        (HEADER | {"kid": SCHOOL}, "bad_kid"),
        (HEADER | {"kid": f"{SCHOOL}#key-old"}, "key_not_found"),
        (HEADER | {"kid": f"{SCHOOL}#key-9"}, "key_not_found"),
        ({k: v for k, v in HEADER.items() if k != "kid"}, "bad_kid"),
    ],
)
def test_header_checks(header: dict[str, Any], code: str) -> None:
    result = verify_vc_jwt(forge(header, credential()), RESOLVER)
    assert not result.verified
    assert result.code == code
    assert result.reason


def test_typ_with_media_type_prefix_is_accepted() -> None:
    token = forge(HEADER | {"typ": "application/VC+JWT"}, credential())
    assert verify_vc_jwt(token, RESOLVER).verified


@pytest.mark.parametrize(
    "header",
    [
        HEADER | {"typ": "JWT"},
        HEADER | {"typ": "jwt"},
        {k: v for k, v in HEADER.items() if k != "typ"},
        {k: v for k, v in HEADER.items() if k not in ("typ", "cty")},
    ],
    ids=["JWT", "jwt", "no-typ", "no-typ-no-cty"],
)
def test_typ_jwt_or_absent_is_accepted_as_vc_jose_cose_only_recommends_vc_jwt(
    header: dict[str, Any],
) -> None:
    result = verify_vc_jwt(forge(header, credential()), RESOLVER)
    assert result.verified, result.reason


def test_fully_specified_alg_ed25519_rfc_9864_is_accepted() -> None:
    token = forge(HEADER | {"alg": "Ed25519"}, credential())
    result = verify_vc_jwt(token, RESOLVER)
    assert result.verified, result.reason
    # The signature is still checked under that name.
    forged = forge(HEADER | {"alg": "Ed25519"}, credential(), OTHER_KEY)
    assert verify_vc_jwt(forged, RESOLVER).code == "bad_signature"


def test_vp_typ_rule_mirrors_the_vc_rule() -> None:
    payload = presentation()
    for typ, verified in (("vp+jwt", True), ("JWT", True), (None, True), ("vc+jwt", False)):
        header = {"alg": "Ed25519", "kid": HOLDER_KID} | ({"typ": typ} if typ else {})
        result = verify_vp_jwt(forge(header, payload, HOLDER_KEY), RESOLVER)
        assert result.verified is verified, (typ, result.reason)


def test_hmac_with_public_key_as_secret_is_refused() -> None:
    """The classic algorithm confusion: HS256 keyed with the issuer's public key."""
    secret = jwk.JWK(kty="oct", k=b64(ISSUER_KEY.public_bytes))
    token = jws.JWS(json.dumps(credential()).encode())
    token.add_signature(secret, alg="HS256", protected=json.dumps(HEADER | {"alg": "HS256"}))
    result = verify_vc_jwt(token.serialize(compact=True), RESOLVER)
    assert (result.verified, result.code) == (False, "unsupported_alg")


def test_unsigned_alg_none_token_is_refused() -> None:
    header = b64(json.dumps(HEADER | {"alg": "none"}).encode())
    token = f"{header}.{b64(json.dumps(credential()).encode())}."
    result = verify_vc_jwt(token, RESOLVER)
    assert (result.verified, result.code) == (False, "unsupported_alg")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (credential(OTHER_KEY.did_key), "issuer_mismatch"),
        (credential({"id": "did:web:other.example"}), "issuer_mismatch"),
        (credential({"name": "no id"}), "issuer_mismatch"),
        ({k: v for k, v in credential().items() if k != "issuer"}, "issuer_mismatch"),
        (credential() | {"iss": "did:web:other.example"}, "issuer_mismatch"),
        # a vc+jwt holds no "vc" claim (VC-JOSE-COSE); a 1.1 VC-JWT has typ JWT or none
        (credential() | {"vc": {"type": "VerifiableCredential"}}, "wrong_typ"),
    ],
)
def test_payload_checks(payload: dict[str, Any], code: str) -> None:
    result = verify_vc_jwt(forge(HEADER, payload), RESOLVER)
    assert (result.verified, result.code) == (False, code)


def test_matching_iss_claim_is_accepted() -> None:
    assert verify_vc_jwt(forge(HEADER, credential() | {"iss": SCHOOL}), RESOLVER).verified


def test_unknown_did_is_key_not_found() -> None:
    result = verify_vc_jwt(forge(HEADER, credential()), StaticDidResolver())
    assert (result.verified, result.code) == (False, "key_not_found")
    assert SCHOOL in (result.reason or "")


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"exp": int(NOW.timestamp())}, "expired"),
        ({"exp": int(NOW.timestamp()) - 1}, "expired"),
        ({"nbf": int(NOW.timestamp()) + 1}, "not_yet_valid"),
        ({"exp": "tomorrow"}, "malformed"),
        ({"iat": True}, "malformed"),
    ],
)
def test_time_claims_with_now(claims: dict[str, Any], code: str) -> None:
    token = forge(HEADER, credential() | claims)
    result = verify_vc_jwt(token, RESOLVER, now=NOW)
    assert (result.verified, result.code) == (False, code)
    without_clock = verify_vc_jwt(token, RESOLVER)
    if code == "malformed":
        assert without_clock.code == "malformed"  # claim types are checked regardless
    else:
        assert without_clock.verified  # without now, time claims are not judged


def test_naive_now_is_refused() -> None:
    result = verify_vc_jwt(forge(HEADER, credential()), RESOLVER, now=datetime(2025, 7, 1))
    assert (result.verified, result.code) == (False, "malformed")


def test_time_claims_within_window_and_leeway() -> None:
    moment = int(NOW.timestamp())
    token = forge(HEADER, credential() | {"iat": moment, "nbf": moment, "exp": moment + 60})
    assert verify_vc_jwt(token, RESOLVER, now=NOW).verified
    late = forge(HEADER, credential() | {"exp": moment - 5})
    assert not verify_vc_jwt(late, RESOLVER, now=NOW).verified
    assert verify_vc_jwt(late, RESOLVER, now=NOW, leeway=10).verified
    assert verify_vc_jwt(late, RESOLVER).verified  # without now, time claims are not judged


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e",
        "!!!.e30.AA",
        "e30=.e30.AA",
        "e+0.e30.AA",
        "bm90IGpzb24.e30.AA",  # header "not json"
        "W10.e30.AA",  # header is a JSON array
        "_w.e30.AA",  # header is not UTF-8
        b64(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AA",  # duplicate member
        b64(json.dumps(HEADER).encode()) + ".W10.AA",  # payload is an array
    ],
)
def test_malformed_tokens_never_raise(token: str) -> None:
    result = verify_vc_jwt(token, RESOLVER)
    assert (result.verified, result.code) == (False, "malformed")
    with pytest.raises(JwtFormatError):
        decode_vc_jwt(token)


def test_non_string_token() -> None:
    result = verify_vc_jwt(None, RESOLVER)  # type: ignore[arg-type]
    assert (result.verified, result.code) == (False, "malformed")


def test_oversized_token_is_refused_before_decoding() -> None:
    token = sign_vc_jwt(credential() | {"pad": "x" * MAX_TOKEN_BYTES}, ISSUER_KEY, KID)
    result = verify_vc_jwt(token, RESOLVER)
    assert (result.verified, result.code) == (False, "too_large")
    assert result.payload == {}
    small = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    assert verify_vc_jwt(small, RESOLVER, max_bytes=len(small)).verified
    assert verify_vc_jwt(small, RESOLVER, max_bytes=len(small) - 1).code == "too_large"


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300)
    | st.from_regex(r"[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,90}")
)
def test_verify_never_raises_on_garbage(token: str) -> None:
    assert not verify_vc_jwt(token, RESOLVER).verified


# --- signing misuse ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "kid", "reason"),
    [
        (credential(), f"{OTHER_KEY.did_key}#{OTHER_KEY.public_multibase}", "does not belong"),
        (credential(), SCHOOL, "DID URL with a fragment"),
        ({"type": ["VerifiableCredential"]}, KID, "no issuer"),
        (credential() | {"vc": {}}, KID, "'vc' must not be present"),
        (credential() | {"when": datetime(2025, 1, 1)}, KID, "not JSON"),
        (credential() | {"n": float("nan")}, KID, "not JSON"),
    ],
)
def test_sign_refuses_misuse(payload: dict[str, Any], kid: str, reason: str) -> None:
    with pytest.raises(SigningError, match=reason):
        sign_vc_jwt(payload, ISSUER_KEY, kid)


# --- presentations -----------------------------------------------------------------------

HOLDER_KID = HOLDER_KEY.did_key_verification_method


def presentation(holder: str | None = HOLDER_KEY.did_key) -> dict[str, Any]:
    vp: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation",
        "verifiableCredential": [enveloped_credential(sign_vc_jwt(credential(), ISSUER_KEY, KID))],
    }
    if holder is not None:
        vp["holder"] = holder
    return vp


def test_vp_round_trip_with_nonce_and_audience() -> None:
    token = sign_vp_jwt(
        presentation(),
        HOLDER_KEY,
        HOLDER_KID,
        nonce="n-0S6_WzA2Mj",
        audience="https://verifier.example",
    )
    header, payload = decode_vc_jwt(token)
    assert header == {"alg": "EdDSA", "typ": "vp+jwt", "cty": "vp", "kid": HOLDER_KID}
    assert payload["nonce"] == "n-0S6_WzA2Mj"
    assert payload["aud"] == "https://verifier.example"
    result = verify_vp_jwt(
        token, RESOLVER, nonce="n-0S6_WzA2Mj", audience="https://verifier.example"
    )
    assert result.verified, result.reason
    inner = unwrap_enveloped_credential(result.payload["verifiableCredential"][0])
    assert verify_vc_jwt(inner, RESOLVER).verified


def test_vp_nonce_and_audience_mismatch() -> None:
    token = sign_vp_jwt(presentation(), HOLDER_KEY, HOLDER_KID, nonce="abc", audience="https://a")
    assert verify_vp_jwt(token, RESOLVER, nonce="xyz").code == "nonce_mismatch"
    assert verify_vp_jwt(token, RESOLVER, audience="https://b").code == "audience_mismatch"
    bare = sign_vp_jwt(presentation(), HOLDER_KEY, HOLDER_KID)
    assert verify_vp_jwt(bare, RESOLVER, nonce="abc").code == "nonce_mismatch"
    assert verify_vp_jwt(bare, RESOLVER).verified


def test_vp_audience_list() -> None:
    token = forge(
        {"alg": "EdDSA", "typ": "vp+jwt", "kid": HOLDER_KID},
        presentation() | {"aud": ["https://a", "https://b"]},
        HOLDER_KEY,
    )
    assert verify_vp_jwt(token, RESOLVER, audience="https://b").verified


def test_vp_holder_must_be_the_signer() -> None:
    token = forge(
        {"alg": "EdDSA", "typ": "vp+jwt", "kid": HOLDER_KID},
        presentation(OTHER_KEY.did_key),
        HOLDER_KEY,
    )
    assert verify_vp_jwt(token, RESOLVER).code == "holder_mismatch"
    with pytest.raises(SigningError, match="does not belong to the holder"):
        sign_vp_jwt(presentation(OTHER_KEY.did_key), HOLDER_KEY, HOLDER_KID)


def test_vp_without_holder_is_accepted() -> None:
    assert verify_vp_jwt(sign_vp_jwt(presentation(None), HOLDER_KEY, HOLDER_KID), RESOLVER).verified


def test_vp_key_must_be_authorised_for_authentication() -> None:
    school = "did:web:school.example"
    resolver = StaticDidResolver(
        {school: build_did_web_document(school, [("key-1", ISSUER_KEY)], authentication=[])}
    )
    token = sign_vp_jwt(presentation(school), ISSUER_KEY, KID)
    result = verify_vp_jwt(token, resolver)
    assert (result.verified, result.code) == (False, "key_not_found")
    assert "authentication" in (result.reason or "")


def test_vc_token_is_not_a_vp_and_vice_versa() -> None:
    vc = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    vp = sign_vp_jwt(presentation(), HOLDER_KEY, HOLDER_KID)
    assert verify_vp_jwt(vc, RESOLVER).code == "wrong_typ"
    assert verify_vc_jwt(vp, RESOLVER).code == "wrong_typ"


def test_sign_vp_refuses_conflicting_nonce() -> None:
    with pytest.raises(SigningError, match="different 'nonce'"):
        sign_vp_jwt(presentation() | {"nonce": "a"}, HOLDER_KEY, HOLDER_KID, nonce="b")


def test_envelope_round_trip_and_refusals() -> None:
    token = sign_vc_jwt(credential(), ISSUER_KEY, KID)
    envelope = enveloped_credential(token)
    assert envelope["id"] == "data:application/vc+jwt," + token
    assert unwrap_enveloped_credential(envelope) == token
    with pytest.raises(JwtFormatError, match="not an EnvelopedVerifiableCredential"):
        unwrap_enveloped_credential(credential())
    with pytest.raises(JwtFormatError, match="must start with"):
        unwrap_enveloped_credential(envelope | {"id": "data:application/json," + token})
    with pytest.raises(JwtFormatError):
        enveloped_credential("not.a.token!")
