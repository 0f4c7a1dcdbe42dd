"""The wallet's migrations upgrade to the models exactly and downgrade cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

import wallet.db.models  # noqa: F401  (registers every table)
from wallet.db.tables import WalletBase

from ...migration_checks import assert_migrations_round_trip


def test_migrations_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert_migrations_round_trip("wallet", url, WalletBase.metadata, "wallet_credential")


@pytest.mark.postgres
def test_migrations_postgres(postgres_url: str) -> None:
    assert_migrations_round_trip("wallet", postgres_url, WalletBase.metadata, "wallet_credential")
