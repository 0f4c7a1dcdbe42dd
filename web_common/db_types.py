"""Column types shared by the three services' models.

:class:`UtcDateTime` is the type of every moment column: it stores UTC and always hands back
an aware UTC ``datetime``, on SQLite (which keeps no zone and returns naive values) as on
PostgreSQL (``timestamp with time zone``). Services never fix up naive datetimes themselves.
In DDL it is ``DateTime(timezone=True)``, so choosing it needs no migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["UtcDateTime"]


class UtcDateTime(TypeDecorator[datetime]):
    """A moment: written as UTC, read back aware in UTC. A naive value is refused on the way
    in (its zone is unknown), so a forgotten ``tzinfo`` fails on every database alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a moment must carry its time zone: {value!r}")
        moment = value.astimezone(UTC)
        # SQLite stores the text of the value: keep it naive UTC so comparisons in SQL hold
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)  # the DateTime impl parses what it stored
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime
