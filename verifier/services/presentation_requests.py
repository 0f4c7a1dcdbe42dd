"""OpenID4VP presentation requests: make one (link + QR for a wallet), receive the wallet's
answer once, and keep the checked result for the employer's page.

Two profiles (``PresentationRequest.profile``):

- ``haip`` (the default): OpenID4VP 1.0 under HAIP 1.0. The link carries only
  ``client_id`` (``x509_hash:…``) and ``request_uri``; the wallet fetches the signed Request
  Object there (GET, or POST with ``wallet_nonce``), and posts an encrypted response
  (``direct_post.jwt``, ECDH-ES to a key made for this request) with a DCQL ``vp_token``
  of ``dc+sd-jwt`` or ``ldp_vc`` presentations. The same request can be answered through
  the browser's Digital Credentials API (``dc_api.jwt``, audience ``origin:<origin>``).
  After a good answer the wallet is sent back to the result page with a one-time response
  code (§13.3).
- ``by_value``: the unsigned request by value with ``direct_post`` that our own wallet reads
  today (``redirect_uri:`` client id, ``state`` = the request id).

A wrong answer (bad proof, other nonce or audience, wrong state, undecryptable) leaves the
request open; an answer to a request already answered is refused and logged (replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from credentials.did import DidResolver
from credentials.oid4vp import (
    OpenId4VpError,
    build_authorization_request,
    mbo_dcql_query,
    parse_response_form,
    request_uri,
)
from credentials.oid4vp_verifier import (
    AnsweredQuery,
    VerifierIdentity,
    authorization_link,
    build_dc_api_request_object,
    build_request_object,
    decrypt_response,
    match_vp_token,
    new_response_key,
    parse_response_payload,
    private_response_key,
    sign_request_object,
)
from credentials.related_resources import ResourceFetcher
from credentials.results import Outcome, Verdict, judge
from credentials.verification import StatusFetcher
from qualifications.catalog import Catalog
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox, SecretBoxError

from ..db.request_tables import PresentationRequest
from .checking import Report, check_document, is_sd_jwt
from .employer_query import employer_query
from .sd_jwt_fetching import SdJwtSupport
from .sd_jwt_grouping import merged_credentials
from .submissions import DEFAULT_LIFETIME, save_submission
from .trust import list_trusted

__all__ = [
    "BY_VALUE",
    "HAIP",
    "PROFILES",
    "SAME_DEVICE",
    "CreatedRequest",
    "OverBudgetAnswerError",
    "Received",
    "RequestError",
    "WalletDeclinedError",
    "create_presentation_request",
    "dc_api_request_object",
    "haip_query",
    "link_for",
    "origin_of",
    "receive_dc_api_response",
    "receive_response",
    "request_link",
    "request_object_for",
    "request_uri_for",
    "response_code_matches",
    "response_uri_for",
]

log = logging.getLogger(__name__)

REQUEST_LIFETIME = timedelta(minutes=15)
QUERY_ID = "mbo_credentials"
CLIENT_NAME = "Werkgever"
HAIP = "haip"
BY_VALUE = "by_value"
PROFILES = (HAIP, BY_VALUE)


class RequestError(ValueError):
    """The request is unknown, expired or already answered, or the answer is malformed.
    ``oauth_error`` is the OpenID4VP error code to send back; ``status`` the HTTP status."""

    def __init__(self, oauth_error: str, detail: str, *, status: int = 400) -> None:
        super().__init__(detail)
        self.oauth_error = oauth_error
        self.status = status


class OverBudgetAnswerError(RequestError):
    """The answer is over a work budget (``credentials.budget``): a hostile answer, not a
    verdict, refused without using up the request."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid_request", detail)


class WalletDeclinedError(RequestError):
    """The wallet's Authorization Error Response (§8.5, e.g. ``access_denied``): processed,
    answered 200 (§8.2), and the request stays open for another try."""

    def __init__(self, error: str) -> None:
        super().__init__(error[:64], "the wallet declined: " + error[:100], status=200)


@dataclass(frozen=True, slots=True)
class CreatedRequest:
    id: str
    link: str
    expires_at: datetime
    profile: str = BY_VALUE


