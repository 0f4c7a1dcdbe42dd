"""Refuse request bodies over a size limit before they are read into memory.

Pure ASGI: checks ``Content-Length`` up front and counts streamed bytes as they arrive, so
a chunked upload cannot get around it. Over the limit: ``413``, as problem+json for programs
and as a short bilingual page for browsers (``Accept: text/html``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimitMiddleware", "BodyTooLargeError"]


class BodyTooLargeError(HTTPException):
    """Raised while a streamed body is read past the limit. An HTTP 413 exception, so the
    app's handlers answer it as 413 (problem+json or page) wherever the body is read —
    FastAPI turns any other exception from body parsing into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


class BodySizeLimitMiddleware:
    """``limit`` bytes by default; ``overrides`` maps path prefixes to their own limit."""

    def __init__(
        self, app: ASGIApp, *, limit: int, overrides: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.overrides = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))

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

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if not response_started:
                await _reject(scope, send, limit)


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
    body = json.dumps(
        {
            "type": "https://w3id.org/mbo-wallet/problems/content-too-large",
            "title": "Content too large",
            "status": 413,
            "detail": f"The request body is larger than {limit} bytes.",
            "instance": scope.get("path", ""),
        }
    ).encode()
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
