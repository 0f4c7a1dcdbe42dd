"""Credential templates: the complete unsigned credential for each kind the issuer offers.

The achievement comes from :func:`qualifications.achievements.build_achievement`, checked
against the catalog; this module wraps it in a VC 2.0 + Open Badges 3.0
``AchievementCredential`` with our type, the issuer's profile and the kind's JSON Schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from credentials.contexts import MBO_V1, OB_V3P0, VC_V2
from credentials.timestamps import format_datetime
from qualifications.achievements import KINDS, CredentialKind, schema_id

from ..db.tables import Organisation

__all__ = ["build_unsigned_credential", "issuer_profile"]


def issuer_profile(org: Organisation) -> dict[str, Any]:
    """The Open Badges ``Profile`` of an issuing organisation."""
    profile: dict[str, Any] = {"id": org.did, "type": ["Profile"], "name": org.name}
    if org.identifier:
        profile["kvk" if org.kind == "leerbedrijf" else "brin"] = org.identifier
    return profile


def build_unsigned_credential(
    kind: CredentialKind,
    achievement: dict[str, Any],
    *,
    org: Organisation,
    credential_id: str,
    subject_name: str,
    valid_from: datetime,
    subject_id: str | None = None,
    student_number: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The credential to sign. ``subject_id`` (the learner's DID) is usually unknown at
    issuance; delivery through OpenID4VCI binds the credential to the learner's key."""
    info = KINDS[kind]
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    subject["name"] = subject_name
    if student_number:
        subject["studentNumber"] = student_number
    subject["achievement"] = achievement
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3P0, MBO_V1],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential", info.vc_type],
        "name": f"{info.title_nl}: {achievement['name']}",
        "issuer": issuer_profile(org),
        "validFrom": format_datetime(valid_from),
        "credentialSubject": subject,
        "credentialSchema": [{"id": schema_id(kind), "type": "JsonSchema"}],
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    return credential
