"""Imports every table module so the metadata is complete (for Alembic)."""

from __future__ import annotations

from . import request_tables, tables

__all__ = ["request_tables", "tables"]
