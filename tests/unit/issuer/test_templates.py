"""Every credential kind, built from the real sample catalog: catalog checks, safe-mode
signing (every term defined), its JSON Schema, verification, and back to stacking evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict
from credentials.verification import verify_credential
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import Evidence, EvidenceKind, load_catalog, progress
from qualifications.achievements import (
    KINDS,
    AchievementRequest,
    CredentialKind,
    Leeruitkomst,
    build_achievement,
    credential_schema,
    evidence_from_credential,
    schema_id,
)

CATALOG = load_catalog(Path(__file__).resolve().parents[3] / "schemas/catalog/sample.json")
KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
ORG = Organisation(slug="roc", name="ROC Midden Nederland", kind="school", identifier="25PZ",
                   did=KEY.did_key)  # fmt: skip
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
K = CredentialKind

REQUESTS: dict[str, AchievementRequest] = {
    "kerntaak exam": AchievementRequest(K.EXAMENRESULTAAT, qualification="25498", codes=("B1-K1",)),
    "werkproces exam": AchievementRequest(
        K.EXAMENRESULTAAT, qualification="mbo-vig-verzorgende-ig", codes=("b1-k2-w1", "B1-K2-W2")
    ),
    "generic result": AchievementRequest(
        K.EXAMENRESULTAAT, generic_subject="nederlands", generic_level="3F", grade="7,5"
    ),
    "keuzedeel": AchievementRequest(K.EXAMENRESULTAAT, keuzedeel="K0071"),
    "certificaat (code)": AchievementRequest(K.MBO_CERTIFICAAT, certificate_code="C0021"),
    "certificaat (onderdeel)": AchievementRequest(
        K.MBO_CERTIFICAAT, qualification="25498", codes=("B1-K1",)
    ),
    "praktijkverklaring": AchievementRequest(
        K.PRAKTIJKVERKLARING,
        qualification="25655",
        codes=("B1-K1-W1", "B1-K1-W2"),
        leerbedrijf="Zorggroep De Linde",
        leerbedrijf_kvk="12345678",
        praktijkopleider="J. Jansen",
        period_start="2025-09-01",
        period_end="2026-06-30",
    ),
    "evc": AchievementRequest(K.EVC, qualification="25655", codes=("B1-K1", "B1-K2")),
    "vrijstelling": AchievementRequest(
        K.VRIJSTELLING,
        qualification="25655",
        codes=("B1-K3",),
        examencommissie="Examencommissie Zorg",
        decision_date="2026-06-15",
    ),
    "diploma": AchievementRequest(K.DIPLOMA, qualification="25498"),
    "mbo-verklaring": AchievementRequest(K.MBO_VERKLARING, qualification="25499", codes=("P1-K1",)),
    "branchecertificaat": AchievementRequest(
        K.BRANCHECERTIFICAAT,
        title="Tillen en verplaatsen van clienten",
        leeruitkomsten=(Leeruitkomst("Veilig tillen", 1.5),),
        qualification="25655",
        codes=("B1-K1-W3",),
        mapped_by="Stichting Zorgopleidingen",
    ),
}


def _signed(request: AchievementRequest) -> dict[str, Any]:
    result = build_achievement(CATALOG, request)
    assert result.problems == (), result.problems
    assert result.achievement is not None
    unsigned = build_unsigned_credential(
        request.kind,
        result.achievement,
        org=ORG,
        credential_id="urn:uuid:7d8e0f6a-1111-4222-8333-444455556666",
        subject_name="Sanne de Vries",
        subject_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        student_number="123456",
        valid_from=NOW,
        results=result.results,
    )
    return add_proof(unsigned, KEY, KEY.did_key_verification_method, created=NOW)


@pytest.mark.parametrize("name", list(REQUESTS))
def test_every_kind_signs_matches_its_schema_and_verifies(name: str) -> None:
    request = REQUESTS[name]
    signed = _signed(request)  # safe mode: every term is defined by a context
    schema = credential_schema(schema_id(request.kind))
    assert schema is not None
    jsonschema.Draft202012Validator(schema).validate(signed)
    result = verify_credential(
        signed, resolver=StaticDidResolver(), now=NOW, schema_lookup=credential_schema
    )
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.check("schema").outcome is Outcome.PASSED  # type: ignore[union-attr]
    evidence, issues = evidence_from_credential(signed)
    assert issues == ()
    if request.kind is not K.BRANCHECERTIFICAAT or request.codes:
        assert len(evidence) == 1


def test_achievement_names_the_catalog_parts() -> None:
    achievement = build_achievement(CATALOG, REQUESTS["kerntaak exam"]).achievement
    assert achievement is not None
    assert achievement["dossierCrebo"] == "23189"
    assert achievement["dossierVersion"] == "sbb-2755"
    assert achievement["crebo"] == "25498"
    assert achievement["profielCode"] == "P2"
    assert achievement["kerntaken"] == ["B1-K1"]
    assert achievement["niveau"] == 2
    assert "B1-K1" in achievement["name"]
    werkprocessen = build_achievement(CATALOG, REQUESTS["werkproces exam"]).achievement
    assert werkprocessen is not None
    assert werkprocessen["werkprocessen"] == ["B1-K2-W1", "B1-K2-W2"]  # normalised codes
    assert "crebo" not in werkprocessen  # Verzorgende IG has no confirmed crebo


@pytest.mark.parametrize(
    ("request_", "field", "reason"),
    [
        (AchievementRequest(K.EXAMENRESULTAAT, qualification="99999", codes=("B1-K1",)),
         "qualification", "not in the catalog"),
        (AchievementRequest(K.EXAMENRESULTAAT, qualification="25498", codes=("P1-K1",)),
         "codes", "not a kerntaak or werkproces of Helpende Zorg en Welzijn"),
        (AchievementRequest(K.EXAMENRESULTAAT, qualification="25498"), "codes", "at least one"),
        (AchievementRequest(K.EXAMENRESULTAAT, keuzedeel="K9999"), "keuzedeel", "not in the"),
        (AchievementRequest(K.EXAMENRESULTAAT, generic_subject="latijn"), "generic_subject",
         "not one of"),
        (AchievementRequest(K.MBO_CERTIFICAAT, certificate_code="C9999"), "certificate_code",
         "not in the catalog"),
        (AchievementRequest(K.PRAKTIJKVERKLARING, qualification="25655", codes=("B1-K1",)),
         "leerbedrijf", "leerbedrijf"),
        (AchievementRequest(K.PRAKTIJKVERKLARING, qualification="25655", codes=("B1-K1",),
                            leerbedrijf="X", period_start="2026-06-01", period_end="2025-01-01"),
         "period_end", "ends before"),
        (AchievementRequest(K.VRIJSTELLING, qualification="25655", codes=("B1-K1",)),
         "examencommissie", "examencommissie"),
        (AchievementRequest(K.BRANCHECERTIFICAAT, title="X"), "leeruitkomsten", "at least one"),
        (AchievementRequest(K.DIPLOMA), "qualification", "name the qualification"),
    ],
)  # fmt: skip
def test_bad_requests_are_reported_per_field(
    request_: AchievementRequest, field: str, reason: str
) -> None:
    result = build_achievement(CATALOG, request_)
    assert result.achievement is None
    assert any(f == field and reason in detail for f, detail in result.problems), result.problems


def test_credentials_stack_toward_a_diploma() -> None:
    """A Verzorgende IG exam result, an EVC and a praktijkverklaring, read back from signed
    credentials, in progress toward Mbo-Verpleegkundige: only the exam counts toward the
    diploma; the EVC and praktijkverklaring show as experience."""
    exam = _signed(AchievementRequest(K.EXAMENRESULTAAT, qualification="25655",
                                      codes=("B1-K1",)))  # fmt: skip
    evc = _signed(REQUESTS["evc"])
    praktijk = _signed(REQUESTS["praktijkverklaring"])
    evidence: list[Evidence] = []
    for i, credential in enumerate((exam, evc, praktijk)):
        credential = {**credential, "id": f"urn:uuid:00000000-0000-4000-8000-00000000000{i}"}
        items, _ = evidence_from_credential(credential)
        evidence.extend(items)
    assert [e.kind for e in evidence] == [
        EvidenceKind.EXAM_RESULT, EvidenceKind.EVC, EvidenceKind.PRAKTIJKVERKLARING
    ]  # fmt: skip
    report = progress(CATALOG, evidence, "25655")
    assert report.issues == ()
    toward, experience = report.toward_diploma, report.with_experience
    assert toward.werkprocessen_covered < experience.werkprocessen_covered
    assert "P2-K1" in report.missing
    assert "B1-K1" not in report.missing_kerntaken


def test_foreign_credentials_are_reported_not_raised() -> None:
    evidence, issues = evidence_from_credential({"type": ["VerifiableCredential"], "id": "x"})
    assert evidence == ()
    assert [i.code.value for i in issues] == ["invalid_evidence"]


GRADED = {
    "kerntaak exam": AchievementRequest(
        K.EXAMENRESULTAAT, qualification="25498", codes=("B1-K1",), grade=" 7,5 "
    ),
    "keuzedeel": AchievementRequest(K.EXAMENRESULTAAT, keuzedeel="K0071", grade="goed"),
    "certificaat": AchievementRequest(K.MBO_CERTIFICAAT, certificate_code="C0021", grade="8"),
    "generic result": AchievementRequest(
        K.EXAMENRESULTAAT, generic_subject="nederlands", generic_level="3F", grade="6"
    ),
}


@pytest.mark.parametrize("name", list(GRADED))
def test_the_grade_the_school_entered_is_signed_as_an_ob_result(name: str) -> None:
    request = GRADED[name]
    signed = _signed(request)  # safe mode: result terms come from the OB 3.0 context
    subject = signed["credentialSubject"]
    (description,) = subject["achievement"]["resultDescription"]
    assert description["type"] == ["ResultDescription"]
    assert description["resultType"] == "Result"
    assert description["name"] == "Cijfer of beoordeling"
    assert subject["result"] == [
        {
            "type": ["Result"],
            "resultDescription": description["id"],
            "value": " ".join((request.grade or "").split()),
        }
    ]
    schema = credential_schema(schema_id(request.kind))
    assert schema is not None
    jsonschema.Draft202012Validator(schema).validate(signed)
    verified = verify_credential(
        signed, resolver=StaticDidResolver(), now=NOW, schema_lookup=credential_schema
    )
    assert verified.verdict is Verdict.VALID, verified.to_json()


def test_a_kind_without_grades_refuses_one_instead_of_dropping_it() -> None:
    request = AchievementRequest(K.EVC, qualification="25655", codes=("B1-K1",), grade="7")
    result = build_achievement(CATALOG, request)
    assert result.achievement is None
    assert [field for field, _ in result.problems] == ["grade"]
    ungraded = build_achievement(CATALOG, REQUESTS["kerntaak exam"])
    assert ungraded.results == ()
    assert ungraded.achievement is not None
    assert "resultDescription" not in ungraded.achievement


@pytest.mark.parametrize("name", list(REQUESTS))
def test_the_credential_name_says_the_kind_once(name: str) -> None:
    signed = _signed(REQUESTS[name])
    title = KINDS[REQUESTS[name].kind].title_nl
    assert signed["name"].lower().count(title.lower()) == 1, signed["name"]
    assert signed["name"].startswith(title), signed["name"]
