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

Known limit: the host is resolved here and again by the HTTP client, so a DNS server that
answers differently the second time (DNS rebinding) is not fully excluded. Deployments that
need that guarantee put an egress proxy in front of the verifier.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpx

from .errors import FetchError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "HostResolver",
    "check_url_allowed",
    "fetch_bytes",
    "fetch_json",
    "is_public_address",
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
        raise FetchError(f"URL {parts.geturl()!r} has an invalid port") from None
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
    if not isinstance(url, str) or len(url) > 2048:
        raise FetchError("URL must be a string of at most 2048 characters")
    if not url.isascii() or not url.isprintable() or any(c in url for c in " \\"):
        # Parsers disagree on such URLs (a classic way to smuggle another host past a check).
        raise FetchError(f"URL {url!r} contains spaces, backslashes or non-ASCII characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise FetchError(f"URL {url!r} is not an https URL")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"URL {url!r} must not contain user information")
    if not parts.hostname:
        raise FetchError(f"URL {url!r} has no host")
    host, host_port = _host_key(parts)
    try:
        client_host = httpx.URL(url).host.lower()
    except (httpx.InvalidURL, ValueError):
        raise FetchError(f"URL {url!r} is not a valid URL") from None
    if client_host != host.strip("[]"):
        raise FetchError(f"URL {url!r} is ambiguous about its host")
    allowed = {h.lower() for h in allow_hosts}
    allow_listed = host in allowed or host_port in allowed
    if scheme == "http" and not allow_listed:
        raise FetchError(
            f"URL {url!r} uses plain http; only https is fetched (http only for allow-listed "
            "development hosts)"
        )
    if allow_listed:
        return
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    else:
        if not is_public_address(bare):
            raise FetchError(f"URL {url!r} points at a non-public address")
        return
    port = parts.port or _DEFAULT_PORTS[scheme]
    try:
        addresses = list(resolve(bare, port))
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"host {bare!r} could not be resolved: {exc}") from None
    if not addresses:
        raise FetchError(f"host {bare!r} could not be resolved: no addresses")
    for address in addresses:
        if not is_public_address(address):
            raise FetchError(f"host {bare!r} resolves to a non-public address ({address})")


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
    check_url_allowed(url, allow_hosts, resolve=resolve)
    deadline = clock() + timeout
    body = bytearray()
    try:
        with client.stream(
            "GET",
            url,
            headers={"Accept": accept},
            timeout=timeout,
            follow_redirects=False,
        ) as response:
            if response.is_redirect:
                raise FetchError(
                    f"{url} answered with a redirect ({response.status_code}); "
                    "redirects are not followed"
                )
            if response.status_code != 200:
                raise FetchError(f"{url} answered HTTP {response.status_code}, expected 200")
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
                if clock() > deadline:
                    raise FetchError(f"{url} timed out after {timeout} s")
    except httpx.TimeoutException:
        raise FetchError(f"{url} timed out after {timeout} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url} could not be fetched: {type(exc).__name__}: {exc}") from None
    return bytes(body)


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
    try:
        document = json.loads(bytes(body))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FetchError(f"{url} did not return JSON") from None
    if not isinstance(document, dict):
        raise FetchError(f"{url} did not return a JSON object")
    return document
