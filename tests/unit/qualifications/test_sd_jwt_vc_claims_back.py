"""The way back: the flat claims of an SD-JWT VC of ours give the same stacking evidence as
the ``ldp_vc`` they were made from (so both formats stack the same, for every kind), and the
result fingerprint is the same for both copies of one result."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from qualifications.achievements import evidence_from_credential, kind_of_credential
from qualifications.sd_jwt_vc_claims import result_fingerprint, sd_jwt_vc_claims
from qualifications.sd_jwt_vc_reading import credential_from_claims

from .test_sd_jwt_vc_claims import CATALOG, REQUESTS, _credential


@pytest.mark.parametrize("name", list(REQUESTS))
def test_claims_map_back_to_the_same_evidence(name: str) -> None:
    credential = _credential(REQUESTS[name])
    claims = sd_jwt_vc_claims(credential, CATALOG).claims
    back = credential_from_claims(claims, issuer_id="https://issuer.example/roc")
    assert kind_of_credential(back) == kind_of_credential(credential)
    original, _ = evidence_from_credential(credential)
    mapped, issues = evidence_from_credential(back)
    assert issues == ()
    assert original
    assert [dataclasses.replace(e, id="x", issuer=None) for e in mapped] == [
        dataclasses.replace(e, id="x", issuer=None) for e in original
    ]


def test_fingerprint_ignores_registered_claims_and_tells_results_apart() -> None:
    first = sd_jwt_vc_claims(_credential(REQUESTS["kerntaak exam"]), CATALOG).claims
    other = sd_jwt_vc_claims(_credential(REQUESTS["diploma"]), CATALOG).claims
    as_issued: dict[str, Any] = {
        **first,
        "iss": "https://x",
        "iat": 1,
        "cnf": {"jwk": {}},
        "vct": "v",
    }
    assert result_fingerprint(as_issued) == result_fingerprint(first)
    assert result_fingerprint(first) != result_fingerprint(other)
    withheld = {k: v for k, v in first.items() if k != "holder_name"}
    assert result_fingerprint(withheld) != result_fingerprint(first)
