"""Signed cookie sessions, language choice and security headers for server-rendered pages.

:class:`UiMiddleware` (pure ASGI) gives every HTTP request a :class:`UiSession` — a small dict
kept in an HMAC-SHA256-signed cookie (HttpOnly, SameSite=Lax, Secure on https) — and the
negotiated language, and adds security headers to every response. Services keep nothing
secret in the session: it holds the CSRF token, flash messages and an opaque login handle
whose meaning (e.g. a server-side session row) is the service's business.

    session = get_session(request)
    session.set("auth", handle)
    session.rotate()        # after login/logout: new CSRF token, nothing carried over
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator, Mapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .i18n import DEFAULT_LANGUAGE, LANGUAGES, negotiate_language

__all__ = [
    "DEFAULT_CSP",
    "SessionCodec",
    "UiMiddleware",
    "UiSession",
    "get_language",
    "get_session",
]

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_SESSION_SCOPE_KEY = "ui.session"
_LANG_SCOPE_KEY = "ui.lang"
LANG_COOKIE = "lang"


class SessionCodec:
    """Encode a dict as ``payload.signature`` (base64url JSON, HMAC-SHA256) with a time
    stamp; decoding refuses a bad signature or an old cookie. The key is derived from the
    service's ``secret_key`` for this purpose only."""

    def __init__(self, secret: str, *, max_age: int) -> None:
        self._key = hmac.new(secret.encode("utf-8"), b"web_common.ui session v1", "sha256").digest()
        self.max_age = max_age

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def encode(self, data: Mapping[str, Any], now: float | None = None) -> str:
        body = json.dumps({"d": dict(data), "t": int(now if now is not None else time.time())},
                          separators=(",", ":"), ensure_ascii=True)  # fmt: skip
        payload = base64.urlsafe_b64encode(body.encode("ascii")).rstrip(b"=")
        return payload.decode("ascii") + "." + self._sign(payload)

    def decode(self, value: str, now: float | None = None) -> dict[str, Any] | None:
        payload, _, signature = value.partition(".")
        if not payload or not payload.isascii() or not signature.isascii():
            return None  # a cookie the service never wrote
        if not hmac.compare_digest(self._sign(payload.encode("ascii")), signature):
            return None
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict) or not isinstance(body.get("d"), dict):
            return None
        age = (now if now is not None else time.time()) - int(body.get("t", 0))
        if age > self.max_age or age < -300:
            return None
        data: dict[str, Any] = body["d"]
        return data


class UiSession:
    """The session of one request. Changes are saved when the response starts."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        self.modified = False

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.modified = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self._data:
            self.modified = True
        return self._data.pop(key, default)

    def clear(self) -> None:
        self._data.clear()
        self.modified = True

    def rotate(self) -> None:
        """Start afresh (on login and logout): drop everything except pending flash
        messages, so the CSRF token and any old handle do not survive a change of user."""
        flashes = self._data.get("_flash")
        self.clear()
        if flashes:
            self._data["_flash"] = flashes

    def as_dict(self) -> dict[str, Any]:
        return dict(self._data)


def get_session(request: Request) -> UiSession:
    """The request's session (needs :class:`UiMiddleware`)."""
    session = request.scope.get(_SESSION_SCOPE_KEY)
    if not isinstance(session, UiSession):
        raise RuntimeError("UiMiddleware is not installed")
    return session


def get_language(request: Request) -> str:
    lang = request.scope.get(_LANG_SCOPE_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class UiMiddleware:
    """Session cookie, language and security headers (see the module docstring).

    ``csp_exempt`` lists path prefixes (e.g. ``/docs``) whose pages load their own scripts.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret_key: str,
        secure: bool,
        cookie_name: str = "session",
        max_age: int = 12 * 3600,
        csp: str = DEFAULT_CSP,
        csp_exempt: tuple[str, ...] = ("/docs", "/redoc"),
    ) -> None:
        self.app = app
        self.codec = SessionCodec(secret_key, max_age=max_age)
        self.secure = secure
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.csp = csp
        self.csp_exempt = csp_exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        raw = cookies.get(self.cookie_name)
        data = self.codec.decode(raw) if raw else None
        session = UiSession(data)
        query_lang = QueryParams(scope.get("query_string", b"").decode("latin-1")).get("lang")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        lang = negotiate_language(query_lang, cookies.get(LANG_COOKIE),
                                  headers.get("accept-language"))  # fmt: skip
        scope[_SESSION_SCOPE_KEY] = session
        scope[_LANG_SCOPE_KEY] = lang
        path: str = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                self._security_headers(out, path)
                if session.modified or (raw and data is None):
                    out.append("set-cookie", self._session_cookie(session))
                if query_lang in LANGUAGES and query_lang != cookies.get(LANG_COOKIE):
                    out.append("set-cookie", self._cookie(LANG_COOKIE, query_lang,
                                                          365 * 24 * 3600))  # fmt: skip
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _security_headers(self, headers: MutableHeaders, path: str) -> None:
        defaults = {
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
        if not path.startswith(self.csp_exempt):
            defaults["Content-Security-Policy"] = self.csp
        for name, value in defaults.items():
            if name not in headers:
                headers[name] = value
        content_type = headers.get("content-type", "")
        if content_type.startswith("text/html") and "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"

    def _session_cookie(self, session: UiSession) -> str:
        data = session.as_dict()
        if not data:
            return self._cookie(self.cookie_name, "", 0)
        return self._cookie(self.cookie_name, self.codec.encode(data), self.max_age)

    def _cookie(self, name: str, value: str, max_age: int) -> str:
        parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)


def _cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope["headers"]:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 - a malformed cookie header is ignored
                continue
            found.update({name: morsel.value for name, morsel in jar.items()})
    return found
