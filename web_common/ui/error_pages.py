"""How the one error handler (:func:`web_common.problems.install_problem_handlers`) answers
on a service with pages: the problem+json document, or for a page (:func:`wants_html`) the
HTML error page made from the same document, with the same status."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web_common.problems import ProblemError, problem_document, problem_json

from .errors import PageError
from .pages import wants_html
from .rendering import Renderer

__all__ = ["ERROR_TEMPLATE", "problem_or_page"]

ERROR_TEMPLATE = "ui/error.html"


def problem_or_page(request: Request, problem: ProblemError, exc: Exception) -> Response:
    """An HTML page when the request wants one and the app has a renderer (``app.state.ui``),
    else problem+json. A page keeps ``WWW-Authenticate``; its text is the problem's (Dutch
    source strings, translated by the template) when ``exc`` is a :class:`PageError`."""
    renderer: Renderer | None = getattr(request.app.state, "ui", None)
    if renderer is None or not wants_html(request):
        return problem_json(request, problem)
    headers = {
        name: value
        for name, value in (problem.headers or {}).items()
        if name.lower() == "www-authenticate"
    }
    context = {
        "problem": problem_document(request, problem),
        "page_error": isinstance(exc, PageError),
    }
    return renderer.render(
        request, ERROR_TEMPLATE, context, status_code=problem.status, headers=headers
    )
