"""Answering an OpenID4VP request from a verifier (by link or QR code) with credentials the
person chooses: a presentation signed with the holder key, bound to the request's ``nonce``
(challenge) and ``client_id`` (domain), posted to the verifier's ``response_uri``
(``direct_post``) under the wallet's network rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from credentials.errors import FetchError
from credentials.oid4vp import (
    AuthorizationRequest,
    OpenId4VpError,
    build_response_form,
    parse_authorization_request,
)
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Account
from .errors import InputError
from .shares import _selected, _signing_key, build_presentation
from .transport import GuardedHttp

__all__ = ["AnsweredRequest", "answer_request", "read_request"]


def read_request(text: str) -> AuthorizationRequest:
    """The verifier's request from its link or QR content; raises :class:`InputError`."""
    text = (text or "").strip()
    if not text:
        raise InputError("empty_request", "Plak de link of de inhoud van de QR-code.")
    try:
        return parse_authorization_request(text)
    except OpenId4VpError as exc:
        raise InputError(
            "invalid_request", f"Dit is geen geldig verzoek om bewijs ({exc})."
        ) from None


@dataclass(frozen=True, slots=True)
class AnsweredRequest:
    verifier: str
    status: int
    redirect_uri: str | None


def answer_request(
    uow: UnitOfWork,
    account: Account,
    text: str,
    public_ids: Sequence[str],
    *,
    http: GuardedHttp,
    box: SecretBox,
    now: datetime,
) -> AnsweredRequest:
    """Send the chosen credentials to the verifier that made the request in ``text``."""
    request = read_request(text)
    rows = _selected(uow, account, public_ids)
    key = _signing_key(uow, account, rows, box)
    presentation = build_presentation(
        rows, key, challenge=request.nonce, domain=request.client_id, now=now
    )
    form = build_response_form(request, {request.query_ids[0]: [presentation]})
    try:
        answer = http.post(request.response_uri, form=form, max_bytes=64 * 1024)
    except FetchError as exc:
        raise InputError(
            "verifier_unreachable", f"De controleur is niet bereikbaar of niet toegestaan ({exc})."
        ) from None
    if answer.status >= 400:
        detail = ""
        if isinstance(answer.body, Mapping):
            detail = str(answer.body.get("error_description") or answer.body.get("detail") or "")
        raise InputError(
            "verifier_refused", f"De controleur weigerde het antwoord ({detail[:200]})."
        )
    redirect = answer.body.get("redirect_uri") if isinstance(answer.body, Mapping) else None
    return AnsweredRequest(
        urlsplit(request.response_uri).netloc,
        answer.status,
        redirect if isinstance(redirect, str) else None,
    )
