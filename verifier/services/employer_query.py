"""The DCQL query (OpenID4VP 1.0 §6) an employer's HAIP request sends: what a wallet is asked
to show of mbo credentials, so the verdict and the stacking report have what they need.

- One Credential Query per kind of credential for ``dc+sd-jwt``, its id the kind
  (``diploma``, ``examenresultaat``, …), its ``vct`` that kind's, ``multiple`` allowed. Its
  ``claims`` are what a person reads on the result page and what stacking needs of that kind
  (dossier, keuzedeel, certificate, generic subject, …); ``claim_sets`` (§6.4.1) go from the
  fullest to the bare minimum, so a credential that lacks an optional claim still answers.
- Two companion queries for the numbered part claims of the flat SD-JWT VC claim set
  (:mod:`qualifications.sd_jwt_vc_claims`): ``mbo_kerntaken`` asks for
  ``kerntaak_1_code`` … ``kerntaak_N_code`` and ``mbo_werkprocessen`` for
  ``werkproces_1_code`` …, N the most any one qualification in the catalog has. Their
  ``claim_sets`` are a prefix ladder (all N, then N-1, …, then just the first), so a wallet
  following the first-satisfiable-set rule discloses every part code its credential holds and
  no title. §6.4 lets a wallet answer both the kind query and a companion with one
  presentation of the same credential.
- ``mbo_ldp_vc``: any of our credentials as a Data Integrity credential (``ldp_vc``), its
  ``type_values`` the fully expanded ``VerifiableCredential`` IRI (B.1.1).
- ``credential_sets`` (§6.2): one required set whose options are the kind queries and the
  ``ldp_vc`` query (at least one credential), and one optional set for the companions.

Size: for the full catalog (at most 4 kerntaken and 21 werkprocessen in one qualification)
the query is about 17 KB and the signed Request Object about 25 KB (measured in
``tests/unit/verifier/test_employer_query.py``); our wallet's DCQL budget is 32 KB.

Pure: the catalog only gives N.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from credentials.oid4vp import VC_TYPE_IRI
from qualifications.achievements import CredentialKind
from qualifications.catalog import Catalog
from qualifications.sd_jwt_vc_claims import MAX_KERNTAKEN, MAX_WERKPROCESSEN, vct_of

__all__ = [
    "KERNTAKEN_QUERY_ID",
    "LDP_QUERY_ID",
    "PART_QUERY_IDS",
    "VC_TYPE_IRI",
    "WERKPROCESSEN_QUERY_ID",
    "employer_query",
    "kind_query",
    "part_counts",
    "parts_query",
]

LDP_QUERY_ID = "mbo_ldp_vc"
KERNTAKEN_QUERY_ID = "mbo_kerntaken"
WERKPROCESSEN_QUERY_ID = "mbo_werkprocessen"
PART_QUERY_IDS = (KERNTAKEN_QUERY_ID, WERKPROCESSEN_QUERY_ID)

_BASE = ("kind", "achievement_name", "credential_name", "holder_name", "issuer_name",
         "valid_from")  # fmt: skip
"""What the person and the result page need first (our issuer always writes them)."""
_MINIMAL = ("kind", "achievement_name")
"""The least: the kind is always visible, the achievement's name is mandatory (type
metadata)."""
_DOSSIER = ("dossier_crebo", "dossier_version")
_QUALIFICATION = ("crebo", "qualification_title", "niveau")
_KEUZEDEEL = ("keuzedeel_code",)
_GENERIC = ("generic_subject", "generic_level", "grade")
_CERTIFICAAT = ("certificaat_code",)

_SHAPES: dict[CredentialKind, tuple[tuple[str, ...], ...]] = {
    CredentialKind.EXAMENRESULTAAT: (_KEUZEDEEL, _GENERIC, ()),
    CredentialKind.MBO_VERKLARING: (_KEUZEDEEL, _GENERIC, ()),
    CredentialKind.MBO_CERTIFICAAT: (_CERTIFICAAT, _KEUZEDEEL, ()),
    CredentialKind.PRAKTIJKVERKLARING: (("leerbedrijf_name",), ()),
    CredentialKind.EVC: ((),),
    CredentialKind.VRIJSTELLING: (_KEUZEDEEL, _GENERIC[:2], ()),
    CredentialKind.DIPLOMA: (("profiel_code",), ()),
    CredentialKind.BRANCHECERTIFICAAT: ((),),
}
"""Per kind, what its stacking evidence reads besides the dossier (alternatives: an
examenresultaat is for a keuzedeel, a generic subject, or kerntaken/werkprocessen)."""

KINDS_WITH_PARTS = tuple(k for k in CredentialKind if k is not CredentialKind.DIPLOMA)


def part_counts(catalog: Catalog | None) -> tuple[int, int]:
    """The most kerntaken and werkprocessen one qualification of ``catalog`` has (at least
    1, at most what the SD-JWT VC type metadata numbers); the type metadata's maxima
    without a catalog."""
    if catalog is None:
        return MAX_KERNTAKEN, MAX_WERKPROCESSEN
    kerntaken = werkprocessen = 1
    for qualification in catalog.qualifications:
        kerntaken = max(kerntaken, len(qualification.kerntaken))
        werkprocessen = max(werkprocessen, len(catalog.werkprocessen_of(qualification)))
    return min(kerntaken, MAX_KERNTAKEN), min(werkprocessen, MAX_WERKPROCESSEN)


def kind_query(kind: CredentialKind) -> dict[str, Any]:
    """The ``dc+sd-jwt`` Credential Query for one kind (id = the kind)."""
    has_dossier = kind in KINDS_WITH_PARTS or kind is CredentialKind.DIPLOMA
    dossier = _DOSSIER if has_dossier else ()
    qualification = _QUALIFICATION if has_dossier else ()
    shapes = _SHAPES[kind]
    names = list(dict.fromkeys([*_BASE, *dossier, *qualification, *(n for s in shapes for n in s)]))
    ladder: list[list[str]] = []
    for extra in ((*dossier, *qualification), dossier, ()):
        for shape in shapes:
            claim_set = list(dict.fromkeys([*_BASE, *extra, *shape]))
            if claim_set not in ladder:
                ladder.append(claim_set)
    ladder.append(list(_MINIMAL))  # a credential lacking a base claim still answers
    return {
        "id": kind.value,
        "format": "dc+sd-jwt",
        "multiple": True,
        "meta": {"vct_values": [vct_of(kind)]},
        "claims": [{"id": name, "path": [name]} for name in names],
        "claim_sets": ladder,
    }


def parts_query(query_id: str, prefix: str, most: int) -> dict[str, Any]:
    """A companion query for ``<prefix>_1_code`` … ``<prefix>_<most>_code`` with the prefix
    ladder as ``claim_sets`` (longest first)."""
    ids = [f"{prefix[0]}{n}" for n in range(1, most + 1)]
    return {
        "id": query_id,
        "format": "dc+sd-jwt",
        "multiple": True,
        "meta": {"vct_values": [vct_of(k) for k in KINDS_WITH_PARTS]},
        "claims": [
            {"id": cid, "path": [f"{prefix}_{n}_code"]} for n, cid in enumerate(ids, start=1)
        ],
        "claim_sets": [ids[:length] for length in range(most, 0, -1)],
    }


def employer_query(
    catalog: Catalog | None = None, ldp_types: Sequence[str] = (VC_TYPE_IRI,)
) -> dict[str, Any]:
    """The whole query: per kind, the two companions, ``ldp_vc``, and the credential sets."""
    kerntaken, werkprocessen = part_counts(catalog)
    kinds = [kind_query(kind) for kind in CredentialKind]
    return {
        "credentials": [
            *kinds,
            parts_query(KERNTAKEN_QUERY_ID, "kerntaak", kerntaken),
            parts_query(WERKPROCESSEN_QUERY_ID, "werkproces", werkprocessen),
            {
                "id": LDP_QUERY_ID,
                "format": "ldp_vc",
                "multiple": True,
                "meta": {"type_values": [list(ldp_types)]},
            },
        ],
        "credential_sets": [
            {"options": [[q["id"]] for q in kinds] + [[LDP_QUERY_ID]], "required": True},
            {
                "options": [list(PART_QUERY_IDS), [WERKPROCESSEN_QUERY_ID], [KERNTAKEN_QUERY_ID]],
                "required": False,
            },
        ],
    }
