"""Migrated test databases without migrating each one.

Running a service's migrations takes about a second per database (four on a cold SQLite
start), and every API test wants a fresh one. :func:`migrated` migrates once per service and
test process into a template, and gives each test a copy of it:

- SQLite: the template is a file in a temporary folder; a test's database is a copy of it
  (under a millisecond).
- PostgreSQL: the template is a database of its own; a test's database is made from it
  with ``CREATE DATABASE … TEMPLATE …`` (fixture ``new_postgres_url``: no empty database
  made and dropped first), about as dear as making an empty one, so the migrations' time is
  saved (1-2 s for the issuer's) and stays saved as migrations are added. Truncating one
  shared database was not chosen: a test that runs two apps of one service (or two copies)
  would get the same database twice.

A copy is exactly what migrating would have made (tests/api/test_databases.py shows it is
at the heads and shares nothing with the other copies). Tests of the migrations themselves
keep calling :func:`web_common.migrations.upgrade`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from web_common.migrations import upgrade

__all__ = ["migrated"]

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"

_sqlite_templates: dict[str, Path] = {}
_postgres_templates: dict[str, str] = {}


def migrated(service: str, url: str) -> str:
    """Make the new, empty database at ``url`` a database at ``service``'s migration heads;
    returns ``url``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("a copied SQLite database needs a file")
        shutil.copyfile(_sqlite_template(service), parsed.database)
    elif parsed.get_backend_name() == "postgresql":
        if not parsed.database:
            raise ValueError(f"no database named in {url}")
        _copy_postgres_template(_postgres_template(service), parsed.database)
    else:
        upgrade(service, url)
    return url


def _sqlite_template(service: str) -> Path:
    template = _sqlite_templates.get(service)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix=f"migrated-{service}-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / f"{service}.db"
        upgrade(service, f"sqlite:///{template}")
        _sqlite_templates[service] = template
    return template


def _admin() -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)


def _postgres_template(service: str) -> str:
    name = _postgres_templates.get(service)
    if name is None:
        name = f"template_{service}_{uuid.uuid4().hex[:12]}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        atexit.register(_drop_postgres, name)
        upgrade(service, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        _postgres_templates[service] = name
    return name


def _copy_postgres_template(template: str, database: str) -> None:
    """Make ``database`` as a copy of ``template``; an (empty) one made before is dropped
    first, which costs as much again (the ``new_postgres_url`` fixture makes none)."""
    with _admin() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if exists.fetchone() is not None:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')


def _drop_postgres(name: str) -> None:
    try:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.OperationalError:  # the server went away first: nothing left to tidy
        pass
