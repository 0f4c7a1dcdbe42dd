"""VC Data Model MUSTs on the verifying side: every rule of tests/vcdm_cases.py is reported as
a failed ``format`` check, for a vc+jwt and (where the document is JSON-LD) Data Integrity."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.check_codes import CheckCode
from credentials.contexts import DATA_INTEGRITY_V2, VC_V1, VC_V2
from credentials.data_integrity import add_proof
from credentials.data_model import credential_findings, parse_sri, presentation_findings
from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict, VerificationResult
from credentials.verification import verify_credential
from tests.vcdm_cases import CASES, RESOURCE_SRI, Case

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(41, 73)))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
RESOLVER = StaticDidResolver()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(payload: dict[str, Any]) -> str:
    """A vc+jwt over any payload (sign_vc_jwt would refuse some of the broken ones)."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": SCHOOL.did_key_verification_method}
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    return signing_input + "." + _b64(SCHOOL.sign(signing_input.encode()))


def _credential(case: Case | None = None) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential["validFrom"] = "2026-07-01T00:00:00Z"
    if case is not None:
        case.change(credential)
    return credential


def _format_failures(result: VerificationResult) -> dict[str, str]:
    for check in result.checks:  # every code a page may have to word is a known one
        if check.outcome in (Outcome.FAILED, Outcome.WARNING):
            assert check.code in set(CheckCode), check
    return {
        c.code: c.detail
        for c in result.checks
        if c.name == "format" and c.outcome is Outcome.FAILED
    }


def test_conforming_credential_has_no_findings_either_way() -> None:
    credential = _credential()
    assert credential_findings(credential) == ()
    for document in (
        _jwt(credential),
        add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method, created=NOW),
    ):
        result = verify_credential(document, resolver=RESOLVER, now=NOW)
        assert result.check("format").outcome is Outcome.PASSED  # type: ignore[union-attr]
        assert result.verified, result.to_json()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_rule_fails_a_vc_jwt(case: Case) -> None:
    result = verify_credential(_jwt(_credential(case)), resolver=RESOLVER, now=NOW)
    failures = _format_failures(result)
    assert case.code in failures, result.to_json()
    assert failures[case.code].startswith(case.pointer + ":")
    assert "VCDM 2.0 §" in failures[case.code]
    assert result.verdict is Verdict.INVALID


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.json_ld], ids=[c.id for c in CASES if c.json_ld]
)
def test_each_rule_fails_a_data_integrity_credential(case: Case) -> None:
    signed = add_proof(_credential(case), SCHOOL, SCHOOL.did_key_verification_method, created=NOW)
    result = verify_credential(signed, resolver=RESOLVER, now=NOW)
    assert case.code in _format_failures(result), result.to_json()
    assert result.check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]
    assert not result.verified


def test_only_the_broken_rule_is_reported() -> None:
    for case in CASES:
        codes = {f.code for f in credential_findings(_credential(case))}
        assert case.code in codes, case.id
        assert len(codes) == 1, (case.id, codes)


def test_allowed_forms_are_not_findings() -> None:
    credential = _credential()
    credential["name"] = [{"@value": "Diploma", "@language": "nl"}, "Diploma"]
    credential["description"] = {"@value": "Mbo", "@language": "nl", "@direction": "ltr"}
    credential["credentialSubject"] = [credential["credentialSubject"], {"id": "did:example:2"}]
    credential["relatedResource"] = [
        {"id": "https://school.example/a", "digestSRI": RESOURCE_SRI},
        {
            "id": "https://school.example/b",
            "digestMultibase": "uEres1j-IrwQ6fgZvjfnXVvJa8t-HyfcOaJ_bWo4zQ1o",
        },
    ]
    credential["evidence"] = {"type": ["Evidence"]}
    credential["validUntil"] = credential["validFrom"]  # the same moment is allowed
    credential["type"] = "VerifiableCredential"  # a single term
    assert credential_findings(credential) == ()


def test_sri_parsing() -> None:
    assert parse_sri(RESOURCE_SRI) == [("sha384", parse_sri(RESOURCE_SRI)[0][1])]  # type: ignore[index]
    assert parse_sri("sha256-" + "A" * 43 + "= sha512-" + "A" * 86 + "==") is not None
    for bad in ("", "sha1-AAAA", "sha256-", "sha256-!!!!", 5, "sha256-" + "A" * 40):
        assert parse_sri(bad) is None, bad


def test_version_1_1_rules() -> None:
    v1 = {
        "@context": [VC_V1, DATA_INTEGRITY_V2],
        "type": ["VerifiableCredential"],
        "issuer": SCHOOL.did_key,
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": STUDENT.did_key},
    }
    assert credential_findings(v1) == ()
    missing = {k: v for k, v in v1.items() if k != "issuanceDate"}
    assert [(f.code, f.rule) for f in credential_findings(missing)] == [
        ("issuance_date_missing", "VCDM 1.1 §4.6")
    ]
    status_without_id = v1 | {"credentialStatus": {"type": "BitstringStatusListEntry"}}
    assert [f.code for f in credential_findings(status_without_id)] == ["id_missing"]
    expired_first = v1 | {"expirationDate": "2019-01-01T00:00:00Z"}
    assert [f.code for f in credential_findings(expired_first)] == ["validity_order"]
    # The issuer accepts 2.0 only: a 1.1 credential is judged by the 2.0 rules there.
    assert "context_first" in {f.code for f in credential_findings(v1, versions=("2.0",))}


def test_presentation_rules() -> None:
    vp: dict[str, Any] = {"@context": [VC_V2], "type": ["VerifiablePresentation"]}
    assert presentation_findings(vp) == ()
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"type": ["VerifiableCredential"]}, "type_required_missing", "/type"),
        ({"holder": "the student"}, "holder_invalid", "/holder"),
        ({"holder": {"name": "x"}}, "holder_invalid", "/holder/id"),
        ({"id": "vp 1"}, "id_not_url", "/id"),
        ({"verifiableCredential": ["eyJ.a.b"]}, "credential_not_object",
         "/verifiableCredential/0"),
        ({"verifiableCredential": {"@context": [VC_V2], "type": "EnvelopedVerifiableCredential",
                                   "id": "eyJ"}},
         "envelope_id_not_data_url", "/verifiableCredential/id"),
        ({"@context": ["https://www.w3.org/2018/credentials/v2"]}, "context_first", "/@context"),
    ]  # fmt: skip
    for change, code, pointer in cases:
        findings = presentation_findings(copy.deepcopy(vp) | change)
        assert [(f.code, f.pointer) for f in findings] == [(code, pointer)], change
