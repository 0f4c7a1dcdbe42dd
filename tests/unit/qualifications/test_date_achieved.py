"""The day a result was achieved is read one way for every format (``date_achieved_of``),
the SD-JWT VC claims carry it back as ``awardedDate``, and an SD-JWT VC never carries the
plain student number (its type metadata still names the claim, so ``vct#integrity`` and
credentials issued before keep matching)."""

from __future__ import annotations

from datetime import date
from typing import Any

from credentials.examples import mbo_certificaat
from qualifications import load_catalog
from qualifications.achievements import CredentialKind
from qualifications.date_achieved import date_achieved_of
from qualifications.sd_jwt_vc_claims import sd_jwt_vc_claims, type_metadata
from qualifications.sd_jwt_vc_reading import credential_from_claims

CATALOG = load_catalog()


def _credential(**changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id="did:web:school.example", subject_id="did:example:1")
    credential.update(changes)
    return credential


def test_the_date_part_of_awarded_date_is_the_day_achieved() -> None:
    assert date_achieved_of({"awardedDate": "2026-06-26T00:00:00Z"}) == date(2026, 6, 26)
    assert date_achieved_of({"awardedDate": "2026-06-26T23:30:00+02:00"}) == date(2026, 6, 26)
    assert date_achieved_of({"awardedDate": "2026-06-26"}) == date(2026, 6, 26)


def test_no_date_or_a_broken_one_is_none() -> None:
    for value in (None, 20260626, "", "26-06-2026", "2026-02-30T00:00:00Z", "x" * 100, ["a"]):
        assert date_achieved_of({"awardedDate": value}) is None, value
    assert date_achieved_of({}) is None


def test_an_sd_jwt_vc_carries_the_day_back_as_awarded_date() -> None:
    mapped = sd_jwt_vc_claims(_credential(awardedDate="2026-06-26T00:00:00Z"), CATALOG)
    assert mapped.claims["date_achieved"] == "2026-06-26"
    shaped = credential_from_claims(mapped.claims)
    assert shaped["awardedDate"] == "2026-06-26T00:00:00Z"
    assert date_achieved_of(shaped) == date(2026, 6, 26)
    assert "awardedDate" not in credential_from_claims({**mapped.claims, "date_achieved": "x"})


def test_an_sd_jwt_vc_never_carries_the_student_number() -> None:
    credential = _credential()
    credential["credentialSubject"]["studentNumber"] = "123456"
    mapped = sd_jwt_vc_claims(credential, CATALOG)
    assert "student_number" not in mapped.claims
    assert "123456" not in [str(v) for v in mapped.claims.values()]
    # the type metadata still describes the claim: its integrity is unchanged
    named = {c["path"][0] for c in type_metadata(CredentialKind.MBO_CERTIFICAAT)["claims"]}
    assert "student_number" in named
