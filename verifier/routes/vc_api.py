"""W3C VC-API for systems: ``POST /credentials/verify`` and ``POST /presentations/verify``.

200 when verified, 400 with the per-check results when not (never 200 with
``verified: false``), always JSON. Failures are listed as ``problemDetails`` typed with the
VC Data Model 2.0 error types; warnings (unknown issuer, status not checkable, expired) do
not make a credential unverified and are listed under ``warnings``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from credentials.budget import exceeded_limit
from credentials.results import CheckResult, Outcome, Verdict
from web_common.problems import budget_exceeded

from ..deps import FetcherDep, NowDep, ResolverDep, UowDep
from ..services.checking import CredentialReport, Report, check_document
from ..services.trust import list_trusted

router = APIRouter(tags=["VC-API"])

_VCDM = "https://www.w3.org/TR/vc-data-model#"
_ERROR_TYPES = {
    "format": "PARSING_ERROR",
    "proof": "CRYPTOGRAPHIC_SECURITY_ERROR",
    "holder_binding": "CRYPTOGRAPHIC_SECURITY_ERROR",
    "issuer": "CRYPTOGRAPHIC_SECURITY_ERROR",
    "validity": "RANGE_ERROR",
    "status": "STATUS_VERIFICATION_ERROR",
    "schema": "MALFORMED_VALUE_ERROR",
    "trust": "POLICY_ERROR",
    "holder": "POLICY_ERROR",
}


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    challenge: str | None = None
    domain: str | None = None


class VerifyCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verifiableCredential: Any  # noqa: N815 - VC-API field name
    options: VerifyOptions | None = None


class VerifyPresentationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verifiablePresentation: Any  # noqa: N815 - VC-API field name
    options: VerifyOptions | None = None


def _problem(check: CheckResult) -> dict[str, str]:
    kind = _ERROR_TYPES.get(check.name, "PARSING_ERROR")
    return {"type": _VCDM + kind, "title": check.code, "detail": check.detail}


def _credential_json(report: CredentialReport) -> dict[str, Any]:
    checks = report.result.checks
    return {
        "verified": report.verdict is not Verdict.INVALID,
        "verdict": report.verdict.value,
        "issuer": report.result.issuer,
        "issuerName": report.issuer_name,
        "title": report.title,
        "problemDetails": [_problem(c) for c in checks if c.outcome is Outcome.FAILED],
        "warnings": [_problem(c) for c in checks if c.outcome is Outcome.WARNING],
        "checks": [c.to_json() for c in checks],
    }


def refuse_over_budget(report: Report) -> None:
    """Raise 422 ``budget-exceeded`` (naming the limit) for a submission refused by a work
    budget: a hostile document, not a verdict on a credential."""
    failure = report.budget_failure
    if failure is not None:
        raise budget_exceeded(exceeded_limit(failure.code) or "", failure.detail)


def _respond(body: dict[str, Any], report: Report) -> JSONResponse:
    return JSONResponse(body, status_code=200 if report.verdict is not Verdict.INVALID else 400)


@router.post("/credentials/verify")
def verify_credential_route(
    body: VerifyCredentialRequest,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    now: NowDep,
) -> JSONResponse:
    report = check_document(
        body.verifiableCredential,
        resolver=resolver,
        fetch_status_list=fetcher,
        trusted=list_trusted(uow),
        now=now,
    )
    refuse_over_budget(report)
    return _respond(_credential_json(report.credentials[0]), report)


@router.post("/presentations/verify")
def verify_presentation_route(
    body: VerifyPresentationRequest,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    now: NowDep,
) -> JSONResponse:
    options = body.options or VerifyOptions()
    document = body.verifiablePresentation
    report = check_document(
        document if isinstance(document, dict) else {"presentation": document},
        resolver=resolver,
        fetch_status_list=fetcher,
        trusted=list_trusted(uow),
        now=now,
        challenge=options.challenge,
        domain=options.domain,
    )
    refuse_over_budget(report)
    if report.presentation is None:
        own: list[CheckResult] = [
            CheckResult("format", Outcome.FAILED, "not_a_presentation",
                        "verifiablePresentation must be a VerifiablePresentation object"),
        ]  # fmt: skip
        body_json = {
            "verified": False,
            "verdict": "invalid",
            "problemDetails": [_problem(c) for c in own],
            "warnings": [],
            "checks": [c.to_json() for c in own],
            "credentials": [],
        }
        return JSONResponse(body_json, status_code=400)
    checks = report.presentation.checks
    body_json = {
        "verified": report.verdict is not Verdict.INVALID,
        "verdict": report.verdict.value,
        "holder": report.presentation.holder,
        "problemDetails": [_problem(c) for c in checks if c.outcome is Outcome.FAILED],
        "warnings": [_problem(c) for c in checks if c.outcome is Outcome.WARNING],
        "checks": [c.to_json() for c in checks],
        "credentials": [_credential_json(c) for c in report.credentials],
    }
    return _respond(body_json, report)
