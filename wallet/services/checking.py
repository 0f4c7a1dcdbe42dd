"""Checking credentials with the engine: on receipt, and again whenever one is shown.

:class:`Checker` bundles what verification needs — a DID resolver (did:key locally, did:web
over the guarded network), a caching status list fetcher and the JSON Schemas of our
credential kinds — and reduces the engine's structured result to the one state a person
needs first (:func:`state_of`). SD-JWT VCs (a compact string with ``~``) are checked by
:class:`~wallet.services.sd_jwt_checks.SdJwtChecker` into the same result shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credentials.did import DidResolver
from credentials.related_resources import ResourceFetcher
from credentials.results import (
    CheckName,
    CheckResult,
    FindingKind,
    Outcome,
    Verdict,
    VerificationResult,
)
from credentials.verification import StatusFetcher, verify_credential
from qualifications import Catalog
from qualifications.achievements import credential_schema

from .sd_jwt_checks import SdJwtChecker, is_sd_jwt

__all__ = ["STATES", "TAMPER_CHECKS", "Checker", "state_of"]

# Checks whose failure means "not genuine": such a credential is never stored.
TAMPER_CHECKS = frozenset(
    {CheckName.FORMAT, CheckName.PROOF, CheckName.ISSUER, CheckName.SCHEMA}
    | {CheckName.TYPE_METADATA}
)
STATES = (
    "ok",
    "revoked",
    "suspended",
    "expired",
    "not_yet_valid",
    "status_unknown",
    "invalid",
)
_FAILED_STATES = {FindingKind.REVOKED: "revoked", FindingKind.SUSPENDED: "suspended"}
_WARNING_STATES = {
    FindingKind.EXPIRED: "expired",
    FindingKind.NOT_YET_VALID: "not_yet_valid",
    FindingKind.UNREACHABLE: "status_unknown",
    FindingKind.STATUS_UNKNOWN: "status_unknown",
}


def state_of(result: VerificationResult) -> str:
    """ok, revoked, suspended, expired, not_yet_valid, status_unknown or invalid: the
    engine's judgement (:func:`credentials.results.judge`) in the wallet's words. Invalid
    names the most telling failure (revoked or suspended, else invalid); a warning the first
    about the credential's currency (a status not known is status_unknown)."""
    judgement = result.judgement
    if judgement.verdict is Verdict.INVALID and judgement.finding is not None:
        return _FAILED_STATES.get(judgement.finding.kind, "invalid")
    for finding in judgement.findings:
        state = _WARNING_STATES.get(finding.kind)
        if state is not None and (
            finding.kind is not FindingKind.UNREACHABLE or finding.check.name is CheckName.STATUS
        ):
            return state
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
    sd_jwt: SdJwtChecker | None = None
    catalog: Catalog | None = None
    """For :func:`~qualifications.sd_jwt_vc_claims.result_fingerprint` of ``ldp_vc``
    credentials (part titles come from the catalog)."""
    fetch_resource: ResourceFetcher | None = None

    def check(self, credential: Any, *, now: datetime) -> VerificationResult:
        if is_sd_jwt(credential):
            if self.sd_jwt is None:
                failed = CheckResult(
                    CheckName.FORMAT, Outcome.FAILED, "format", "SD-JWT VC not enabled"
                )
                return VerificationResult((failed,))
            return self.sd_jwt.check(str(credential), now=now)
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
