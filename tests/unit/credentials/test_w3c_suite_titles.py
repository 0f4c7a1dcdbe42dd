"""Titles of the W3C test suites (VC Data Model 2.0, Data Integrity eddsa-rdfc-2022,
Bitstring Status List) that no other test of ours covered, one test each, named after the
suite's title. The full map, title by title, is ``docs/conformance.md``."""

from __future__ import annotations

import copy
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.canonicalization import default_engine
from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof, verify_proofs
from credentials.data_model import credential_findings, presentation_findings
from credentials.did import StaticDidResolver
from credentials.errors import CredentialsError, StatusListError
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.status_list import (
    StatusList,
    build_status_entry,
    build_status_list_credential,
    check_status,
)
from credentials.verification import verify_credential

KEY = Ed25519KeyPair.from_seed(bytes(range(7, 39)))
HOLDER = Ed25519KeyPair.from_seed(bytes(range(8, 40)))
CREATED = "2026-07-01T09:00:00Z"
RESOLVER = StaticDidResolver()
NOW = datetime(2026, 9, 1, tzinfo=UTC)


def _credential() -> dict[str, Any]:
    return mbo_certificaat(issuer_id=KEY.did_key, subject_id=HOLDER.did_key)


def _signed(credential: dict[str, Any] | None = None) -> dict[str, Any]:
    return add_proof(credential or _credential(), KEY, KEY.did_key_verification_method,
                     created=CREATED)  # fmt: skip


def _codes(findings: Any) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in findings]


# --- VC Data Model 2.0 test suite ---------------------------------------------------------


def test_verifiable_presentations_must_include_a_context_property() -> None:
    vp = {"type": ["VerifiablePresentation"]}
    assert _codes(presentation_findings(vp)) == [("context_missing", "/@context")]


def test_vp_subsequent_context_items_must_be_processable_as_json_ld_contexts() -> None:
    vp = {"@context": [VC_V2, 42], "type": ["VerifiablePresentation"]}
    assert [code for code, _ in _codes(presentation_findings(vp))] == ["context_item"]


def test_verifiable_presentations_must_contain_a_type_property() -> None:
    vp = {"@context": [VC_V2]}
    assert [code for code, _ in _codes(presentation_findings(vp))] == ["type_missing"]


def test_if_more_than_one_type_value_is_provided_the_order_does_not_matter() -> None:
    credential = _credential()
    credential["type"] = list(reversed(credential["type"]))
    assert credential_findings(credential) == ()
    result = verify_credential(_signed(credential), resolver=RESOLVER, now=NOW)
    assert result.verified
    # and the signature covers the set, not the order: reordering after signing verifies too
    signed = _signed()
    signed["type"] = list(reversed(signed["type"]))
    assert verify_credential(signed, resolver=RESOLVER, now=NOW).verified


@pytest.mark.parametrize("field", ["name", "description"])
def test_issuer_name_and_description_must_be_a_string_or_language_value(field: str) -> None:
    credential = _credential()
    credential["issuer"] = {"id": KEY.did_key, field: 12}
    assert _codes(credential_findings(credential)) == [("name_invalid", f"/issuer/{field}")]
    credential["issuer"][field] = {"@value": "ROC Midden", "@language": "nl"}
    assert credential_findings(credential) == ()


def test_credential_status_id_follows_the_identifier_rules() -> None:
    credential = _credential()
    credential["credentialStatus"] = {"id": "status 1", "type": "BitstringStatusListEntry"}
    assert [code for code, _ in _codes(credential_findings(credential))] == ["id_not_url"]


def test_a_context_that_redefines_a_protected_term_is_an_error() -> None:
    """§5 "compliant JSON-LD-based processors produce an error when a JSON-LD context
    redefines any term" (the base context's terms are @protected)."""
    credential = _credential()
    credential["@context"] = [*credential["@context"], {"VerifiableCredential": "urn:x:evil"}]
    with pytest.raises(CredentialsError):
        _signed(credential)
    signed = _signed()
    signed["@context"] = [*signed["@context"], {"type": "urn:x:evil"}]
    result = verify_credential(signed, resolver=RESOLVER, now=NOW)
    assert not result.verified


