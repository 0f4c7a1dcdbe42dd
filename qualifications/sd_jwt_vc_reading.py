"""Read the flat SD-JWT VC claims of :mod:`qualifications.sd_jwt_vc_claims` back into the
Open Badges 3.0 shapes the rest of the project reads (stacking evidence, kind, titles).

The reverse of :func:`~qualifications.sd_jwt_vc_claims.sd_jwt_vc_claims`, for what a holder
disclosed: a claim that was withheld is simply absent, so a credential without its
``werkproces_*`` claims proves no werkprocessen. Pure; never raises.

    >>> achievement_from_claims({"kind": "diploma", "crebo": "25180", "niveau": 4})
    {'crebo': '25180', 'niveau': 4}
    >>> credential_from_claims({"kind": "diploma", "achievement_name": "Diploma"},
    ...                        credential_id="urn:x")["type"]
    ['VerifiableCredential', 'OpenBadgeCredential', 'DiplomaCredential']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from qualifications.achievements import KINDS, CredentialKind
from qualifications.sd_jwt_vc_claims import VCT_BASE

__all__ = ["achievement_from_claims", "credential_from_claims", "kind_from_claims"]

_TEXT = {
    "achievement_name": "name",
    "achievement_description": "description",
    "dossier_crebo": "dossierCrebo",
    "dossier_version": "dossierVersion",
    "dossier_title": "dossierTitle",
    "crebo": "crebo",
    "profiel_code": "profielCode",
    "qualification_title": "qualificationTitle",
    "keuzedeel_code": "keuzedeel",
    "certificaat_code": "certificaatCode",
    "generic_subject": "genericSubject",
    "generic_level": "genericLevel",
    "praktijkopleider": "praktijkopleider",
    "period_start": "periodStart",
    "period_end": "periodEnd",
    "examencommissie": "examencommissie",
    "decision_date": "decisionDate",
    "mapped_by": "mappedBy",
}
_NUMBERS = ("niveau", "nlqf", "eqf", "studiebelastingsuren")
_INDEXED = re.compile(r"^(kerntaak|werkproces|leeruitkomst)_([1-9][0-9]{0,2})_(code|name|credits)$")


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def kind_from_claims(claims: Mapping[str, Any], vct: str | None = None) -> CredentialKind | None:
    """The kind the ``kind`` claim names (or, without it, our ``vct``); None if neither."""
    for candidate in (claims.get("kind"), (vct or "").removeprefix(VCT_BASE) if vct else None):
        if isinstance(candidate, str):
            try:
                return CredentialKind(candidate)
            except ValueError:
                continue
    return None


def _indexed(claims: Mapping[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for name, value in claims.items():
        match = _INDEXED.match(name) if isinstance(name, str) else None
        if match is None:
            continue
        prefix, number, field_name = match.group(1), int(match.group(2)), match.group(3)
        rows.setdefault(prefix, {}).setdefault(number, {})[field_name] = value
    return rows


def achievement_from_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 ``achievement`` members (as the issuer wrote them) the disclosed claims
    carry: texts, levels, ``kerntaken``/``werkprocessen`` codes, ``grade``,
    ``leerbedrijf``, ``leeruitkomsten``. Titles of parts are not part of an achievement
    (the catalog gives them)."""
    achievement: dict[str, Any] = {}
    for claim, member in _TEXT.items():
        text = _text(claims.get(claim))
        if text is not None:
            achievement[member] = text
    for claim in _NUMBERS:
        number = _number(claims.get(claim))
        if number is not None:
            achievement[claim] = number
    rows = _indexed(claims)
    for prefix, member in (("kerntaak", "kerntaken"), ("werkproces", "werkprocessen")):
        codes = [_text(row.get("code")) for _n, row in sorted(rows.get(prefix, {}).items())]
        if any(codes):
            achievement[member] = [c for c in codes if c]
    grade = claims.get("grade")
    if _text(grade) is not None or _number(grade) is not None:
        achievement["grade"] = _text(grade) or grade
    leerbedrijf = {
        key: text
        for key, claim in (("name", "leerbedrijf_name"), ("kvk", "leerbedrijf_kvk"))
        if (text := _text(claims.get(claim))) is not None
    }
    if leerbedrijf:
        achievement["leerbedrijf"] = leerbedrijf
    outcomes = []
    for _n, row in sorted(rows.get("leeruitkomst", {}).items()):
        name = _text(row.get("name"))
        if name is None:
            continue
        outcome: dict[str, Any] = {"name": name}
        credits = _number(row.get("credits"))
        if credits is not None:
            outcome["credits"] = credits
        outcomes.append(outcome)
    if outcomes:
        achievement["leeruitkomsten"] = outcomes
    return achievement


def credential_from_claims(
    claims: Mapping[str, Any],
    *,
    credential_id: str | None = None,
    issuer_id: str | None = None,
    vct: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 credential-shaped view of the claims (``type`` by kind, ``issuer``,
    ``validFrom``/``validUntil``, ``credentialSubject`` with ``achievement``): what
    :func:`~qualifications.achievements.evidence_from_credential` and the pages read (the
    always-visible ``nbf``/``exp`` stand in for withheld ``valid_from``/``valid_until``). Not a
    credential anyone signed: the SD-JWT VC is the signed thing. The one reading of our flat
    claims, used by the verifier and the wallet alike."""
    kind = kind_from_claims(claims, vct)
    types = ["VerifiableCredential", "OpenBadgeCredential"]
    if kind is not None:
        types.append(KINDS[kind].vc_type)
    issuer: dict[str, Any] = {}
    if issuer_id:
        issuer["id"] = issuer_id
    for key, claim in (("name", "issuer_name"), ("brin", "issuer_brin"), ("kvk", "issuer_kvk")):
        text = _text(claims.get(claim))
        if text is not None:
            issuer[key] = text
    subject: dict[str, Any] = {"achievement": achievement_from_claims(claims)}
    for key, claim in (("name", "holder_name"), ("studentNumber", "student_number")):
        text = _text(claims.get(claim))
        if text is not None:
            subject[key] = text
    credential: dict[str, Any] = {"type": types, "issuer": issuer}
    if credential_id is not None:
        credential["id"] = credential_id
    name = _text(claims.get("credential_name"))
    if name is not None:
        credential["name"] = name
    for member, claim, registered in (
        ("validFrom", "valid_from", "nbf"),
        ("validUntil", "valid_until", "exp"),
    ):
        day = _text(claims.get(claim))
        stamp = _number(claims.get(registered))
        if day is not None and re.match(r"^\d{4}-\d{2}-\d{2}$", day):
            credential[member] = f"{day}T00:00:00Z"
        elif stamp is not None and 0 <= stamp < 253402300800:
            moment = datetime.fromtimestamp(int(stamp), UTC)
            credential[member] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    awarded = _text(claims.get("date_achieved"))
    if awarded is not None and re.match(r"^\d{4}-\d{2}-\d{2}$", awarded):
        credential["awardedDate"] = f"{awarded}T00:00:00Z"
    credential["credentialSubject"] = subject
    return credential
