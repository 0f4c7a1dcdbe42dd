"""VC-JWT of the VC Data Model 1.1 (§6.3.1): a ``vc`` claim inside a JWT, read on the verify
side only. The claims sets follow the specification's example "JWT payload of a JWT-based
verifiable credential using JWS as a proof" (``sub``, ``jti``, ``iss``, ``nbf``, ``iat``,
``exp``, ``nonce`` and ``vc``; header ``typ: JWT`` and a DID URL ``kid``), signed with
Ed25519 instead of the example's RS256 (the only algorithm this engine accepts)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.did import StaticDidResolver
from credentials.errors import JwtFormatError
from credentials.jose import VC11_JWT, vc11_credential, verify_vc_jwt
from credentials.keys import Ed25519KeyPair
from credentials.results import CheckResult, Outcome, Verdict, VerificationResult
from credentials.verification import verify_credential

ISSUER = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
KID = ISSUER.did_key_verification_method
HOLDER = "did:example:ebfeb1f712ebc6f1c276e12ec21"
RESOLVER = StaticDidResolver()
HEADER = {"alg": "EdDSA", "typ": "JWT", "kid": KID}
NBF, EXP = 1541493724, 1573029723  # the example's 2018-11-06T08:42:04Z and 2019-11-06T08:42:03Z
DURING = datetime(2019, 1, 1, tzinfo=UTC)


def claims(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sub": HOLDER,
        "jti": "http://example.edu/credentials/3732",
        "iss": ISSUER.did_key,
        "nbf": NBF,
        "iat": NBF,
        "exp": EXP,
        "nonce": "660!6345FSer",
        "vc": {
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://www.w3.org/2018/credentials/examples/v1",
            ],
            "type": ["VerifiableCredential", "UniversityDegreeCredential"],
            "credentialSubject": {
                "degree": {
                    "type": "BachelorDegree",
                    "name": "<span lang='fr-CA'>Baccalauréat en musiques numériques</span>",
                }
            },
        },
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def _check(result: VerificationResult, name: str) -> CheckResult:
    found = result.check(name)
    assert found is not None, name
    return found


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(payload: dict[str, Any], header: dict[str, Any] = HEADER) -> str:
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    return signing_input + "." + _b64(ISSUER.sign(signing_input.encode()))


def test_the_registered_claims_become_the_credential_s_properties() -> None:
    result = verify_vc_jwt(token(claims()), RESOLVER, now=DURING)
    assert (result.verified, result.encoding) == (True, VC11_JWT)
    credential = result.payload
    assert credential["id"] == "http://example.edu/credentials/3732"  # jti
    assert credential["issuer"] == ISSUER.did_key  # iss
    assert credential["credentialSubject"]["id"] == HOLDER  # sub
    assert credential["issuanceDate"] == "2018-11-06T08:42:04Z"  # nbf
    assert credential["expirationDate"] == "2019-11-06T08:42:03Z"  # exp
    assert credential["credentialSubject"]["degree"]["type"] == "BachelorDegree"
    assert "vc" not in credential
    assert result.claims["nonce"] == "660!6345FSer"  # the claims set itself, as sent
    assert vc11_credential(result.claims) == credential


def test_the_verdict_says_it_is_the_old_encoding_and_follows_the_1_1_rules() -> None:
    result = verify_credential(token(claims()), resolver=RESOLVER, now=DURING)
    assert result.verdict is Verdict.VALID
    proof = _check(result, "proof")
    assert proof.outcome is Outcome.PASSED
    assert "VC Data Model 1.1" in proof.detail
    assert "'vc' claim" in proof.detail
    assert _check(result, "format").detail == "the credential follows the VC Data Model 1.1"
    assert _check(result, "issuer").code == "ok"
    assert result.credential is not None
    assert result.credential["issuanceDate"] == "2018-11-06T08:42:04Z"


def test_exp_is_the_expiration_date_genuine_but_expired() -> None:
    later = datetime(2025, 7, 1, tzinfo=UTC)
    result = verify_credential(token(claims()), resolver=RESOLVER, now=later)
    assert _check(result, "proof").outcome is Outcome.PASSED  # the signature is fine
    assert _check(result, "validity").code == "expired"
    assert "2019-11-06T08:42:03Z" in _check(result, "validity").detail
    early = verify_credential(
        token(claims()), resolver=RESOLVER, now=datetime(2018, 1, 1, tzinfo=UTC)
    )
    assert _check(early, "validity").code == "not_yet_valid"


@pytest.mark.parametrize("header", [HEADER, {"alg": "EdDSA", "kid": KID}])
def test_typ_jwt_or_none(header: dict[str, Any]) -> None:
    assert verify_vc_jwt(token(claims(), header), RESOLVER).verified


def test_without_the_optional_claims_the_vc_claim_speaks_for_itself() -> None:
    inner = claims()["vc"] | {
        "id": "urn:uuid:5e1a7a54-0000-4000-8000-000000000001",
        "issuer": {"id": ISSUER.did_key, "name": "Example University"},
        "issuanceDate": "2018-11-06T08:42:04Z",
        "credentialSubject": {"id": HOLDER},
    }
    only_vc = {"vc": inner}
    result = verify_vc_jwt(token(only_vc), RESOLVER)
    assert result.verified
    assert result.payload == inner
    # iss sets the id of an issuer object (and matches it here)
    with_iss = verify_vc_jwt(token(only_vc | {"iss": ISSUER.did_key}), RESOLVER)
    assert with_iss.payload["issuer"] == {"id": ISSUER.did_key, "name": "Example University"}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (claims(jti="http://example.edu/credentials/1") | {"vc": claims()["vc"] | {"id": "x:y"}},
         "claim_conflict"),
        (claims() | {"vc": claims()["vc"] | {"issuer": "did:example:other"}}, "claim_conflict"),
        (claims() | {"vc": claims()["vc"] | {"credentialSubject": {"id": "did:example:x"}}},
         "claim_conflict"),
        (claims() | {"vc": claims()["vc"] | {"issuanceDate": "2010-01-01T00:00:00Z"}},
         "claim_conflict"),
        (claims() | {"vc": claims()["vc"] | {"credentialSubject": [{"id": HOLDER}]}},
         "malformed"),
        (claims() | {"vc": claims()["vc"] | {"@context": ["https://www.w3.org/ns/credentials/v2"]}},
         "malformed"),
        (claims(vc="not an object"), "malformed"),
        (claims(exp="2019-11-06"), "malformed"),
        (claims(nbf=True), "malformed"),
        (claims(exp=10**20), "malformed"),
        (claims() | {"vp": {}}, "malformed"),
        (claims(iss="did:example:someone-else"), "issuer_mismatch"),
        (claims(iss=None), "issuer_mismatch"),  # no issuer at all
    ],
)  # fmt: skip
def test_claims_sets_that_are_not_a_1_1_credential(payload: dict[str, Any], code: str) -> None:
    result = verify_vc_jwt(token(payload), RESOLVER)
    assert (result.verified, result.code) == (False, code)
    assert result.encoding == VC11_JWT
    checked = verify_credential(token(payload), resolver=RESOLVER, now=DURING)
    assert checked.verdict is Verdict.INVALID


def test_a_vc_jwt_typ_never_carries_a_vc_claim() -> None:
    for typ in ("vc+jwt", "application/vc+jwt", "vp+jwt"):
        result = verify_vc_jwt(token(claims(), HEADER | {"typ": typ}), RESOLVER)
        assert (result.verified, result.code) == (False, "wrong_typ")


def test_a_tampered_1_1_token_is_a_bad_signature_and_says_so() -> None:
    header, _payload, signature = token(claims()).split(".")
    forged = claims(sub="did:example:mallory")
    tampered = f"{header}.{_b64(json.dumps(forged).encode())}.{signature}"
    result = verify_credential(tampered, resolver=RESOLVER, now=DURING)
    assert _check(result, "proof").code == "bad_signature"
    assert "older encoding" in _check(result, "proof").detail


def test_vc11_credential_refuses_what_is_not_a_claims_set() -> None:
    with pytest.raises(JwtFormatError, match="'vc' must be a JSON object"):
        vc11_credential({"iss": ISSUER.did_key})
