"""Database plumbing: engines for SQLite and PostgreSQL, and the unit of work.

The engine and session factory are made in a service's lifespan, never at import. A unit of
work is one transaction: it rolls back unless :meth:`UnitOfWork.commit` is called.
Repositories add and select; they never commit. Use cases commit: :func:`committed` makes
one from a service step (each service keeps its use cases in one module, e.g.
``issuer/services/system_calls.py``), so routes hold no transaction logic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "NAMING",
    "UnitOfWork",
    "check_database",
    "committed",
    "make_engine",
    "make_session_factory",
    "new_metadata",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def committed(
    step: Callable[Concatenate[UnitOfWork, _P], _R],
) -> Callable[Concatenate[UnitOfWork, _P], _R]:
    """A use case from a service step: the step, then commit. An exception commits nothing
    (the unit of work rolls back when it closes)."""

    @functools.wraps(step)
    def use_case(uow: UnitOfWork, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        result = step(uow, *args, **kwargs)
        uow.commit()
        return result

    return use_case


def new_metadata() -> MetaData:
    """Fresh metadata with our constraint naming convention. Each service declares its own
    base (``class IssuerBase(DeclarativeBase): metadata = new_metadata()``) so the three
    services' tables never mix."""
    return MetaData(naming_convention=NAMING)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with sensible defaults: SQLite in WAL mode with foreign keys enforced (the
    folder is created), PostgreSQL with pre-ping."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def check_database(engine: Engine) -> None:
    """Raise if the database does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class UnitOfWork:
    """One transaction. ``with uow: ...; uow.commit()`` — leaving without commit rolls back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a with block")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
