"""The audit log: who did what, when. Never holds secrets."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from web_common.bulk import insert_rows
from web_common.db import UnitOfWork

from ..db.tables import AuditEvent

__all__ = ["record", "record_many"]


def record(
    uow: UnitOfWork,
    *,
    organisation_id: int | None,
    actor: str,
    action: str,
    target: str | None,
    now: datetime,
    **detail: Any,
) -> None:
    uow.session.add(
        AuditEvent(
            organisation_id=organisation_id,
            actor=actor,
            action=action,
            target=target,
            detail=json.dumps(detail, default=str, ensure_ascii=False),
            created_at=now,
        )
    )


def record_many(
    uow: UnitOfWork,
    *,
    organisation_id: int | None,
    actor: str,
    action: str,
    now: datetime,
    events: Iterable[tuple[str | None, Mapping[str, Any]]],
) -> None:
    """Events of one kind by one actor at one moment, ``(target, detail)`` each, inserted
    in one statement (a batch chunk's issuances and offers)."""
    insert_rows(
        uow.session,
        AuditEvent,
        [
            {
                "organisation_id": organisation_id,
                "actor": actor,
                "action": action,
                "target": target,
                "detail": json.dumps(dict(detail), default=str, ensure_ascii=False),
                "created_at": now,
            }
            for target, detail in events
        ],
    )
