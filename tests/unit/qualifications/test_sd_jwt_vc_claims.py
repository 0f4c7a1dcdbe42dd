"""Every credential kind as an SD-JWT VC: the flat claims the mapping gives for a credential
the issuer builds, the published Type Metadata per kind under the NL Wallet profile, and an
issued SD-JWT VC that honours the metadata's ``sd`` rules and verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credentials.jwk import P256KeyPair
from credentials.nl_wallet_profile import (
    credential_problems,
    disclosure_problems,
    metadata_problems,
)
from credentials.results import Verdict
from credentials.sd_jwt import parse_sd_jwt
from credentials.sd_jwt_holder import disclosure_paths
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc
from credentials.type_metadata import integrity_of, parse_type_metadata
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import load_catalog
from qualifications.achievements import (
    AchievementRequest,
    CredentialKind,
    Leeruitkomst,
    build_achievement,
)
from qualifications.model import PartKey
from qualifications.sd_jwt_vc_claims import (
    TYPE_METADATA_DIR,
    sd_jwt_vc_claims,
    type_metadata,
    type_metadata_bytes,
    vct_of,
)

CATALOG = load_catalog(Path(__file__).resolve().parents[3] / "schemas/catalog/sample.json")
ORG = Organisation(slug="roc", name="ROC Midden Nederland", kind="school", identifier="25PZ",
                   did="did:web:issuer.example:roc")  # fmt: skip
VALID_FROM = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
K = CredentialKind
REQUESTS: dict[str, AchievementRequest] = {
    "kerntaak exam": AchievementRequest(K.EXAMENRESULTAAT, qualification="25498", codes=("B1-K1",)),
    "generic result": AchievementRequest(
        K.EXAMENRESULTAAT, generic_subject="nederlands", generic_level="3F", grade="7,5"
    ),
    "keuzedeel": AchievementRequest(K.EXAMENRESULTAAT, keuzedeel="K0071"),
    "certificaat (code)": AchievementRequest(K.MBO_CERTIFICAAT, certificate_code="C0021"),
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


def _credential(request: AchievementRequest) -> dict[str, Any]:
    result = build_achievement(CATALOG, request)
    assert result.achievement is not None, result.problems
    return build_unsigned_credential(
        request.kind,
        result.achievement,
        org=ORG,
        credential_id="urn:uuid:7d8e0f6a-1111-4222-8333-444455556666",
        subject_name="Sanne de Vries",
        student_number="123456",
        valid_from=VALID_FROM,
        valid_until=datetime(2036, 7, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("kind", list(CredentialKind))
def test_published_type_metadata_matches_the_code_and_the_profile(kind: CredentialKind) -> None:
    data = (TYPE_METADATA_DIR / f"{kind.value}.json").read_bytes()
    assert data == type_metadata_bytes(kind), "run python -m qualifications.sd_jwt_vc_claims"
    parsed = parse_type_metadata(data, integrity=integrity_of(data))
    assert parsed.vct == vct_of(kind)
    assert metadata_problems(parsed.document) == []
    locales = {d["locale"] for d in parsed.display}
    assert locales == {"nl-NL", "en-US"}


def test_the_kerntaak_mapping_has_codes_titles_and_levels_as_separate_claims() -> None:
    mapped = sd_jwt_vc_claims(_credential(REQUESTS["kerntaak exam"]), CATALOG)
    claims = mapped.claims
    assert mapped.vct == "https://w3id.org/mbo-wallet/vct/examenresultaat"
    assert claims["kind"] == "examenresultaat"
    assert claims["kerntaak_1_code"] == "B1-K1"
    title = CATALOG.unit(
        PartKey(str(claims["dossier_crebo"]), str(claims["dossier_version"]), "B1-K1")
    )
    assert title is not None
    assert claims["kerntaak_1_title"] == title.title
    assert claims["crebo"] == "25498"
    assert isinstance(claims["nlqf"], int)
    assert claims["issuer_brin"] == "25PZ"
    assert claims["valid_from"] == "2026-07-01"
    assert mapped.nbf == int(VALID_FROM.timestamp())
    assert all(isinstance(v, str | int | float | bool) for v in claims.values())


@pytest.mark.parametrize("name", list(REQUESTS))
def test_every_kind_issues_as_an_sd_jwt_vc_that_honours_its_metadata(name: str) -> None:
    request = REQUESTS[name]
    mapped = sd_jwt_vc_claims(_credential(request), CATALOG)
    metadata = type_metadata(mapped.kind)
    assert credential_problems(mapped.claims, metadata) == []
    never = {c["path"][0] for c in metadata["claims"] if c.get("sd") == "never"}
    claims = {k: (v if k in never else Sd(v)) for k, v in mapped.claims.items()}
    issuer, holder = P256KeyPair.generate(), P256KeyPair.generate()
    data = type_metadata_bytes(mapped.kind)
    issued = issue_sd_jwt_vc(
        vct=mapped.vct,
        vct_integrity=integrity_of(data),
        iss="https://issuer.example/roc",
        claims=claims,
        signer=issuer,
        iat=int(VALID_FROM.timestamp()),
        nbf=mapped.nbf,
        exp=mapped.exp,
        holder_jwk=holder.public_jwk,
    )
    paths = [path for _d, path in disclosure_paths(parse_sd_jwt(issued.compact))]
    assert disclosure_problems(paths, issued.payload, metadata) == []
    result = verify_sd_jwt_vc(
        issued.compact, lambda h, p: issuer.public_key, now=int(VALID_FROM.timestamp())
    )
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.credential is not None
    assert credential_problems(result.credential, metadata) == []
    assert {k: result.credential[k] for k in mapped.claims} == mapped.claims


def test_a_credential_that_is_not_ours_is_refused() -> None:
    with pytest.raises(ValueError, match="not an mbo credential"):
        sd_jwt_vc_claims({"type": ["VerifiableCredential"]}, CATALOG)
