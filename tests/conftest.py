"""Fixtures shared by every test package.

PostgreSQL: tests marked ``postgres`` get a throw-away database on the server at
127.0.0.1:5432 (user postgres, trust auth). In CI (``CI`` set) the server is required and its
absence fails the test; on a developer machine without a server the test is skipped with a
reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``../shared`` folder beside the clone: spec vectors and real catalog exports."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing; clone the project with shared/ beside it")
    return SHARED


def _postgres_admin() -> Any:
    """An autocommit connection to the server's ``postgres`` database; skips the test (fails
    it in CI) when there is no server."""
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but did not answer: {exc}")
        pytest.skip(f"no PostgreSQL server on 127.0.0.1:5432 ({exc})")


def _postgres_database(*, create: bool) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:16]}"
    with _postgres_admin() as admin:
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Create a fresh PostgreSQL database, yield its SQLAlchemy URL, drop it afterwards."""
    yield from _postgres_database(create=True)


@pytest.fixture
def new_postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL on the PostgreSQL server for a database not made yet, dropped
    afterwards: for :func:`tests.databases.migrated`, which makes it as a copy of a migrated
    template (cheaper than making it empty first and dropping that)."""
    yield from _postgres_database(create=False)
