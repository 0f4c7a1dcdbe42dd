"""Pages: answer a verifier's request for credentials (OpenID4VP). The person pastes the
request (or opens ``/respond?request=openid4vp://…`` from a QR scan), sees who asks and
what for, ticks the credentials to send, and sees the outcome."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Form, Request
from fastapi.responses import Response

from credentials.errors import FetchError
from credentials.net import check_url_allowed
from credentials.oid4vp import AuthorizationRequest
from web_common.ui import FormDep, get_language

from ..db.tables import Account
from ..deps import AccountDep, BoxDep, HttpDep, NowDep, UowDep
from ..services import presentation_requests, wallet_credentials
from ..services.errors import InputError, NotFoundError
from ..services.request_view import describe_request, sendable
from ..services.transport import GuardedHttp
from ..web import page_router, render

router = page_router()

MAX_REQUEST = 64 * 1024

# What the person reads, by the service's error code (Dutch source strings, see en.json).
MESSAGES = {
    "empty_request": "Plak de link of de inhoud van de QR-code.",
    "invalid_request": (
        "Dit is geen geldig verzoek om bewijs. Controleer of je de hele link hebt gekopieerd."
    ),
    "private_address": (
        "Dit verzoek stuurt je antwoord naar een adres dat de portemonnee niet mag bereiken "
        "(een intern of privé-adres, of geen beveiligde verbinding). Er is niets verstuurd."
    ),
    "verifier_unreachable": (
        "De controleur is nu niet bereikbaar. Er is niets verstuurd; probeer het later opnieuw."
    ),
    "verifier_refused": "De controleur heeft je antwoord geweigerd.",
    "nothing_chosen": "Kies minstens één bewijs om te sturen.",
    "not_sendable": ("Een ingetrokken, geschorst, verlopen of ongeldig bewijs kun je niet sturen."),
    "not_found": "Een gekozen bewijs staat niet in je portemonnee.",
}


def _form(
    request: Request, text: str, error: str | None, technical: str | None, status: int
) -> Response:
    return render(
        request,
        "wallet/respond.html",
        {"request_text": text, "error": error, "technical": technical, "view": None},
        status_code=status,
    )


def _check_target(parsed: AuthorizationRequest, http: GuardedHttp) -> None:
    try:
        check_url_allowed(parsed.response_uri, http.allow_hosts, resolve=http.resolve)
    except FetchError as exc:
        raise InputError("private_address", str(exc)) from None


def _preview(
    request: Request,
    text: str,
    account: Account,
    uow: UowDep,
    http: GuardedHttp,
    *,
    error: str | None = None,
    chosen: frozenset[str] = frozenset(),
    status: int = 200,
) -> Response:
    try:
        parsed = presentation_requests.read_request(text)
        _check_target(parsed, http)
    except InputError as exc:
        return _form(request, text, MESSAGES.get(exc.code, exc.detail), exc.detail, 400)
    rows = wallet_credentials.list_credentials(uow, account)
    view = describe_request(parsed, rows, lang=get_language(request))
    context: dict[str, Any] = {
        "request_text": text.strip(),
        "view": view,
        "error": error,
        "technical": None,
        "chosen": chosen,
    }
    return render(request, "wallet/respond.html", context, status_code=status)


@router.get("/respond")
def respond_page(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
) -> Response:
    """The paste form; with ``?request=openid4vp://…`` (a scanned QR code) the request."""
    text = request.query_params.get("request", "")
    if not text:
        return _form(request, "", None, None, 200)
    if len(text) > MAX_REQUEST:
        return _form(request, "", MESSAGES["invalid_request"], None, 400)
    return _preview(request, text, account, uow, http)


@router.post("/respond")
def respond_preview(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    request_text: Annotated[str, Form(alias="request", max_length=MAX_REQUEST)] = "",
) -> Response:
    return _preview(request, request_text, account, uow, http)


@router.post("/respond/send")
def respond_send(
    request: Request,
    form: FormDep,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    box: BoxDep,
    now: NowDep,
    request_text: Annotated[str, Form(alias="request", max_length=MAX_REQUEST)] = "",
) -> Response:
    chosen = [str(v) for v in form.getlist("credential")][:60]
    chosen_set = frozenset(chosen)
    try:
        parsed = presentation_requests.read_request(request_text)
        _check_target(parsed, http)
    except InputError as exc:
        return _form(request, request_text, MESSAGES.get(exc.code, exc.detail), exc.detail, 400)
    owned = {r.public_id: r for r in wallet_credentials.list_credentials(uow, account)}
    code: str | None = None
    if not chosen:
        code = "nothing_chosen"
    elif any(pid not in owned for pid in chosen):
        code = "not_found"
    elif not all(sendable(owned[pid]) for pid in chosen):
        code = "not_sendable"
    if code is not None:
        return _preview(
            request, request_text, account, uow, http,
            error=MESSAGES[code], chosen=chosen_set, status=400,
        )  # fmt: skip
    try:
        answered = presentation_requests.answer_request(
            uow, account, request_text, chosen, http=http, box=box, now=now
        )
    except NotFoundError:
        return _preview(
            request, request_text, account, uow, http,
            error=MESSAGES["not_found"], chosen=chosen_set, status=400,
        )  # fmt: skip
    except InputError as exc:
        return _preview(
            request, request_text, account, uow, http,
            error=MESSAGES.get(exc.code, exc.detail), chosen=chosen_set, status=400,
        )  # fmt: skip
    redirect = answered.redirect_uri
    if redirect is not None and urlsplit(redirect).scheme not in ("https", "http"):
        redirect = None  # only web links are offered to click
    name = parsed.client_metadata.get("client_name")
    return render(
        request,
        "wallet/respond_sent.html",
        {
            "verifier": answered.verifier,
            "client_name": name if isinstance(name, str) else None,
            "redirect_uri": redirect,
            "sent": [owned[pid] for pid in dict.fromkeys(chosen)],
        },
    )
