"""Put the page plumbing on a service: ``install_ui(app, ...)`` once in ``create_app``, in any
order with its routers and error handlers (errors become pages through
:func:`web_common.ui.problem_or_page`, which ``install_common`` installs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from .errors import Redirect
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
) -> None:
    """Sessions, language, security headers, ``/static/ui`` (+ the service's own static
    folders as ``(url_path, folder)``), :class:`Redirect` as a 303; the renderer goes on
    ``app.state.ui`` (where ``render`` and the error pages find it). Cookies are ``Secure``
    when ``public_base_url`` is https."""
    app.state.ui = renderer
    app.mount("/static/ui", StaticFiles(directory=UI_STATIC), name="ui-static")
    for url_path, folder in static_dirs:
        app.mount(url_path, StaticFiles(directory=folder), name=url_path.strip("/"))
    app.add_exception_handler(Redirect, _redirect)
    app.add_middleware(
        UiMiddleware,
        secret_key=secret_key,
        secure=public_base_url.startswith("https://"),
        cookie_name=cookie_name,
        max_age=session_max_age,
    )


async def _redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)
    return RedirectResponse(exc.url, status_code=303)
