""" "Vraag om bewijs": the employer makes an OpenID4VP request, shows its QR code and link,
and waits; once the wallet has answered, the result page opens.

Only the browser that made a request sees its result: the request ids are remembered in the
employer's (signed) session. Anyone else who opens ``/requests/{id}`` — for example the
holder's phone after the wallet's redirect — sees a neutral "sent" page. The wallet's
redirect after a HAIP answer carries a one-time ``response_code`` (OpenID4VP §13.3): it
opens the result only in the browser whose session made the request, and the code is
checked against the one the wallet got.

Where the browser has the Digital Credentials API, the page offers a button that asks the
wallet through it (``openid4vp-v1-signed``) and posts the wallet's encrypted answer here;
otherwise the QR code and the same-device link remain.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from credentials.oid4vp_verifier import DC_API_PROTOCOL
from web_common.bodies import body_of_type
from web_common.ui import PageError, get_session, page_router, render

from ..db.request_tables import PresentationRequest
from ..deps import (
    BoxDep,
    CatalogDep,
    FetcherDep,
    IdentityDep,
    NowDep,
    ResolverDep,
    SdJwtDep,
    SettingsDep,
    UowDep,
)
from ..services import use_cases
from ..services.presentation_requests import (
    BY_VALUE,
    HAIP,
    RequestError,
    dc_api_request_object,
    link_for,
    response_code_matches,
)
from ..services.submissions import find_by_request

router = page_router()

_SESSION_KEY = "requests"
_KEEP = 5


def _owned(request: Request) -> list[str]:
    owned = get_session(request).get(_SESSION_KEY) or []
    return [r for r in owned if isinstance(r, str)]


def _state(row: PresentationRequest, now: datetime) -> str:
    if row.status != "pending":
        return row.status
    return "expired" if now > row.expires_at else "pending"


@router.post("/requests")
def new_request(
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    now: NowDep,
    identity: IdentityDep,
    box: BoxDep,
    profile: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """A new request; ``profile=by_value`` makes the simple request our own wallet reads
    today, anything else the default (HAIP unless configured otherwise)."""
    chosen = profile if profile in (HAIP, BY_VALUE) else settings.default_request_profile
    created = use_cases.create_presentation_request(
        uow, public_base_url=settings.public_base_url, now=now, profile=chosen,
        identity=identity, box=box,
    )  # fmt: skip
    session = get_session(request)
    session.set(_SESSION_KEY, [*_owned(request), created.id][-_KEEP:])
    return RedirectResponse(f"/requests/{created.id}", status_code=303)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def waiting(
    request_id: str,
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    now: NowDep,
    identity: IdentityDep,
    response_code: str = "",
) -> Response:
    row = uow.session.get(PresentationRequest, request_id) if len(request_id) <= 64 else None
    if row is None:
        raise PageError(404, "Pagina niet gevonden", "Dit verzoek om bewijs bestaat niet.")
    if request_id not in _owned(request):
        return render(request, "verifier/request_sent.html")
    if response_code and not response_code_matches(row, response_code):
        raise PageError(404, "Pagina niet gevonden", "Deze link hoort niet bij dit verzoek.")
    state = _state(row, now)
    if state == "answered" and row.same_device and not response_code:
        # Answered through the same-device link: the result opens only with the response
        # code the wallet's redirect brings (§13.3), so a relayed link cannot fix a session.
        state = "confirm"
    if state == "answered":
        submission = find_by_request(uow, request_id, now=now)
        if submission is not None:
            return RedirectResponse(f"/check/{submission.id}", status_code=303)
        state = "gone"
    context = {
        "request_id": request_id,
        "state": state,
        "link": link_for(row, settings.public_base_url, identity),
        "same_device_link": link_for(row, settings.public_base_url, identity, same_device=True),
        "haip": row.profile == HAIP,
        "expires_at": row.expires_at,
    }
    return render(request, "verifier/request_wait.html", context)


_NO_STORE = {"Cache-Control": "no-store"}


def _owned_haip_row(request: Request, uow: UowDep, request_id: str) -> PresentationRequest | None:
    row = uow.session.get(PresentationRequest, request_id) if len(request_id) <= 64 else None
    if row is None or row.profile != HAIP or request_id not in _owned(request):
        return None
    return row


def _dc_error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": detail}, status_code=status,
                        headers=_NO_STORE)  # fmt: skip


@router.get("/requests/{request_id}/dc-api")
def dc_api_request(
    request_id: str,
    request: Request,
    uow: UowDep,
    settings: SettingsDep,
    identity: IdentityDep,
    box: BoxDep,
    now: NowDep,
    catalog: CatalogDep,
) -> JSONResponse:
    """For the page's script: the ``navigator.credentials.get`` request (owner only)."""
    if _owned_haip_row(request, uow, request_id) is None:
        return _dc_error(404, "invalid_request", "no such presentation request")
    try:
        token = dc_api_request_object(
            uow, request_id, identity=identity, box=box,
            public_base_url=settings.public_base_url, now=now, catalog=catalog,
        )  # fmt: skip
    except RequestError as exc:
        return _dc_error(exc.status, exc.oauth_error, str(exc))
    return JSONResponse({"protocol": DC_API_PROTOCOL, "data": {"request": token}},
                        headers=_NO_STORE)  # fmt: skip


_MAX_DC_API_BODY = 4 * 1024 * 1024
JsonBody = Annotated[bytes | None, Depends(body_of_type("application/json", _MAX_DC_API_BODY))]


@router.post("/requests/{request_id}/dc-api")
def dc_api_response(
    request_id: str,
    request: Request,
    raw: JsonBody,
    uow: UowDep,
    settings: SettingsDep,
    resolver: ResolverDep,
    fetcher: FetcherDep,
    box: BoxDep,
    now: NowDep,
    sd_jwt: SdJwtDep,
    catalog: CatalogDep,
) -> JSONResponse:
    """The ``data`` of the credential the browser's Digital Credentials API returned,
    posted by the page's script as ``{"data": {...}}`` (with the CSRF header)."""
    if _owned_haip_row(request, uow, request_id) is None:
        return _dc_error(404, "invalid_request", "no such presentation request")
    try:
        body = json.loads(raw) if raw is not None else None
    except (ValueError, RecursionError):
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return _dc_error(400, "invalid_request", 'the body must be {"data": {...}}')
    try:
        use_cases.receive_dc_api_response(
            uow, request_id, data, public_base_url=settings.public_base_url, resolver=resolver,
            fetch_status_list=fetcher, now=now, box=box, sd_jwt=sd_jwt, catalog=catalog,
            keep_for=timedelta(minutes=settings.check_lifetime_minutes),
        )  # fmt: skip
    except RequestError as exc:
        return _dc_error(exc.status, exc.oauth_error, str(exc))
    return JSONResponse({"redirect": f"/requests/{request_id}"}, headers=_NO_STORE)


@router.get("/requests/{request_id}/state")
def request_state(request_id: str, request: Request, uow: UowDep, now: NowDep) -> JSONResponse:
    """For the waiting page's script: pending, answered or expired (owner only)."""
    row = uow.session.get(PresentationRequest, request_id) if len(request_id) <= 64 else None
    if row is None or request_id not in _owned(request):
        return JSONResponse({"state": "unknown"}, status_code=404,
                            headers={"Cache-Control": "no-store"})  # fmt: skip
    return JSONResponse({"state": _state(row, now)}, headers={"Cache-Control": "no-store"})
