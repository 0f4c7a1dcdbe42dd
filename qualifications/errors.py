"""Errors raised by the qualification library.

The library raises only for misuse: a malformed catalog file, a broken SBB export, an
argument of the wrong type. Bad *evidence* is never an exception; it is reported as data in
the result (see :mod:`qualifications.issues`).

    QualificationsError
     ├── CatalogError      catalog data is malformed or inconsistent
     └── SbbXmlError       an SBB XML export cannot be read
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CatalogError", "CatalogErrorCode", "QualificationsError", "SbbXmlError"]


class QualificationsError(Exception):
    """Base class of every error raised by :mod:`qualifications`."""


class CatalogErrorCode(StrEnum):
    """What is wrong with a catalog, for programs that branch on it (the message says where)."""

    #: A file cannot be read or is not JSON.
    UNREADABLE = "unreadable"
    #: A member has the wrong JSON type, or the document is not a catalog of this format.
    MALFORMED = "malformed"
    #: Two files disagree about a source, a legend entry, a set or a rule.
    CONFLICT = "conflict"
    #: A dossier version, qualification, code, certificate, set or rule appears twice.
    DUPLICATE = "duplicate"
    #: A record names a rule, set, keuzedeel, source, kerntaak or unit the catalog lacks.
    UNKNOWN_REFERENCE = "unknown_reference"
    #: A kerntaak or werkproces code does not have the form its place needs.
    BAD_CODE = "bad_code"
    #: Records contradict each other (a kwalificatie and its dossier, an equivalence between
    #: a kerntaak and a werkproces, coverage without a dossier version).
    INCONSISTENT = "inconsistent"


class CatalogError(QualificationsError):
    """Catalog data is malformed or refers to things that do not exist.

    ``code`` says what kind of problem it is; the message names the place.
    """

    def __init__(self, message: str, code: CatalogErrorCode = CatalogErrorCode.MALFORMED) -> None:
        super().__init__(message)
        self.code = code


class SbbXmlError(QualificationsError):
    """An SBB XML export of a kwalificatiedossier cannot be read or has an unknown shape."""
