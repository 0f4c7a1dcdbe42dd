"""One answer can carry several presentations of the same SD-JWT VC: OpenID4VP 1.0 §6.4 lets
several Credential Queries ask for the same credential (our kind query and the companions
for its kerntaken and werkprocessen), and a wallet may answer each with its own
presentation (its own Disclosures and Key Binding JWT). Each is checked on its own; here
the reports of one issued credential (the same issuer-signed JWT) become one credential
with every claim any of them disclosed, so the result page shows it once and stacking
counts all its parts.

The merged checks take, per check, the worst outcome any presentation had: a presentation
whose Key Binding failed makes the credential fail, whatever the others show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from credentials.results import CheckResult, Outcome, VerificationResult
from qualifications.achievements import evidence_from_credential
from qualifications.sd_jwt_vc_reading import credential_from_claims

from .checking import CredentialReport, DisclosedClaim, Report

__all__ = ["merge_credentials", "merge_reports", "merged_credentials"]

_SEVERITY = {Outcome.PASSED: 0, Outcome.SKIPPED: 1, Outcome.WARNING: 2, Outcome.FAILED: 3}


def _key(report: CredentialReport) -> str | None:
    """The issued credential an SD-JWT VC report is about (``urn:sd-jwt:<hash of the
    issuer-signed JWT>``), None for anything else."""
    view = report.result.credential
    if report.format != "dc+sd-jwt" or report.disclosure is None or not view:
        return None
    ident = view.get("id")
    return ident if isinstance(ident, str) else None


def _worst(groups: Sequence[Sequence[CheckResult]]) -> tuple[CheckResult, ...]:
    chosen: dict[str, CheckResult] = {}
    for checks in groups:
        for check in checks:
            held = chosen.get(check.name)
            if held is None or _SEVERITY[check.outcome] > _SEVERITY[held.outcome]:
                chosen[check.name] = check
    return tuple(chosen.values())


def merge_credentials(reports: Sequence[CredentialReport]) -> CredentialReport:
    """Reports of presentations of one SD-JWT VC as one (the first gives the order)."""
    first = reports[0]
    if len(reports) == 1 or first.disclosure is None or first.result.credential is None:
        return first
    claims: dict[str, DisclosedClaim] = {}
    digests = first.disclosure.withheld + len(first.disclosure.claims)
    for report in reports:
        for claim in report.disclosure.claims if report.disclosure else ():
            claims.setdefault(claim.name, claim)
    view: dict[str, Any] = credential_from_claims(
        {name: claim.value for name, claim in claims.items()},
        credential_id=first.result.credential.get("id"),
        issuer_id=first.result.issuer,
        vct=first.disclosure.vct,
    )
    for member in ("validFrom", "validUntil"):  # from nbf/exp, which are not listed claims
        if member in first.result.credential and member not in view:
            view[member] = first.result.credential[member]
    evidence = evidence_from_credential(view)[0] if first.kind is not None else ()
    checks = _worst([r.result.checks for r in reports])
    disclosure = replace(
        first.disclosure,
        claims=tuple(claims.values()),
        withheld=max(0, digests - len(claims)),
    )
    return replace(
        first,
        result=VerificationResult(checks, view, first.result.issuer),
        evidence=evidence,
        disclosure=disclosure,
    )


def merge_reports(reports: Sequence[Report]) -> Report:
    """The reports of one submission or answer as one :class:`Report` (a lone report as it
    is), with the SD-JWT VC presentations of one credential merged."""
    if len(reports) == 1:
        return reports[0]
    return Report(
        merged_credentials(reports),
        None,
        tuple(ch for r in reports if r.presentation for ch in r.presentation.checks),
    )


def merged_credentials(reports: Sequence[Report]) -> tuple[CredentialReport, ...]:
    """Every credential of ``reports``, those presented more than once merged."""
    groups: dict[str, list[CredentialReport]] = {}
    order: list[str | CredentialReport] = []
    for report in reports:
        for credential in report.credentials:
            key = _key(credential)
            if key is None:
                order.append(credential)
            elif key in groups:
                groups[key].append(credential)
            else:
                groups[key] = [credential]
                order.append(key)
    return tuple(
        merge_credentials(groups[item]) if isinstance(item, str) else item for item in order
    )
