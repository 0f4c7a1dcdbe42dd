"""A stored credential read as one shape, whatever its format: the OB 3.0 credential of an
``ldp_vc``, the ``vc`` claim of a VC 1.1 JWT (or the payload of a VC-JOSE-COSE ``vc+jwt``),
or the credential-shaped view of an SD-JWT VC's claims; and what the pages show from it
that is not stored in a column (the day it was achieved, the media type of the original).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from credentials.errors import CredentialsError
from credentials.jose import decode_vc_jwt
from qualifications.date_achieved import date_achieved_of as _date_achieved
from qualifications.sd_jwt_vc_reading import credential_from_claims, kind_from_claims

from ..db.tables import StoredCredential
from .receive import load_document
from .sd_jwt_stored import stored_claims

__all__ = ["credential_shape", "date_achieved_of", "media_type_of"]

VC11_JWT_MEDIA_TYPE = "application/jwt"
"""VC Data Model 1.1 §6.3.1: a JWT with a ``vc`` claim is a plain JWT (RFC 7519 §10.3.1),
not ``application/vc+jwt`` (VC-JOSE-COSE, VC Data Model 2.0 only)."""
_MEDIA_TYPES = {
    "jwt_vc": "application/vc+jwt",
    "dc+sd-jwt": "application/dc+sd-jwt",
    "ldp_vc": "application/vc+ld+json",
}


def _jwt_payload(row: StoredCredential) -> Mapping[str, Any] | None:
    document = load_document(row)
    if not isinstance(document, str):
        return None
    try:
        _header, payload = decode_vc_jwt(document)
    except CredentialsError:
        return None
    return payload


def credential_shape(row: StoredCredential) -> Mapping[str, Any]:
    """The credential as an OB 3.0-shaped mapping ({} when it cannot be read)."""
    if row.format == "dc+sd-jwt":
        claims = stored_claims(row.document)
        if kind_from_claims(claims) is None:
            return {}
        iss = claims.get("iss")
        return credential_from_claims(claims, issuer_id=iss if isinstance(iss, str) else None)
    if row.format == "jwt_vc":
        payload = _jwt_payload(row)
        if payload is None:
            return {}
        inner = payload.get("vc")
        return inner if isinstance(inner, Mapping) else payload
    document = load_document(row)
    return document if isinstance(document, Mapping) else {}


def date_achieved_of(row: StoredCredential) -> date | None:
    """The day the result was achieved (``awardedDate``), None when the credential says not."""
    return _date_achieved(credential_shape(row))


def media_type_of(row: StoredCredential) -> str:
    """The media type of the original as received: ``application/jwt`` for a VC 1.1 JWT (a
    ``vc`` claim), ``application/vc+jwt`` for a VC 2.0 one."""
    if row.format == "jwt_vc":
        payload = _jwt_payload(row)
        if payload is not None and isinstance(payload.get("vc"), Mapping):
            return VC11_JWT_MEDIA_TYPE
    return _MEDIA_TYPES.get(row.format, "application/vc+ld+json")
