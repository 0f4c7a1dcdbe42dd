"""Pages: answer a verifier's request for credentials (OpenID4VP 1.0). The person pastes the
request (or opens ``/respond?request=openid4vp://…`` / ``haip-vp://…`` from a QR scan),
sees who asks and what for, ticks the credentials and the claims to reveal, and sees the
outcome. Nothing is sent before the person presses send."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from cryptography import x509
from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.ui import FormDep, get_language, page_router, render
from web_common.ui.sessions import DEFAULT_CSP

from ..db.tables import Account, StoredCredential
from ..deps import AccountDep, BoxDep, HttpDep, NowDep, UowDep, VerifierAnchorsDep
from ..services import presentation_requests, wallet_credentials
from ..services.errors import InputError, NotFoundError, SelectionError
from ..services.presentation_requests import Choice, LoadedRequest
from ..services.request_view import companion_ids, describe_request
from ..services.transport import GuardedHttp

router = page_router()

MAX_REQUEST = 64 * 1024
MAX_REQUEST_OBJECT = 128 * 1024

_UNUSABLE = (
    "Dit verzoek is niet in orde en kan daarom niet veilig worden beantwoord. Er is niets "
    "verstuurd."
)

# What the person reads, by the service's error code (Dutch source strings, see en.json).
MESSAGES = {
    "empty_request": "Plak de link of de inhoud van de QR-code.",
    "empty": "Plak de link of de inhoud van de QR-code.",
    "invalid_request": (
        "Dit is geen geldig verzoek om bewijs. Controleer of je de hele link hebt gekopieerd."
    ),
    "too_large": (
        "Dit is geen geldig verzoek om bewijs. Controleer of je de hele link hebt gekopieerd."
    ),
    "request_unreachable": (
        "Het verzoek kon niet worden opgehaald bij de controleur. Er is niets verstuurd; "
        "probeer het later opnieuw of vraag een nieuwe QR-code."
    ),
    "unsigned": (
        "Deze controleur moet zijn verzoek ondertekenen, maar dit verzoek is niet ondertekend. "
        "Er is niets verstuurd."
    ),
    "bad_signature": (
        "De handtekening onder dit verzoek klopt niet: het kan onderweg zijn veranderd of "
        "nagemaakt. Er is niets verstuurd."
    ),
    "hash_mismatch": (
        "Het certificaat bij dit verzoek hoort niet bij de controleur die het verzoek noemt. "
        "Er is niets verstuurd."
    ),
    "no_certificate": (
        "Het certificaat bij dit verzoek hoort niet bij de controleur die het verzoek noemt. "
        "Er is niets verstuurd."
    ),
    "client_id_mismatch": (
        "Het certificaat bij dit verzoek hoort niet bij de controleur die het verzoek noemt. "
        "Er is niets verstuurd."
    ),
    "untrusted_verifier": (
        "Deze controleur staat niet bij de erkende controleurs van je portemonnee. Er is "
        "niets verstuurd."
    ),
    "expired": "Dit verzoek is verlopen. Vraag de controleur om een nieuwe QR-code.",
    "not_yet_valid": _UNUSABLE,
    "wrong_typ": _UNUSABLE,
    "wrong_aud": _UNUSABLE,
    "malformed": _UNUSABLE,
    "wallet_nonce_mismatch": _UNUSABLE,
    "invalid_dcql": _UNUSABLE,
    "no_encryption_key": _UNUSABLE,
    "dcql_over_budget": (
        "Dit verzoek vraagt om te veel tegelijk; je portemonnee beantwoordt het niet."
    ),
    "unsupported_response_mode": (
        "Deze controleur wil het antwoord op een manier ontvangen die je portemonnee niet "
        "kent. Er is niets verstuurd."
    ),
    "unsupported_client_id": (
        "Je portemonnee kan niet vaststellen wie deze controleur is (een soort kenmerk dat "
        "ze niet kent). Er is niets verstuurd."
    ),
    "unsupported_transaction_data": (
        "Dit verzoek vraagt je iets te bevestigen wat je portemonnee nog niet kan tonen. Er "
        "is niets verstuurd."
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
    "not_matching": "Een gekozen bewijs past niet bij wat er gevraagd wordt.",
    "one_only": "Voor deze vraag kun je maar één bewijs sturen.",
    "incomplete": "Kies een bewijs voor elke vraag die nodig is.",
    "no_holder_key": (
        "Dit bewijs is niet aan een sleutel in je portemonnee gebonden; je kunt het niet sturen."
    ),
    "mixed_holders": (
        "Deze bewijzen horen bij verschillende sleutels (na een import). Stuur ze apart."
    ),
    "claims_needed": (
        "Je hebt te weinig gegevens aangevinkt: de controleur heeft van dit bewijs minstens de "
        "genoemde gegevens nodig. Er is niets verstuurd."
    ),
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


def _message(exc: InputError) -> str:
    return MESSAGES.get(exc.code, exc.detail)


def _load(
    text: str,
    http: GuardedHttp,
    now: Any,
    anchors: list[x509.Certificate],
    request_object: str = "",
    wallet_nonce: str = "",
) -> LoadedRequest:
    return presentation_requests.load_request(
        text,
        http=http,
        now=now,
        trust_anchors=anchors,
        request_object=request_object or None,
        wallet_nonce=wallet_nonce or None,
    )


def _preview(
    request: Request,
    loaded: LoadedRequest,
    rows: list[StoredCredential],
    *,
    error: str | None = None,
    chosen: frozenset[str] = frozenset(),
    ticked: frozenset[str] | None = None,
    needed: SelectionError | None = None,
    status: int = 200,
) -> Response:
    consent = presentation_requests.consent(loaded.request, rows)
    lacking = {
        (str(n["query"]), str(n["credential"])): [tuple(p) for p in n["claims"]]
        for n in (needed.needed if needed is not None else [])
    }
    view = describe_request(
        loaded.request, consent.match, rows, claims_of=consent.claims,
        disclosable_of=consent.disclosable, needed=lacking, lang=get_language(request),
    )  # fmt: skip
    context: dict[str, Any] = {
        "request_text": loaded.link,
        "request_object": loaded.request_object or "",
        "wallet_nonce": loaded.wallet_nonce or "",
        "view": view,
        "error": error,
        "technical": None,
        "chosen": chosen,
        "ticked": ticked,
    }
    page = render(request, "wallet/respond.html", context, status_code=status)
    origin = _web_origin(loaded.request.response_uri)
    if origin is not None:
        # the send form may be redirected to the verifier afterwards (§8.2 redirect_uri)
        page.headers["Content-Security-Policy"] = DEFAULT_CSP.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return page


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def _web_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a web address, None for anything else (or anything a CSP
    source expression could misread)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin if _ORIGIN.match(origin) else None


def _open(
    request: Request,
    text: str,
    account: Account,
    uow: UowDep,
    http: GuardedHttp,
    now: Any,
    anchors: list[x509.Certificate],
) -> Response:
    try:
        loaded = _load(text, http, now, anchors)
    except InputError as exc:
        return _form(request, text, _message(exc), exc.detail, 400)
    return _preview(request, loaded, wallet_credentials.list_credentials(uow, account))


@router.get("/respond")
def respond_page(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    now: NowDep,
    anchors: VerifierAnchorsDep,
) -> Response:
    """The paste form; with ``?request=openid4vp://…`` (a scanned QR code) the request."""
    text = request.query_params.get("request", "")
    if not text:
        return _form(request, "", None, None, 200)
    if len(text) > MAX_REQUEST:
        return _form(request, "", MESSAGES["invalid_request"], None, 400)
    return _open(request, text, account, uow, http, now, anchors)


