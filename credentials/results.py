"""Verification outcomes as data: one :class:`CheckResult` per check, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["CheckResult", "Outcome", "PresentationResult", "Verdict", "VerificationResult"]


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    SKIPPED = "skipped"


class Verdict(StrEnum):
    """The summary a person needs first."""

    VALID = "valid"  # every check that ran passed
    WARNING = "warning"  # genuine, but check this (expired, status unknown, …)
    INVALID = "invalid"  # not genuine or not acceptable: stop


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: ``name`` (proof, issuer, validity, status, schema, holder_binding, format),
    ``outcome``, a stable ``code`` for programs and a ``detail`` for people."""

    name: str
    outcome: Outcome
    code: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {
            "check": self.name,
            "outcome": self.outcome.value,
            "code": self.code,
            "detail": self.detail,
        }


def _verdict(checks: tuple[CheckResult, ...]) -> Verdict:
    if any(c.outcome is Outcome.FAILED for c in checks):
        return Verdict.INVALID
    if any(c.outcome is Outcome.WARNING for c in checks):
        return Verdict.WARNING
    return Verdict.VALID


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """All checks of one credential. ``verified`` is True when no check failed."""

    checks: tuple[CheckResult, ...]
    credential: dict[str, Any] | None = field(default=None, repr=False)
    issuer: str | None = None

    @property
    def verdict(self) -> Verdict:
        return _verdict(self.checks)

    @property
    def verified(self) -> bool:
        return self.verdict is not Verdict.INVALID

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.outcome is Outcome.FAILED)

    @property
    def warnings(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.outcome is Outcome.WARNING)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "issuer": self.issuer,
            "checks": [c.to_json() for c in self.checks],
        }


@dataclass(frozen=True, slots=True)
class PresentationResult:
    """The presentation's own checks and one result per credential it carries."""

    checks: tuple[CheckResult, ...]
    credentials: tuple[VerificationResult, ...] = ()
    holder: str | None = None

    @property
    def verdict(self) -> Verdict:
        own = _verdict(self.checks)
        verdicts = [own, *(c.verdict for c in self.credentials)]
        if Verdict.INVALID in verdicts:
            return Verdict.INVALID
        return Verdict.WARNING if Verdict.WARNING in verdicts else Verdict.VALID

    @property
    def verified(self) -> bool:
        return self.verdict is not Verdict.INVALID

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "holder": self.holder,
            "checks": [c.to_json() for c in self.checks],
            "credentials": [c.to_json() for c in self.credentials],
        }
