"""eddsa-rdfc-2022: round trips, and each kind of tampering detected with the right reason."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof, verify_proofs
from credentials.did import StaticDidResolver
from credentials.errors import SafeModeError, SigningError
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.multibase import encode_base58btc

from .strategies import credentials

KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
HOLDER = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
CREATED = "2026-07-01T09:00:00Z"
RESOLVER = StaticDidResolver()


def _signed(**changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key)
    credential.update(changes)
    return add_proof(credential, KEY, KEY.did_key_verification_method, created=CREATED)


def _only(document: Any, **kwargs: Any) -> Any:
    [result] = verify_proofs(document, resolver=RESOLVER, **kwargs)
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_sign_then_verify_round_trip(credential: dict[str, Any]) -> None:
    credential = {**credential, "issuer": KEY.did_key}
    signed = add_proof(credential, KEY, KEY.did_key_verification_method, created=CREATED)
    result = _only(signed)
    assert result.verified, result.detail
    assert result.controller == KEY.did_key
    assert {k: v for k, v in signed.items() if k != "proof"} == credential


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "achievement", "werkprocessen", 0), "P2-K1-W1"),
        (("credentialSubject", "achievement", "niveau"), 4),
        (("credentialSubject", "achievement", "crebo"), "25655"),
        (("credentialSubject", "id"), "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        (("credentialSubject", "name"), "Someone Else"),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("issuer", "name"), "Fake College"),
        (("type",), ["VerifiableCredential", "OpenBadgeCredential", "DiplomaCredential"]),
    ],
)
def test_changing_any_signed_value_breaks_the_signature(path: tuple[Any, ...], value: Any) -> None:
    tampered = copy.deepcopy(_signed())
    _set(tampered, path, value)
    result = _only(tampered)
    assert not result.verified
    assert result.code == "invalid_signature"


def test_adding_a_validUntil_breaks_the_signature() -> None:
    tampered = _signed()
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    assert _only(tampered).code == "invalid_signature"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("created", "2026-07-02T09:00:00Z", "invalid_signature"),
        ("verificationMethod", OTHER.did_key_verification_method, "invalid_signature"),
        ("cryptosuite", "ecdsa-rdfc-2019", "unsupported_cryptosuite"),
        ("type", "Ed25519Signature2020", "unsupported_proof_type"),
        ("proofPurpose", "authentication", "wrong_proof_purpose"),
        ("proofValue", "z" + "1" * 10, "malformed_proof_value"),
        ("proofValue", "not-multibase", "malformed_proof_value"),
        ("proofValue", "u" + "A" * 86, "malformed_proof_value"),
        ("created", "yesterday", "malformed_proof"),
        ("verificationMethod", "did:key:zNotAKey#zNotAKey", "unknown_key"),
        ("verificationMethod", "https://example.org/key", "unknown_key"),
        ("verificationMethod", "did:web:example.org#key-1", "unknown_key"),
    ],
)
def test_tampered_proof_fields_give_the_right_reason(field: str, value: str, code: str) -> None:
    tampered = _signed()
    tampered["proof"][field] = value
    result = _only(tampered)
    assert not result.verified
    assert result.code == code, result.detail


def test_signature_by_another_key_of_the_same_claimed_method_fails() -> None:
    credential = mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key)
    forged = add_proof(credential, OTHER, KEY.did_key_verification_method, created=CREATED)
    assert _only(forged).code == "invalid_signature"


def test_missing_and_malformed_proofs() -> None:
    unsigned = mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key)
    assert _only(unsigned).code == "missing_proof"
    assert _only({**unsigned, "proof": []}).code == "missing_proof"
    assert _only({**unsigned, "proof": "abc"}).code == "malformed_proof"
    assert _only(["not", "an", "object"]).code == "malformed"


def test_undefined_term_added_after_signing_is_reported_not_raised() -> None:
    tampered = _signed()
    tampered["credentialSubject"]["shoeSize"] = "10"
    result = _only(tampered)
    assert result.code == "invalid_document"
    assert "shoeSize" in result.detail


def test_unknown_context_added_after_signing_is_reported() -> None:
    tampered = _signed()
    tampered["@context"] = [*tampered["@context"], "https://evil.example/v1"]
    result = _only(tampered)
    assert result.code == "invalid_document"
    assert "not bundled" in result.detail


def test_signing_refuses_undefined_terms_and_missing_suite_context() -> None:
    credential = mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key)
    credential["credentialSubject"]["shoeSize"] = "10"
    with pytest.raises(SafeModeError, match="shoeSize"):
        add_proof(credential, KEY, KEY.did_key_verification_method, created=CREATED)
    with pytest.raises(SigningError, match="@context"):
        add_proof(
            {"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:example:1"},
            KEY,
            KEY.did_key_verification_method,
            created=CREATED,
        )
    with pytest.raises(SigningError, match="dateTimeStamp"):
        add_proof(
            mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key),
            KEY,
            KEY.did_key_verification_method,
            created="2026-07-01",
        )


def test_challenge_domain_and_expiry_are_bound() -> None:
    presentation = {"@context": [VC_V2], "type": ["VerifiablePresentation"]}
    signed = add_proof(
        presentation,
        HOLDER,
        HOLDER.did_key_verification_method,
        created=CREATED,
        proof_purpose="authentication",
        challenge="nonce-123",
        domain="https://verifier.example",
        expires="2026-07-01T10:00:00Z",
    )

    def ok(**kw: Any) -> Any:
        return _only(signed, expected_purpose="authentication", **kw)

    assert ok(challenge="nonce-123", domain="https://verifier.example").verified
    assert ok(challenge="nonce-999").code == "challenge_mismatch"
    assert ok(domain="https://other.example").code == "domain_mismatch"
    late = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert ok(now=late).code == "proof_expired"
    replay = copy.deepcopy(signed)
    replay["proof"]["challenge"] = "nonce-999"
    assert _only(replay, expected_purpose="authentication", challenge="nonce-999").code == (
        "invalid_signature"
    )


def test_proof_chain_with_previous_proof() -> None:
    first = add_proof(
        mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key),
        KEY,
        KEY.did_key_verification_method,
        created=CREATED,
        proof_id="urn:uuid:11111111-1111-4111-8111-111111111111",
    )
    chained = add_proof(
        first,
        OTHER,
        OTHER.did_key_verification_method,
        created=CREATED,
        previous_proof="urn:uuid:11111111-1111-4111-8111-111111111111",
    )
    results = verify_proofs(chained, resolver=RESOLVER)
    assert [r.verified for r in results] == [True, True]
    broken = copy.deepcopy(chained)
    broken["proof"][0]["proofValue"] = encode_base58btc(bytes(64))
    codes = [r.code for r in verify_proofs(broken, resolver=RESOLVER)]
    assert codes == ["invalid_signature", "invalid_signature"]
    with pytest.raises(SigningError, match="previousProof"):
        add_proof(
            first,
            OTHER,
            OTHER.did_key_verification_method,
            created=CREATED,
            previous_proof="urn:uuid:00000000-0000-4000-8000-000000000000",
        )