@dataclass(frozen=True, slots=True)
class Received:
    """A good answer: the checked report and, for HAIP, the one-time response code that
    goes into the wallet's redirect."""

    report: Report
    response_code: str | None


def response_uri_for(public_base_url: str, request_id: str) -> str:
    return f"{public_base_url.rstrip('/')}/oid4vp/response/{request_id}"


SAME_DEVICE = "same-device"


def request_uri_for(public_base_url: str, request_id: str, *, same_device: bool = False) -> str:
    """Where the wallet fetches the signed Request Object (HAIP); the same-device link's
    ``request_uri`` says so (``?flow=same-device``)."""
    uri = f"{public_base_url.rstrip('/')}/oid4vp/request/{request_id}"
    return uri + f"?flow={SAME_DEVICE}" if same_device else uri


def origin_of(public_base_url: str) -> str:
    parts = urlsplit(public_base_url)
    return f"{parts.scheme}://{parts.netloc}"


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


def link_for(
    row: PresentationRequest,
    public_base_url: str,
    identity: VerifierIdentity,
    *,
    same_device: bool = False,
) -> str:
    """The link for the QR code (cross-device) or the same-device button, either profile."""
    if row.profile == HAIP:
        uri = request_uri_for(public_base_url, row.id, same_device=same_device)
        return authorization_link(identity.client_id, uri)
    return request_link(public_base_url, row.id, row.nonce)


def haip_query(catalog: Catalog | None = None) -> dict[str, Any]:
    """Any of our credentials: ``dc+sd-jwt`` per kind with its part codes, or ``ldp_vc``
    (:mod:`verifier.services.employer_query`; ``catalog`` gives the number of parts)."""
    return employer_query(catalog)


def create_presentation_request(
    uow: UnitOfWork,
    *,
    public_base_url: str,
    now: datetime,
    target: str | None = None,
    profile: str = BY_VALUE,
    identity: VerifierIdentity | None = None,
    box: SecretBox | None = None,
) -> CreatedRequest:
    """A request for any of the wallet holder's mbo credentials, valid for 15 minutes.
    HAIP needs the verifier's ``identity`` and the ``box`` that encrypts the request's
    response key at rest."""
    if profile not in PROFILES:
        raise ValueError(f"unknown request profile {profile!r}")
    request_id = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    expires_at = now + REQUEST_LIFETIME
    row = PresentationRequest(
        id=request_id, nonce=nonce, target=target, status="pending", created_at=now,
        expires_at=expires_at, profile=profile, replays=0,
    )  # fmt: skip
    if profile == HAIP:
        if identity is None or box is None:
            raise ValueError("a HAIP request needs the verifier identity and a secret box")
        row.state = secrets.token_urlsafe(24)
        key = new_response_key()
        row.response_key = box.encrypt(key.export_private().encode("utf-8")).decode("ascii")
        link = authorization_link(identity.client_id, request_uri_for(public_base_url, request_id))
    else:
        link = request_link(public_base_url, request_id, nonce)
    uow.session.add(row)
    return CreatedRequest(request_id, link, expires_at, profile)


def _open_haip_row(
    uow: UnitOfWork, request_id: str, now: datetime, *, for_update: bool = False
) -> PresentationRequest:
    query = select(PresentationRequest).where(PresentationRequest.id == request_id)
    row = uow.session.scalar(query.with_for_update() if for_update else query)
    if row is None or row.profile != HAIP:
        raise RequestError("invalid_request", "this presentation request is unknown", status=404)
    if row.status != "pending":
        raise RequestError("invalid_request", "this presentation request was already answered")
    if now > row.expires_at:
        raise RequestError("invalid_request", "this presentation request has expired")
    return row


def _response_key(row: PresentationRequest, box: SecretBox) -> Any:
    try:
        return private_response_key(box.decrypt((row.response_key or "").encode("ascii")).decode())
    except (SecretBoxError, OpenId4VpError, UnicodeError, ValueError):
        raise RequestError("server_error", "the request's response key is not readable",
                           status=500) from None  # fmt: skip


