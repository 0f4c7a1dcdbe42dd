"""Refuse request bodies over a size limit before they are read into memory, and bodies that
arrive too slowly.

Pure ASGI: checks ``Content-Length`` up front and counts streamed bytes as they arrive, so
a chunked upload cannot get around it. Over the limit: ``413``, as problem+json for programs
and as a short bilingual page for browsers (``Accept: text/html``).

A client that trickles its body ("slow POST") would otherwise hold a connection and a
request for as long as it likes: the body must arrive within ``read_timeout`` seconds
(``*_BODY_READ_TIMEOUT_SECONDS``, default 10) plus one second for every
:data:`MIN_BODY_RATE` bytes received so far, so an honest large upload on a slow line keeps
going while a trickle is cut off after about ``read_timeout`` seconds. Then: ``408`` with
``Connection: close`` (the server closes the connection instead of waiting for the rest).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_bytes

__all__ = [
    "MIN_BODY_RATE",
    "BodyReadTimeoutError",
    "BodySizeLimitMiddleware",
    "BodyTooLargeError",
]

MIN_BODY_RATE = 64 * 1024
"""Bytes per second that each extend the body's deadline by one second."""


class BodyTooLargeError(HTTPException):
    """Raised while a streamed body is read past the limit. An HTTP 413 exception, so the
    app's handlers answer it as 413 (problem+json or page) wherever the body is read —
    FastAPI turns any other exception from body parsing into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


class BodyReadTimeoutError(HTTPException):
    """Raised while a body is read when it does not arrive in time: an HTTP 408 exception,
    answered like :class:`BodyTooLargeError`; the response closes the connection."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            f"The request body did not arrive in time ({seconds:g} s); send it again.",
            headers={"Connection": "close"},
        )
        self.seconds = seconds


class BodySizeLimitMiddleware:
    """``limit`` bytes by default; ``overrides`` maps path prefixes to their own limit.
    ``read_timeout`` seconds (plus the allowance for bytes received, see the module text)
    for the whole body; ``None`` waits as long as the server does."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        overrides: Mapping[str, int] | None = None,
        read_timeout: float | None = 10.0,
    ) -> None:
        self.app = app
        self.limit = limit
        self.overrides = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))
        self.read_timeout = read_timeout

    def _limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.overrides if path.startswith(prefix)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _reject(scope, send, limit)
                return
        received = 0
        response_started = False
        body_done = False
        timed_out = False
        started: float | None = None
        read_timeout = self.read_timeout

        async def next_message() -> Message:
            nonlocal started, timed_out
            if read_timeout is None or body_done:
                return await receive()
            now = time.monotonic()
            if started is None:
                started = now
            remaining = started + read_timeout + received / MIN_BODY_RATE - now
            try:
                return await asyncio.wait_for(receive(), timeout=max(remaining, 0.001))
            except TimeoutError:
                timed_out = True
                raise BodyReadTimeoutError(read_timeout) from None

        async def counting_receive() -> Message:
            nonlocal received, body_done
            message = await next_message()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
                if not message.get("more_body", False):
                    body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if timed_out:  # the rest of the body is not awaited: close the connection
                    headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if not response_started:
                await _reject(scope, send, limit)
        except BodyReadTimeoutError:
            if not response_started:
                await _reject_slow(scope, send, read_timeout or 0)


_HTML = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Bestand te groot / File too large</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>Het bestand is te groot</h1>
<p>U kunt hier hoogstens {mib} MB tegelijk versturen. Ga terug en kies een kleiner bestand.</p>
<h2 lang="en">The file is too large</h2>
<p lang="en">At most {mib} MB can be sent at once. Go back and choose a smaller file.</p>
</body></html>
"""


def _wants_html(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"accept":
            return b"text/html" in value
    return False


async def _reject(scope: Scope, send: Send, limit: int) -> None:
    if _wants_html(scope):
        page = _HTML.format(mib=max(1, round(limit / (1024 * 1024)))).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(page)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": page})
        return
    body = problem_bytes(
        413,
        "Content too large",
        f"The request body is larger than {limit} bytes.",
        slug="content-too-large",
        instance=scope.get("path", ""),
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_SLOW_HTML = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Te langzaam verstuurd / Sent too slowly</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>Het versturen duurde te lang</h1>
<p>De gegevens kwamen niet op tijd binnen. Controleer uw verbinding, ga terug en probeer het
opnieuw.</p>
<h2 lang="en">Sending took too long</h2>
<p lang="en">The data did not arrive in time. Check your connection, go back and try again.</p>
</body></html>
"""


async def _reject_slow(scope: Scope, send: Send, seconds: float) -> None:
    if _wants_html(scope):
        body, content_type = _SLOW_HTML.encode(), b"text/html; charset=utf-8"
    else:
        body = problem_bytes(
            408,
            "Request timeout",
            f"The request body did not arrive in time ({seconds:g} s); send it again.",
            slug="request-timeout",
            instance=scope.get("path", ""),
        )
        content_type = b"application/problem+json"
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
