"""Shared plumbing for server-rendered pages (issuer, wallet, verifier). No domain logic.

Wire it once in ``create_app`` (``install_common`` has installed the one error handler,
which answers pages with HTML through :func:`problem_or_page`)::

    renderer = Renderer(make_environment(TEMPLATES), Translations.from_files({"en": EN}),
                        site_name="…", context=lambda request: {"nav": nav_for(request)})
    install_ui(app, renderer, secret_key=settings.secret_key.get_secret_value(),
               public_base_url=settings.public_base_url)
    app.include_router(pages.router)

and in a page module (its routes are marked as pages; unsafe requests need the CSRF token)::

    router = page_router()

    @router.get("/x")
    def page(request: Request) -> HTMLResponse:
        return render(request, "svc/x.html", {...})

Templates extend ``ui/base.html`` (blocks ``title``, ``content``, ``scripts``) and import
macros ``{% from "ui/forms.html" import field with context %}`` (``csrf_field``,
``field``, ``select``, ``textarea``, ``error_summary``).
"""

from __future__ import annotations

from .csrf import CSRF_FIELD, csrf_token, verify_csrf
from .error_pages import problem_or_page
from .errors import PageError, Redirect, budget_page_error
from .flash import Flash, flash, pop_flashes
from .forms import FormDep, FormErrors, read_form
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, Translations, negotiate_language
from .install import UI_STATIC, install_ui
from .pages import PageRoute, is_page, page_router, render, wants_html
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
    "PageRoute",
    "Redirect",
    "Renderer",
    "SessionCodec",
    "Translations",
    "UiMiddleware",
    "UiSession",
    "budget_page_error",
    "csrf_token",
    "flash",
    "format_datetime",
    "get_language",
    "get_session",
    "install_ui",
    "is_page",
    "make_environment",
    "negotiate_language",
    "page_router",
    "pop_flashes",
    "problem_or_page",
    "read_form",
    "render",
    "verify_csrf",
    "wants_html",
]
