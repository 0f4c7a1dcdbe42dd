"""RFC 9457 ``application/problem+json`` for every service.

Routes raise :class:`ProblemError` (or let validation fail); :func:`install_problem_handlers`
turns it, FastAPI's request validation errors and any unexpected exception into a problem
document. No stack trace ever reaches a response body; unexpected errors are logged with the
request id so an operator can find them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "BUDGET_EXCEEDED",
    "PROBLEM_JSON",
    "ProblemError",
    "budget_exceeded",
    "install_problem_handlers",
    "problem_bytes",
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
    body: dict[str, Any] = {
        "type": _TYPE_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = list(errors)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["requestId"] = request_id
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _pointer(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that make every error a problem document."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.title,
            exc.detail,
            slug=exc.slug,
            errors=exc.errors,
            extra=exc.extra,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"pointer": _pointer(e.get("loc", ())), "detail": str(e.get("msg", "invalid"))}
            for e in exc.errors()
        ]
        return problem_response(
            request,
            400,
            "Invalid request",
            "The request body or parameters are not valid.",
            slug="invalid-request",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            request,
            exc.status_code,
            _TITLES.get(exc.status_code, "Error"),
            str(exc.detail) if exc.detail else None,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(
            request,
            500,
            "Internal error",
            "Something went wrong on our side; the request id identifies it in our logs.",
            slug="internal-error",
        )


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
