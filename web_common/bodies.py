"""Request bodies read on the event loop, worked on in the threadpool.

Reading a body is waiting for the client, which belongs on the event loop; everything done
with it (database, Argon2, signing, canonicalisation, outbound HTTP) belongs in a plain
``def`` route. :func:`body_of_type` makes an ``async`` dependency that only reads: a route
declares ``body: Annotated[bytes | None, Depends(body_of_type("application/json"))]`` and
stays a ``def``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request

__all__ = ["body_of_type"]


def body_of_type(media_type: str, max_bytes: int) -> Callable[[Request], Awaitable[bytes | None]]:
    """A dependency giving the raw body when its ``Content-Type`` is ``media_type`` and it
    has at most ``max_bytes`` bytes, else ``None`` (the route answers its own error)."""

    async def body_bytes(request: Request) -> bytes | None:
        declared = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if declared != media_type:
            return None
        body = await request.body()
        return body if len(body) <= max_bytes else None

    return body_bytes
