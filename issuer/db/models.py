"""Imports every table module so the metadata is complete (for Alembic and create_all).

Each feature keeps its tables in its own module; add it here.
"""

from __future__ import annotations

from . import batch_tables, diploma_tables, offer_tables, staff_tables, tables, x509_tables

__all__ = [
    "batch_tables",
    "diploma_tables",
    "offer_tables",
    "staff_tables",
    "tables",
    "x509_tables",
]
