"""Jinja2 templates for server-rendered pages: one environment, one ``render`` call.

    env = make_environment(Path("issuer/templates"))
    renderer = Renderer(env, Translations.from_files({"en": Path("issuer/en.json")}),
                        site_name="Uitgeven", context=lambda request: {"nav": [...]})
    return renderer.render(request, "issuer/dashboard.html", {"counts": counts})

Every template gets ``request``, ``lang``, ``_`` (translation), ``csrf_token``,
``flashes`` (popped from the session), ``site_name``, ``lang_switch`` (URL of this page in the
other language) and whatever the service's ``context`` function returns. Autoescape is on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .csrf import csrf_token
from .flash import pop_flashes
from .i18n import Translations
from .sessions import get_language

__all__ = ["UI_TEMPLATES", "Renderer", "format_datetime", "make_environment"]

UI_TEMPLATES = Path(__file__).resolve().parent / "templates"


DISPLAY_ZONE = ZoneInfo("Europe/Amsterdam")


def format_datetime(value: datetime | date | None, with_time: bool = True) -> str:
    """``24-06-2026 14:05`` in Dutch local time (the Dutch order; English readers know it
    too). Times are stored in UTC; a naive datetime (as SQLite returns them) is UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        local = aware.astimezone(DISPLAY_ZONE)
        return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")
    return value.strftime("%d-%m-%Y")


def make_environment(*template_dirs: Path) -> Environment:
    """A Jinja2 environment over the service's folders, then the shared ``ui/`` templates."""
    loaders = [FileSystemLoader(str(d)) for d in template_dirs]
    loaders.append(FileSystemLoader(str(UI_TEMPLATES)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datetime"] = format_datetime
    return env


def _or_empty(function: Callable[[Request], Any], request: Request, empty: Any) -> Any:
    """Error pages may be rendered outside the session middleware (an unexpected error)."""
    try:
        return function(request)
    except RuntimeError:
        return empty


class Renderer:
    def __init__(
        self,
        env: Environment,
        translations: Translations,
        *,
        site_name: str,
        context: Callable[[Request], Mapping[str, Any]] | None = None,
    ) -> None:
        self.env = env
        self.translations = translations
        self.site_name = site_name
        self._context = context

    def gettext(self, request: Request) -> Callable[..., str]:
        return self.translations.gettext(get_language(request))

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        lang = get_language(request)
        other = "en" if lang == "nl" else "nl"
        values: dict[str, Any] = {
            "request": request,
            "lang": lang,
            "_": self.translations.gettext(lang),
            "csrf_token": _or_empty(csrf_token, request, ""),
            "flashes": _or_empty(pop_flashes, request, []),
            "site_name": self.site_name,
            "lang_switch": str(request.url.include_query_params(lang=other)),
            "other_lang": other,
            "nav": [],
            "user": None,
        }
        if self._context is not None:
            values.update(self._context(request))
        values.update(context or {})
        html = self.env.get_template(template).render(values)
        return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
