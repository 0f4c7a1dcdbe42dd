"""The audit log: who did what, when. Never holds secrets."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from web_common.db import UnitOfWork

from ..db.tables import AuditEvent

__all__ = ["record"]


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