@router.post("/respond")
def respond_preview(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    now: NowDep,
    anchors: VerifierAnchorsDep,
    request_text: Annotated[str, Form(alias="request", max_length=MAX_REQUEST)] = "",
) -> Response:
    return _open(request, request_text, account, uow, http, now, anchors)


def _choices(form: Any, loaded: LoadedRequest, owned: dict[str, StoredCredential]) -> list[Choice]:
    """The ticked credentials (``<query id>:<credential id>``, or a bare credential id) and
    the claims left ticked (``<query id>:<credential id>:<index>``)."""
    values = [str(v) for v in form.getlist("credential")][:60]
    ids = [v.rsplit(":", 1)[-1] for v in values]
    if any(pid not in owned for pid in ids):
        raise NotFoundError("Een gekozen bewijs staat niet in je portemonnee.")
    claims_shown = form.get("claims_shown") == "1"
    ticked: dict[str, set[int]] = {}
    for raw in [str(v) for v in form.getlist("claim")][:600]:
        key, _, index = raw.rpartition(":")
        if index.isdigit() and len(index) < 4:
            ticked.setdefault(key, set()).add(int(index))
    bare = [v for v in values if ":" not in v]
    match = presentation_requests.match_rows(loaded.request, list(owned.values()))
    choices = presentation_requests.choices_for(match, bare)
    for value in values:
        if ":" in value:
            query_id, public_id = value.split(":", 1)
            choices.append(Choice(query_id, public_id))
    choices = presentation_requests.with_companions(match, choices)
    if not claims_shown:
        return choices
    companions = companion_ids(match)
    ticked_choices = [
        Choice(c.query_id, c.public_id, frozenset(ticked.get(f"{c.query_id}:{c.public_id}", ())))
        for c in choices
    ]
    # a companion whose every claim was unticked does not go along
    return [c for c in ticked_choices if c.claims or c.query_id not in companions]