def request_object_for(
    uow: UnitOfWork,
    request_id: str,
    *,
    identity: VerifierIdentity,
    box: SecretBox,
    public_base_url: str,
    now: datetime,
    wallet_nonce: str | None = None,
    same_device: bool = False,
    catalog: Catalog | None = None,
) -> str:
    """The signed Request Object a wallet fetches at ``request_uri`` (while the request is
    open); ``wallet_nonce`` from a POST is repeated in it (§5.10). A fetch through the
    same-device link marks the request (the caller commits)."""
    if wallet_nonce is not None and (not wallet_nonce or len(wallet_nonce) > 256):
        raise RequestError("invalid_request", "wallet_nonce must be 1 to 256 characters")
    row = _open_haip_row(uow, request_id, now)
    if same_device and not row.same_device:
        row.same_device = True
    payload = build_request_object(
        identity=identity, response_uri=response_uri_for(public_base_url, row.id),
        nonce=row.nonce, state=row.state or "", dcql_query=haip_query(catalog),
        response_jwk=_response_key(row, box), wallet_nonce=wallet_nonce,
        client_name=CLIENT_NAME, now=now,
    )  # fmt: skip
    payload["exp"] = int(row.expires_at.timestamp())
    return sign_request_object(payload, identity)


def dc_api_request_object(
    uow: UnitOfWork,
    request_id: str,
    *,
    identity: VerifierIdentity,
    box: SecretBox,
    public_base_url: str,
    now: datetime,
    catalog: Catalog | None = None,
) -> str:
    """The signed request for ``navigator.credentials.get`` (``openid4vp-v1-signed``)."""
    row = _open_haip_row(uow, request_id, now)
    payload = build_dc_api_request_object(
        identity=identity, expected_origins=[origin_of(public_base_url)], nonce=row.nonce,
        dcql_query=haip_query(catalog), response_jwk=_response_key(row, box),
        client_name=CLIENT_NAME, now=now,
    )  # fmt: skip
    return sign_request_object(payload, identity)


def result_key(secret_key: str, request_id: str) -> str:
    """The key that reads a request's result through the API. The request id travels in the
    QR code (``state``, ``response_uri``), so it cannot be what unlocks the result; the key is
    an HMAC of it under the service's secret and goes only to whoever made the request."""
    mac = hmac.new(secret_key.encode("utf-8"), b"oid4vp result\x00" + request_id.encode(),
                   hashlib.sha256).digest()  # fmt: skip
    return mac[:24].hex()


def result_key_matches(secret_key: str, request_id: str, key: str) -> bool:
    return hmac.compare_digest(result_key(secret_key, request_id).encode(), key.encode())


def response_code_matches(row: PresentationRequest, code: str) -> bool:
    """Whether ``code`` is the response code the wallet's redirect carried for ``row``."""
    if not row.response_code_hash or not code or len(code) > 128:
        return False
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest.encode(), row.response_code_hash.encode())


def _locked_row(uow: UnitOfWork, request_id: str, now: datetime) -> PresentationRequest:
    """The request, locked; refuses unknown, expired and (logged) already answered ones."""
    row = uow.session.scalar(
        select(PresentationRequest).where(PresentationRequest.id == request_id).with_for_update()
    )
    if row is None:
        raise RequestError("invalid_request", "this presentation request is unknown")
    if row.status != "pending":
        row.replays = (row.replays or 0) + 1
        log.warning("refused a second answer to presentation request %s… (replay %d)",
                    request_id[:6], row.replays)  # fmt: skip
        raise RequestError("invalid_request", "this presentation request was already answered")
    if now > row.expires_at:
        raise RequestError("invalid_request", "this presentation request has expired")
    return row


