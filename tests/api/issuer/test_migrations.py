"""The issuer's migrations upgrade to the models exactly and downgrade cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import issuer.db.models  # noqa: F401  (registers every table)
from issuer.db.tables import IssuerBase
from web_common.migrations import current_revisions, downgrade, head_revisions, upgrade


def _round_trip(url: str) -> None:
    upgrade("issuer", url)
    engine = create_engine(url)
    try:
        assert current_revisions(engine) == head_revisions("issuer", url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), IssuerBase.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade("issuer", url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade("issuer", url)
        assert "issued_credential" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migrations_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_migrations_postgres(postgres_url: str) -> None:
    _round_trip(postgres_url)
