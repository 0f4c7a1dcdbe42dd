"""Credential templates: the complete unsigned credential for each kind the issuer offers.

The achievement comes from :func:`qualifications.achievements.build_achievement`, checked
against the catalog; this module wraps it in a VC 2.0 + Open Badges 3.0
``AchievementCredential`` with our type, the issuer's profile and the kind's JSON Schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from credentials.contexts import MBO_V1, OB_V3P0, VC_V2
from credentials.identity_hash import hashed_identity
from credentials.timestamps import format_datetime
from qualifications.achievements import KINDS, CredentialKind, schema_id

from ..db.tables import Organisation

__all__ = ["build_unsigned_credential", "credential_name", "issuer_profile", "recipient_identifier"]


def issuer_profile(org: Organisation) -> dict[str, Any]:
    """The Open Badges ``Profile`` of an issuing organisation."""
    profile: dict[str, Any] = {"id": org.did, "type": ["Profile"], "name": org.name}
    if org.identifier:
        profile["kvk" if org.kind == "leerbedrijf" else "brin"] = org.identifier
    return profile


def recipient_identifier(
    credential_id: str, subject_name: str, student_number: str | None
) -> dict[str, Any]:
    """The salted, hashed OB 3.0 ``identifier`` of a learner without a DID: the student
    number (``sisSourcedId``: the id in the school's student information system) or, without
    one, the name. The salt is derived from the credential id: unique per credential and
    the same when the same result is submitted again (idempotent issuance)."""
    salt = hashlib.sha256(f"mbo-wallet recipient salt|{credential_id}".encode()).hexdigest()[:32]
    if student_number:
        return hashed_identity(student_number, identity_type="sisSourcedId", salt=salt)
    return hashed_identity(subject_name, identity_type="name", salt=salt)


def credential_name(kind: CredentialKind, achievement_name: str) -> str:
    """The credential's name: the kind's title and the achievement's name, the title only
    once when the achievement's name already starts with it."""
    title = KINDS[kind].title_nl
    if achievement_name.lower().startswith(title.lower()):
        return achievement_name
    return f"{title}: {achievement_name}"


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
    results: Sequence[dict[str, Any]] = (),
    awarded_date: date | None = None,
) -> dict[str, Any]:
    """The credential to sign. ``subject_id`` (the learner's DID) is usually unknown at
    issuance; delivery through OpenID4VCI binds the credential to the learner's key.
    ``student_number`` only salts into the hashed ``identifier`` (OB 3.0): the plain number
    is never signed; the issuer keeps it on its record (``issued_credential.student_number``).

    ``awarded_date`` is the date the result was achieved, signed as Open Badges 3.0
    ``awardedDate`` (on the credential, an ``xsd:dateTime``; midnight UTC of that day).
    Not ``validFrom``: that is when this credential starts to count and moves with every
    correction, while OB 3.0 keeps the original award date in ``awardedDate``."""
    info = KINDS[kind]
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    else:
        subject["identifier"] = [recipient_identifier(credential_id, subject_name, student_number)]
    subject["name"] = subject_name
    subject["achievement"] = achievement
    if results:
        subject["result"] = [dict(r) for r in results]
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3P0, MBO_V1],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential", info.vc_type],
        "name": credential_name(kind, str(achievement["name"])),
        "issuer": issuer_profile(org),
        "validFrom": format_datetime(valid_from),
        "credentialSubject": subject,
        "credentialSchema": [{"id": schema_id(kind), "type": "JsonSchema"}],
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    if awarded_date is not None:
        credential["awardedDate"] = f"{awarded_date.isoformat()}T00:00:00Z"
    return credential
