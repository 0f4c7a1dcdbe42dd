"""The flat SD-JWT VC claims read back give the same stacking evidence as the Open Badges
credential they were made from, for every kind; withheld claims prove nothing."""

from __future__ import annotations

import dataclasses

import pytest

from qualifications.achievements import CredentialKind, evidence_from_credential, kind_of_credential
from qualifications.sd_jwt_vc_claims import sd_jwt_vc_claims
from qualifications.sd_jwt_vc_reading import (
    achievement_from_claims,
    credential_from_claims,
    kind_from_claims,
)

from .test_sd_jwt_vc_claims import CATALOG, REQUESTS, _credential


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_every_kind_reads_back_to_the_same_evidence(name: str) -> None:
    original = _credential(REQUESTS[name])
    mapped = sd_jwt_vc_claims(original, CATALOG)
    view = credential_from_claims(mapped.claims, credential_id=original["id"],
                                  issuer_id=original["issuer"]["id"], vct=mapped.vct)  # fmt: skip
    assert kind_of_credential(view) is mapped.kind
    expected, _ = evidence_from_credential(original)
    read, issues = evidence_from_credential(view)
    assert issues == ()
    assert read == expected
    assert view["credentialSubject"]["name"] == "Sanne de Vries"
    assert view["validFrom"].startswith(original["validFrom"][:10])


def test_withheld_parts_are_absent_not_guessed() -> None:
    mapped = sd_jwt_vc_claims(_credential(REQUESTS["praktijkverklaring"]), CATALOG)
    shown = {k: v for k, v in mapped.claims.items() if not k.startswith("werkproces_2")}
    achievement = achievement_from_claims(shown)
    assert achievement["werkprocessen"] == ["B1-K1-W1"]
    assert achievement["leerbedrijf"] == {"name": "Zorggroep De Linde", "kvk": "12345678"}
    view = credential_from_claims({"kind": "praktijkverklaring"}, credential_id="urn:x")
    (evidence,), _ = evidence_from_credential(view)
    assert dataclasses.asdict(evidence)["codes"] == ()


def test_the_kind_comes_from_the_claim_or_our_vct_only() -> None:
    assert kind_from_claims({"kind": "diploma"}) is CredentialKind.DIPLOMA
    assert kind_from_claims({}, "https://w3id.org/mbo-wallet/vct/evc") is CredentialKind.EVC
    assert kind_from_claims({"kind": "pid"}, "https://other.example/pid") is None
    assert achievement_from_claims({"niveau": True, "crebo": 25498, "kerntaak_x_code": "a"}) == {}
