"""Scoped API tokens for systems. Tokens carry 256 bits of randomness; only SHA-256 is stored
(a slow password hash adds nothing for secrets this long)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from web_common.db import UnitOfWork

from ..db.tables import ApiToken, Organisation
from . import audit
from .errors import IssuanceError, NotFoundError

__all__ = [
    "SCOPES",
    "TokenRefusal",
    "TokenRefusedError",
    "authenticate_token",
    "create_api_token",
    "revoke_api_token",
]

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


class TokenRefusal(StrEnum):
    """Why a bearer token is refused: the RFC 6750 §3.1 error codes."""

    INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
    """Unknown, revoked or malformed: authenticate again (401)."""
    INSUFFICIENT_SCOPE = "insufficient_scope"
    """A live token without the scope the request needs (403)."""


class TokenRefusedError(Exception):
    def __init__(self, refusal: TokenRefusal, scope: str) -> None:
        super().__init__(f"{refusal}: scope {scope} needed")
        self.refusal = refusal
        self.scope = scope


def authenticate_token(uow: UnitOfWork, token: str, scope: str, now: datetime) -> ApiToken:
    """The live token, when it holds ``scope``; else :class:`TokenRefusedError`. Lookup is
    by digest, so timing reveals nothing about the token."""
    row = None
    if token.startswith(_PREFIX) and len(token) <= 200:
        row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        raise TokenRefusedError(TokenRefusal.INVALID_TOKEN, scope)
    if scope not in row.scopes.split():
        raise TokenRefusedError(TokenRefusal.INSUFFICIENT_SCOPE, scope)
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
