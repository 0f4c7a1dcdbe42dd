"""Fetching what verification needs — status lists and did:web documents — explicitly,
over the network rules of :mod:`credentials.net` (https only unless a development host is
allow-listed, no private or loopback addresses, time and size limits, no redirects), and
cached for a bounded time. An unreachable issuer is an exception, which verification turns
into "status could not be checked", never into a false "valid"."""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from typing import Any

import httpx

from credentials.net import HostResolver, fetch_json, system_resolve
from credentials.verification import StatusListCache

__all__ = ["StatusListFetcher"]


class StatusListFetcher:
    """``fetcher(url) -> status list credential``, with a TTL cache (thread-safe)."""

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
        """Verified status list credentials, so a list is not re-verified per credential."""

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
            accept="application/vc, application/vc+ld+json, application/json",
        )
        with self._lock:
            self._cache[url] = (now + self._ttl, document)
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return copy.deepcopy(document)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
        self.list_cache = StatusListCache(
            ttl=self._ttl, max_entries=self._max_entries, clock=self._clock
        )
