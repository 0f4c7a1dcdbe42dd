"""Scoped API tokens for systems. Tokens carry 256 bits of randomness; only SHA-256 is stored
(a slow password hash adds nothing for secrets this long)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from web_common.db import UnitOfWork

from ..db.tables import ApiToken, Organisation
from . import audit
from .errors import IssuanceError, NotFoundError

__all__ = ["SCOPES", "authenticate_token", "create_api_token", "revoke_api_token"]

SCOPES = ("credentials:issue", "credentials:status")
_PREFIX = "mbo_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(
    uow: UnitOfWork,
    org: Organisation,
    *,
    name: str,
    scopes: list[str],
    now: datetime,
    actor: str,
) -> str:
    """Create a token and return it; it is shown this once and never stored in clear."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise IssuanceError([("scopes", f"choose from {', '.join(SCOPES)}")])
    token = _PREFIX + secrets.token_urlsafe(32)
    uow.session.add(
        ApiToken(
            organisation_id=org.id,
            name=name,
            token_hash=_digest(token),
            scopes=" ".join(sorted(set(scopes))),
            created_at=now,
        )
    )
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="token.create", target=name, now=now,
        scopes=sorted(set(scopes)),
    )  # fmt: skip
    return token


def authenticate_token(uow: UnitOfWork, token: str, scope: str, now: datetime) -> ApiToken | None:
    """The live token with ``scope``, or None. Lookup is by digest, so timing reveals nothing
    about the token."""
    if not token.startswith(_PREFIX) or len(token) > 200:
        return None
    row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or scope not in row.scopes.split():
        return None
    row.last_used_at = now
    return row


def revoke_api_token(
    uow: UnitOfWork, org: Organisation, token_id: int, *, now: datetime, actor: str
) -> ApiToken:
    """Revoke a token for good; systems using it get 401 from now on."""
    row = uow.session.get(ApiToken, token_id)
    if row is None or row.organisation_id != org.id:
        raise NotFoundError("no such API token")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            uow, organisation_id=org.id, actor=actor, action="token.revoke", target=row.name,
            now=now,
        )  # fmt: skip
    return row
