"""A caching, guarded fetcher of status list credentials, for any service that verifies.

``fetcher(url) -> status list credential``: fetched under the network rules of
:mod:`credentials.net` (https only unless a development host is allow-listed, no private or
loopback addresses, no redirects, time and size limits) and cached for a bounded time
(thread-safe, bounded size). Pass it to the engine as ``fetch_status_list``; a failure is an
exception, which verification reports as "status could not be checked", never "valid".

    >>> fetcher = CachingStatusFetcher(httpx.Client(), ttl=300)      # doctest: +SKIP
    >>> verify_credential(vc, resolver=r, now=now, fetch_status_list=fetcher)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx

from .net import HostResolver, fetch_json, system_resolve

__all__ = ["CachingStatusFetcher", "StatusListCache"]

_ACCEPT = "application/vc, application/vc+ld+json, application/json"


class StatusListCache:
    """Status list credentials whose signature already checked out, by content digest.

    Many credentials share one status list: without this, verifying a presentation of five
    credentials verifies the same two list credentials ten times. Entries live ``ttl``
    seconds (keep it no longer than the fetcher's own cache), at most ``max_entries``.
    Thread-safe enough for CPython: plain dict operations only.
    """

    def __init__(
        self,
        ttl: float = 300.0,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, bool]] = {}

    @staticmethod
    def digest(list_credential: Mapping[str, Any]) -> str:
        text = json.dumps(list_credential, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, digest: str) -> bool | None:
        hit = self._entries.get(digest)
        if hit is None or hit[0] <= self._clock():
            return None
        return hit[1]

    def put(self, digest: str, trusted: bool) -> None:
        if len(self._entries) >= self._max_entries:
            self._entries.clear()
        self._entries[digest] = (self._clock() + self._ttl, trusted)


class CachingStatusFetcher:
    """Fetch status list credentials through ``client`` with a TTL cache."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        allow_hosts: Collection[str] = (),
        ttl: float = 300.0,
        max_bytes: int = 4 * 1024 * 1024,
        timeout: float = 5.0,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
        resolve: HostResolver = system_resolve,
    ) -> None:
        self._client = client
        self._allow_hosts = frozenset(allow_hosts)
        self._ttl = ttl
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._max_entries = max_entries
        self._clock = clock
        self._resolve = resolve
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.list_cache = StatusListCache(ttl=ttl, max_entries=max_entries, clock=clock)
        """Status list credentials already verified, so a list shared by many credentials
        is verified once per cache lifetime, not once per credential."""

    def __call__(self, url: str) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(url)
                return copy.deepcopy(hit[1])
        document = fetch_json(
            url,
            self._client,
            allow_hosts=self._allow_hosts,
            max_bytes=self._max_bytes,
            timeout=self._timeout,
            resolve=self._resolve,
            accept=_ACCEPT,
        )
        with self._lock:
            self._cache[url] = (now + self._ttl, document)
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return copy.deepcopy(document)

    def clear(self) -> None:
        """Forget every cached list (e.g. to see a revocation at once)."""
        with self._lock:
            self._cache.clear()
        self.list_cache = StatusListCache(
            ttl=self._ttl, max_entries=self._max_entries, clock=self._clock
        )