def receive_response(
    uow: UnitOfWork,
    request_id: str,
    form: Mapping[str, str],
    *,
    public_base_url: str,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    now: datetime,
    keep_for: timedelta = DEFAULT_LIFETIME,
    identity: VerifierIdentity | None = None,
    box: SecretBox | None = None,
    sd_jwt: SdJwtSupport | None = None,
    fetch_resource: ResourceFetcher | None = None,
    catalog: Catalog | None = None,
) -> Received:
    """Check the wallet's answer (``direct_post`` or ``direct_post.jwt`` by the request's
    profile) against the stored request and keep the result, once. The presentations are
    also kept for ``keep_for`` so the employer's page can show them in full (and stack
    them) — see :mod:`verifier.services.submissions`.

    A replay (the request was answered) is refused before anything else; the caller
    commits even then, so the refused attempt is counted."""
    row = _locked_row(uow, request_id, now)
    if row.profile != HAIP:
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
        answered = [AnsweredQuery(QUERY_ID, "ldp_vc", tuple(presentations))]
        report = _check_answer(
            uow, row, answered, audience=client_id, resolver=resolver,
            fetch_status_list=fetch_status_list, now=now, keep_for=keep_for, sd_jwt=None,
            fetch_resource=fetch_resource,
        )  # fmt: skip
        return Received(report, None)
    if identity is None or box is None:
        raise ValueError("a HAIP answer needs the verifier identity and a secret box")
    if "error" in form and "response" not in form:
        # The wallet's Authorization Error Response (§8.3 allows it unencrypted).
        log.info("the wallet declined presentation request %s…: %s", request_id[:6],
                 form["error"][:64])  # fmt: skip
        raise WalletDeclinedError(form["error"])
    if "vp_token" in form:
        raise RequestError("invalid_request", "this request wants an encrypted response "
                           "(direct_post.jwt); a plain vp_token is refused")  # fmt: skip
    payload = _decrypt(form.get("response", ""), row, box)
    vp_token, state = _token_of(payload)
    if state is None or not row.state or not hmac.compare_digest(state.encode(),
                                                                 row.state.encode()):  # fmt: skip
        raise RequestError("invalid_request", "state does not match the request")
    answered = _match(vp_token, catalog)
    report = _check_answer(
        uow, row, answered, audience=identity.client_id, resolver=resolver,
        fetch_status_list=fetch_status_list, now=now, keep_for=keep_for, sd_jwt=sd_jwt,
        fetch_resource=fetch_resource,
    )  # fmt: skip
    return Received(report, _new_response_code(row))


def receive_dc_api_response(
    uow: UnitOfWork,
    request_id: str,
    data: Mapping[str, Any],
    *,
    public_base_url: str,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    now: datetime,
    box: SecretBox,
    keep_for: timedelta = DEFAULT_LIFETIME,
    sd_jwt: SdJwtSupport | None = None,
    catalog: Catalog | None = None,
) -> Received:
    """The ``data`` of the ``DigitalCredential`` the browser gave the employer page
    (``dc_api.jwt``: ``{"response": <JWE>}``); the audience of its presentations is
    ``origin:<our origin>`` (Appendix A.4), and there is no ``state``."""
    row = _locked_row(uow, request_id, now)
    if row.profile != HAIP:
        raise RequestError("invalid_request", "this request cannot be answered this way")
    if "error" in data:
        raise RequestError("invalid_request", "the wallet declined: " + str(data["error"])[:100])
    if "vp_token" in data:
        raise RequestError("invalid_request", "this request wants an encrypted response "
                           "(dc_api.jwt); a plain vp_token is refused")  # fmt: skip
    response = data.get("response")
    payload = _decrypt(response if isinstance(response, str) else "", row, box)
    vp_token, _state = _token_of(payload)
    answered = _match(vp_token, catalog)
    report = _check_answer(
        uow, row, answered, audience="origin:" + origin_of(public_base_url), resolver=resolver,
        fetch_status_list=fetch_status_list, now=now, keep_for=keep_for, sd_jwt=sd_jwt,
    )  # fmt: skip
    return Received(report, None)


def _decrypt(token: str, row: PresentationRequest, box: SecretBox) -> dict[str, Any]:
    if not token:
        raise RequestError("invalid_request", "the encrypted 'response' parameter is required")
    try:
        return decrypt_response(token, _response_key(row, box))
    except OpenId4VpError as exc:
        raise RequestError("invalid_request", str(exc)) from None


def _token_of(payload: Mapping[str, Any]) -> tuple[dict[str, list[Any]], str | None]:
    try:
        return parse_response_payload(payload)
    except OpenId4VpError as exc:
        raise RequestError("invalid_request", str(exc)) from None


def _match(vp_token: Mapping[str, Sequence[Any]], catalog: Catalog | None) -> list[AnsweredQuery]:
    try:
        return match_vp_token(vp_token, haip_query(catalog))
    except OpenId4VpError as exc:
        raise RequestError("invalid_request", str(exc)) from None


