""" "Vraag om bewijs": the employer makes an OpenID4VP request, shows its QR code and link,
and waits; once the wallet has answered, the result page opens.

Only the browser that made a request sees its result: the request ids are remembered in the
employer's (signed) session. Anyone else who opens ``/requests/{id}`` — for example the
holder's phone after the wallet's redirect — sees a neutral "sent" page.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from web_common.ui import PageError, get_session, verify_csrf

from ..db.request_tables import PresentationRequest
from ..deps import NowDep, SettingsDep, UowDep
from ..services.presentation_requests import create_presentation_request, request_link
from ..services.submissions import find_by_request
from .rendering import render

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

_SESSION_KEY = "requests"
_KEEP = 5


def _owned(request: Request) -> list[str]:
    owned = get_session(request).get(_SESSION_KEY) or []
    return [r for r in owned if isinstance(r, str)]


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def _state(row: PresentationRequest, now: datetime) -> str:
    if row.status != "pending":
        return row.status
    return "expired" if now > _aware(row.expires_at, now) else "pending"


@router.post("/requests")
def new_request(request: Request, uow: UowDep, settings: SettingsDep, now: NowDep) -> Response:
    created = create_presentation_request(uow, public_base_url=settings.public_base_url, now=now)
    uow.commit()
    session = get_session(request)
    session.set(_SESSION_KEY, [*_owned(request), created.id][-_KEEP:])
    return RedirectResponse(f"/requests/{created.id}", status_code=303)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def waiting(
    request_id: str, request: Request, uow: UowDep, settings: SettingsDep, now: NowDep
) -> Response:
    row = uow.session.get(PresentationRequest, request_id) if len(request_id) <= 64 else None
    if row is None:
        raise PageError(404, "Pagina niet gevonden", "Dit verzoek om bewijs bestaat niet.")
    if request_id not in _owned(request):
        return render(request, "verifier/request_sent.html")
    state = _state(row, now)
    if state == "answered":
        submission = find_by_request(uow, request_id, now=now)
        if submission is not None:
            return RedirectResponse(f"/check/{submission.id}", status_code=303)
        state = "gone"
    context = {
        "request_id": request_id,
        "state": state,
        "link": request_link(settings.public_base_url, row.id, row.nonce),
        "expires_at": _aware(row.expires_at, now),
    }
    return render(request, "verifier/request_wait.html", context)


@router.get("/requests/{request_id}/state")
def request_state(request_id: str, request: Request, uow: UowDep, now: NowDep) -> JSONResponse:
    """For the waiting page's script: pending, answered or expired (owner only)."""
    row = uow.session.get(PresentationRequest, request_id) if len(request_id) <= 64 else None
    if row is None or request_id not in _owned(request):
        return JSONResponse({"state": "unknown"}, status_code=404,
                            headers={"Cache-Control": "no-store"})  # fmt: skip
    return JSONResponse({"state": _state(row, now)}, headers={"Cache-Control": "no-store"})