def test_enveloped_credential_must_name_its_type_and_a_data_url() -> None:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [{"@context": [VC_V2], "type": "EnvelopedVerifiableCredential",
                                  "id": "https://example.org/not-data"}],
    }  # fmt: skip
    assert [code for code, _ in _codes(presentation_findings(vp))] == ["envelope_id_not_data_url"]


def test_an_enveloped_credential_s_context_must_define_it() -> None:
    envelope = {"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,eyJ"}
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"]}
    for context in (None, ["https://www.w3.org/ns/did/v1"]):
        shaped = envelope if context is None else envelope | {"@context": context}
        findings = presentation_findings(vp | {"verifiableCredential": [shaped]})
        assert _codes(findings) == [("envelope_context", "/verifiableCredential/0/@context")]
    fine = vp | {"verifiableCredential": [envelope | {"@context": [VC_V2]}]}
    assert presentation_findings(fine) == ()


# --- Data Integrity (eddsa-rdfc-2022) -----------------------------------------------------


@pytest.mark.parametrize("field", ["type", "verificationMethod", "proofPurpose", "proofValue"])
def test_a_proof_without_type_verification_method_or_purpose_is_an_error(field: str) -> None:
    signed = _signed()
    proof = signed["proof"] if isinstance(signed["proof"], dict) else signed["proof"][0]
    del proof[field]
    [result] = verify_proofs(signed, resolver=RESOLVER)
    assert not result.verified


@pytest.mark.parametrize("value", [7, ["eddsa-rdfc-2022"], None])
def test_the_cryptosuite_value_must_be_a_string(value: Any) -> None:
    signed = _signed()
    signed["proof"]["cryptosuite"] = value
    [result] = verify_proofs(signed, resolver=RESOLVER)
    assert not result.verified


@pytest.mark.parametrize(
    ("field", "value"),
    [("created", "2026-07-01T09:00:00"), ("expires", "2027-07-01"), ("expires", 1)],
)
def test_created_and_expires_must_be_date_time_stamps(field: str, value: Any) -> None:
    """Without an offset is refused: the suites' "MAY consume time values that were
    incorrectly serialized without an offset" is a MAY we do not take (a time without a zone
    is ambiguous, and the proof is refused rather than guessed at)."""
    signed = _signed()
    signed["proof"][field] = value
    [result] = verify_proofs(signed, resolver=RESOLVER)
    assert (result.verified, result.code) == (False, "malformed_proof")


def test_a_previous_proof_that_is_not_in_the_proof_set_is_an_error() -> None:
    first = add_proof(_credential(), KEY, KEY.did_key_verification_method, created=CREATED,
                      proof_id="urn:uuid:11111111-1111-4111-8111-111111111111")  # fmt: skip
    chained = add_proof(first, HOLDER, HOLDER.did_key_verification_method, created=CREATED,
                        previous_proof="urn:uuid:11111111-1111-4111-8111-111111111111")  # fmt: skip
    for missing in ("urn:uuid:00000000-0000-4000-8000-000000000000",
                    ["urn:uuid:11111111-1111-4111-8111-111111111111", "urn:x:gone"]):  # fmt: skip
        broken = copy.deepcopy(chained)
        broken["proof"][1]["previousProof"] = missing
        results = verify_proofs(broken, resolver=RESOLVER)
        assert not all(r.verified for r in results), missing


@pytest.mark.parametrize("value", [5, True, {"id": "urn:x:1"}, [3], ""])
def test_previous_proof_must_be_a_string_or_a_list_of_strings(value: Any) -> None:
    """A malformed previousProof is a failed proof, never an exception (issue #12's 500)."""
    signed = _signed()
    signed["proof"]["previousProof"] = value
    [result] = verify_proofs(signed, resolver=RESOLVER)
    assert not result.verified
    assert not verify_credential(signed, resolver=RESOLVER, now=NOW).verified


