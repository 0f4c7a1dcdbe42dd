"""The wallet's pages: page plumbing (``web_common.ui``) wired to wallet accounts.

Page routes use ``render(request, "wallet/x.html", {...})`` (the shared layout with the
wallet's menu) and ``page_router()`` (unsafe requests must carry the CSRF token). English
strings live in ``wallet/translations/en.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from web_common.ui import Renderer, Translations, install_ui, make_environment, verify_csrf

from .settings import WalletSettings

__all__ = ["NAV", "install_pages", "page_router", "render"]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
TRANSLATIONS = HERE / "translations"
NAV: tuple[tuple[str, str], ...] = (
    ("Mijn paspoort", "/"),
    ("Ontvangen", "/receive"),
    ("Delen", "/shares"),
    ("Verzoek beantwoorden", "/respond"),
    ("Eigen ervaring", "/self-declared"),
    ("Mijn gegevens", "/account"),
)
PAGE_PREFIXES = (
    "/login",
    "/logout",
    "/register",
    "/receive",
    "/credentials/",
    "/shares",
    "/share",
    "/self-declared",
    "/account",
    "/export",
    "/import",
    "/respond",
)


def _nav_context(request: Request) -> Mapping[str, Any]:
    names = getattr(request.state, "account_names", None)
    if names is None:
        return {}
    name, email = names
    path = request.url.path
    nav = []
    for label, href in NAV:
        current = path == href if href == "/" else path.startswith(href)
        nav.append({"label": label, "href": href, "current": current})
    return {"nav": nav, "user": {"name": name, "role_label": email}}


def make_renderer() -> Renderer:
    translations = Translations.from_files({"en": sorted(TRANSLATIONS.glob("en*.json"))})
    return Renderer(
        make_environment(TEMPLATES),
        translations,
        site_name="Mijn mbo-paspoort",
        context=_nav_context,
    )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    renderer: Renderer = request.app.state.ui
    return renderer.render(request, template, context, status_code=status_code)


def page_router() -> APIRouter:
    return APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def install_pages(app: FastAPI, settings: WalletSettings) -> None:
    """Everything the pages need; call last in ``create_app``."""
    from . import errors
    from .routes import pages

    errors.PAGE_PREFIXES = PAGE_PREFIXES
    for router in pages.routers():
        app.include_router(router)
    install_ui(
        app,
        make_renderer(),
        secret_key=settings.secret_key.get_secret_value(),
        public_base_url=settings.public_base_url,
        cookie_name="wallet_session",
        session_max_age=settings.session_hours * 3600,
        static_dirs=[("/static/wallet", STATIC)],
        page_prefixes=PAGE_PREFIXES,
    )
