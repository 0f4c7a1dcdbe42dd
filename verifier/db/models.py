"""Imports every table module so the metadata is complete (for Alembic)."""

from __future__ import annotations

from . import check_tables, request_tables, tables

__all__ = ["check_tables", "request_tables", "tables"]
