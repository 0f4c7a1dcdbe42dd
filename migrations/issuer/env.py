"""Alembic environment of the issuer. The URL comes from the caller (web_common.migrations)."""

from __future__ import annotations

import issuer.db.models  # noqa: F401  (registers every table)
from issuer.db.tables import IssuerBase
from web_common.migrations import run_alembic_env

run_alembic_env(IssuerBase.metadata)
