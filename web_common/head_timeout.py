"""Close connections whose request head does not arrive in time ("slowloris" on headers).

uvicorn's h11 protocol waits for a request line and headers as long as the client likes: a
client that opens connections and sends one header line every few seconds holds them all
(the 16 KiB header limit bounds the bytes, not the time). :func:`head_timeout_protocol`
makes an :class:`uvicorn.protocols.http.h11_impl.H11Protocol` subclass that gives every
request head ``seconds`` (``*_HEADER_READ_TIMEOUT_SECONDS``, default 10) from the moment the
connection opens or, on a kept-alive connection, from the first byte of the next request.
A head that is not complete by then gets ``408 Request Timeout`` (problem+json, with
``Connection: close``) and the connection is closed. Bytes that keep arriving do not extend
the deadline: a head is small, an honest client sends it at once.

An idle kept-alive connection (no byte of a next request) is left to uvicorn's keep-alive
timeout; once a request head has arrived, the body is :mod:`web_common.limits`'s to time.

    >>> protocol = head_timeout_protocol(2.5)
    >>> protocol.head_timeout
    2.5
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .problems import problem_bytes

__all__ = ["DEFAULT_HEAD_TIMEOUT_SECONDS", "HeadTimeoutH11Protocol", "head_timeout_protocol"]

DEFAULT_HEAD_TIMEOUT_SECONDS = 10.0


def _timeout_response(seconds: float) -> bytes:
    body = problem_bytes(
        408,
        "Request timeout",
        f"The request head did not arrive in time ({seconds:g} s).",
        slug="request-timeout",
    )
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeadTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head (see the module text)."""

    head_timeout: float = DEFAULT_HEAD_TIMEOUT_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self._awaiting_head():
            self._arm_head_timer()  # the first byte of the next request on this connection
        super().data_received(data)
        if not self._awaiting_head():
            self._cancel_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _awaiting_head(self) -> bool:
        """No request head is parsed for the current cycle yet."""
        return self.conn.their_state is h11.IDLE

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._awaiting_head():
            return
        if self.conn.our_state is h11.IDLE:  # nothing of ours is on the wire for this cycle
            self.transport.write(_timeout_response(self.head_timeout))
        self._unset_keepalive_if_required()
        self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutH11Protocol]:
    """A :class:`HeadTimeoutH11Protocol` class whose heads get ``seconds`` to arrive (uvicorn
    takes a protocol class as ``http=``)."""
    if seconds <= 0:
        raise ValueError("the head timeout is a positive number of seconds")
    return type("HeadTimeoutH11Protocol", (HeadTimeoutH11Protocol,), {"head_timeout": seconds})
