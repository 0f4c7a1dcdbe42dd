"""The verifier's migrations upgrade to the models exactly and downgrade cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

import verifier.db.models  # noqa: F401  (registers every table)
from verifier.db.tables import VerifierBase

from ...migration_checks import assert_migrations_round_trip


def test_migrations_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert_migrations_round_trip("verifier", url, VerifierBase.metadata, "trusted_issuer")


@pytest.mark.postgres
def test_migrations_postgres(postgres_url: str) -> None:
    assert_migrations_round_trip("verifier", postgres_url, VerifierBase.metadata, "trusted_issuer")
