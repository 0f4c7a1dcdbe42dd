"""Verification outcomes as data: one :class:`CheckResult` per check, never an exception.

Check names are a :class:`CheckName`; :func:`judge` is the one reading of a set of checks:
the :class:`Verdict` and what was found (:class:`Finding`, most telling first). The
verifier's verdict and headline, the wallet's state of a credential and
:func:`credentials.explain.headline` all come from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "CheckName",
    "CheckResult",
    "Finding",
    "FindingKind",
    "Judgement",
    "Outcome",
    "PresentationResult",
    "Verdict",
    "VerificationResult",
    "judge",
]


class CheckName(StrEnum):
    """Every check a result can carry (a :class:`CheckResult` with another name is refused)."""

    FORMAT = "format"
    PROOF = "proof"
    ISSUER = "issuer"
    TRUST = "trust"
    VALIDITY = "validity"
    STATUS = "status"
    SCHEMA = "schema"
    HOLDER_BINDING = "holder_binding"
    HOLDER = "holder"
    RELATED_RESOURCES = "related_resources"
    TYPE_METADATA = "type_metadata"


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
    """One check: its ``name`` (a :class:`CheckName`; a plain string naming one is taken),
    ``outcome``, a stable ``code`` for programs and a ``detail`` for people."""

    name: CheckName
    outcome: Outcome
    code: str
    detail: str

    def __post_init__(self) -> None:
        # ValueError for a name that is no CheckName: a typo cannot make a check of its own
        object.__setattr__(self, "name", CheckName(self.name))

    def to_json(self) -> dict[str, str]:
        return {
            "check": self.name,
            "outcome": self.outcome.value,
            "code": self.code,
            "detail": self.detail,
        }


class FindingKind(StrEnum):
    """What a failed or warning check means for a person, most telling first: a changed
    credential says more than its unreachable status list."""

    CHANGED = "changed"  # the signature does not match: changed after issuing
    NOT_GENUINE = "not_genuine"  # not signed by whom it names
    NOT_FROM_HOLDER = "not_from_holder"  # not made for this verifier by its holder
    UNTRUSTED_CHAIN = "untrusted_chain"  # an X.509 chain to no anchor we trust
    MALFORMED = "malformed"  # any other failure of format, proof, issuer, schema, type
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NOT_RECOGNISED = "not_recognised"  # the issuer is not on the trust list (for this type)
    UNREACHABLE = "unreachable"  # the issuer's server could not be reached
    STATUS_UNKNOWN = "status_unknown"  # any other status warning: not known to be current
    OTHER = "other"


_CODES: tuple[tuple[FindingKind, frozenset[str]], ...] = (
    (
        FindingKind.CHANGED,
        frozenset({"invalid_signature", "bad_signature", "invalid_document", "context_mismatch"})
        | {"signature", "disclosure_unreferenced", "disclosure_malformed", "digest_duplicate"}
        | {"disclosure_duplicate", "claim_duplicate", "type_metadata_integrity"},
    ),
    (
        FindingKind.NOT_GENUINE,
        frozenset({"missing_proof", "issuer_mismatch", "holder_mismatch", "iss_mismatch"}),
    ),
    (
        FindingKind.NOT_FROM_HOLDER,
        frozenset({"challenge_mismatch", "nonce_mismatch", "domain_mismatch", "audience_mismatch"})
        | {"not_subject", "kb_missing", "kb_nonce", "kb_audience", "kb_iat", "kb_signature"}
        | {"kb_sd_hash", "cnf_missing"},
    ),
    (FindingKind.UNTRUSTED_CHAIN, frozenset({"x509_untrusted"})),
    (FindingKind.REVOKED, frozenset({"revoked"})),
    (FindingKind.SUSPENDED, frozenset({"suspension", "suspended"})),
    (FindingKind.EXPIRED, frozenset({"expired", "proof_expired"})),
    (FindingKind.NOT_YET_VALID, frozenset({"not_yet_valid"})),
    (
        FindingKind.NOT_RECOGNISED,
        frozenset({"unknown_issuer", "not_authorised_for_type", "no_issuer"}),
    ),
    (
        FindingKind.UNREACHABLE,
        frozenset({"status_unavailable", "issuer_unresolved", "unknown_key", "key_not_found"}),
    ),
)
_KIND_OF_CODE = {code: kind for kind, codes in _CODES for code in codes}
_RANK = {kind: rank for rank, kind in enumerate(FindingKind)}
_GENUINENESS = frozenset(
    {CheckName.FORMAT, CheckName.PROOF, CheckName.ISSUER, CheckName.SCHEMA}
    | {CheckName.TYPE_METADATA}
)
"""Checks whose failure means "not genuine" whatever its code."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed or warning check and what it means."""

    kind: FindingKind
    check: CheckResult


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on a set of checks and every finding, failures first, each outcome most
    telling first (:class:`FindingKind` order)."""

    verdict: Verdict
    findings: tuple[Finding, ...] = ()

    @property
    def finding(self) -> Finding | None:
        """The most telling finding (a failure when the verdict is invalid)."""
        return self.findings[0] if self.findings else None

    def has(self, kind: FindingKind) -> bool:
        return any(f.kind is kind for f in self.findings)


def _kind(check: CheckResult) -> FindingKind:
    kind = _KIND_OF_CODE.get(check.code)
    if kind is not None:
        return kind
    if check.outcome is Outcome.FAILED and check.name in _GENUINENESS:
        return FindingKind.MALFORMED
    if check.outcome is Outcome.WARNING and check.name is CheckName.STATUS:
        return FindingKind.STATUS_UNKNOWN
    return FindingKind.OTHER


def judge(checks: Iterable[CheckResult]) -> Judgement:
    """The one verdict: invalid when a check failed, warning when one warned, else valid;
    with the findings that say why."""
    findings = sorted(
        (Finding(_kind(c), c) for c in checks if c.outcome in (Outcome.FAILED, Outcome.WARNING)),
        key=lambda f: (f.check.outcome is not Outcome.FAILED, _RANK[f.kind]),
    )
    if not findings:
        return Judgement(Verdict.VALID)
    failed = findings[0].check.outcome is Outcome.FAILED
    return Judgement(Verdict.INVALID if failed else Verdict.WARNING, tuple(findings))


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """All checks of one credential. ``verified`` is True when no check failed."""

    checks: tuple[CheckResult, ...]
    credential: dict[str, Any] | None = field(default=None, repr=False)
    issuer: str | None = None

    @property
    def judgement(self) -> Judgement:
        return judge(self.checks)

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    @property
    def verified(self) -> bool:
        return self.verdict is not Verdict.INVALID

    def check(self, name: CheckName | str) -> CheckResult | None:
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
    def judgement(self) -> Judgement:
        """Over the presentation's own checks and those of every credential it carries."""
        return judge([*self.checks, *(ch for c in self.credentials for ch in c.checks)])

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    @property
    def verified(self) -> bool:
        return self.verdict is not Verdict.INVALID

    def check(self, name: CheckName | str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "holder": self.holder,
            "checks": [c.to_json() for c in self.checks],
            "credentials": [c.to_json() for c in self.credentials],
        }
