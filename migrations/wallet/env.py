"""Alembic environment of the wallet. The URL comes from the caller (web_common.migrations)."""

from __future__ import annotations

import wallet.db.models  # noqa: F401  (registers every table)
from wallet.db.tables import WalletBase
from web_common.migrations import run_alembic_env

run_alembic_env(WalletBase.metadata)
