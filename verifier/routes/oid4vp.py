"""OpenID4VP for employers' systems and pages: make a presentation request (link + QR),
serve its signed Request Object (``request_uri``), receive the wallet's answer
(``direct_post.jwt``, or ``direct_post`` for by-value requests), read the result; and check
a share link."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from credentials.errors import FetchError
from qualifications.catalog import Catalog
from web_common.limits import BodyTooLargeError
from web_common.problems import ProblemError
from web_common.qr import qr_svg
from web_common.strikes import record_strike

from ..db.request_tables import PresentationRequest
from ..deps import (
    BoxDep,
    CatalogDep,
    FetcherDep,
    IdentityDep,
    NowDep,
    ResolverDep,
    ResourceFetcherDep,
    SdJwtDep,
    SettingsDep,
    UowDep,
)
from ..services import use_cases
from ..services.presentation_requests import (
    HAIP,
    SAME_DEVICE,
    OverBudgetAnswerError,
    RequestError,
    WalletDeclinedError,
    link_for,
    request_uri_for,
    result_key,
    result_key_matches,
)
from ..services.shares import check_share_link
from ..services.trust import list_trusted
from .vc_api import _credential_json, _judge, refuse_over_budget

router = APIRouter(tags=["OpenID4VP"])


class NewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str | None = Field(default=None, max_length=120)
    profile: Literal["haip", "by_value"] | None = Field(
        default=None,
        description="haip (default): signed request by reference, encrypted response, "
        "dc+sd-jwt or ldp_vc; by_value: the unsigned direct_post request of our own wallet",
    )


class ShareCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)


@router.post("/oid4vp/requests", status_code=201)
def new_request(
    body: NewRequest,
    uow: UowDep,
    settings: SettingsDep,
    now: NowDep,
    identity: IdentityDep,
    box: BoxDep,
) -> dict[str, Any]:
    created = use_cases.create_presentation_request(
        uow, public_base_url=settings.public_base_url, now=now, target=body.target,
        profile=body.profile or settings.default_request_profile, identity=identity, box=box,
    )  # fmt: skip
    base = settings.public_base_url
    key = result_key(settings.secret_key.get_secret_value(), created.id)
    extra = (
        {"clientId": identity.client_id, "requestUri": request_uri_for(base, created.id)}
        if created.profile == HAIP
        else {}
    )
    return {
        "id": created.id,
        "profile": created.profile,
        **extra,
        "link": created.link,
        "qr": f"{base}/oid4vp/requests/{created.id}/qr.svg",
        "status": f"{base}/oid4vp/requests/{created.id}?key={key}",
        "resultKey": key,
        "expiresAt": created.expires_at.isoformat(),
    }


def _row(uow: UowDep, request_id: str) -> PresentationRequest:
    row = uow.session.get(PresentationRequest, request_id)
    if row is None:
        raise ProblemError(404, "Not found", "no such presentation request", slug="not-found")
    return row


@router.get("/oid4vp/requests/{request_id}")
def request_status(
    request_id: str,
    uow: UowDep,
    settings: SettingsDep,
    key: Annotated[str, Query(max_length=100)] = "",
) -> dict[str, Any]:
    """The request's state and result, for whoever made it: the ``status`` URL (with the
    ``key`` the creation answer gave). Anyone else — e.g. someone who saw the QR code, which
    holds the request id — gets 404."""
    if not result_key_matches(settings.secret_key.get_secret_value(), request_id, key):
        raise ProblemError(404, "Not found", "no such presentation request", slug="not-found")
    row = _row(uow, request_id)
    return {
        "id": row.id,
        "status": row.status,
        "target": row.target,
        "result": json.loads(row.result) if row.result else None,
    }


@router.get("/oid4vp/requests/{request_id}/qr.svg")
def request_qr(
    request_id: str, uow: UowDep, settings: SettingsDep, identity: IdentityDep
) -> Response:
    row = _row(uow, request_id)
    link = link_for(row, settings.public_base_url, identity)
    return Response(qr_svg(link), media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


async def read_response_form(request: Request) -> dict[str, str] | None:
    """Dependency that only parses the wallet's form body; ``None`` when it is malformed
    (the wallet's error, answered by the route)."""
    try:
        return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    except BodyTooLargeError:
        raise
    except Exception:
        return None


_NO_STORE = {"Cache-Control": "no-store"}
REQUEST_OBJECT_TYPE = "application/oauth-authz-req+jwt"


def _oauth_error(exc: RequestError) -> JSONResponse:
    return JSONResponse({"error": exc.oauth_error, "error_description": str(exc)},
                        status_code=exc.status, headers=_NO_STORE)  # fmt: skip


def _request_object(
    request_id: str,
    uow: UowDep,
    settings: SettingsDep,
    identity: IdentityDep,
    box: BoxDep,
    now: NowDep,
    wallet_nonce: str | None,
    flow: str,
    catalog: Catalog,
) -> Response:
    if len(request_id) > 64:
        return _oauth_error(RequestError("invalid_request", "unknown request", status=404))
    try:
        token = use_cases.request_object(
            uow, request_id, identity=identity, box=box,
            public_base_url=settings.public_base_url, now=now, wallet_nonce=wallet_nonce,
            same_device=flow == SAME_DEVICE, catalog=catalog,
        )  # fmt: skip
    except RequestError as exc:
        return _oauth_error(exc)
    return Response(token, media_type=REQUEST_OBJECT_TYPE, headers=_NO_STORE)


@router.get("/oid4vp/request/{request_id}", response_class=Response,
            responses={200: {"content": {REQUEST_OBJECT_TYPE: {}}}})  # fmt: skip
def get_request_object(
    request_id: str,
    uow: UowDep,
    settings: SettingsDep,
    identity: IdentityDep,
    box: BoxDep,
    now: NowDep,
    catalog: CatalogDep,
    flow: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The signed Request Object (JAR) of a HAIP request, for the wallet (``request_uri``)."""
    return _request_object(request_id, uow, settings, identity, box, now, None, flow, catalog)


@router.post("/oid4vp/request/{request_id}", response_class=Response,
             responses={200: {"content": {REQUEST_OBJECT_TYPE: {}}}})  # fmt: skip
def post_request_object(
    request_id: str,
    form: Annotated[dict[str, str] | None, Depends(read_response_form)],
    uow: UowDep,
    settings: SettingsDep,
    identity: IdentityDep,
    box: BoxDep,
    now: NowDep,
    catalog: CatalogDep,
    flow: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """``request_uri_method=post`` (§5.10): the wallet may send ``wallet_metadata`` and a
    ``wallet_nonce``, which the Request Object then repeats."""
    if form is None:
        return _oauth_error(RequestError("invalid_request", "bad form body"))
    nonce = form.get("wallet_nonce")
    return _request_object(request_id, uow, settings, identity, box, now, nonce, flow, catalog)


@router.post("/oid4vp/response/{request_id}")
def direct_post(
    request_id: str,
    form: Annotated[dict[str, str] | None, Depends(read_response_form)],
    uow: UowDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    resources: ResourceFetcherDep,
    now: NowDep,
    identity: IdentityDep,
    box: BoxDep,
    sd_jwt: SdJwtDep,
    catalog: CatalogDep,
) -> JSONResponse:
    """The wallet's Authorization Response (``application/x-www-form-urlencoded``):
    ``response`` (an encrypted JWT) for HAIP requests, ``vp_token`` + ``state`` for
    by-value ones. A good HAIP answer gets a ``redirect_uri`` with a one-time
    ``response_code`` for the browser the wallet returns to (§8.2, §13.3)."""
    if form is None:
        return _oauth_error(RequestError("invalid_request", "bad form body"))
    try:
        received = use_cases.receive_response(
            uow, request_id, form, public_base_url=settings.public_base_url,
            resolver=resolver, fetch_status_list=fetcher, now=now,
            keep_for=timedelta(minutes=settings.check_lifetime_minutes),
            identity=identity, box=box, sd_jwt=sd_jwt, fetch_resource=resources,
            catalog=catalog,
        )  # fmt: skip
    except WalletDeclinedError:
        return JSONResponse({}, headers=_NO_STORE)  # processed (§8.2); the request stays open
    except RequestError as exc:  # its count of refused replays is kept
        if isinstance(exc, OverBudgetAnswerError):
            record_strike("budget")
        return _oauth_error(exc)
    target = f"{settings.public_base_url}/requests/{request_id}"
    if received.response_code is not None:
        target += f"?response_code={received.response_code}"
    return JSONResponse({"redirect_uri": target}, headers=_NO_STORE)


@router.post("/shares/check")
def check_share(
    body: ShareCheck,
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    now: NowDep,
    sd_jwt: SdJwtDep,
) -> JSONResponse:
    """Fetch a wallet share link and check the presentation it publishes (SD-JWT VC in it
    too: anchors and fetchers from ``SdJwtDep``)."""
    state = request.app.state
    try:
        report = check_share_link(
            body.url, client=state.http_client, allow_hosts=settings.dev_allow_hosts,
            resolver=resolver, fetch_status_list=fetcher, trusted=list_trusted(uow), now=now,
            resolve_host=state.resolve_host, timeout=settings.fetch_timeout,
            fetch_resource=state.resource_fetcher, sd_jwt=sd_jwt,
        )  # fmt: skip
    except FetchError as exc:
        raise ProblemError(
            400, "Share link not available", str(exc), slug="share-link-unavailable"
        ) from None
    refuse_over_budget(report)
    checks = report.presentation.checks if report.presentation else report.own_checks
    credentials = [_credential_json(c, genuine_only=False) for c in report.credentials]
    own_problems, _ = _judge(tuple(checks), genuine_only=False)
    body_json = {
        "verified": report.verdict.value != "invalid" and not own_problems
        and all(c["verified"] for c in credentials),
        "verdict": report.verdict.value,
        "holder": report.presentation.holder if report.presentation else None,
        "checks": [c.to_json() for c in checks],
        "credentials": credentials,
    }  # fmt: skip
    return JSONResponse(body_json, status_code=200 if body_json["verified"] else 400)
