"""An organisation issues only the kinds its type may: one table, form and CSV alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from issuer.db.tables import Organisation
from issuer.services.errors import IssuanceError
from issuer.services.student_results import StudentResult, unsigned_credential_for
from qualifications import load_catalog
from qualifications.achievements import AchievementRequest, CredentialKind
from qualifications.issuer_kinds import ISSUABLE_KINDS, may_issue

CATALOG = load_catalog(Path(__file__).resolve().parents[3] / "schemas/catalog/sample.json")
NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _org(kind: str) -> Organisation:
    return Organisation(slug="x", name="X", kind=kind, identifier=None, did="did:web:x.example")


def test_the_table_covers_every_organisation_type() -> None:
    from issuer.services.organisations import ORGANISATION_KINDS

    assert set(ISSUABLE_KINDS) == set(ORGANISATION_KINDS)
    assert ISSUABLE_KINDS["school"] == frozenset(CredentialKind)
    assert not may_issue("leerbedrijf", CredentialKind.DIPLOMA)
    assert may_issue("leerbedrijf", CredentialKind.PRAKTIJKVERKLARING)
    assert not may_issue("unknown", CredentialKind.EVC)


def test_a_leerbedrijf_cannot_issue_a_diploma() -> None:
    result = StudentResult(
        AchievementRequest(CredentialKind.DIPLOMA, qualification="25498"), "Sanne", "r1"
    )
    with pytest.raises(IssuanceError) as refused:
        unsigned_credential_for(CATALOG, _org("leerbedrijf"), result, NOW)
    assert [field for field, _ in refused.value.problems] == ["kind"]
    signed_by_school = unsigned_credential_for(CATALOG, _org("school"), result, NOW)
    assert signed_by_school["type"] == [
        "VerifiableCredential",
        "OpenBadgeCredential",
        "DiplomaCredential",
    ]
