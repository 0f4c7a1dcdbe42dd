"""A real wallet process (``python -m wallet serve``) and a raw socket: a client that trickles
its request body ("slow POST") gets 408 problem+json and the connection closed after about
``WALLET_BODY_READ_TIMEOUT_SECONDS``; an honest upload that is slow-ish but steady is read to
the end and answered as usual."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.processes import wallet_process

TIMEOUT = 2.0


def _connect(base: str) -> tuple[socket.socket, str]:
    parts = urlsplit(base)
    assert parts.port is not None
    sock = socket.create_connection(("127.0.0.1", parts.port), timeout=30)
    return sock, parts.netloc


def _head(host: str, length: int, accept: str = "application/json") -> bytes:
    return (
        f"POST /api/session HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Accept: {accept}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a response: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (li.split(":", 1) for li in lines[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return status, headers, body


def _closed_by_server(sock: socket.socket) -> bool:
    """True when the server has closed its side (EOF or reset) within 5 seconds."""
    sock.settimeout(5)
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_trickled_body_gets_408_and_the_connection_is_closed(tmp_path: Path) -> None:
    env = {"WALLET_BODY_READ_TIMEOUT_SECONDS": str(TIMEOUT)}
    with wallet_process(tmp_path, [], extra_env=env) as base:
        sock, host = _connect(base)
        with sock:
            sock.sendall(_head(host, 1000))
            started = time.monotonic()
            answered = False
            while time.monotonic() - started < 15:  # one byte every 0.2 s: 5 bytes a second
                sock.sendall(b" ")
                readable, _, _ = select.select([sock], [], [], 0.2)
                if readable:
                    answered = True
                    break
            elapsed = time.monotonic() - started
            assert answered, "the server waited for the trickled body for 15 s"
            status, headers, body = _read_response(sock)
            assert status == 408, body
            assert TIMEOUT - 0.5 < elapsed < TIMEOUT + 3, elapsed
            assert headers["content-type"] == "application/problem+json"
            assert headers["connection"] == "close"
            problem = json.loads(body)
            assert problem["status"] == 408
            assert problem["title"] == "Request timeout"
            assert _closed_by_server(sock)


def test_headers_and_then_no_body_at_all_get_408_too(tmp_path: Path) -> None:
    env = {"WALLET_BODY_READ_TIMEOUT_SECONDS": str(TIMEOUT)}
    with wallet_process(tmp_path, [], extra_env=env) as base:
        sock, host = _connect(base)
        with sock:
            sock.sendall(_head(host, 50, accept="text/html"))
            started = time.monotonic()
            status, headers, body = _read_response(sock)
            assert status == 408
            assert time.monotonic() - started < TIMEOUT + 3
            assert headers["connection"] == "close"
            assert "Het versturen duurde te lang" in body.decode()
            assert _closed_by_server(sock)


def test_an_honest_slow_ish_upload_is_read_to_the_end(tmp_path: Path) -> None:
    """300 KB in 20 KB pieces, one every 0.25 s (80 KB/s): about 4 s, twice the timeout,
    yet steady, so its deadline keeps moving; the login in it is read and checked (401)."""
    env = {"WALLET_BODY_READ_TIMEOUT_SECONDS": str(TIMEOUT)}
    login = json.dumps({"email": "iemand@example.nl", "password": "not the password"}).encode()
    body = b" " * (300_000 - len(login)) + login
    with wallet_process(tmp_path, [], extra_env=env) as base:
        sock, host = _connect(base)
        with sock:
            sock.sendall(_head(host, len(body)))
            started = time.monotonic()
            for offset in range(0, len(body), 20_000):
                sock.sendall(body[offset : offset + 20_000])
                time.sleep(0.25)
            assert time.monotonic() - started > TIMEOUT + 1  # slower than the bare timeout
            status, headers, answer = _read_response(sock)
            assert status == 401, answer
            assert headers.get("connection") != "close"
            # and the same connection serves the next request (keep-alive)
            sock.sendall(_head(host, len(login)) + login)
            status, _, _ = _read_response(sock)
            assert status == 401


def test_idle_keep_alive_connections_close_and_huge_headers_are_refused(tmp_path: Path) -> None:
    """``serve``'s own limits: an idle keep-alive connection is closed after about 5 s, and a
    header block that grows past 16 KiB is refused (400) and its connection closed. (How
    long headers may take to arrive: ``test_slow_headers.py``.)"""
    from web_common.service import KEEP_ALIVE_SECONDS, MAX_HEADER_BYTES

    with wallet_process(tmp_path, []) as base:
        sock, host = _connect(base)
        with sock:
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            status, _, _ = _read_response(sock)
            assert status == 200
            idle_since = time.monotonic()
            sock.settimeout(KEEP_ALIVE_SECONDS + 5)
            assert sock.recv(65536) == b""  # the server hung up on the idle connection
            assert KEEP_ALIVE_SECONDS - 1 < time.monotonic() - idle_since < KEEP_ALIVE_SECONDS + 3
        sock, host = _connect(base)
        with sock:
            # a header block that keeps growing (h11 measures what it holds unparsed)
            padding = "x" * (MAX_HEADER_BYTES + 1024)
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Pad: {padding}".encode())
            time.sleep(0.5)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused already
                sock.sendall(b"\r\n\r\n")
            status, _, _ = _read_response(sock)
            assert status == 400
            assert _closed_by_server(sock)
