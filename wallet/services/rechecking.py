"""Keeping the passport's statuses fresh: when the passport is shown, the few credentials
checked longest ago are checked again (revocation, suspension, validity, proof).

Bounded on purpose: at most ``limit`` credentials per page load, and only those last checked
more than ``max_age`` ago, so a passport of hundreds of credentials stays fast; the rest
follow on later loads. The page is a plain ``def`` route (the threadpool), and the wallet's
:class:`~wallet.services.checking.Checker` fetches status lists through its cache, so many
credentials from one issuer cost one fetch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from web_common.db import UnitOfWork

from ..db.tables import Account, StoredCredential
from .checking import Checker
from .receive import check_stored

__all__ = ["RECHECK_AFTER", "RECHECK_LIMIT", "last_checked", "recheck_stale"]

RECHECK_LIMIT = 5
RECHECK_AFTER = timedelta(minutes=15)


def recheck_stale(
    uow: UnitOfWork,
    account: Account,
    *,
    checker: Checker,
    now: datetime,
    limit: int = RECHECK_LIMIT,
    max_age: timedelta = RECHECK_AFTER,
) -> list[StoredCredential]:
    """Check again the (at most ``limit``) credentials of ``account`` last checked before
    ``now - max_age``, oldest first; returns them."""
    stale = list(
        uow.session.scalars(
            select(StoredCredential)
            .where(
                StoredCredential.account_id == account.id,
                StoredCredential.checked_at < now - max_age,
            )
            .order_by(StoredCredential.checked_at, StoredCredential.id)
            .limit(limit)
        )
    )
    for row in stale:
        check_stored(row, checker=checker, now=now)
    uow.flush()
    return stale


def last_checked(rows: Sequence[StoredCredential]) -> datetime | None:
    """The moment of the oldest latest check: every status shown is at least that fresh."""
    return min((r.checked_at for r in rows), default=None)
