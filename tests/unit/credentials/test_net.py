"""The SSRF guard and guarded JSON fetch shared by did:web and status list retrieval."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import httpcore
import httpx
import pytest

from credentials.errors import FetchError, FetchProblem
from credentials.net import (
    check_url_allowed,
    fetch_json,
    guarded_client,
    guarded_request,
    is_public_address,
)

PUBLIC_IP = "93.184.215.14"


def resolves_to(*addresses: str) -> Callable[[str, int], Sequence[str]]:
    def resolve(host: str, port: int) -> Sequence[str]:
        return list(addresses)

    return resolve


def no_dns(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"DNS must not be consulted for {host}:{port}")


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:a00:1::",  # 6to4 wrapping 10.0.0.1
        "not-an-ip",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_global_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/status",
        "https://10.0.0.1/status",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/status",
        "https://[fc00::1]/status",
    ],
)
def test_ip_literal_urls_to_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchError, match="non-public address"):
        check_url_allowed(url, resolve=no_dns)


def test_public_ip_literal_is_allowed_without_dns() -> None:
    check_url_allowed(f"https://{PUBLIC_IP}/status", resolve=no_dns)


def test_hostname_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(FetchError, match=r"resolves to a non-public address \(10\.1\.2\.3\)"):
        check_url_allowed(
            "https://intranet.example/status", resolve=resolves_to(PUBLIC_IP, "10.1.2.3")
        )


def test_hostname_resolving_to_public_addresses_is_allowed() -> None:
    check_url_allowed("https://school.example/status", resolve=resolves_to(PUBLIC_IP))


def test_unresolvable_host_is_refused() -> None:
    def fail(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError, match="could not be resolved"):
        check_url_allowed("https://nowhere.example/", resolve=fail)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://school.example/status", "plain http"),
        ("ftp://school.example/status", "not an https URL"),
        ("file:///etc/passwd", "not an https URL"),
        ("https://user:pw@school.example/", "user information"),
        ("https:///path-only", "no host"),
        ("https://school.example:99999/", "invalid port"),
        ("https://school.example\\@10.0.0.1/", "backslashes"),
        ("https://school.example /x", "spaces"),
        ("https://school.example/\x00", "non-ASCII"),
        ("https://bücher.example/", "non-ASCII"),
    ],
)
def test_malformed_or_insecure_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason):
        check_url_allowed(url, resolve=resolves_to(PUBLIC_IP))


def test_allow_listed_development_host_may_use_http_and_loopback() -> None:
    check_url_allowed("http://localhost:8001/x", {"localhost:8001"}, resolve=no_dns)
    check_url_allowed("http://LOCALHOST:8001/x", {"localhost:8001"}, resolve=no_dns)
    with pytest.raises(FetchError, match="plain http"):
        check_url_allowed("http://localhost:8002/x", {"localhost:8001"}, resolve=no_dns)


def test_fetch_json_returns_the_object() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "x"})

    with client_for(handler) as client:
        document = fetch_json("https://school.example/doc", client, resolve=resolves_to(PUBLIC_IP))
    assert document == {"id": "x"}
    assert seen[0].headers["accept"] == "application/json"


def test_fetch_json_refuses_before_any_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent to a refused URL")

    with client_for(handler) as client, pytest.raises(FetchError):
        fetch_json("https://10.0.0.1/doc", client)


@pytest.mark.parametrize(
    ("response", "reason", "code"),
    [
        (httpx.Response(404), "HTTP 404", FetchProblem.HTTP_STATUS),
        (httpx.Response(500, json={}), "HTTP 500", FetchProblem.HTTP_STATUS),
        (
            httpx.Response(302, headers={"location": "https://127.0.0.1/"}),
            "redirects are not followed",
            FetchProblem.REDIRECT,
        ),
        (httpx.Response(200, content=b"<html>"), "did not return JSON", FetchProblem.NOT_JSON),
        (httpx.Response(200, content=b"\xff\xfe"), "did not return JSON", FetchProblem.NOT_JSON),
        (httpx.Response(200, json=[1, 2]), "not return a JSON object", FetchProblem.NOT_JSON),
        (httpx.Response(200, content=b"[" * 100_000), "did not return JSON", FetchProblem.NOT_JSON),
    ],
)
def test_fetch_json_failures_are_fetch_errors(
    response: httpx.Response, reason: str, code: FetchProblem
) -> None:
    with (
        client_for(lambda request: response) as client,
        pytest.raises(FetchError, match=reason) as raised,
    ):
        fetch_json("https://school.example/doc", client, resolve=resolves_to(PUBLIC_IP))
    assert raised.value.code is code
    assert raised.value.status == (
        response.status_code if code is FetchProblem.HTTP_STATUS else None
    )


def test_fetch_failures_carry_a_code_callers_branch_on() -> None:
    """Callers never read the English: the code (and status) say what went wrong."""
    with pytest.raises(FetchError) as refused:
        check_url_allowed("http://school.example/x", resolve=resolves_to(PUBLIC_IP))
    assert refused.value.code is FetchProblem.URL_REFUSED
    with pytest.raises(FetchError) as private:
        check_url_allowed("https://intranet.example/", resolve=resolves_to("10.1.2.3"))
    assert private.value.code is FetchProblem.NON_PUBLIC_ADDRESS

    def fail(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError) as unresolved:
        check_url_allowed("https://nowhere.example/", resolve=fail)
    assert unresolved.value.code is FetchProblem.HOST_UNRESOLVED

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for handler, code in ((slow, FetchProblem.TIMEOUT), (down, FetchProblem.UNREACHABLE)):
        with client_for(handler) as client, pytest.raises(FetchError) as failed:
            fetch_json("https://school.example/doc", client, resolve=resolves_to(PUBLIC_IP))
        assert failed.value.code is code
    big = json.dumps({"pad": "x" * 2000}).encode()
    with (
        client_for(lambda request: httpx.Response(200, content=big)) as client,
        pytest.raises(FetchError) as large,
    ):
        fetch_json(
            "https://school.example/doc", client, max_bytes=1000, resolve=resolves_to(PUBLIC_IP)
        )
    assert large.value.code is FetchProblem.TOO_LARGE


def test_fetch_json_size_limit_from_content_length() -> None:
    body = json.dumps({"pad": "x" * 2000}).encode()
    with (
        client_for(lambda request: httpx.Response(200, content=body)) as client,
        pytest.raises(FetchError, match="larger than the limit of 1000 bytes"),
    ):
        fetch_json(
            "https://school.example/doc", client, max_bytes=1000, resolve=resolves_to(PUBLIC_IP)
        )


def test_fetch_json_size_limit_while_streaming_without_content_length() -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b" " * 1024

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())

    with client_for(handler) as client, pytest.raises(FetchError, match="larger than the limit"):
        fetch_json(
            "https://school.example/doc", client, max_bytes=4096, resolve=resolves_to(PUBLIC_IP)
        )
    assert len(sent) < 10  # aborted early, not read to the end


def test_fetch_json_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with client_for(handler) as client, pytest.raises(FetchError, match=r"timed out after 2\.0 s"):
        fetch_json(
            "https://school.example/doc", client, timeout=2.0, resolve=resolves_to(PUBLIC_IP)
        )


def test_fetch_json_total_deadline_cuts_off_slow_drip() -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            now[0] += 1.0  # each chunk takes a second
            yield b" "

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())

    with client_for(handler) as client, pytest.raises(FetchError, match="timed out"):
        fetch_json(
            "https://school.example/doc",
            client,
            timeout=5.0,
            clock=clock,
            resolve=resolves_to(PUBLIC_IP),
        )
    assert now[0] < 10


def test_fetch_json_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with client_for(handler) as client, pytest.raises(FetchError, match="ConnectError"):
        fetch_json("https://school.example/doc", client, resolve=resolves_to(PUBLIC_IP))


# ------------------------------------------------------------ DNS rebinding: pinned connects


class RecordingStream(httpcore.MockStream):
    """httpcore's mock socket, remembering what was written and the TLS server name."""

    def __init__(self, buffer: list[bytes], log: dict[str, list[Any]]) -> None:
        super().__init__(buffer)
        self._log = log

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._log["written"].append(buffer)

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self._log["sni"].append(server_hostname)
        return self


