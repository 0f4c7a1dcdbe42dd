"""Page routes: one ``page_router()`` that marks its routes as pages, one ``render``.

    router = page_router()

    @router.get("/x")
    def page(request: Request) -> HTMLResponse:
        return render(request, "svc/x.html", {...})

A page router's routes are :class:`PageRoute`\\ s, and unsafe requests to them must carry the
CSRF token. The error handler reads the mark from ``request.scope["route"]``: an error on a
page is an HTML page, whatever the request's ``Accept`` (no list of page paths to keep).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .csrf import verify_csrf
from .rendering import Renderer

__all__ = ["PageRoute", "is_page", "page_router", "render", "wants_html"]


class PageRoute(APIRoute):
    """A route that answers people with HTML pages (its errors are pages too)."""


def page_router(*, dependencies: Sequence[DependsParam] = (), **options: Any) -> APIRouter:
    """An ``APIRouter`` of :class:`PageRoute`\\ s, left out of the OpenAPI document, whose
    unsafe requests must carry the CSRF token (checked after ``dependencies``)."""
    return APIRouter(
        route_class=PageRoute,
        dependencies=[*dependencies, Depends(verify_csrf)],
        include_in_schema=False,
        **options,
    )


def is_page(request: Request) -> bool:
    """The request was routed to a page (a route of a :func:`page_router`)."""
    return isinstance(request.scope.get("route"), PageRoute)


def wants_html(request: Request) -> bool:
    """A page, or a client whose ``Accept`` names ``text/html`` (a browser; also for paths no
    route matched)."""
    return is_page(request) or "text/html" in request.headers.get("accept", "")


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """``template`` with the app's :class:`~web_common.ui.rendering.Renderer`
    (``app.state.ui``, put there by ``install_ui``)."""
    renderer: Renderer = request.app.state.ui
    return renderer.render(request, template, context, status_code=status_code, headers=headers)
