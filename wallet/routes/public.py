"""Public share links: ``GET /s/{token}`` publishes the presentation as JSON for programs
(``Accept: application/json``). A person's browser is sent on to the verification service
(``verifier_url``), which fetches the JSON and shows the verdict: the wallet publishes, the
verifier checks. Without a verifier set, people get a plain page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..deps import NowDep, SettingsDep, UowDep
from ..services import shares
from ..services.errors import NotFoundError
from .common import aware, client_address

router = APIRouter(tags=["share links"])

Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{20,100}$")]


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
) -> Response:
    as_json = _wants_json(accept)
    try:
        opened = shares.open_share(
            uow,
            token,
            now=now,
            as_json=as_json,
            user_agent=user_agent,
            client_address=client_address(request),
        )
    except shares.ShareGoneError:
        uow.commit()  # the access log keeps the attempt
        raise
    except NotFoundError:
        raise
    uow.commit()
    if as_json:
        return JSONResponse(
            opened.presentation,
            headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
        )
    if settings.verifier_url:
        link = quote(f"{settings.public_base_url.rstrip('/')}/s/{token}", safe="")
        target = f"{settings.verifier_url.rstrip('/')}/?share={link}"
        return RedirectResponse(
            target, status_code=303, headers={"Cache-Control": "no-store",
                                              "X-Robots-Tag": "noindex"},
        )  # fmt: skip
    from ..web import render

    response = render(
        request,
        "wallet/share_public.html",
        {
            "share": opened.share,
            "expires_at": aware(opened.share.expires_at),
            "credentials": shares.public_credentials(opened),
            "now": now,
            "json_url": str(request.url),
        },
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response
