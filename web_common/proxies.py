"""The client's address, behind reverse proxies the operator trusts — and only those.

Throttles key on the client address. Behind a reverse proxy (the docker-compose shape) every
request comes from the proxy, so all users would share one bucket; but ``X-Forwarded-For`` is
written by whoever sends the request, so it counts only when the connection comes from a
proxy listed in the service's ``*_TRUSTED_PROXIES`` setting (addresses or CIDR networks,
default none). Then the client is the right-most address in the header that is not itself a
trusted proxy, and ``X-Forwarded-Proto`` sets the scheme.

One mechanism for all three services: :func:`install_trusted_proxies` adds uvicorn's
``ProxyHeadersMiddleware`` with exactly that list, and the services start uvicorn with
``proxy_headers=False`` (uvicorn otherwise trusts the header from loopback by default).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection

from fastapi import FastAPI
from starlette.requests import HTTPConnection
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

__all__ = ["client_address", "install_trusted_proxies", "parse_trusted_proxies"]


def parse_trusted_proxies(values: Collection[str]) -> tuple[str, ...]:
    """The entries as normalised addresses/networks; ``ValueError`` names a bad entry
    (``*`` is refused: trusting every sender is the problem this setting solves)."""
    parsed = []
    for value in values:
        text = value.strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(
                f"trusted proxy {value!r} is not an IP address or CIDR network"
            ) from None
        parsed.append(str(network))
    return tuple(parsed)


def install_trusted_proxies(app: FastAPI, trusted: Collection[str]) -> None:
    """Read ``X-Forwarded-For``/``-Proto`` from connections of these proxies only."""
    if trusted:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted))


def client_address(connection: HTTPConnection) -> str:
    """The client's address as the throttles should see it (see the module text)."""
    return connection.client.host if connection.client else "unknown"
