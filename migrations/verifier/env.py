"""Alembic environment of the verifier. The URL comes from the caller (web_common.migrations)."""

from __future__ import annotations

import verifier.db.models  # noqa: F401  (registers every table)
from verifier.db.tables import VerifierBase
from web_common.migrations import run_alembic_env

run_alembic_env(VerifierBase.metadata)
