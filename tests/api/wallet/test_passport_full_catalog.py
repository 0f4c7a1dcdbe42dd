"""The passport over the full catalog: a diploma for a qualification known only from the
crebo list, and related qualifications listed by dossier and domain."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credentials.data_integrity import add_proof
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import load_catalog
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement

from .conftest import ISSUER_KEY, Wallet

FULL = load_catalog(
    Path(__file__).resolve().parents[3] / "schemas" / "catalog" / "kwalificatiestructuur.json"
)


def _diploma(subject_did: str, crebo: str) -> dict[str, Any]:
    request = AchievementRequest(CredentialKind.DIPLOMA, qualification=crebo)
    achievement = build_achievement(FULL, request).achievement
    assert achievement is not None
    org = Organisation(slug="x", name="ROC Midden Nederland", kind="school", did=ISSUER_KEY.did_key)
    unsigned = build_unsigned_credential(
        CredentialKind.DIPLOMA, achievement, org=org, credential_id=f"urn:uuid:{crebo}-diploma",
        subject_name="Sanne de Vries", subject_id=subject_did,
        valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    return add_proof(unsigned, ISSUER_KEY, ISSUER_KEY.did_key_verification_method,
                     created="2026-07-01T09:00:00Z")  # fmt: skip


def test_a_diploma_for_a_list_only_qualification(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post("/api/credentials", json={"credential": _diploma(person.did, "25078")})
    assert stored.status_code == 201, stored.text
    assert person.put("/api/goal", json={"qualification": "25078"}).status_code == 200
    passport = person.get("/api/passport").json()
    goal = passport["goal"]
    assert goal["title"] == "Betonboorder"
    assert goal["kerntaken_known"] is False
    assert goal["diploma_held"] is True
    assert goal["toward_diploma"] == {"covered": 0, "total": 0}
    # other qualifications of the same dossier (Betonboren 23045) and domain (Bouw en infra)
    assert passport["related"] == []
    domain = {q["crebo"] for q in passport["related_by_domain"]}
    assert "25079" in domain  # Allround betonreparateur, dossier 23046, same domain
    page = person.get("/")
    assert "Je hebt het diploma voor deze kwalificatie." in page.text
    assert "staan nog niet in de catalogus" in page.text
    assert "In hetzelfde opleidingsdomein:" in page.text


def test_a_detailed_diploma_still_counts_every_werkproces(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post("/api/credentials", json={"credential": _diploma(person.did, "25486")})
    assert stored.status_code == 201, stored.text
    assert person.put("/api/goal", json={"qualification": "25486"}).status_code == 200
    goal = person.get("/api/passport").json()["goal"]
    assert goal["kerntaken_known"] is True
    assert goal["toward_diploma"]["covered"] == goal["toward_diploma"]["total"] > 0
    related = {r["qualification"]: r for r in person.get("/api/passport").json()["related"]}
    assert any("25485" in q or "onderwijsassistent" in q for q in related)


def test_a_related_qualification_reads_as_one_sentence(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post("/api/credentials", json={"credential": _diploma(person.did, "25486")})
    assert stored.status_code == 201, stored.text
    related = person.get("/api/passport").json()["related"]
    assert any(r["missing_kerntaken"] for r in related), related  # "nog nodig" is shown
    page = person.get("/").text
    section = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    items = [" ".join(li.split("</li>", 1)[0].split()) for li in section.split("<li>")[1:]]
    assert any("laat je al zien; nog nodig:" in item for item in items), items
    for item in items:
        assert " ;" not in item, item  # no space before a semicolon
