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

A compact JWT credential may be the body itself too, as it may be inside JSON (as
``verifiableCredential``): ``Content-Type: application/vc+jwt`` (VC-JOSE-COSE §3.1.1, a VC
Data Model 2.0 credential secured as a compact JWS) or ``application/jwt`` (RFC 7519, the
VC Data Model 1.1 JWT with a ``vc`` claim); no options then. Other media types are refused
with 415 (problem+json).

SD-JWT VC (``dc+sd-jwt``) on ``/credentials/verify``, three ways: the body itself as
``Content-Type: application/dc+sd-jwt`` (the media type of draft-ietf-oauth-sd-jwt-vc; the
compact ``<jwt>~<disclosure>~…~[<kb-jwt>]``, no options); or JSON with
``verifiableCredential`` the compact string, or an ``EnvelopedVerifiableCredential``
(VC Data Model 2.0 §4.13) whose ``id`` is ``data:application/dc+sd-jwt,<compact>``. With
JSON, ``options.challenge`` is the KB-JWT ``nonce`` and ``options.domain`` its ``aud``;
either one makes the KB-JWT required. The answer has the same members plus ``format``,
``disclosed`` (claim names) and ``withheld`` (how many were not disclosed).

``/presentations/verify`` takes an SD-JWT VC with its Key Binding JWT the same ways (as
``verifiablePresentation``: the compact string, or an ``EnvelopedVerifiablePresentation``
whose ``id`` is ``data:application/dc+sd-jwt,<compact>``): the KB-JWT is the holder's proof
and is required; ``options.challenge``/``domain`` are its ``nonce``/``aud``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from credentials.budget import exceeded_limit
from credentials.results import CheckName, CheckResult, Outcome
from web_common.bodies import body_of_type
from web_common.problems import ProblemError, budget_exceeded
from web_common.strikes import record_strike

from ..deps import FetcherDep, NowDep, ResolverDep, ResourceFetcherDep, SdJwtDep, UowDep
from ..services.checking import (
    SD_JWT_MEDIA_TYPE,
    CredentialReport,
    Report,
    check_document,
    check_sd_jwt_presentation,
    is_sd_jwt,
)
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
    "type_metadata": "MALFORMED_VALUE_ERROR",
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
    sd_jwt: dict[str, Any] = {}
    if report.disclosure is not None:
        sd_jwt = {
            "format": report.format,
            "vct": report.disclosure.vct,
            "disclosed": [c.name for c in report.disclosure.claims],
            "withheld": report.disclosure.withheld,
        }
    return {
        **sd_jwt,
        "verified": not problems,
        "verdict": report.verdict.value,
        "issuer": report.result.issuer,
        "issuerName": report.issuer_name,
        "title": report.title,
        "problemDetails": [_problem(c) for c in problems],
        "warnings": [_problem(c) for c in warnings],
        "checks": [c.to_json() for c in checks],
    }


def refuse_over_budget(report: Report) -> None:
    """Raise 422 ``budget-exceeded`` (naming the limit) for a submission refused by a work
    budget: a hostile document, not a verdict on a credential."""
    failure = report.budget_failure
    if failure is not None:
        record_strike("budget")
        raise budget_exceeded(exceeded_limit(failure.code) or "", failure.detail)


def _respond(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=200 if body["verified"] else 400)


_ENVELOPE_PREFIX = f"data:{SD_JWT_MEDIA_TYPE},"


_MAX_SD_JWT_BODY = 2 * 1024 * 1024  # more is refused by the budget with a 422 below
_MAX_JSON_BODY = 16 * 1024 * 1024  # the body-size middleware sets the real limit
SdJwtBody = Annotated[bytes | None, Depends(body_of_type(SD_JWT_MEDIA_TYPE, _MAX_SD_JWT_BODY))]
VC_JWT_MEDIA_TYPE = "application/vc+jwt"  # VC-JOSE-COSE: a VC 2.0 credential as a JWS
JWT_MEDIA_TYPE = "application/jwt"  # RFC 7519: the VC 1.1 JWT (a ``vc`` claim)
VcJwtBody = Annotated[bytes | None, Depends(body_of_type(VC_JWT_MEDIA_TYPE, _MAX_SD_JWT_BODY))]
JwtBody = Annotated[bytes | None, Depends(body_of_type(JWT_MEDIA_TYPE, _MAX_SD_JWT_BODY))]
_ACCEPTED = f"application/json, {VC_JWT_MEDIA_TYPE}, {JWT_MEDIA_TYPE} or {SD_JWT_MEDIA_TYPE}"
JsonBody = Annotated[bytes | None, Depends(body_of_type("application/json", _MAX_JSON_BODY))]
LdJsonBody = Annotated[bytes | None, Depends(body_of_type("application/ld+json", _MAX_JSON_BODY))]


def _unwrap(credential: Any, envelope: str = "EnvelopedVerifiableCredential") -> Any:
    """The compact SD-JWT inside an ``EnvelopedVerifiableCredential`` (or, for
    presentations, ``EnvelopedVerifiablePresentation``) data: URL, if it is one; anything
    else as it is."""
    if isinstance(credential, dict) and isinstance(credential.get("id"), str):
        types = credential.get("type")
        enveloped = envelope in (types if isinstance(types, list) else [types])
        if enveloped and credential["id"].startswith(_ENVELOPE_PREFIX):
            return unquote(credential["id"].removeprefix(_ENVELOPE_PREFIX)).strip()
    return credential


_CREDENTIAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": VerifyCredentialRequest.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            },
            SD_JWT_MEDIA_TYPE: {"schema": {"type": "string", "maxLength": 524288}},
            VC_JWT_MEDIA_TYPE: {"schema": {"type": "string", "maxLength": 524288}},
            JWT_MEDIA_TYPE: {"schema": {"type": "string", "maxLength": 524288}},
        },
    }
}


@router.post("/credentials/verify", openapi_extra=_CREDENTIAL_BODY)
def verify_credential_route(
    sd_jwt_body: SdJwtBody,
    vc_jwt_body: VcJwtBody,
    jwt_body: JwtBody,
    json_body: JsonBody,
    ld_json_body: LdJsonBody,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    sd_jwt: SdJwtDep,
    now: NowDep,
) -> JSONResponse:
    """Verify one credential (JSON-LD with Data Integrity, vc+jwt, or SD-JWT VC); see the
    module docstring for what ``verified`` means, ``options.genuineOnly`` and the ways an
    SD-JWT VC or a JWT may be sent."""
    jwt = vc_jwt_body if vc_jwt_body is not None else jwt_body
    if sd_jwt_body is not None:
        text = sd_jwt_body.decode("ascii", errors="replace").strip()
        body = VerifyCredentialRequest(verifiableCredential=text)
    elif jwt is not None:
        text = jwt.decode("ascii", errors="replace").strip()
        if is_sd_jwt(text):  # its disclosures would be read as part of the signature
            raise ProblemError(
                400, "Media type mismatch", f"this is an SD-JWT: send it as {SD_JWT_MEDIA_TYPE}"
            )
        body = VerifyCredentialRequest(verifiableCredential=text)
    elif json_body is not None or ld_json_body is not None:
        try:
            body = VerifyCredentialRequest.model_validate_json(json_body or ld_json_body or b"")
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False)) from None
    else:
        raise ProblemError(
            415, "Unsupported Media Type",
            f"send {_ACCEPTED} (application/json: a VC-API request)",
        )  # fmt: skip
    options = body.options or VerifyOptions()
    document = _unwrap(body.verifiableCredential)
    report = check_document(
        document,
        resolver=resolver,
        fetch_status_list=fetcher,
        trusted=list_trusted(uow),
        now=now,
        challenge=options.challenge if isinstance(document, str) else None,
        domain=options.domain if isinstance(document, str) else None,
        fetch_resource=resources,
        sd_jwt=sd_jwt,
    )
    refuse_over_budget(report)
    return _respond(_credential_json(report.credentials[0], options.genuineOnly))


@router.post("/presentations/verify")
def verify_presentation_route(
    body: VerifyPresentationRequest,
    uow: UowDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    now: NowDep,
    sd_jwt: SdJwtDep,
) -> JSONResponse:
    """Verify a presentation's holder proof and every credential in it; verified only when
    the presentation and each credential are (``options.genuineOnly`` as for credentials)."""
    options = body.options or VerifyOptions()
    document = _unwrap(body.verifiablePresentation, "EnvelopedVerifiablePresentation")
    if isinstance(document, str) and is_sd_jwt(document):
        return _sd_jwt_presentation(document, options, uow, resolver, now, sd_jwt)
    report = check_document(
        document if isinstance(document, dict) else {"presentation": document},
        resolver=resolver,
        fetch_status_list=fetcher,
        trusted=list_trusted(uow),
        now=now,
        challenge=options.challenge,
        domain=options.domain,
        fetch_resource=resources,
        sd_jwt=sd_jwt,
    )
    refuse_over_budget(report)
    if report.presentation is None:
        own: list[CheckResult] = [
            CheckResult(CheckName.FORMAT, Outcome.FAILED, "not_a_presentation",
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


def _sd_jwt_presentation(
    text: str,
    options: VerifyOptions,
    uow: UowDep,
    resolver: ResolverDep,
    now: NowDep,
    sd_jwt: SdJwtDep,
) -> JSONResponse:
    """An SD-JWT VC presented (the compact form, or enveloped): its Key Binding JWT is the
    holder's proof, so it is required; ``options.challenge`` is its ``nonce`` and
    ``options.domain`` its ``aud``."""
    report = check_sd_jwt_presentation(
        text,
        nonce=options.challenge,
        audience=options.domain,
        trusted=list_trusted(uow),
        now=now,
        fetch_status_list=sd_jwt.fetch_status_list if sd_jwt else None,
        require_key_binding=True,
        anchors=sd_jwt.anchors if sd_jwt else (),
        resolver=resolver,
        fetch_type_metadata=sd_jwt.fetch_type_metadata if sd_jwt else None,
    )
    refuse_over_budget(report)
    (credential,) = report.credentials
    own = [c for c in credential.result.checks if c.name == "holder_binding"]
    problems, warnings = _judge(tuple(own), options.genuineOnly)
    described = _credential_json(credential, options.genuineOnly)
    body_json = {
        "format": SD_JWT_MEDIA_TYPE.removeprefix("application/"),
        "verified": not problems and described["verified"],
        "verdict": report.verdict.value,
        "holder": None,
        "problemDetails": [_problem(c) for c in problems],
        "warnings": [_problem(c) for c in warnings],
        "checks": [c.to_json() for c in own],
        "credentials": [described],
    }
    return _respond(body_json)
