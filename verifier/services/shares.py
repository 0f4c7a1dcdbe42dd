"""Open a wallet's share link: fetch the presentation it publishes and check it.

The presentation must be bound (proof ``domain``) to the origin of the link it was fetched
from, so a presentation copied to another place does not pass as shared by its holder.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from credentials.did import DidResolver
from credentials.net import HostResolver, fetch_json, system_resolve
from credentials.related_resources import ResourceFetcher
from credentials.verification import StatusFetcher

from .checking import Report, check_document
from .trust import TrustEntry

__all__ = ["MAX_SHARE_BYTES", "check_share_link", "fetch_shared", "share_origin"]

MAX_SHARE_BYTES = 2 * 1024 * 1024


def share_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def fetch_shared(
    url: str,
    *,
    client: httpx.Client,
    allow_hosts: Collection[str],
    resolve_host: HostResolver = system_resolve,
    timeout: float = 5.0,
) -> dict[str, Any]:
    """The presentation a share link publishes (raises :class:`FetchError`). Check it with
    ``domain=share_origin(url)``."""
    return fetch_json(
        url, client, allow_hosts=allow_hosts, resolve=resolve_host, timeout=timeout,
        max_bytes=MAX_SHARE_BYTES, accept="application/json",
    )  # fmt: skip


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
    fetch_resource: ResourceFetcher | None = None,
) -> Report:
    """Raises :class:`credentials.errors.FetchError` when the link cannot be fetched.
    ``fetch_resource`` checks ``relatedResource`` digests (else they are "not checked")."""
    document = fetch_shared(url, client=client, allow_hosts=allow_hosts,
                            resolve_host=resolve_host, timeout=timeout)  # fmt: skip
    return check_document(
        document, resolver=resolver, fetch_status_list=fetch_status_list, trusted=trusted,
        now=now, challenge=None, domain=share_origin(url), fetch_resource=fetch_resource,
    )  # fmt: skip
