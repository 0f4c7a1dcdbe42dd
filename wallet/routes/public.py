"""Public share links: ``GET /s/{token}`` publishes the presentation as JSON for programs
(``Accept: application/json``). A person's browser is sent on to the verification service
(``verifier_url``), which fetches the JSON and shows the verdict: the wallet publishes, the
verifier checks. Without a verifier set, people get a page that names what was shared and
asks which verification page they use (``?controle=https://…``); the answer gives a link
there with ``?share=`` as above, so the page still leads to a verdict. A link, not a
redirect: the pages' CSP (``form-action 'self'``) stops a form from being redirected to
another site, and the link shows where it goes before the employer follows it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from web_common.ui import render

from ..deps import NowDep, SettingsDep, UowDep
from ..services import shares, use_cases
from .common import client_address

router = APIRouter(tags=["share links"])

Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{20,100}$")]


def _verifier_address(value: str, *, production: bool) -> str | None:
    """The verification page the employer named, as ``scheme://host[:port][/path]``, or
    ``None`` when it is not a web address (https in production; no user, query, fragment)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    schemes = ("https",) if production else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.query or parts.fragment or any(c.isspace() for c in value.strip()):
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _verifier_link(verifier: str, share_url: str) -> str:
    """Where the verifier checks a share link and shows the verdict (``/?share=``)."""
    return f"{verifier}/?share={quote(share_url, safe='')}"


def _to_verifier(verifier: str, share_url: str) -> RedirectResponse:
    return RedirectResponse(
        _verifier_link(verifier, share_url), status_code=303,
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )  # fmt: skip


def _wants_json(accept: str | None) -> bool:
    accept = (accept or "").lower()
    if "text/html" in accept:
        return False
    return (
        any(
            t in accept
            for t in (
                "application/json",
                "application/vp",
                "application/ld+json",
                "application/vc",
                "*/*",
            )
        )
        or not accept
    )


@router.get("/s/{token}")
def open_share(
    token: Token,
    request: Request,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    accept: Annotated[str | None, Header()] = None,
    user_agent: Annotated[str | None, Header()] = None,
    controle: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    as_json = _wants_json(accept)
    opened = use_cases.open_share(
        uow,
        token,
        now=now,
        as_json=as_json,
        user_agent=user_agent,
        client_address=client_address(request),
    )
    if as_json:
        return JSONResponse(
            opened.presentation,
            headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
        )
    share_url = f"{settings.public_base_url.rstrip('/')}/s/{token}"
    if settings.verifier_url:
        return _to_verifier(settings.verifier_url.rstrip("/"), share_url)
    error = verifier_link = verifier_host = None
    if controle is not None:
        verifier = _verifier_address(controle, production=settings.environment == "production")
        if verifier:
            verifier_link = _verifier_link(verifier, share_url)
            verifier_host = urlsplit(verifier).netloc
        else:
            error = (
                "Dat is geen webadres van een controlepagina. Vul het adres in zoals het in "
                "de adresbalk staat, bijvoorbeeld https://controle.werkgever.nl."
            )
    response = render(
        request,
        "wallet/share_public.html",
        {
            "share": opened.share,
            "expires_at": opened.share.expires_at,
            "credentials": shares.public_credentials(opened),
            "now": now,
            "share_url": share_url,
            "token": token,
            "controle": controle or "",
            "error": error,
            "verifier_link": verifier_link,
            "verifier_host": verifier_host,
        },
        status_code=400 if error else 200,
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response
