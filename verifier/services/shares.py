"""Open a wallet's share link: fetch the presentation it publishes and check it.

The presentation must be bound (proof ``domain``) to the origin of the link it was fetched
from, so a presentation copied to another place does not pass as shared by its holder.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from credentials.did import DidResolver
from credentials.net import HostResolver, fetch_json, system_resolve
from credentials.verification import StatusFetcher

from .checking import Report, check_document
from .trust import TrustEntry

__all__ = ["check_share_link", "share_origin"]


def share_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_share_link(
    url: str,
    *,
    client: httpx.Client,
    allow_hosts: Collection[str],
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    trusted: Mapping[str, TrustEntry],
    now: datetime,
    resolve_host: HostResolver = system_resolve,
    timeout: float = 5.0,
) -> Report:
    """Raises :class:`credentials.errors.FetchError` when the link cannot be fetched."""
    document = fetch_json(
        url, client, allow_hosts=allow_hosts, resolve=resolve_host, timeout=timeout,
        max_bytes=2 * 1024 * 1024, accept="application/json",
    )  # fmt: skip
    return check_document(
        document, resolver=resolver, fetch_status_list=fetch_status_list, trusted=trusted,
        now=now, challenge=None, domain=share_origin(url),
    )  # fmt: skip
