"""W3C VC-API for systems: ``POST /credentials/verify`` and ``POST /presentations/verify``.

200 when verified, 400 with the per-check results when not (never 200 with
``verified: false``), always JSON. What stops ``verified`` is listed under ``problemDetails``
typed with the VC Data Model 2.0 error types; what only needs a look (unknown issuer, status
not checkable, a related resource that could not be fetched) under ``warnings``.

The answer (VC-API "verify", VC Data Model 2.0 §7.1 validation): by default a credential is
``verified`` only when it is genuine **and** current — an expired or not-yet-valid
credential (``RANGE_ERROR``) and a revoked or suspended one (``STATUS_VERIFICATION_ERROR``)
are problems, not warnings. A caller that wants to know only whether a credential is
genuine (untampered, well-formed, signed by its issuer) sends ``options.genuineOnly: true``;
then validity dates and revocation/suspension are reported under ``warnings``. ``verdict``
is always the engine's nuanced summary (``valid`` / ``warning`` / ``invalid``), the one the
employer pages show.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from credentials.results import CheckResult, Outcome

from ..deps import FetcherDep, NowDep, ResolverDep, ResourceFetcherDep, UowDep
from ..services.checking import CredentialReport, check_document
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
    "related_resources": "CRYPTOGRAPHIC_SECURITY_ERROR",
}


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    challenge: str | None = None
    domain: str | None = None
    genuineOnly: bool = Field(  # noqa: N815 - VC-API style option name
        default=False,
        description=(
            "false (default): verified only when genuine and current; an expired, "
            "not-yet-valid, revoked or suspended credential is not verified. true: verified "
            "when genuine (untampered, well-formed, signed by its issuer); validity dates and "
            "revocation/suspension are reported under warnings."
        ),
    )


class VerifyCredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verifiableCredential: Any  # noqa: N815 - VC-API field name
    options: VerifyOptions | None = None


class VerifyPresentationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verifiablePresentation: Any  # noqa: N815 - VC-API field name
    options: VerifyOptions | None = None


# Checks that say whether a credential is current rather than genuine.
_CURRENCY_CHECKS = frozenset({"validity", "status"})
_NOT_CURRENT = frozenset({("validity", "expired"), ("validity", "not_yet_valid")})


def _judge(
    checks: tuple[CheckResult, ...], genuine_only: bool
) -> tuple[list[CheckResult], list[CheckResult]]:
    """(problems, warnings) under the module's rule: see the module docstring."""
    problems: list[CheckResult] = []
    warnings: list[CheckResult] = []
    for check in checks:
        if check.outcome is Outcome.FAILED:
            relaxed = genuine_only and check.name in _CURRENCY_CHECKS
            (warnings if relaxed else problems).append(check)
        elif check.outcome is Outcome.WARNING:
            strict = not genuine_only and (check.name, check.code) in _NOT_CURRENT
            (problems if strict else warnings).append(check)
    return problems, warnings


def _problem(check: CheckResult) -> dict[str, str]:
    kind = _ERROR_TYPES.get(check.name, "PARSING_ERROR")
    return {"type": _VCDM + kind, "title": check.code, "detail": check.detail}


def _credential_json(report: CredentialReport, genuine_only: bool) -> dict[str, Any]:
    checks = report.result.checks
    problems, warnings = _judge(checks, genuine_only)
    return {
        "verified": not problems,
        "verdict": report.verdict.value,
        "issuer": report.result.issuer,
        "issuerName": report.issuer_name,
        "title": report.title,
        "problemDetails": [_problem(c) for c in problems],
        "warnings": [_problem(c) for c in warnings],
        "checks": [c.to_json() for c in checks],
    }


def _respond(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=200 if body["verified"] else 400)


@router.post("/credentials/verify")
def verify_credential_route(
    body: VerifyCredentialRequest,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    now: NowDep,
) -> JSONResponse:
    """Verify one credential (JSON-LD with Data Integrity, or vc+jwt); see the module
    docstring for what ``verified`` means and ``options.genuineOnly``."""
    options = body.options or VerifyOptions()
    report = check_document(
        body.verifiableCredential,
        resolver=resolver,
        fetch_status_list=fetcher,
        trusted=list_trusted(uow),
        now=now,
        fetch_resource=resources,
    )
    return _respond(_credential_json(report.credentials[0], options.genuineOnly))


@router.post("/presentations/verify")
def verify_presentation_route(
    body: VerifyPresentationRequest,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    now: NowDep,
) -> JSONResponse:
    """Verify a presentation's holder proof and every credential in it; verified only when
    the presentation and each credential are (``options.genuineOnly`` as for credentials)."""
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
        fetch_resource=resources,
    )
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
    problems, warnings = _judge(checks, options.genuineOnly)
    credentials = [_credential_json(c, options.genuineOnly) for c in report.credentials]
    body_json = {
        "verified": not problems and all(c["verified"] for c in credentials),
        "verdict": report.verdict.value,
        "holder": report.presentation.holder,
        "problemDetails": [_problem(c) for c in problems],
        "warnings": [_problem(c) for c in warnings],
        "checks": [c.to_json() for c in checks],
        "credentials": credentials,
    }
    return _respond(body_json)
