"""A real wallet process (``python -m wallet serve``, uvicorn with
:mod:`web_common.head_timeout`) and raw sockets: a client that trickles its request head
("slowloris"), or opens a connection and sends nothing, gets 408 problem+json and the
connection closed after about ``WALLET_HEADER_READ_TIMEOUT_SECONDS``; the deadline is per
request head, so a kept-alive connection that is used steadily lives on."""

from __future__ import annotations

import json
import select
import socket
import time
from pathlib import Path

from tests.integration.test_slow_bodies import _closed_by_server, _connect, _read_response
from tests.processes import wallet_process

TIMEOUT = 2.0
ENV = {"WALLET_HEADER_READ_TIMEOUT_SECONDS": str(TIMEOUT)}


def _trickle_until_answered(sock: socket.socket, pieces: list[bytes], pause: float) -> float:
    """Send ``pieces`` one every ``pause`` seconds until the server answers; return the seconds
    from the first piece to the answer (fails if every piece went out unanswered)."""
    started = time.monotonic()
    for piece in pieces:
        sock.sendall(piece)
        readable, _, _ = select.select([sock], [], [], pause)
        if readable:
            return time.monotonic() - started
    raise AssertionError(f"no answer {time.monotonic() - started:.1f} s into a trickled head")


def _assert_timeout_answer(sock: socket.socket) -> None:
    status, headers, body = _read_response(sock)
    assert status == 408, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["status"] == 408
    assert problem["title"] == "Request timeout"
    assert "request head" in problem["detail"]
    assert _closed_by_server(sock)


def _slowloris(host: str) -> list[bytes]:
    """A request head sent one header line at a time (never finished)."""
    first = [f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n".encode()]
    return first + [f"X-Slow-{n}: {n}\r\n".encode() for n in range(60)]


def test_a_trickled_request_head_gets_408_and_the_connection_is_closed(tmp_path: Path) -> None:
    with wallet_process(tmp_path, [], extra_env=ENV) as base:
        sock, host = _connect(base)
        with sock:
            elapsed = _trickle_until_answered(sock, _slowloris(host), pause=0.25)
            # bytes kept arriving, yet the head's deadline did not move
            assert TIMEOUT - 0.5 < elapsed < TIMEOUT + 2, elapsed
            _assert_timeout_answer(sock)


def test_a_connection_that_sends_nothing_gets_408_and_is_closed(tmp_path: Path) -> None:
    with wallet_process(tmp_path, [], extra_env=ENV) as base:
        sock, _ = _connect(base)
        with sock:
            started = time.monotonic()
            readable, _, _ = select.select([sock], [], [], TIMEOUT + 5)
            assert readable, "the server kept a silent connection open"
            assert TIMEOUT - 0.5 < time.monotonic() - started < TIMEOUT + 2
            _assert_timeout_answer(sock)


def test_the_deadline_is_per_request_head_on_a_kept_alive_connection(tmp_path: Path) -> None:
    """Heads that arrive in pieces but in time are answered; a connection used for longer
    than the timeout keeps going; the next head's deadline counts from its first byte."""
    with wallet_process(tmp_path, [], extra_env=ENV) as base:
        sock, host = _connect(base)
        with sock:
            opened = time.monotonic()
            for _ in range(3):
                head = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode()
                for offset in range(0, len(head), 12):  # in pieces, 0.1 s apart
                    sock.sendall(head[offset : offset + 12])
                    time.sleep(0.1)
                status, headers, _ = _read_response(sock)
                assert status == 200
                assert headers.get("connection") != "close"
                time.sleep(0.5)
            assert time.monotonic() - opened > TIMEOUT + 1  # older than one head's deadline
            time.sleep(1.0)  # idle, within the keep-alive timeout
            elapsed = _trickle_until_answered(sock, _slowloris(host), pause=0.25)
            assert TIMEOUT - 0.5 < elapsed < TIMEOUT + 2, elapsed
            _assert_timeout_answer(sock)