@router.post("/respond/send")
def respond_send(
    request: Request,
    form: FormDep,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    box: BoxDep,
    now: NowDep,
    anchors: VerifierAnchorsDep,
    request_text: Annotated[str, Form(alias="request", max_length=MAX_REQUEST)] = "",
    request_object: Annotated[str, Form(max_length=MAX_REQUEST_OBJECT)] = "",
    wallet_nonce: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        loaded = _load(request_text, http, now, anchors, request_object, wallet_nonce)
    except InputError as exc:
        return _form(request, request_text, _message(exc), exc.detail, 400)
    rows = wallet_credentials.list_credentials(uow, account)
    owned = {r.public_id: r for r in rows}
    chosen = frozenset(str(v) for v in form.getlist("credential"))
    try:
        choices = _choices(form, loaded, owned)
        answered = presentation_requests.answer_request(
            uow, account, loaded, choices, http=http, box=box, now=now
        )
    except NotFoundError:
        return _preview(
            request, loaded, rows, error=MESSAGES["not_found"], chosen=chosen, status=400
        )
    except SelectionError as exc:
        # the person's own ticks stay, and each card says what it needs at least
        ticked = frozenset(str(v) for v in form.getlist("claim"))
        return _preview(request, loaded, rows, error=_message(exc), chosen=chosen,
                        ticked=ticked, needed=exc, status=400)  # fmt: skip
    except InputError as exc:
        return _preview(request, loaded, rows, error=_message(exc), chosen=chosen, status=400)
    redirect = answered.redirect_uri
    if redirect is not None and urlsplit(redirect).scheme not in ("https", "http"):
        redirect = None  # only web links are offered to click
    if redirect is not None and _web_origin(redirect) == _web_origin(loaded.request.response_uri):
        # the verifier's own page, which the consent page's CSP allowed (§8.2)
        return RedirectResponse(redirect, status_code=303)
    return render(
        request,
        "wallet/respond_sent.html",
        {
            "verifier": answered.verifier,
            "client_name": loaded.request.verifier_name,
            "redirect_uri": redirect,
            "sent": [owned[pid] for pid in dict.fromkeys(c.public_id for c in choices)],
        },
    )
