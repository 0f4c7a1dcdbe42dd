"""Guarded HTTP fetching of public JSON documents (DID documents, status list credentials).

A verifier fetches URLs that come from credentials it was handed, so a hostile credential
could point it at internal services (server-side request forgery). Every fetch of such a URL
goes through the same rules:

- ``https`` only; plain ``http`` only for hosts on an explicit development allow-list;
- no user-info in the URL, no redirects followed;
- the host must not be, or resolve to, a loopback, private (RFC 1918, ULA), link-local,
  multicast, unspecified, reserved or otherwise non-global address, unless allow-listed;
- a time limit (per operation and in total) and a size limit on the body (streamed, aborted
  as soon as the limit is passed);
- the body must be a JSON object (:func:`fetch_json`; :func:`fetch_bytes` returns the exact
  bytes, for digests of related resources).

    >>> import httpx
    >>> with httpx.Client() as client:                                  # doctest: +SKIP
    ...     doc = fetch_json("https://school.example/.well-known/did.json", client)

For development against a local service, allow-list its ``host:port``:

    >>> fetch_json("http://localhost:8001/status/1", client,            # doctest: +SKIP
    ...            allow_hosts={"localhost:8001"})

**DNS rebinding.** The host is resolved once, here; the connection then goes to exactly the
addresses that were checked. A client made by :func:`guarded_client` connects through
:class:`PinnedBackend`, which takes the checked addresses from the request in flight (set by
:func:`guarded_request`) instead of resolving again, so a DNS server that answers a public
address for the check and ``127.0.0.1`` for the connection gets nowhere. TLS is still
verified against the host name (SNI and certificate), and the ``Host`` header is the URL's.
Such a client refuses every connection that did not pass the guard.

:func:`guarded_request` is the one guarded request (GET, POST …, any status, headers and
body), :func:`fetch_json` the GET of a JSON object on top of it.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpcore
import httpx

from .errors import FetchError, FetchProblem

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "GuardedTransport",
    "HostResolver",
    "HttpAnswer",
    "PinnedBackend",
    "check_url_allowed",
    "fetch_bytes",
    "fetch_json",
    "guarded_client",
    "guarded_request",
    "is_public_address",
    "parse_json_object",
    "system_resolve",
]

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 256 * 1024

HostResolver = Callable[[str, int], Sequence[str]]
"""Turns ``(host, port)`` into the IP addresses a connection could go to."""

JsonObject = dict[str, Any]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``socket.getaddrinfo`` gives for ``host`` (the default resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """True when ``address`` is a global unicast IP address.

    Refuses loopback, private (RFC 1918, ULA ``fc00::/7``), link-local (including the cloud
    metadata address ``169.254.169.254``), multicast, unspecified, reserved, shared
    (``100.64.0.0/10``) and documentation ranges; IPv4 addresses embedded in IPv6
    (mapped, 6to4, Teredo) are judged by their IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return bool(ip.is_global) and not ip.is_multicast


def _host_key(parts: SplitResult) -> tuple[str, str]:
    """``(host, host:port)`` lower-cased, for allow-list comparison."""
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        raise FetchError(
            FetchProblem.URL_REFUSED, f"URL {parts.geturl()!r} has an invalid port"
        ) from None
    bracketed = f"[{host}]" if ":" in host else host
    return bracketed, f"{bracketed}:{port}" if port is not None else bracketed


