"""The wallet's errors at the HTTP edge: one mapping from service errors to problems
(answered as problem+json, or on pages as an HTML page, by the one handler of
``web_common.problems``)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request

from web_common.problems import ProblemError, ProblemMapping
from web_common.ui import PageError, Redirect, wants_html

from .services.errors import ConflictError, InputError, LoginError, NotFoundError, WalletError
from .services.shares import ShareGoneError

__all__ = ["PROBLEMS", "not_logged_in", "wallet_problem"]


def not_logged_in(request: Request) -> Exception:
    """Pages send the browser to the login page; the API answers 401."""
    if wants_html(request) and not request.url.path.startswith("/api/"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='/')}")
    return PageError(401, "Niet ingelogd", "Log eerst in.", slug="not-logged-in")


def _filled(message: str, values: dict[str, object]) -> str:
    """A message with its ``{placeholders}`` filled (pages translate the bare message)."""
    try:
        return message.format(**values) if values else message
    except (KeyError, IndexError, ValueError):
        return message


def wallet_problem(exc: Exception) -> ProblemError:
    """A wallet service error as the problem it means."""
    if isinstance(exc, NotFoundError):
        return ProblemError(404, "Niet gevonden", str(exc), slug="not-found")
    if isinstance(exc, InputError):
        detail = _filled(exc.detail, exc.extra)
        error: dict[str, object] = {"code": exc.code, "detail": detail}
        if exc.field:
            error["pointer"] = f"/{exc.field}"
        extra = {"code": exc.code, **{k: v for k, v in exc.extra.items() if v is not None}}
        return ProblemError(
            exc.status,
            "Niet gelukt",
            detail,
            slug=exc.code.replace("_", "-"),
            errors=[error],
            extra=extra,
        )
    if isinstance(exc, ConflictError):
        return ProblemError(
            409, "Bestaat al", exc.detail, slug=exc.code.replace("_", "-"),
            extra={"code": exc.code},
        )  # fmt: skip
    if isinstance(exc, LoginError):
        detail = "Het e-mailadres of wachtwoord klopt niet."
        return ProblemError(401, "Inloggen mislukt", detail, slug="login-failed")
    if isinstance(exc, ShareGoneError):
        detail = (
            "De eigenaar heeft deze link ingetrokken."
            if exc.reason == "revoked"
            else "Deze link is verlopen."
        )
        return ProblemError(410, "Link niet meer geldig", detail, slug=f"share-{exc.reason}")
    return ProblemError(400, "Niet gelukt", str(exc), slug="wallet-error")


PROBLEMS: dict[type[Exception], ProblemMapping] = {
    WalletError: wallet_problem,
    ShareGoneError: wallet_problem,
}
"""The wallet's errors for ``install_common`` (pages show the same problem as HTML)."""
