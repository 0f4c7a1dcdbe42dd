"""Small helpers shared by the wallet's routes (no logic of their own)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from credentials.explain import explain
from credentials.results import CheckName, CheckResult, Outcome
from web_common.proxies import client_address
from web_common.ui import get_session

from ..api_models import CredentialPublic
from ..db.tables import StoredCredential
from ..deps import SESSION_KEY
from ..services.stored_shape import date_achieved_of

__all__ = [
    "checks_of",
    "client_address",
    "credential_public",
    "explained_checks",
    "old_session",
    "start_browser_session",
]


def old_session(request: Request) -> str | None:
    """The login session token this browser's cookie holds (to end it when a new starts)."""
    token = get_session(request).get(SESSION_KEY)
    return token if isinstance(token, str) else None


def start_browser_session(request: Request, token: str) -> None:
    """A fresh cookie (new id) that carries the new login session's token."""
    session = get_session(request)
    session.rotate()
    session.set(SESSION_KEY, token)


def credential_public(row: StoredCredential) -> CredentialPublic:
    return CredentialPublic(
        id=row.public_id,
        title=row.title,
        kind=row.kind,
        types=row.types.split(),
        issuer=row.issuer,
        issuer_name=row.issuer_name,
        format=row.format,
        source=row.source,
        received_at=row.received_at,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        state=row.state,
        verdict=row.verdict,
        checked_at=row.checked_at,
        bound_to_holder=row.holder_did is not None,
        date_achieved=date_achieved_of(row),
    )


def checks_of(row: StoredCredential) -> list[dict[str, Any]]:
    value = json.loads(row.checks or "[]")
    return value if isinstance(value, list) else []


def explained_checks(checks: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """The stored checks as a person reads them: the check's name and what its outcome means
    (``credentials.explain``), with the outcome for the badge."""
    shown = []
    for item in checks:
        if not isinstance(item, dict):
            continue
        try:  # a stored check of a name or outcome no longer known is not shown
            outcome = Outcome(str(item.get("outcome")))
            name = CheckName(str(item.get("check", "")))
        except ValueError:
            continue
        check = CheckResult(name, outcome, str(item.get("code", "")), str(item.get("detail")))
        label, text = explain(check, lang)
        shown.append({"name": label, "text": text, "outcome": outcome.value, "check": check.name})
    return shown
