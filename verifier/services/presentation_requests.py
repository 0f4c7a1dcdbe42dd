"""OpenID4VP presentation requests: make one (link + QR for a wallet), receive the wallet's
direct_post answer once, and keep the checked result for the employer's page."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from credentials.did import DidResolver
from credentials.oid4vp import (
    OpenId4VpError,
    build_authorization_request,
    mbo_dcql_query,
    parse_response_form,
    request_uri,
)
from credentials.related_resources import ResourceFetcher
from credentials.results import Outcome
from credentials.verification import StatusFetcher
from web_common.db import UnitOfWork

from ..db.request_tables import PresentationRequest
from .checking import Report, check_document
from .submissions import DEFAULT_LIFETIME, save_submission
from .trust import list_trusted

__all__ = [
    "CreatedRequest",
    "RequestError",
    "create_presentation_request",
    "receive_response",
    "request_link",
    "response_uri_for",
]

REQUEST_LIFETIME = timedelta(minutes=15)
QUERY_ID = "mbo_credentials"
CLIENT_NAME = "Werkgever"


class RequestError(ValueError):
    """The request is unknown, expired or already answered, or the answer is malformed.
    ``oauth_error`` is the OpenID4VP error code to send back."""

    def __init__(self, oauth_error: str, detail: str) -> None:
        super().__init__(detail)
        self.oauth_error = oauth_error


@dataclass(frozen=True, slots=True)
class CreatedRequest:
    id: str
    link: str
    expires_at: datetime


def response_uri_for(public_base_url: str, request_id: str) -> str:
    return f"{public_base_url.rstrip('/')}/oid4vp/response/{request_id}"


def request_link(public_base_url: str, request_id: str, nonce: str) -> str:
    """The ``openid4vp://`` link (request by value) a wallet opens or scans."""
    request = build_authorization_request(
        response_uri=response_uri_for(public_base_url, request_id),
        nonce=nonce,
        state=request_id,
        dcql_query=mbo_dcql_query(QUERY_ID),
        client_name=CLIENT_NAME,
    )
    return request_uri(request)


def create_presentation_request(
    uow: UnitOfWork,
    *,
    public_base_url: str,
    now: datetime,
    target: str | None = None,
) -> CreatedRequest:
    """A request for any of the wallet holder's mbo credentials, valid for 15 minutes."""
    request_id = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    expires_at = now + REQUEST_LIFETIME
    uow.session.add(
        PresentationRequest(
            id=request_id, nonce=nonce, target=target, status="pending", created_at=now,
            expires_at=expires_at,
        )
    )  # fmt: skip
    return CreatedRequest(request_id, request_link(public_base_url, request_id, nonce), expires_at)


def result_key(secret_key: str, request_id: str) -> str:
    """The key that reads a request's result through the API. The request id travels in the
    QR code (``state``, ``response_uri``), so it cannot be what unlocks the result; the key is
    an HMAC of it under the service's secret and goes only to whoever made the request."""
    mac = hmac.new(secret_key.encode("utf-8"), b"oid4vp result\x00" + request_id.encode(),
                   hashlib.sha256).digest()  # fmt: skip
    return mac[:24].hex()


def result_key_matches(secret_key: str, request_id: str, key: str) -> bool:
    return hmac.compare_digest(result_key(secret_key, request_id).encode(), key.encode())


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def receive_response(
    uow: UnitOfWork,
    request_id: str,
    form: dict[str, str],
    *,
    public_base_url: str,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    now: datetime,
    keep_for: timedelta = DEFAULT_LIFETIME,
    fetch_resource: ResourceFetcher | None = None,
) -> Report:
    """Check the wallet's answer against the stored request and keep the result, once.
    The presentations are also kept for ``keep_for`` so the employer's page can show them
    in full (and stack them) — see :mod:`verifier.services.submissions`."""
    row = uow.session.scalar(
        select(PresentationRequest).where(PresentationRequest.id == request_id).with_for_update()
    )
    if row is None:
        raise RequestError("invalid_request", "this presentation request is unknown")
    if row.status != "pending":
        raise RequestError("invalid_request", "this presentation request was already answered")
    if now > _aware(row.expires_at, now):
        raise RequestError("invalid_request", "this presentation request has expired")
    try:
        vp_token, state = parse_response_form(form)
    except OpenId4VpError as exc:
        raise RequestError("invalid_request", str(exc)) from None
    if state != request_id:
        raise RequestError("invalid_request", "state does not match the request")
    presentations = vp_token.get(QUERY_ID)
    if presentations is None or len(vp_token) != 1:
        raise RequestError("invalid_request", f"vp_token must answer the query {QUERY_ID!r}")
    client_id = "redirect_uri:" + response_uri_for(public_base_url, request_id)
    trusted = list_trusted(uow)
    reports = [
        check_document(
            presentation, resolver=resolver, fetch_status_list=fetch_status_list,
            trusted=trusted, now=now, challenge=row.nonce, domain=client_id,
            fetch_resource=fetch_resource,
        )
        for presentation in presentations
    ]  # fmt: skip
    over = next((r.budget_failure for r in reports if r.budget_failure is not None), None)
    if over is not None:
        # A hostile answer, not a verdict: refused without using up the request.
        raise RequestError("invalid_request", over.detail)
    for report in reports:
        own = report.presentation.checks if report.presentation else ()
        if report.presentation is None or any(c.outcome is Outcome.FAILED for c in own):
            # Not this holder's answer to this request (no presentation, a bad proof, another
            # nonce or audience): refused without using the request up, so whoever else saw
            # the QR code cannot spoil it and the holder's real answer still works.
            raise RequestError(
                "invalid_request",
                "the presentation is not a valid answer to this request "
                "(proof, nonce or audience); the request is still open",
            )
    merged = Report(
        tuple(c for r in reports for c in r.credentials),
        reports[0].presentation if len(reports) == 1 else None,
        tuple(ch for r in reports if r.presentation for ch in r.presentation.checks),
    )
    row.status = "answered"
    row.answered_at = now
    row.result = json.dumps(_summary(merged), ensure_ascii=False)
    save_submission(uow, list(presentations), source="oid4vp", now=now, lifetime=keep_for,
                    challenge=row.nonce, domain=client_id, request_id=request_id)  # fmt: skip
    return merged


def _summary(report: Report) -> dict[str, Any]:
    return {
        "verdict": report.verdict.value,
        "presentationChecks": [c.to_json() for c in report.own_checks],
        "credentials": [
            {"title": c.title, "issuerName": c.issuer_name, **c.result.to_json()}
            for c in report.credentials
        ],
    }
