"""Problems with input, reported as data rather than raised.

Every function that takes a person's evidence returns its findings together with a tuple of
:class:`Issue` values. Each issue has a stable ``code`` (one of :class:`IssueCode`) that
callers may switch on, the id of the evidence it concerns, and a human-readable ``detail``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Issue", "IssueCode", "Severity", "sorted_issues"]


class Severity(StrEnum):
    """``error``: the input could not be used. ``warning``: used partly or not at all for a
    reason the holder should know. ``info``: worth showing, nothing wrong."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class IssueCode(StrEnum):
    """Stable issue codes."""

    UNKNOWN_QUALIFICATION = "unknown_qualification"
    AMBIGUOUS_QUALIFICATION = "ambiguous_qualification"
    UNKNOWN_DOSSIER = "unknown_dossier"
    UNKNOWN_DOSSIER_VERSION = "unknown_dossier_version"
    WRONG_DOSSIER_VERSION = "wrong_dossier_version"
    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_CERTIFICATE = "unknown_certificate"
    CERTIFICATE_COVERAGE_UNKNOWN = "certificate_coverage_unknown"
    UNKNOWN_KEUZEDEEL = "unknown_keuzedeel"
    KEUZEDEEL_SBU_UNKNOWN = "keuzedeel_sbu_unknown"
    UNKNOWN_GENERIC_SUBJECT = "unknown_generic_subject"
    UNKNOWN_GENERIC_LEVEL = "unknown_generic_level"
    DUPLICATE_EVIDENCE = "duplicate_evidence"
    CONFLICTING_EVIDENCE = "conflicting_evidence"
    INVALID_EVIDENCE = "invalid_evidence"
    KERNTAKEN_UNKNOWN = "kerntaken_unknown"


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about the input."""

    code: IssueCode
    evidence_id: str | None
    detail: str
    severity: Severity = Severity.ERROR


def sorted_issues(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    """Distinct issues in a fixed order, so reports do not depend on input order."""
    return tuple(
        sorted(set(issues), key=lambda i: (i.evidence_id or "", i.code, i.detail, i.severity))
    )