def test_each_of_several_schemas_is_applied_by_its_own_type() -> None:
    """4.11 "If multiple schemas are present, validity is determined according to the
    processing rules outlined by each associated type property": each one is checked."""
    schemas = {
        "https://school.example/a.json": {"type": "object", "required": ["credentialSubject"]},
        "https://school.example/b.json": {"type": "object", "required": ["evidence"]},
    }
    credential = _credential()
    credential["credentialSchema"] = [{"id": url, "type": "JsonSchema"} for url in schemas]
    result = verify_credential(_signed(credential), resolver=RESOLVER, now=NOW,
                               schema_lookup=schemas.get)  # fmt: skip
    schema = result.check("schema")
    assert schema is not None
    assert schema.code == "schema_mismatch"  # the second one fails, the first alone would pass
    assert "evidence" in schema.detail


def test_strings_are_encoded_as_utf_8() -> None:
    credential = _credential()
    credential["credentialSubject"]["name"] = unicodedata.normalize("NFC", "Ünal Yılmaz – 学生")
    signed = _signed(credential)
    assert verify_credential(signed, resolver=RESOLVER, now=NOW).verified
    canonical = default_engine().canonicalize({k: v for k, v in signed.items() if k != "proof"})
    assert "Ünal Yılmaz – 学生".encode() in canonical.encode("utf-8")


# --- Bitstring Status List ----------------------------------------------------------------


def test_the_status_list_credential_is_a_conforming_vcdm_2_document() -> None:
    unsigned = build_status_list_credential(
        list_id="https://school.example/status/1", issuer=KEY.did_key, purpose="revocation",
        encoded_list=StatusList.new().encode(), valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    assert credential_findings(unsigned) == ()
    signed = _signed(unsigned)
    assert verify_credential(signed, resolver=RESOLVER, now=NOW, check_status=False).verified


def test_the_status_list_credential_property_must_be_a_url() -> None:
    entry = build_status_entry(
        list_credential_url="https://school.example/status/1", index=3, purpose="revocation"
    )
    entry["statusListCredential"] = "status list"
    listed = build_status_list_credential(
        list_id="https://school.example/status/1", issuer=KEY.did_key, purpose="revocation",
        encoded_list=StatusList.new().encode(), valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    with pytest.raises(StatusListError, match="URL"):
        check_status(entry, listed | {"id": "status list"})


@pytest.mark.parametrize(
    "change",
    [
        {"statusListIndex": 94567},
        {"statusListIndex": "-1"},
        {"statusPurpose": ""},
        {"statusSize": 0},
        {"statusSize": 2},  # without statusMessage
    ],
)
def test_a_malformed_status_entry_is_rejected_before_anything_is_fetched(
    change: dict[str, Any],
) -> None:
    """BSL §3 "If an implementation of any of the algorithms in this section processes a
    property defined in Section 2 whose value is malformed ... a MALFORMED_VALUE_ERROR MUST
    be raised": the credential fails (not a warning), and no list is fetched for it. (A
    ``statusListCredential`` that is not a URL cannot even be signed: safe-mode JSON-LD
    refuses the relative IRI; ``check_status`` refuses it too, test above.)"""
    entry = build_status_entry(
        list_credential_url="https://school.example/status/1", index=94567, purpose="revocation"
    )
    credential = _credential()
    credential["credentialStatus"] = entry | change
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        raise AssertionError("nothing is fetched for a malformed entry")

    result = verify_credential(_signed(credential), resolver=RESOLVER, now=NOW,
                               fetch_status_list=fetch)  # fmt: skip
    status = result.check("status")
    assert status is not None
    assert (status.outcome.value, status.code) == ("failed", "malformed_status_entry")
    assert not result.verified
    assert fetched == []
    offline = verify_credential(_signed(credential), resolver=RESOLVER, now=NOW)
    assert offline.check("status") == status  # the same without a fetcher


@pytest.mark.parametrize("issuer", ["ROC Midden Nederland", None, {"id": None}, {"id": "roc"}])
def test_the_issuer_must_be_a_url_or_an_object_with_an_id_url(issuer: Any) -> None:
    credential = _credential()
    credential["issuer"] = issuer
    assert [code for code, _ in _codes(credential_findings(credential))] == ["issuer_invalid"]
