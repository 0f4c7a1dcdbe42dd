"""CSRF protection for forms: a synchronizer token bound to the session.

Every POST form carries ``<input type="hidden" name="csrf_token" value="{{ csrf_token }}">``
(the layout's ``csrf_field()`` macro writes it); a router of pages declares
``dependencies=[Depends(verify_csrf)]`` and every unsafe request without the session's token
is refused with a readable 403 page. Scripts may send the token in ``X-CSRF-Token`` instead.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from .errors import PageError
from .sessions import get_session

__all__ = ["CSRF_FIELD", "csrf_token", "verify_csrf"]

CSRF_FIELD = "csrf_token"
_SESSION_KEY = "csrf"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    session = get_session(request)
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session.set(_SESSION_KEY, token)
    return token


async def verify_csrf(request: Request) -> None:
    """Dependency: refuse an unsafe request whose token does not match the session's."""
    if request.method in _SAFE:
        return
    expected = get_session(request).get(_SESSION_KEY)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if (
        not isinstance(expected, str)
        or not sent
        or not hmac.compare_digest(expected.encode(), sent.encode())  # bytes: any text
    ):
        raise PageError(
            403,
            "Formulier verlopen",
            "Het formulier is verlopen of kwam niet van deze site. Ga terug, laad de pagina "
            "opnieuw en probeer het nog eens.",
            slug="csrf",
        )
