"""Put the page plumbing on a service: ``install_ui(app, ...)`` once in ``create_app``,
after every exception handler and router is added."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from .errors import install_html_errors
from .rendering import Renderer
from .sessions import UiMiddleware

__all__ = ["UI_STATIC", "install_ui"]

UI_STATIC = Path(__file__).resolve().parent / "static"


def install_ui(
    app: FastAPI,
    renderer: Renderer,
    *,
    secret_key: str,
    public_base_url: str,
    cookie_name: str = "session",
    session_max_age: int = 12 * 3600,
    static_dirs: Sequence[tuple[str, Path]] = (),
    page_prefixes: Sequence[str] = (),
) -> None:
    """Sessions, language, security headers, ``/static/ui`` (+ the service's own static
    folders as ``(url_path, folder)``), HTML error pages; the renderer goes on
    ``app.state.ui``. Cookies are ``Secure`` when ``public_base_url`` is https."""
    app.state.ui = renderer
    app.mount("/static/ui", StaticFiles(directory=UI_STATIC), name="ui-static")
    for url_path, folder in static_dirs:
        app.mount(url_path, StaticFiles(directory=folder), name=url_path.strip("/"))
    install_html_errors(app, renderer, page_prefixes=page_prefixes)
    app.add_middleware(
        UiMiddleware,
        secret_key=secret_key,
        secure=public_base_url.startswith("https://"),
        cookie_name=cookie_name,
        max_age=session_max_age,
    )
