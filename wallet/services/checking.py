"""Checking credentials with the engine: on receipt, and again whenever one is shown.

:class:`Checker` bundles what verification needs — a DID resolver (did:key locally, did:web
over the guarded network), a caching status list fetcher and the JSON Schemas of our
credential kinds — and reduces the engine's structured result to the one state a person
needs first (:func:`state_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credentials.did import DidResolver
from credentials.related_resources import ResourceFetcher
from credentials.results import CheckResult, Outcome, VerificationResult
from credentials.verification import StatusFetcher, verify_credential
from qualifications.achievements import credential_schema

__all__ = ["STATES", "TAMPER_CHECKS", "Checker", "state_of"]

# Checks whose failure means "not genuine": such a credential is never stored.
TAMPER_CHECKS = frozenset({"format", "proof", "issuer", "schema"})
STATES = (
    "ok",
    "revoked",
    "suspended",
    "expired",
    "not_yet_valid",
    "status_unknown",
    "invalid",
)


def state_of(result: VerificationResult) -> str:
    """ok, revoked, suspended, expired, not_yet_valid, status_unknown or invalid."""
    for check in result.checks:
        if check.outcome is Outcome.FAILED and check.name in TAMPER_CHECKS:
            return "invalid"
    status = result.check("status")
    if status is not None and status.outcome is Outcome.FAILED:
        if status.code not in ("revoked", "suspension"):  # e.g. a malformed status entry
            return "invalid"
        return "revoked" if status.code == "revoked" else "suspended"
    validity = result.check("validity")
    if validity is not None and validity.outcome is Outcome.WARNING:
        return "expired" if validity.code == "expired" else "not_yet_valid"
    if any(c.outcome is Outcome.FAILED for c in result.checks):
        return "invalid"
    if status is not None and status.outcome is Outcome.WARNING:
        return "status_unknown"
    return "ok"


def tampered(result: VerificationResult) -> CheckResult | None:
    """The first failed check that means the credential is not genuine, if any."""
    return next(
        (c for c in result.checks if c.outcome is Outcome.FAILED and c.name in TAMPER_CHECKS),
        None,
    )


@dataclass(frozen=True, slots=True)
class Checker:
    """``fetch_resource`` gets ``relatedResource`` bytes for their digests (the guarded,
    size- and time-limited fetcher of the app); without it they are "not checked"."""

    resolver: DidResolver
    fetch_status_list: StatusFetcher | None
    fetch_resource: ResourceFetcher | None = None

    def check(self, credential: Any, *, now: datetime) -> VerificationResult:
        return verify_credential(
            credential,
            resolver=self.resolver,
            now=now,
            fetch_status_list=self.fetch_status_list,
            schema_lookup=_schema_lookup,
            fetch_resource=self.fetch_resource,
        )


def _schema_lookup(ref: str) -> Mapping[str, Any] | None:
    return credential_schema(ref)
