"""RFC 9457 ``application/problem+json`` for every service.

Routes raise :class:`ProblemError` (or let validation fail); :func:`install_problem_handlers`
installs the one handler that turns it, a service's own errors (its ``mappings``), FastAPI's
request validation errors, HTTP errors and any unexpected exception into a problem and answers
it (problem+json, or an HTML page through ``web_common.ui.problem_or_page``). No stack trace
ever reaches a response body; unexpected errors are logged with the request id so an
operator can find them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

__all__ = [
    "BUDGET_EXCEEDED",
    "PROBLEM_JSON",
    "ProblemError",
    "ProblemMapping",
    "Respond",
    "budget_exceeded",
    "install_problem_handlers",
    "problem_bytes",
    "problem_document",
    "problem_json",
    "problem_of",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://w3id.org/mbo-wallet/problems/"
log = logging.getLogger(__name__)


class ProblemError(Exception):
    """An error meant for the client, rendered as RFC 9457 problem details.

    ``slug`` names the problem type (``{base}{slug}``); ``errors`` lists field-level problems
    (``{"pointer": "/credential/issuer", "detail": "..."}``).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        slug: str | None = None,
        errors: Sequence[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.slug = slug or title.lower().replace(" ", "-")
        self.errors = list(errors or [])
        self.extra = dict(extra or {})
        self.headers = headers


BUDGET_EXCEEDED = "budget-exceeded"
"""Problem type slug for a document refused by a work budget (``credentials.budget``)."""


def budget_exceeded(limit: str, detail: str) -> ProblemError:
    """422 for a document that would cost more checking work than its budget allows.

    Type ``{base}budget-exceeded``; the extension member ``limit`` names the limit that was
    crossed (a ``credentials.budget.Budget`` field such as ``max_permutations``)."""
    return ProblemError(
        422, "Budget exceeded", detail, slug=BUDGET_EXCEEDED, extra={"limit": limit}
    )


def problem_document(request: Request, problem: ProblemError) -> dict[str, Any]:
    """The RFC 9457 document of ``problem`` for this request (also what an error page shows)."""
    body: dict[str, Any] = {
        "type": _TYPE_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "instance": request.url.path,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = list(problem.errors)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["requestId"] = request_id
    body.update(problem.extra)
    return body


def problem_json(request: Request, problem: ProblemError) -> JSONResponse:
    """``problem`` as ``application/problem+json`` with its status and headers."""
    return JSONResponse(
        problem_document(request, problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def problem_bytes(
    status: int, title: str, detail: str, *, slug: str, instance: str | None = None
) -> bytes:
    """A problem document as bytes, for the answers made below the app (request bodies or
    heads that are too large or too slow), where there is no request object to answer."""
    body: dict[str, Any] = {
        "type": _TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    return json.dumps(body).encode()


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = ProblemError(
        status, title, detail, slug=slug, errors=errors, extra=extra, headers=headers
    )
    return problem_json(request, problem)


def _pointer(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def problem_of(request: Request, exc: Exception) -> ProblemError:
    """The problem for any exception: a :class:`ProblemError` as it is, request validation
    errors with their pointers, Starlette's HTTP errors by status, anything else a 500
    (logged with the request id; no internals in the answer)."""
    if isinstance(exc, ProblemError):
        return exc
    if isinstance(exc, RequestValidationError):
        errors = [
            {"pointer": _pointer(e.get("loc", ())), "detail": str(e.get("msg", "invalid"))}
            for e in exc.errors()
        ]
        return ProblemError(
            400,
            "Invalid request",
            "The request body or parameters are not valid.",
            slug="invalid-request",
            errors=errors,
        )
    if isinstance(exc, StarletteHTTPException):
        return ProblemError(
            exc.status_code,
            _TITLES.get(exc.status_code, "Error"),
            _http_detail(exc),
            headers=getattr(exc, "headers", None),
        )
    log.exception("unhandled error", extra={"path": request.url.path}, exc_info=exc)
    return ProblemError(
        500,
        "Internal error",
        "Something went wrong on our side; the request id identifies it in our logs.",
        slug="internal-error",
    )


ProblemMapping = Callable[[Any], ProblemError]
"""A service's own error turned into the problem it means (e.g. ``NotFoundError`` → 404)."""
Respond = Callable[[Request, ProblemError, Exception], Response]
"""Writes the answer for a problem: :func:`problem_json`, or the pages' error page."""


def _as_json(request: Request, problem: ProblemError, exc: Exception) -> Response:
    return problem_json(request, problem)


def install_problem_handlers(
    app: FastAPI,
    mappings: Mapping[type[Exception], ProblemMapping] | None = None,
    *,
    respond: Respond = _as_json,
) -> None:
    """One handler for every error: it turns the exception into a problem (the service's
    ``mappings`` first, by the exception's class and its bases, then :func:`problem_of`) and
    ``respond`` writes the answer (problem+json unless told otherwise). Independent of the
    order routers and other handlers are added in."""
    table = dict(mappings or {})

    async def handle(request: Request, exc: Exception) -> Response:
        mapping = next((table[cls] for cls in type(exc).__mro__ if cls in table), None)
        problem = mapping(exc) if mapping is not None else problem_of(request, exc)
        return respond(request, problem, exc)

    for exc_type in (ProblemError, RequestValidationError, StarletteHTTPException, *table):
        app.add_exception_handler(exc_type, handle)
    app.add_exception_handler(Exception, handle)


def _http_detail(exc: StarletteHTTPException) -> str | None:
    """The exception's own detail; Starlette's default (the status phrase, "Not Found") says
    no more than the title, and on a Dutch page it would stand in English."""
    detail = str(exc.detail) if exc.detail else None
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        return detail
    return None if detail == phrase else detail


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
}
