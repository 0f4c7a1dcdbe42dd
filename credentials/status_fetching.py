"""A caching, guarded fetcher of status list credentials, for any service that verifies.

``fetcher(url) -> status list credential``: fetched under the network rules of
:mod:`credentials.net` (https only unless a development host is allow-listed, no private or
loopback addresses, no redirects, time and size limits) and cached as long as the issuer
states, under a low ceiling, then revalidated with ``If-None-Match`` (thread-safe, bounded
size). Pass it to the engine as ``fetch_status_list``; a failure is an
exception, which verification reports as "status could not be checked", never "valid".

    >>> fetcher = CachingStatusFetcher(guarded_client(), ttl=60)      # doctest: +SKIP
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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from .errors import FetchError, FetchProblem
from .net import HostResolver, guarded_request, parse_json_object, system_resolve
from .status_token_cache import max_age_of

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


def _list_ttl(document: Mapping[str, Any]) -> float | None:
    """The Bitstring Status List's own ``ttl`` (milliseconds) in seconds, if it has one."""
    subject = document.get("credentialSubject")
    ttl = subject.get("ttl") if isinstance(subject, Mapping) else None
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl < 0:
        return None
    return float(ttl) / 1000


@dataclass(slots=True)
class _Entry:
    fresh_until: float
    document: dict[str, Any]
    etag: str | None
    checked_at: datetime


class CachingStatusFetcher:
    """Fetch status list credentials through ``client``, cached as long as the issuer says.

    A list is kept as long as the issuer states (``Cache-Control: max-age`` less ``Age``, and
    the list's own ``ttl``, whichever is shorter), never longer than ``ttl`` (the ceiling,
    a setting). After that it is revalidated: with the list's ``ETag`` as ``If-None-Match``,
    a ``304 Not Modified`` keeps the cached list — and, the content being the same, its
    verified signature in :attr:`list_cache` — at the cost of a header exchange.
    :meth:`checked_at` says when the issuer last confirmed a list, for pages that must say
    how fresh a status is.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        allow_hosts: Collection[str] = (),
        ttl: float = 60.0,
        max_bytes: int = 4 * 1024 * 1024,
        timeout: float = 5.0,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        resolve: HostResolver = system_resolve,
    ) -> None:
        self._client = client
        self._allow_hosts = frozenset(allow_hosts)
        self._ttl = ttl
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._max_entries = max_entries
        self._clock = clock
        self._wall_clock = wall_clock
        self._resolve = resolve
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.list_cache = StatusListCache(ttl=ttl, max_entries=max_entries, clock=clock)
        """Status list credentials already verified, so a list shared by many credentials
        is verified once per cache lifetime, not once per credential."""

    def __call__(self, url: str) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit.fresh_until > now:
                self._cache.move_to_end(url)
                return copy.deepcopy(hit.document)
        headers = {"Accept": _ACCEPT}
        if hit is not None and hit.etag:
            headers["If-None-Match"] = hit.etag
        answer = guarded_request(
            "GET", url, self._client, allow_hosts=self._allow_hosts, resolve=self._resolve,
            timeout=self._timeout, max_bytes=self._max_bytes, headers=headers,
        )  # fmt: skip
        if answer.status == 304 and hit is not None and hit.etag:
            document, etag = hit.document, answer.headers.get("etag") or hit.etag
        elif answer.status == 200:
            document, etag = parse_json_object(url, answer.content), answer.headers.get("etag")
        else:
            raise FetchError(
                FetchProblem.HTTP_STATUS,
                f"{url} answered HTTP {answer.status}, expected 200",
                status=answer.status,
            )
        stated = [t for t in (max_age_of(answer.headers), _list_ttl(document)) if t is not None]
        lifetime = min([self._ttl, *stated])
        with self._lock:
            self._cache[url] = _Entry(now + lifetime, document, etag, self._wall_clock())
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return copy.deepcopy(document)

    @property
    def ceiling(self) -> float:
        """The most seconds a list is used without asking its issuer again."""
        return self._ttl

    def checked_at(self, url: str) -> datetime | None:
        """When the issuer last sent or confirmed (304) the list at ``url``; None if never."""
        with self._lock:
            hit = self._cache.get(url)
            return hit.checked_at if hit is not None else None

    def clear(self) -> None:
        """Forget every cached list (e.g. to see a revocation at once)."""
        with self._lock:
            self._cache.clear()
        self.list_cache = StatusListCache(
            ttl=self._ttl, max_entries=self._max_entries, clock=self._clock
        )
