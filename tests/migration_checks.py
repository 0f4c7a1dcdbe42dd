"""The one migration check every service runs: upgrade to all heads matches the models
exactly, downgrade to base leaves nothing, upgrade again works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect

from web_common.migrations import current_revisions, downgrade, head_revisions, upgrade


def assert_migrations_round_trip(service: str, url: str, metadata: MetaData, table: str) -> None:
    """``table`` is one table that must exist after upgrading."""
    upgrade(service, url)
    engine = create_engine(url)
    try:
        assert current_revisions(engine) == head_revisions(service, url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(service, url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(service, url)
        assert table in inspect(engine).get_table_names()
    finally:
        engine.dispose()
