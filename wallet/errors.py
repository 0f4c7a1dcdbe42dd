"""The wallet's errors at the HTTP edge: one mapping from service errors to problem+json
(pages get the same problem rendered as an HTML page by ``web_common.ui``)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from web_common.problems import problem_response
from web_common.ui import PageError, Redirect, wants_html

from .services.errors import ConflictError, InputError, LoginError, NotFoundError, WalletError
from .services.shares import ShareGoneError

__all__ = ["PAGE_PREFIXES", "install_error_handlers", "not_logged_in"]

PAGE_PREFIXES: tuple[str, ...] = ()


def not_logged_in(request: Request) -> Exception:
    """Pages send the browser to the login page; the API answers 401."""
    if wants_html(request, PAGE_PREFIXES) and not request.url.path.startswith("/api/"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='/')}")
    return PageError(401, "Niet ingelogd", "Log eerst in.", slug="not-logged-in")


def _filled(message: str, values: dict[str, object]) -> str:
    """A message with its ``{placeholders}`` filled (pages translate the bare message)."""
    try:
        return message.format(**values) if values else message
    except (KeyError, IndexError, ValueError):
        return message


def install_error_handlers(app: FastAPI) -> None:
    async def _wallet(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, NotFoundError):
            return problem_response(request, 404, "Niet gevonden", str(exc), slug="not-found")
        if isinstance(exc, InputError):
            detail = _filled(exc.detail, exc.extra)
            error: dict[str, object] = {"code": exc.code, "detail": detail}
            if exc.field:
                error["pointer"] = f"/{exc.field}"
            extra = {"code": exc.code, **{k: v for k, v in exc.extra.items() if v is not None}}
            return problem_response(
                request,
                exc.status,
                "Niet gelukt",
                detail,
                slug=exc.code.replace("_", "-"),
                errors=[error],
                extra=extra,
            )
        if isinstance(exc, ConflictError):
            return problem_response(
                request,
                409,
                "Bestaat al",
                exc.detail,
                slug=exc.code.replace("_", "-"),
                extra={"code": exc.code},
            )
        if isinstance(exc, LoginError):
            detail = "Het e-mailadres of wachtwoord klopt niet."
            return problem_response(request, 401, "Inloggen mislukt", detail, slug="login-failed")
        if isinstance(exc, ShareGoneError):
            detail = (
                "De eigenaar heeft deze link ingetrokken."
                if exc.reason == "revoked"
                else "Deze link is verlopen."
            )
            return problem_response(
                request, 410, "Link niet meer geldig", detail, slug=f"share-{exc.reason}"
            )
        return problem_response(request, 400, "Niet gelukt", str(exc), slug="wallet-error")

    app.add_exception_handler(WalletError, _wallet)
    app.add_exception_handler(ShareGoneError, _wallet)
