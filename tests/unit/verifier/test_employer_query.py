"""The employer's DCQL query: one Credential Query per kind, companions whose ``claim_sets``
ladder discloses every kerntaak and werkproces code a credential holds, within the budgets
our wallet (and so any careful wallet) applies, and of a size worth sending."""

from __future__ import annotations

import json
from pathlib import Path

from credentials.dcql import HeldCredential, match_query, parse_dcql
from qualifications import load_catalog
from qualifications.achievements import CredentialKind
from qualifications.sd_jwt_vc_claims import MAX_KERNTAKEN, MAX_WERKPROCESSEN, vct_of
from verifier.services.employer_query import (
    KERNTAKEN_QUERY_ID,
    LDP_QUERY_ID,
    WERKPROCESSEN_QUERY_ID,
    employer_query,
    part_counts,
)

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas" / "catalog"
SAMPLE = load_catalog(SCHEMAS / "sample.json")


def _exam(ref: str, werkprocessen: int, kerntaken: int = 1) -> HeldCredential:
    claims: dict[str, object] = {
        "vct": vct_of(CredentialKind.EXAMENRESULTAAT), "kind": "examenresultaat",
        "achievement_name": "Kerntaak B1-K1", "credential_name": "Examenresultaat",
        "holder_name": "Sanne", "issuer_name": "ROC", "valid_from": "2026-07-01",
        "dossier_crebo": "23267", "dossier_version": "2026", "crebo": "25498",
        "qualification_title": "Software developer", "niveau": 4,
    }  # fmt: skip
    for n in range(1, kerntaken + 1):
        claims[f"kerntaak_{n}_code"] = f"B1-K{n}"
        claims[f"kerntaak_{n}_title"] = f"Kerntaak {n}"
    for n in range(1, werkprocessen + 1):
        claims[f"werkproces_{n}_code"] = f"B1-K1-W{n}"
    vct = vct_of(CredentialKind.EXAMENRESULTAAT)
    return HeldCredential(ref, "dc+sd-jwt", claims, vct=vct)


def test_one_query_per_kind_companions_and_ldp() -> None:
    query = employer_query(SAMPLE)
    ids = [q["id"] for q in query["credentials"]]
    assert ids == [k.value for k in CredentialKind] + [
        KERNTAKEN_QUERY_ID, WERKPROCESSEN_QUERY_ID, LDP_QUERY_ID
    ]  # fmt: skip
    assert "mbo_sd_jwt" not in ids
    required, optional = query["credential_sets"]
    assert required["required"] is True
    assert [LDP_QUERY_ID] in required["options"]
    assert ["diploma"] in required["options"]
    assert optional["required"] is False
    # the wallet's own parser takes it under the default budgets
    parse_dcql(query)


def test_the_companions_ladder_discloses_exactly_the_codes_held() -> None:
    kerntaken, werkprocessen = part_counts(SAMPLE)
    assert 1 <= kerntaken <= MAX_KERNTAKEN
    assert 3 <= werkprocessen <= MAX_WERKPROCESSEN
    query = parse_dcql(employer_query(SAMPLE))
    match = match_query(query, [_exam("three", 3), _exam("one", 1, kerntaken=1)])
    assert match.satisfied
    by_ref = {c.ref: c for c in match.candidates[WERKPROCESSEN_QUERY_ID]}
    assert [c.path for c in by_ref["three"].claims] == [
        (f"werkproces_{n}_code",) for n in (1, 2, 3)
    ]
    assert [c.path for c in by_ref["one"].claims] == [("werkproces_1_code",)]
    (first, _) = match.candidates[KERNTAKEN_QUERY_ID]
    assert [c.path for c in first.claims] == [("kerntaak_1_code",)]  # codes, no titles
    exam = match.candidates["examenresultaat"][0]
    names = {c.path[0] for c in exam.claims}
    assert {"dossier_crebo", "dossier_version", "achievement_name"} <= names
    assert not any(str(n).startswith("werkproces") for n in names)
    # without a base claim (here holder_name) the credential still answers, barely
    sparse = _exam("sparse", 1)
    bare = HeldCredential("bare", "dc+sd-jwt", {k: v for k, v in sparse.claims.items()
                                                if k != "holder_name"}, vct=sparse.vct)  # fmt: skip
    (minimal,) = match_query(query, [bare]).candidates["examenresultaat"]
    assert [c.path[0] for c in minimal.claims] == ["kind", "achievement_name"]
    # a diploma has no parts: it answers its own query and no companion
    diploma = HeldCredential("d", "dc+sd-jwt", {"kind": "diploma", "vct": vct_of(
        CredentialKind.DIPLOMA)}, vct=vct_of(CredentialKind.DIPLOMA))  # fmt: skip
    assert match_query(query, [diploma]).candidates[WERKPROCESSEN_QUERY_ID] == []


def test_the_query_for_the_full_catalog_stays_small() -> None:
    full = load_catalog(SCHEMAS / "kwalificatiestructuur.json")
    kerntaken, werkprocessen = part_counts(full)
    query = employer_query(full)
    size = len(json.dumps(query, separators=(",", ":")))
    print(f"parts {kerntaken}/{werkprocessen}: dcql_query {size} bytes")
    assert size < 32 * 1024  # the wallet's budget for a dcql_query
    parse_dcql(query)
    assert part_counts(None) == (MAX_KERNTAKEN, MAX_WERKPROCESSEN)
