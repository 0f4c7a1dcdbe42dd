"""Imports every table module so the metadata is complete (for Alembic)."""

from __future__ import annotations

from . import tables

__all__ = ["tables"]
