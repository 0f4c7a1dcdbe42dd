"""Keep what an employer submitted for a short while, so the result page (and the stacking
report for another diploma) can be shown again without asking for it again.

Why the documents and not the verdict: every view checks them again — status lists and the
trust list may have changed, and nothing the browser sends back is trusted. Why server-side
and not in a hidden form field: the documents hold personal data and can be large; a random
192-bit handle in the URL is all the browser keeps. A share link itself is never stored
(it is the holder's secret); only its origin, which the holder binding is checked against.

    handle = save_submission(uow, [document], source="paste", now=now, lifetime=timedelta(hours=1))
    submission = load_submission(uow, handle, now=now)   # None when unknown or expired
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select

from web_common.db import UnitOfWork

from ..db.check_tables import CheckedSubmission

__all__ = [
    "DEFAULT_LIFETIME",
    "Source",
    "Submission",
    "find_by_request",
    "load_submission",
    "purge_expired",
    "save_submission",
]

Source = Literal["paste", "upload", "share", "oid4vp"]
DEFAULT_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Submission:
    id: str
    source: str
    documents: tuple[Any, ...]
    challenge: str | None
    domain: str | None
    origin: str | None
    created_at: datetime
    expires_at: datetime


def purge_expired(uow: UnitOfWork, now: datetime) -> int:
    """Delete every submission past its expiry; returns how many."""
    result = uow.session.execute(
        delete(CheckedSubmission).where(CheckedSubmission.expires_at < now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def save_submission(
    uow: UnitOfWork,
    documents: list[Any],
    *,
    source: Source,
    now: datetime,
    lifetime: timedelta = DEFAULT_LIFETIME,
    challenge: str | None = None,
    domain: str | None = None,
    origin: str | None = None,
    request_id: str | None = None,
) -> str:
    """Store ``documents`` (JSON values) and return the random handle. Expired rows of
    anyone are purged on the way, so the table never holds more than an hour's worth."""
    purge_expired(uow, now)
    handle = secrets.token_urlsafe(24)
    uow.session.add(
        CheckedSubmission(
            id=handle,
            source=source,
            documents=json.dumps(documents, ensure_ascii=False, separators=(",", ":")),
            challenge=challenge,
            domain=domain,
            origin=origin,
            request_id=request_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return handle


def _submission(row: CheckedSubmission, now: datetime) -> Submission | None:
    if row.expires_at <= now:
        return None
    documents = json.loads(row.documents)
    return Submission(
        row.id,
        row.source,
        tuple(documents if isinstance(documents, list) else [documents]),
        row.challenge,
        row.domain,
        row.origin,
        row.created_at,
        row.expires_at,
    )


def load_submission(uow: UnitOfWork, handle: str, *, now: datetime) -> Submission | None:
    """The submission, or None when the handle is unknown or expired."""
    if not handle or len(handle) > 64:
        return None
    row = uow.session.get(CheckedSubmission, handle)
    return None if row is None else _submission(row, now)


def find_by_request(uow: UnitOfWork, request_id: str, *, now: datetime) -> Submission | None:
    """The submission a wallet's answer to presentation request ``request_id`` made."""
    row = uow.session.scalar(
        select(CheckedSubmission).where(CheckedSubmission.request_id == request_id).limit(1)
    )
    return None if row is None else _submission(row, now)
