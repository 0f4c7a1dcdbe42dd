"""The outbound HTTP client of a service that fetches DID documents and status lists.

Certificates are checked against the system's trust store. A development CA
(``dev_ca_file``) is trusted for https to the ``dev_allow_hosts`` only: those hosts get
their own transport (an httpx mount per ``https://host:port``), every other host keeps the
default one, so the development CA can never vouch for a public site. Every transport is a
``credentials.net.GuardedTransport``: connections go only where the network guard checked
(pinned to the checked addresses; no proxies from the environment).
"""

from __future__ import annotations

import ssl
from collections.abc import Collection

import httpx

from credentials.net import GuardedTransport

__all__ = ["outbound_client"]


def outbound_client(
    *, timeout: float, dev_allow_hosts: Collection[str] = (), dev_ca_file: str | None = None
) -> httpx.Client:
    """An ``httpx.Client`` (no redirects followed) for a service's outbound fetches."""
    mounts: dict[str, httpx.BaseTransport | None] = {}
    if dev_ca_file:
        context = ssl.create_default_context(cafile=dev_ca_file)
        for host in sorted(dev_allow_hosts):
            mounts[f"https://{host.lower()}"] = GuardedTransport(verify=context)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        transport=GuardedTransport(),
        mounts=mounts or None,
    )
