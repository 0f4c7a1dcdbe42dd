"""The wallet's toolkit for pages: the renderer with the wallet's menu (:func:`make_renderer`).

Page routes use ``page_router()`` and ``render(request, "wallet/x.html", {...})`` from
``web_common.ui``; ``create_app`` includes them and installs the ui. English strings live in
``wallet/translations/en.json``. This module imports no routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request

from web_common.ui import Renderer, Translations, make_environment

__all__ = ["NAV", "STATIC", "make_renderer"]

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
