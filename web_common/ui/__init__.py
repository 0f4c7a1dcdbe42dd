"""Shared plumbing for server-rendered pages (issuer, wallet, verifier). No domain logic.

Wire it once in ``create_app``::

    renderer = Renderer(make_environment(TEMPLATES), Translations.from_files({"en": EN}),
                        site_name="…", context=lambda request: {"nav": nav_for(request)})
    install_ui(app, renderer, secret_key=settings.secret_key.get_secret_value(),
               public_base_url=settings.public_base_url)

and in a page router::

    router = APIRouter(dependencies=[Depends(verify_csrf)])

    @router.get("/x")
    def page(request: Request) -> HTMLResponse:
        return request.app.state.ui.render(request, "svc/x.html", {...})

Templates extend ``ui/base.html`` (blocks ``title``, ``content``, ``scripts``) and import
macros ``{% from "ui/forms.html" import field with context %}`` (``csrf_field``,
``field``, ``select``, ``textarea``, ``error_summary``).
"""

from __future__ import annotations

from .csrf import CSRF_FIELD, csrf_token, verify_csrf
from .errors import PageError, Redirect, install_html_errors, wants_html
from .flash import Flash, flash, pop_flashes
from .forms import FormDep, FormErrors, read_form
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, Translations, negotiate_language
from .install import UI_STATIC, install_ui
from .rendering import UI_TEMPLATES, Renderer, format_datetime, make_environment
from .sessions import SessionCodec, UiMiddleware, UiSession, get_language, get_session

__all__ = [
    "CSRF_FIELD",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "UI_STATIC",
    "UI_TEMPLATES",
    "Flash",
    "FormDep",
    "FormErrors",
    "PageError",
    "Redirect",
    "Renderer",
    "SessionCodec",
    "Translations",
    "UiMiddleware",
    "UiSession",
    "csrf_token",
    "flash",
    "format_datetime",
    "get_language",
    "get_session",
    "install_html_errors",
    "install_ui",
    "make_environment",
    "negotiate_language",
    "pop_flashes",
    "read_form",
    "verify_csrf",
    "wants_html",
]
