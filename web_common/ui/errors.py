"""HTML error pages from the same data as the problem+json handlers.

:func:`install_html_errors` wraps every exception handler already on the app: the original
handler builds its problem document as always; when the request wants a page (a browser:
``Accept: text/html``, or a path the service names as pages), that document is rendered as an
HTML page with the same status instead. API clients keep getting problem+json.

:class:`PageError` is a :class:`~web_common.problems.ProblemError` with a Dutch title and
detail for people; :class:`Redirect` sends the browser elsewhere (e.g. to the login page).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.exceptions import WebSocketRequestValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web_common.problems import BUDGET_EXCEEDED, PROBLEM_JSON, ProblemError

if TYPE_CHECKING:
    from .rendering import Renderer

__all__ = ["PageError", "Redirect", "budget_page_error", "install_html_errors", "wants_html"]

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class PageError(ProblemError):
    """An error for a person: ``title`` and ``detail`` are Dutch source strings."""


def budget_page_error(limit: str) -> PageError:
    """The page for a document that would cost more checking work than its budget allows
    (422, the same problem type as :func:`web_common.problems.budget_exceeded`)."""
    return PageError(
        422,
        "Dit bewijs is te zwaar om te controleren",
        "Het bewijs is zo opgebouwd dat controleren meer rekenwerk kost dan we toestaan. "
        "Echte bewijzen komen nooit in de buurt van die grens. Vraag de afzender om het "
        "bewijs opnieuw te sturen.",
        slug=BUDGET_EXCEEDED,
        extra={"limit": limit},
    )


class Redirect(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raise to answer with a 303 redirect (e.g. from a login dependency)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def wants_html(request: Request, page_prefixes: Sequence[str] = ()) -> bool:
    """A browser (``Accept`` with text/html) or a path under one of ``page_prefixes``."""
    if "text/html" in request.headers.get("accept", ""):
        return True
    return any(request.url.path.startswith(prefix) for prefix in page_prefixes)


def install_html_errors(
    app: FastAPI,
    renderer: Renderer,
    *,
    template: str = "ui/error.html",
    page_prefixes: Sequence[str] = (),
) -> None:
    """Wrap the app's exception handlers (call after every handler is installed)."""

    def wrap(handler: Handler) -> Callable[[Request, Any], Awaitable[Response]]:
        async def wrapped(request: Request, exc: Any) -> Response:
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
            if not wants_html(request, page_prefixes) or response.media_type != PROBLEM_JSON:
                return response
            problem = json.loads(bytes(response.body))
            headers = {k: v for k, v in response.headers.items() if k.lower() == "www-authenticate"}
            return renderer.render(
                request, template, {"problem": problem, "page_error": isinstance(exc, PageError)},
                status_code=response.status_code, headers=headers,
            )  # fmt: skip

        return wrapped

    for key, handler in list(app.exception_handlers.items()):
        if key is WebSocketRequestValidationError:
            continue
        app.exception_handlers[key] = wrap(handler)

    async def _redirect(request: Request, exc: Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    app.exception_handlers[Redirect] = _redirect