def check_url_allowed(
    url: str,
    allow_hosts: Collection[str] = (),
    *,
    resolve: HostResolver = system_resolve,
) -> None:
    """Raise :class:`FetchError` unless ``url`` may be fetched under the rules above.

    ``allow_hosts`` lists development hosts (``"localhost:8001"``, or ``"localhost"`` for any
    port) for which plain ``http`` and non-global addresses are accepted. ``resolve`` is
    injectable so tests never touch DNS.
    """
    _checked_target(url, allow_hosts, resolve)


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a checked URL may connect: ``addresses`` None means by name (allow-listed)."""

    host: str
    port: int
    addresses: tuple[str, ...] | None


def _checked_target(url: str, allow_hosts: Collection[str], resolve: HostResolver) -> _Target:
    if not isinstance(url, str) or len(url) > 2048:
        raise FetchError(
            FetchProblem.URL_REFUSED, "URL must be a string of at most 2048 characters"
        )
    if not url.isascii() or not url.isprintable() or any(c in url for c in " \\"):
        # Parsers disagree on such URLs (a classic way to smuggle another host past a check).
        raise FetchError(
            FetchProblem.URL_REFUSED,
            f"URL {url!r} contains spaces, backslashes or non-ASCII characters",
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise FetchError(FetchProblem.URL_REFUSED, f"URL {url!r} is not an https URL")
    if parts.username is not None or parts.password is not None:
        raise FetchError(FetchProblem.URL_REFUSED, f"URL {url!r} must not contain user information")
    if not parts.hostname:
        raise FetchError(FetchProblem.URL_REFUSED, f"URL {url!r} has no host")
    host, host_port = _host_key(parts)
    try:
        client_host = httpx.URL(url).host.lower()
    except (httpx.InvalidURL, ValueError):
        raise FetchError(FetchProblem.URL_REFUSED, f"URL {url!r} is not a valid URL") from None
    if client_host != host.strip("[]"):
        raise FetchError(FetchProblem.URL_REFUSED, f"URL {url!r} is ambiguous about its host")
    allowed = {h.lower() for h in allow_hosts}
    allow_listed = host in allowed or host_port in allowed
    if scheme == "http" and not allow_listed:
        raise FetchError(
            FetchProblem.URL_REFUSED,
            f"URL {url!r} uses plain http; only https is fetched (http only for allow-listed "
            "development hosts)",
        )
    port = parts.port or _DEFAULT_PORTS[scheme]
    if allow_listed:
        return _Target(client_host, port, None)
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    else:
        if not is_public_address(bare):
            raise FetchError(
                FetchProblem.NON_PUBLIC_ADDRESS, f"URL {url!r} points at a non-public address"
            )
        return _Target(client_host, port, (bare,))
    try:
        addresses = list(resolve(bare, port))
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            FetchProblem.HOST_UNRESOLVED, f"host {bare!r} could not be resolved: {exc}"
        ) from None
    if not addresses:
        raise FetchError(
            FetchProblem.HOST_UNRESOLVED, f"host {bare!r} could not be resolved: no addresses"
        )
    for address in addresses:
        if not is_public_address(address):
            raise FetchError(
                FetchProblem.NON_PUBLIC_ADDRESS,
                f"host {bare!r} resolves to a non-public address ({address})",
            )
    return _Target(client_host, port, tuple(addresses))


# ------------------------------------------------------------------- connection pinning

_PINS: contextvars.ContextVar[Mapping[tuple[str, int], tuple[str, ...] | None] | None] = (
    contextvars.ContextVar("credentials_net_pins", default=None)
)


@contextmanager
def _pinned(target: _Target) -> Iterator[None]:
    token = _PINS.set({(target.host, target.port): target.addresses})
    try:
        yield
    finally:
        _PINS.reset(token)


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only where :func:`guarded_request` checked.

    For the request in flight it connects to the checked addresses (in order, the first that
    answers), never resolving the name again; allow-listed development hosts connect by
    name. A connection outside a guarded request is refused. TLS (SNI, certificate check)
    is httpcore's, against the URL's host name.
    """

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        pins = _PINS.get()
        key = (host.lower(), port)
        if pins is None or key not in pins:
            raise httpcore.ConnectError(
                f"refused to connect to {host}:{port}: not checked by credentials.net"
            )
        addresses = pins[key]
        if addresses is None:
            return self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        failure: Exception = httpcore.ConnectError(f"no address to connect to for {host}")
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address.split("%", 1)[0], port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for guarded fetches")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=10)


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go through :class:`PinnedBackend` (no proxy
    from the environment: the connection goes where the guard checked). ``network_backend``
    is the seam below it (tests pass httpcore's ``MockBackend``)."""

    def __init__(
        self,
        *,
        verify: bool | ssl.SSLContext = True,
        limits: httpx.Limits = _LIMITS,
        network_backend: httpcore.NetworkBackend | None = None,
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(network_backend),
        )


def guarded_client(
    *, timeout: float = DEFAULT_TIMEOUT, network_backend: httpcore.NetworkBackend | None = None
) -> httpx.Client:
    """The HTTP client for :func:`guarded_request` and :func:`fetch_json`: pinned
    connections, no redirects, no proxies or credentials from the environment."""
    return httpx.Client(
        transport=GuardedTransport(network_backend=network_backend),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


# ---------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What a guarded request got back, whatever the status."""

    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def body(self) -> Any:
        """The parsed JSON body, or None when it was empty or not JSON."""
        if not self.content:
            return None
        try:
            return json.loads(self.content)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None


def guarded_request(
    method: str,
    url: str,
    client: httpx.Client,
    *,
    allow_hosts: Collection[str] = (),
    resolve: HostResolver = system_resolve,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    form: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> HttpAnswer:
    """``method`` ``url`` under the rules of this module: checked (and, with a
    :func:`guarded_client`, pinned to the checked addresses), no redirects (a redirect is a
    :class:`FetchError`), ``timeout`` per operation and for the whole transfer, at most
    ``max_bytes`` of body. Any status is returned; every failure raises :class:`FetchError`.
    """
    target = _checked_target(url, allow_hosts, resolve)
    deadline = clock() + timeout
    body = bytearray()
    send: dict[str, Any] = {}
    if form is not None:
        send["data"] = dict(form)
    elif content is not None:
        send["content"] = content
    try:
        with (
            _pinned(target),
            client.stream(
                method,
                url,
                headers=dict(headers or {}),
                timeout=timeout,
                follow_redirects=False,
                **send,
            ) as response,
        ):
            if response.is_redirect and response.status_code != 304:  # 304: not modified
                raise FetchError(
                    FetchProblem.REDIRECT,
                    f"{url} answered with a redirect ({response.status_code}); "
                    "redirects are not followed",
                )
            declared = response.headers.get("content-length")
            if (
                declared is not None
                and declared.isascii()
                and declared.isdigit()
                and int(declared) > max_bytes
            ):
                raise FetchError(
                    FetchProblem.TOO_LARGE, f"{url} is larger than the limit of {max_bytes} bytes"
                )
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(
                        FetchProblem.TOO_LARGE,
                        f"{url} is larger than the limit of {max_bytes} bytes",
                    )
                if clock() > deadline:
                    raise FetchError(FetchProblem.TIMEOUT, f"{url} timed out after {timeout} s")
            return HttpAnswer(response.status_code, response.headers, bytes(body))
    except httpx.TimeoutException:
        raise FetchError(FetchProblem.TIMEOUT, f"{url} timed out after {timeout} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(
            FetchProblem.UNREACHABLE, f"{url} could not be fetched: {type(exc).__name__}: {exc}"
        ) from None


def parse_json_object(url: str, content: bytes) -> JsonObject:
    """``content`` as a JSON object, or :class:`FetchError` naming ``url``."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FetchError(FetchProblem.NOT_JSON, f"{url} did not return JSON") from None
    if not isinstance(document, dict):
        raise FetchError(FetchProblem.NOT_JSON, f"{url} did not return a JSON object")
    return document


def fetch_bytes(
    url: str,
    client: httpx.Client,
    *,
    allow_hosts: Collection[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    resolve: HostResolver = system_resolve,
    accept: str = "application/json",
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """GET ``url`` under the rules of this module and return the body's exact bytes.

    ``timeout`` bounds each network operation and the whole transfer (a server that drips
    bytes slowly is cut off too). Every failure raises :class:`FetchError` with a readable
    reason; nothing else escapes.
    """
    answer = guarded_request(
        "GET", url, client, allow_hosts=allow_hosts, resolve=resolve, timeout=timeout,
        max_bytes=max_bytes, headers={"Accept": accept}, clock=clock,
    )  # fmt: skip
    if answer.status != 200:
        raise FetchError(
            FetchProblem.HTTP_STATUS,
            f"{url} answered HTTP {answer.status}, expected 200",
            status=answer.status,
        )
    return answer.content


def fetch_json(
    url: str,
    client: httpx.Client,
    *,
    allow_hosts: Collection[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    resolve: HostResolver = system_resolve,
    accept: str = "application/json",
    clock: Callable[[], float] = time.monotonic,
) -> JsonObject:
    """:func:`fetch_bytes`, and the body must be a JSON object (returned parsed)."""
    body = fetch_bytes(
        url, client, allow_hosts=allow_hosts, max_bytes=max_bytes, timeout=timeout,
        resolve=resolve, accept=accept, clock=clock,
    )  # fmt: skip
    return parse_json_object(url, body)
