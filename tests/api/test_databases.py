"""The copied test databases of tests/databases.py are what migrating makes: every service's
copy is at its migration heads with the models' schema, and copies share no rows with each
other or with the template they came from."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, text

import issuer.db.models  # noqa: F401  (registers every table)
import verifier.db.models  # noqa: F401
import wallet.db.models  # noqa: F401
from issuer.db.tables import IssuerBase
from tests.conftest import PG_ADMIN_DSN
from tests.databases import migrated
from verifier.db.tables import VerifierBase
from wallet.db.tables import WalletBase
from web_common.migrations import current_revisions, head_revisions

METADATA: dict[str, MetaData] = {
    "issuer": IssuerBase.metadata,
    "wallet": WalletBase.metadata,
    "verifier": VerifierBase.metadata,
}


def _url(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> str:
    if request.node.callspec.params["backend"] == "sqlite":
        return f"sqlite:///{tmp_path / name}"
    return str(request.getfixturevalue("new_postgres_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("service", sorted(METADATA))
def test_a_copy_is_at_the_heads_with_the_models_schema(
    service: str, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = migrated(service, _url(request, tmp_path, f"{service}.db"))
    engine = create_engine(url)
    try:
        assert current_revisions(engine) == head_revisions(service, url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), METADATA[service])
        assert diff == [], f"a copied {service} database differs from the models: {diff}"
    finally:
        engine.dispose()


def _organisations(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(text("SELECT slug FROM organisation"))]
    finally:
        engine.dispose()


def test_copies_share_nothing(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    first = migrated("issuer", _url(request, tmp_path, "first.db"))
    engine = create_engine(first)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisation (slug, name, kind, did, created_at) "
                    "VALUES ('roc-a', 'ROC A', 'school', 'did:web:a', CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()
    if backend == "sqlite":
        second = f"sqlite:///{tmp_path / 'second.db'}"
    else:
        second = _another_postgres_database(request)
    migrated("issuer", second)
    assert _organisations(second) == []  # neither the other copy's rows nor the template's
    assert _organisations(first) == ["roc-a"]


def _another_postgres_database(request: pytest.FixtureRequest) -> str:
    """A second database, made empty first (as the ``postgres_url`` fixture does), so
    :func:`migrated` replaces it; dropped afterwards."""
    admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True)
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    request.addfinalizer(drop)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