class RecordingBackend(httpcore.MockBackend):
    """The network below httpx/httpcore: records where it was asked to connect."""

    def __init__(self, body: bytes, refuse: Sequence[str] = ()) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
        super().__init__([head.encode() + b"\r\n\r\n" + body])
        self.refuse = set(refuse)
        self.log: dict[str, list[Any]] = {"connected": [], "written": [], "sni": []}

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self.log["connected"].append((host, port))
        if host in self.refuse:
            raise httpcore.ConnectError(f"{host} refused")
        return RecordingStream(list(self._buffer), self.log)


def rebinding(first: str, then: str) -> tuple[Callable[[str, int], Sequence[str]], list[str]]:
    """A DNS server that answers ``first`` once and ``then`` ever after."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return [first] if len(calls) == 1 else [then]

    return resolve, calls


def test_get_connects_to_the_checked_address_not_a_second_answer() -> None:
    backend = RecordingBackend(b'{"ok": true}')
    resolve, calls = rebinding(PUBLIC_IP, "127.0.0.1")
    with guarded_client(network_backend=backend) as client:
        document = fetch_json("https://school.example/status/1", client, resolve=resolve)
    assert document == {"ok": True}
    assert calls == ["school.example"]  # resolved once, by the guard
    assert backend.log["connected"] == [(PUBLIC_IP, 443)]
    assert backend.log["sni"] == ["school.example"]  # TLS is checked against the name
    assert b"Host: school.example\r\n" in b"".join(backend.log["written"])


def test_post_is_pinned_the_same_way() -> None:
    backend = RecordingBackend(b'{"access_token": "t"}')
    resolve, calls = rebinding(PUBLIC_IP, "169.254.169.254")
    with guarded_client(network_backend=backend) as client:
        answer = guarded_request(
            "POST", "https://issuer.example:8443/token", client, resolve=resolve,
            form={"grant_type": "x"},
        )  # fmt: skip
    assert (answer.status, answer.body) == (200, {"access_token": "t"})
    assert calls == ["issuer.example"]
    assert backend.log["connected"] == [(PUBLIC_IP, 8443)]
    written = b"".join(backend.log["written"])
    assert written.startswith(b"POST /token HTTP/1.1")
    assert b"grant_type=x" in written


def test_the_next_checked_address_is_tried_when_the_first_does_not_answer() -> None:
    backend = RecordingBackend(b"{}", refuse=["2001:4860:4860::8888"])
    resolve = resolves_to("2001:4860:4860::8888", PUBLIC_IP)
    with guarded_client(network_backend=backend) as client:
        assert fetch_json("https://school.example/x", client, resolve=resolve) == {}
    assert backend.log["connected"] == [("2001:4860:4860::8888", 443), (PUBLIC_IP, 443)]


def test_a_guarded_client_refuses_connections_the_guard_did_not_check() -> None:
    backend = RecordingBackend(b"{}")
    with guarded_client(network_backend=backend) as client, pytest.raises(httpx.ConnectError):
        client.get("https://school.example/")
    assert backend.log["connected"] == []


def test_allow_listed_development_hosts_connect_by_name() -> None:
    backend = RecordingBackend(b"{}")
    with guarded_client(network_backend=backend) as client:
        fetch_json(
            "http://localhost:8001/x", client, allow_hosts={"localhost:8001"}, resolve=no_dns
        )
    assert backend.log["connected"] == [("localhost", 8001)]
