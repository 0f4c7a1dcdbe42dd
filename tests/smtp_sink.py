"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in its own thread): it keeps what
it receives and refuses recipients at ``refused.example``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Sink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.sink.messages.append(parsed)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_sink(*, password: str | None = None) -> Iterator[Sink]:
    """With ``password``, the server wants AUTH LOGIN/PLAIN (any user, that password)."""
    sink = Sink("127.0.0.1", free_port())

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        if isinstance(data, LoginPassword):
            sink.logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=data.password.decode() == password)
        return AuthResult(success=False)

    extra: dict[str, Any] = {}
    if password is not None:
        extra = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(_Handler(sink), hostname=sink.host, port=sink.port, **extra)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
