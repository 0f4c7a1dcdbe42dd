"""Reading VC Data Model 1.1 credentials: eddsa-rdfc-2022 and vc+jwt, judged by the 1.1
rules (``issuanceDate`` required and when it becomes valid, ``expirationDate`` its end)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict
from credentials.verification import verify_credential
from tests.vc11 import signed_v11, v11_jwt

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(70, 102)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(71, 103)))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
RESOLVER = StaticDidResolver()


@pytest.mark.parametrize("secure", [signed_v11, v11_jwt], ids=["eddsa-rdfc-2022", "vc+jwt"])
def test_a_1_1_credential_verifies(secure: Callable[..., Any]) -> None:
    document = secure(SCHOOL, STUDENT.did_key)
    result = verify_credential(document, resolver=RESOLVER, now=NOW)
    assert result.verdict is Verdict.VALID, result.to_json()
    fmt = result.check("format")
    assert fmt is not None
    assert fmt.detail == "the credential follows the VC Data Model 1.1"


@pytest.mark.parametrize("secure", [signed_v11, v11_jwt], ids=["eddsa-rdfc-2022", "vc+jwt"])
def test_1_1_dates_are_issuance_and_expiration_date(secure: Callable[..., Any]) -> None:
    expired = secure(SCHOOL, STUDENT.did_key, expirationDate="2025-01-01T00:00:00Z")
    result = verify_credential(expired, resolver=RESOLVER, now=NOW)
    validity = result.check("validity")
    assert validity is not None
    assert (validity.outcome, validity.code) == (Outcome.WARNING, "expired")
    assert "2025-01-01" in validity.detail
    future = secure(SCHOOL, STUDENT.did_key, issued="2027-01-01T00:00:00Z")
    future_validity = verify_credential(future, resolver=RESOLVER, now=NOW).check("validity")
    assert future_validity is not None
    assert future_validity.code == "not_yet_valid"
    current = secure(SCHOOL, STUDENT.did_key, expirationDate="2030-01-01T00:00:00Z")
    assert verify_credential(current, resolver=RESOLVER, now=NOW).verdict is Verdict.VALID


def test_1_1_rules_apply_to_1_1_credentials() -> None:
    token = v11_jwt(SCHOOL, STUDENT.did_key)
    result = verify_credential(token, resolver=RESOLVER, now=NOW)
    assert result.verified
    signed = signed_v11(SCHOOL, STUDENT.did_key)
    without_date = copy.deepcopy(signed)
    del without_date["issuanceDate"]
    broken = verify_credential(without_date, resolver=RESOLVER, now=NOW)
    failed = {c.code for c in broken.failures}
    assert "issuance_date_missing" in failed
    assert "invalid_signature" in failed  # and the signature covered the date
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    assert not verify_credential(tampered, resolver=RESOLVER, now=NOW).verified
