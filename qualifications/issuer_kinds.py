"""Which credential kinds an organisation may issue, by its type: the one table.

A leerbedrijf states workplace learning (praktijkverklaring); only a school (with its
examencommissie) awards exam results, certificates, vrijstellingen and diplomas; an EVC
provider issues ervaringscertificaten; a branch organisation (or another party) its
branchecertificaten. The issuer offers and accepts only these; a verifier's trust list can
narrow them further per issuer.

    >>> may_issue("leerbedrijf", CredentialKind.DIPLOMA)
    False
"""

from __future__ import annotations

from collections.abc import Mapping

from qualifications.achievements import CredentialKind

__all__ = ["ISSUABLE_KINDS", "may_issue"]

ISSUABLE_KINDS: Mapping[str, frozenset[CredentialKind]] = {
    "school": frozenset(CredentialKind),
    "leerbedrijf": frozenset({CredentialKind.PRAKTIJKVERKLARING}),
    "evc_provider": frozenset({CredentialKind.EVC}),
    "branche": frozenset({CredentialKind.BRANCHECERTIFICAAT}),
    "other": frozenset({CredentialKind.BRANCHECERTIFICAAT}),
}


def may_issue(organisation_kind: str, kind: CredentialKind) -> bool:
    return kind in ISSUABLE_KINDS.get(organisation_kind, frozenset())
