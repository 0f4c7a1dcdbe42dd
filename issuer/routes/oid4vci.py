"""OpenID4VCI endpoints of each organisation (credential issuer ``{base}/{slug}``).

Metadata, the credential offer behind a ``credential_offer_uri`` and its QR code, and the
token, nonce and credential endpoints. The OAuth-style endpoints answer errors as RFC 6749 /
OpenID4VCI JSON (``error``, ``error_description``, and our ``refusal`` code) with
``Cache-Control: no-store``; the rest answer problem+json like every other route.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse

from credentials.client_attestation import (
    ATTESTATION_HEADER,
    ATTESTATION_POP_HEADER,
    WalletProvider,
    load_wallet_providers,
)
from credentials.oid4vci import (
    CredentialRequestError,
    Oid4vciError,
    TokenRequestError,
    error_answer,
)
from web_common.bodies import body_of_type
from web_common.problems import ProblemError
from web_common.strikes import record_strike

from ..deps import BoxDep, CatalogDep, NowDep, SettingsDep, UowDep
from ..services import offers, system_calls
from ..services.organisations import get_organisation
from ..settings import IssuerSettings

router = APIRouter(tags=["OpenID4VCI"])
_log = logging.getLogger(__name__)

Slug = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,64}$")]
Handle = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{20,100}$")]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_MAX_BODY = 64 * 1024


def _oauth_error(exc: Oid4vciError, status: int = 400, **headers: str) -> JSONResponse:
    return JSONResponse(error_answer(exc), status_code=status, headers={**NO_STORE, **headers})


def _gone(exc: offers.OfferUnavailableError) -> ProblemError:
    return ProblemError(410, "Offer no longer available", str(exc), slug="offer-unavailable")


FormBody = Annotated[
    bytes | None, Depends(body_of_type("application/x-www-form-urlencoded", _MAX_BODY))
]
JsonBody = Annotated[bytes | None, Depends(body_of_type("application/json", _MAX_BODY))]


@lru_cache(maxsize=4)
def _wallet_providers(path: str | None) -> tuple[WalletProvider, ...]:
    if not path:
        return ()
    try:
        return load_wallet_providers(path)
    except (OSError, ValueError) as exc:
        _log.error("wallet attestation trust file %s unusable: %s", path, exc)
        return ()


def wallet_providers(settings: IssuerSettings) -> tuple[WalletProvider, ...]:
    """The trusted wallet providers of ``ISSUER_WALLET_ATTESTATION_TRUST_FILE`` (read once)."""
    return _wallet_providers(settings.wallet_attestation_trust_file)


def _wants_jwt(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "application/jwt" in types and "application/json" not in types[:1]


@router.get("/.well-known/openid-credential-issuer/{slug}")
def credential_issuer_metadata(
    slug: Slug, request: Request, uow: UowDep, settings: SettingsDep, box: BoxDep, now: NowDep
) -> Response:
    """Credential Issuer metadata (§12.2): JSON with ``signed_metadata``, or with
    ``Accept: application/jwt`` the signed metadata JWT itself (§12.2.3)."""
    org = get_organisation(uow, slug)
    headers = {"Cache-Control": "public, max-age=300", "Vary": "Accept"}
    base, batch = settings.public_base_url, settings.oid4vci_batch_size
    if _wants_jwt(request):
        signed = offers.signed_issuer_metadata(
            uow, org, public_base_url=base, box=box, now=now, batch_size=batch
        )
        if signed is not None:
            return Response(signed, media_type="application/jwt", headers=headers)
    metadata = offers.issuer_metadata(
        uow, org, public_base_url=base, batch_size=batch, box=box, now=now
    )
    return JSONResponse(metadata, headers=headers)


@router.get("/.well-known/oauth-authorization-server/{slug}")
def oauth_server_metadata(slug: Slug, uow: UowDep, settings: SettingsDep) -> JSONResponse:
    org = get_organisation(uow, slug)
    metadata = offers.authorization_server_metadata(
        org, public_base_url=settings.public_base_url,
        attestation_required=settings.wallet_attestation_required,
    )  # fmt: skip
    return JSONResponse(metadata, headers={"Cache-Control": "public, max-age=300"})


@router.get("/{slug}/offers/{handle}")
def credential_offer(
    slug: Slug, handle: Handle, uow: UowDep, settings: SettingsDep, now: NowDep
) -> JSONResponse:
    """The Credential Offer object a ``credential_offer_uri`` points at (application/json)."""
    org = get_organisation(uow, slug)
    try:
        offer = offers.offer_document(
            uow, org, handle, public_base_url=settings.public_base_url, now=now
        )
    except offers.OfferUnavailableError as exc:
        raise _gone(exc) from None
    return JSONResponse(offer, headers=NO_STORE)


@router.get("/{slug}/offers/{handle}/qr.svg")
def credential_offer_qr(
    slug: Slug, handle: Handle, uow: UowDep, settings: SettingsDep, now: NowDep
) -> Response:
    """The offer URI as an SVG QR code, to scan with a wallet app."""
    org = get_organisation(uow, slug)
    try:
        svg = offers.offer_qr_svg(
            uow, org, handle, public_base_url=settings.public_base_url, now=now
        )
    except offers.OfferUnavailableError as exc:
        raise _gone(exc) from None
    return Response(svg, media_type="image/svg+xml", headers=NO_STORE)


@router.post("/{slug}/token")
def token(
    slug: Slug,
    request: Request,
    body: FormBody,
    uow: UowDep,
    settings: SettingsDep,
    now: NowDep,
    box: BoxDep,
) -> JSONResponse:
    """Token endpoint for the pre-authorized code grant (form-encoded, RFC 6749 errors), with
    an optional (or required) wallet attestation in the ``OAuth-Client-Attestation`` and
    ``OAuth-Client-Attestation-PoP`` headers."""
    org = get_organisation(uow, slug)
    if body is None:
        return _oauth_error(
            TokenRequestError("invalid_request", "send an application/x-www-form-urlencoded body")
        )
    try:
        response = system_calls.exchange_pre_authorized_code(
            uow, org, body, now=now,
            token_ttl=timedelta(seconds=settings.oid4vci_access_token_ttl), box=box,
            attestation=(request.headers.get(ATTESTATION_HEADER),
                         request.headers.get(ATTESTATION_POP_HEADER)),
            wallet_providers=wallet_providers(settings),
            attestation_required=settings.wallet_attestation_required,
            public_base_url=settings.public_base_url,
        )  # fmt: skip
    except Oid4vciError as exc:
        if exc.error == "invalid_grant":  # a wrong, used, expired or unknown code
            record_strike("invalid_grant")
        return _oauth_error(exc, 401 if exc.error == "invalid_client" else 400)
    return JSONResponse(response, headers=NO_STORE)


@router.post("/{slug}/nonce")
def nonce(slug: Slug, uow: UowDep, settings: SettingsDep, now: NowDep) -> JSONResponse:
    """Nonce endpoint: a fresh ``c_nonce`` for the key proof."""
    org = get_organisation(uow, slug)
    value = system_calls.issue_nonce(
        uow, org, now=now, ttl=timedelta(seconds=settings.oid4vci_nonce_ttl)
    )
    return JSONResponse({"c_nonce": value}, headers=NO_STORE)


@router.post("/{slug}/credential")
def credential(
    slug: Slug,
    request: Request,
    raw: JsonBody,
    uow: UowDep,
    box: BoxDep,
    settings: SettingsDep,
    now: NowDep,
    catalog: CatalogDep,
) -> JSONResponse:
    """Credential endpoint: a Bearer access token, ``credential_configuration_id`` and
    ``jwt`` key proofs (up to the batch size) in; a copy bound to each holder key out."""
    org = get_organisation(uow, slug)
    body: Any = None
    if raw is not None:
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            body = None
    try:
        response = system_calls.redeem_credential(
            uow, org, authorization=request.headers.get("authorization"), body=body,
            box=box, public_base_url=settings.public_base_url, now=now, catalog=catalog,
            batch_size=settings.oid4vci_batch_size, key_reference=settings.sd_jwt_key_reference,
            status_list_size=settings.status_list_entries,
        )  # fmt: skip
    except offers.AccessTokenError as exc:
        challenge = f'Bearer error="invalid_token", error_description="{exc.description}"'
        return _oauth_error(exc, 401, **{"WWW-Authenticate": challenge})
    except CredentialRequestError as exc:
        return _oauth_error(exc)
    return JSONResponse(response, headers=NO_STORE)
