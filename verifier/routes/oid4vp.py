"""OpenID4VP for employers' systems and pages: make a presentation request (link + QR),
receive the wallet's direct_post answer, read the result; and check a share link."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from credentials.errors import FetchError
from web_common.limits import BodyTooLargeError
from web_common.problems import ProblemError
from web_common.qr import qr_svg

from ..db.request_tables import PresentationRequest
from ..deps import FetcherDep, NowDep, ResolverDep, SdJwtDep, SettingsDep, UowDep
from ..services.presentation_requests import (
    RequestError,
    create_presentation_request,
    receive_response,
    request_link,
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


class ShareCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)


@router.post("/oid4vp/requests", status_code=201)
def new_request(
    body: NewRequest, uow: UowDep, settings: SettingsDep, now: NowDep
) -> dict[str, Any]:
    created = create_presentation_request(
        uow, public_base_url=settings.public_base_url, now=now, target=body.target
    )
    uow.commit()
    base = settings.public_base_url
    key = result_key(settings.secret_key.get_secret_value(), created.id)
    return {
        "id": created.id,
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
def request_qr(request_id: str, uow: UowDep, settings: SettingsDep) -> Response:
    row = _row(uow, request_id)
    link = request_link(settings.public_base_url, row.id, row.nonce)
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


@router.post("/oid4vp/response/{request_id}")
def direct_post(
    request_id: str,
    form: Annotated[dict[str, str] | None, Depends(read_response_form)],
    uow: UowDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    now: NowDep,
) -> JSONResponse:
    """The wallet's Authorization Response (``application/x-www-form-urlencoded``)."""
    no_store = {"Cache-Control": "no-store"}
    if form is None:
        return JSONResponse({"error": "invalid_request", "error_description": "bad form body"},
                            status_code=400, headers=no_store)  # fmt: skip
    try:
        receive_response(
            uow, request_id, form, public_base_url=settings.public_base_url,
            resolver=resolver, fetch_status_list=fetcher, now=now,
            keep_for=timedelta(minutes=settings.check_lifetime_minutes),
        )  # fmt: skip
    except RequestError as exc:
        return JSONResponse(
            {"error": exc.oauth_error, "error_description": str(exc)},
            status_code=400,
            headers=no_store,
        )
    uow.commit()
    return JSONResponse(
        {"redirect_uri": f"{settings.public_base_url}/requests/{request_id}"}, headers=no_store
    )


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
            resolve_host=state.resolve_host, timeout=settings.fetch_timeout, sd_jwt=sd_jwt,
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
