"""The wallet's migrations upgrade to the models exactly and downgrade cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import wallet.db.models  # noqa: F401  (registers every table)
from wallet.db.tables import WalletBase
from web_common.migrations import current_revisions, downgrade, head_revisions, upgrade


def _round_trip(url: str) -> None:
    upgrade("wallet", url)
    engine = create_engine(url)
    try:
        assert current_revisions(engine) == head_revisions("wallet", url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), WalletBase.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade("wallet", url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade("wallet", url)
        assert "wallet_credential" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migrations_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_migrations_postgres(postgres_url: str) -> None:
    _round_trip(postgres_url)