def _new_response_code(row: PresentationRequest) -> str:
    code = secrets.token_urlsafe(24)
    row.response_code_hash = hashlib.sha256(code.encode("utf-8")).hexdigest()
    return code


_NOT_THIS_ANSWER = (
    "the presentation is not a valid answer to this request "
    "(proof, nonce or audience); the request is still open"
)


def _check_answer(
    uow: UnitOfWork,
    row: PresentationRequest,
    answered: Sequence[AnsweredQuery],
    *,
    audience: str,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    now: datetime,
    keep_for: timedelta,
    sd_jwt: SdJwtSupport | None,
    fetch_resource: ResourceFetcher | None = None,
) -> Report:
    """Verify each presentation bound to ``row.nonce`` and ``audience`` (``ldp_vc``: the
    proof's ``challenge``/``domain``; ``dc+sd-jwt``: the KB-JWT's ``nonce``/``aud``, checked
    by :func:`~verifier.services.checking.check_sd_jwt_presentation`); on success mark the
    request answered and keep the result. Any presentation that is not bound to this
    request leaves it open."""
    trusted = list_trusted(uow)
    reports: list[Report] = []
    documents: list[Any] = []
    seen: set[str] = set()
    for query in answered:
        for presentation in query.presentations:
            if isinstance(presentation, str):
                if presentation in seen:
                    continue  # one presentation answering a kind and a companion query (§6.4)
                seen.add(presentation)
            if query.format not in ("ldp_vc", "dc+sd-jwt"):  # pragma: no cover
                raise RequestError("invalid_request", f"cannot check {query.format}")
            if query.format == "dc+sd-jwt" and not is_sd_jwt(presentation):
                raise RequestError("invalid_request", "a dc+sd-jwt presentation is not an SD-JWT")
            report = check_document(
                presentation, resolver=resolver, fetch_status_list=fetch_status_list,
                trusted=trusted, now=now, challenge=row.nonce, domain=audience, sd_jwt=sd_jwt,
                fetch_resource=fetch_resource,
            )  # fmt: skip
            documents.append(presentation)
            reports.append(report)
    over = next((r.budget_failure for r in reports if r.budget_failure is not None), None)
    if over is not None:
        raise OverBudgetAnswerError(over.detail)
    for report in reports:
        if not _bound_to_request(report):
            # Not this holder's answer to this request (no presentation, a bad proof, another
            # nonce or audience): refused without using the request up, so whoever else saw
            # the QR code cannot spoil it and the holder's real answer still works.
            raise RequestError("invalid_request", _NOT_THIS_ANSWER)
    merged = Report(
        merged_credentials(reports),
        reports[0].presentation if len(reports) == 1 else None,
        tuple(ch for r in reports if r.presentation for ch in r.presentation.checks),
    )
    row.status = "answered"
    row.answered_at = now
    row.result = json.dumps(_summary(merged), ensure_ascii=False)
    if documents:
        save_submission(uow, documents, source="oid4vp", now=now, lifetime=keep_for,
                        challenge=row.nonce, domain=audience, request_id=row.id)  # fmt: skip
    return merged


def _bound_to_request(report: Report) -> bool:
    """A Data Integrity presentation whose own checks (proof, challenge, domain) all hold,
    or an SD-JWT VC whose Key Binding JWT (nonce, aud, signature, ``sd_hash``) passed."""
    if report.presentation is not None:
        return judge(report.presentation.checks).verdict is not Verdict.INVALID
    if len(report.credentials) != 1 or report.credentials[0].format != "dc+sd-jwt":
        return False
    checks = report.credentials[0].result.checks
    binding = next((c for c in checks if c.name == "holder_binding"), None)
    return binding is not None and binding.outcome is Outcome.PASSED


def _summary(report: Report) -> dict[str, Any]:
    return {
        "verdict": report.verdict.value,
        "presentationChecks": [c.to_json() for c in report.own_checks],
        "credentials": [
            {"title": c.title, "issuerName": c.issuer_name, **c.result.to_json()}
            for c in report.credentials
        ],
    }
