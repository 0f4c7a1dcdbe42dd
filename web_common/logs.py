"""Structured JSON logs with request ids.

Every request gets an id (the client's ``X-Request-ID`` when it is sane, else a new one),
echoed in the response header and attached to every log line made while handling it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credentials.fair_share import work_owner

__all__ = [
    "JsonFormatter",
    "RedactUrlsFilter",
    "RequestIdMiddleware",
    "configure_logging",
    "redact_path",
    "redact_target",
    "request_id_var",
]

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

# URLs carry secrets: share tokens, offer handles, verifier check handles, presentation
# request ids. They are random (``secrets.token_urlsafe``, UUIDs), so any path segment that
# is long and has a digit or a capital in it is replaced; the words of our own routes
# (``openid-credential-issuer``, slugs) are lower case letters and hyphens. Query strings
# (``/?share=<link>``) are dropped whole.
REDACTED = "[redacted]"
_SECRET_SEGMENT = re.compile(r"(?=[A-Za-z0-9_.~%-]*[0-9A-Z])[A-Za-z0-9_.~%-]{16,}")


def redact_path(path: str) -> str:
    """The path with every segment that may be a secret replaced by ``[redacted]``."""
    return "/".join(
        REDACTED if _SECRET_SEGMENT.fullmatch(part) else part for part in path.split("/")
    )


def redact_target(target: str) -> str:
    """A request target (path and query) for a log line: secrets redacted, query dropped."""
    path, sep, _ = target.partition("?")
    return redact_path(path) + (f"?{REDACTED}" if sep else "")


class RedactUrlsFilter(logging.Filter):
    """For uvicorn's access log: its arguments are ``(client, method, target, version,
    status)``; the target is redacted before the line is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            data["requestId"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def configure_logging(level: str, *, json_lines: bool = True) -> None:
    """Send logs to stderr, as JSON lines or plain text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactUrlsFilter) for f in access.filters):
        access.addFilter(RedactUrlsFilter())


class RequestIdMiddleware:
    """Pure ASGI (no task group around the app, nothing blocking): gives every request an id,
    echoes it as ``X-Request-ID`` and writes one access line with the path redacted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        client = scope.get("client")
        owner = work_owner.set(client[0] if client else "")
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logging.getLogger("access").info(
                "request",
                extra={
                    "requestId": request_id,
                    "method": scope.get("method", ""),
                    "path": redact_path(scope.get("path", "")),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id_var.reset(token)
            work_owner.reset(owner)
