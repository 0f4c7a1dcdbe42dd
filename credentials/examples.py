"""Example credentials in the shapes the project issues, for the CLI demo, tests and benchmarks.

These are data builders, not fixtures of fake results: every example is a complete, valid
unsigned VC 2.0 + Open Badges 3.0 credential that the engine signs and verifies for real.
"""

from __future__ import annotations

from typing import Any

from .contexts import MBO_V1, OB_V3P0, VC_V2

__all__ = ["mbo_certificaat"]


def mbo_certificaat(
    *,
    issuer_id: str,
    subject_id: str,
    credential_id: str = "urn:uuid:2f6c1f3e-6d2a-4c55-9a57-2a3b0c7e9d11",
    valid_from: str = "2026-07-01T00:00:00Z",
    given_name: str = "Sanne",
    family_name: str = "de Vries",
) -> dict[str, Any]:
    """An mbo-certificaat for a beroepsgericht onderdeel, about 2 KB as JSON."""
    return {
        "@context": [VC_V2, OB_V3P0, MBO_V1],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential", "MboCertificaatCredential"],
        "name": "Mbo-certificaat Basisdeel Zorg en welzijn",
        "description": (
            "Mbo-certificaat voor de kerntaak B1-K1 van het kwalificatiedossier "
            "Dienstverlening, behaald na examen."
        ),
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": "ROC Midden Nederland",
            "url": "https://www.rocmn.nl/",
            "brin": "25PZ",
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "name": f"{given_name} {family_name}",
            "achievement": {
                "id": "https://w3id.org/mbo-wallet/catalog/23189/2015-08-01/B1-K1",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Biedt ondersteuning bij dienstverlening",
                "description": (
                    "Kerntaak B1-K1 uit het basisdeel van de kwalificaties Helpende Zorg en "
                    "Welzijn en Medewerker facilitaire dienstverlening."
                ),
                "criteria": {
                    "narrative": (
                        "De kandidaat heeft het examen voor alle werkprocessen van kerntaak "
                        "B1-K1 met een voldoende afgerond."
                    )
                },
                "inLanguage": "nl",
                "dossierCrebo": "23189",
                "dossierVersion": "2015-08-01",
                "dossierTitle": "Dienstverlening",
                "crebo": "25498",
                "qualificationTitle": "Helpende Zorg en Welzijn",
                "niveau": 2,
                "nlqf": 2,
                "eqf": 2,
                "kerntaken": ["B1-K1"],
                "werkprocessen": [
                    "B1-K1-W1",
                    "B1-K1-W2",
                    "B1-K1-W3",
                    "B1-K1-W4",
                    "B1-K1-W5",
                    "B1-K1-W6",
                    "B1-K1-W7",
                    "B1-K1-W8",
                    "B1-K1-W9",
                ],
            },
        },
    }
