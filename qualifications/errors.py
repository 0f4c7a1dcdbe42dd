"""Errors raised by the qualification library.

The library raises only for misuse: a malformed catalog file, a broken SBB export, an
argument of the wrong type. Bad *evidence* is never an exception; it is reported as data in
the result (see :mod:`qualifications.issues`).

    QualificationsError
     ├── CatalogError      catalog data is malformed or inconsistent
     └── SbbXmlError       an SBB XML export cannot be read
"""

from __future__ import annotations

__all__ = ["CatalogError", "QualificationsError", "SbbXmlError"]


class QualificationsError(Exception):
    """Base class of every error raised by :mod:`qualifications`."""


class CatalogError(QualificationsError):
    """Catalog data is malformed or refers to things that do not exist."""


class SbbXmlError(QualificationsError):
    """An SBB XML export of a kwalificatiedossier cannot be read or has an unknown shape."""
