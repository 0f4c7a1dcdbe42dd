"""A caching fetcher of IETF Status List Tokens (``statuslist+jwt``), for every service that
checks SD-JWT VC status (the wallet and the verifier).

``fetcher(uri) -> token``: the compact JWT the issuer serves, kept as long as the issuer
says (``Cache-Control: max-age`` less ``Age``, and the token's own ``ttl``, whichever is
shorter; ``no-cache``/``no-store``: not kept), never longer than ``ttl`` (the ceiling, a
setting), then revalidated with its ``ETag`` as ``If-None-Match``: a ``304 Not Modified``
keeps the token at the cost of a header exchange, as the Bitstring Status List fetcher of
:mod:`credentials.status_fetching` does. Bounded in size and thread-safe. The token's
signature is NOT checked here: the caller verifies it on every use (it is cheap next to
the fetch, and a cached token is then never trusted past its ``exp``).

Pure: the HTTP request is the ``fetch`` callable passed in, ``fetch(uri, headers)`` returning
an answer with ``status``, ``headers`` and ``content`` (e.g. a
:class:`credentials.net.HttpAnswer` of :func:`credentials.net.guarded_request`). A failure is
:class:`~credentials.errors.FetchError`, which status checking reports as "could not be
checked", never "valid".
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from .errors import FetchError, FetchProblem, JwtFormatError
from .jws import parse_compact

__all__ = [
    "STATUS_LIST_JWT_MEDIA_TYPE",
    "FetchAnswer",
    "StatusTokenCache",
    "TokenFetch",
    "max_age_of",
    "token_ttl",
]

STATUS_LIST_JWT_MEDIA_TYPE = "application/statuslist+jwt"


class FetchAnswer(Protocol):
    """What ``fetch`` returns: the HTTP status, the response headers, the body bytes."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def content(self) -> bytes: ...


TokenFetch = Callable[[str, Mapping[str, str]], FetchAnswer]
"""``fetch(uri, request headers) -> answer``; raises FetchError when nothing came back."""


def max_age_of(headers: Mapping[str, str]) -> float | None:
    """Freshness lifetime from ``Cache-Control`` (RFC 9111 §5.2.2; ``no-cache``/``no-store``
    mean 0) less the ``Age`` the response already has; None when the headers say nothing.
    Used for both kinds of status list (see also :mod:`credentials.status_fetching`)."""
    directives: dict[str, str] = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip().strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return 0.0
    max_age = directives.get("max-age")
    if max_age is None or not (max_age.isascii() and max_age.isdigit()):
        return None
    age = headers.get("age", "0")
    already = int(age) if age.isascii() and age.isdigit() else 0
    return max(0.0, float(int(max_age) - already))


def token_ttl(token: str) -> float | None:
    """The ``ttl`` (seconds) a Status List Token states, read without verifying (it can only
    shorten how long the token is kept); 0 for something that is not a JWS."""
    try:
        ttl = parse_compact(token).payload.get("ttl")
    except JwtFormatError:
        return 0.0
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0:
        return None
    return float(ttl)


@dataclass(slots=True)
class _Entry:
    fresh_until: float
    token: str
    etag: str | None
    checked_at: datetime


class StatusTokenCache:
    """Status List Tokens by URI through ``fetch``, cached and revalidated (see the module
    docstring). ``clock`` is monotonic seconds, ``wall_clock`` says when a token was last
    sent or confirmed (:meth:`checked_at`)."""

    def __init__(
        self,
        fetch: TokenFetch,
        *,
        ttl: float = 60.0,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._wall_clock = wall_clock
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def ceiling(self) -> float:
        """The most seconds a token is used without asking its issuer again."""
        return self._ttl

    def __call__(self, uri: str) -> str:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(uri)
            if hit is not None and hit.fresh_until > now:
                self._cache.move_to_end(uri)
                return hit.token
        headers = {"Accept": STATUS_LIST_JWT_MEDIA_TYPE}
        if hit is not None and hit.etag:
            headers["If-None-Match"] = hit.etag
        answer = self._fetch(uri, headers)
        etag: str | None
        if answer.status == 304 and hit is not None and hit.etag:
            token, etag = hit.token, answer.headers.get("etag") or hit.etag
        elif answer.status == 200:
            try:
                token = answer.content.decode("ascii").strip()
            except UnicodeDecodeError:
                raise FetchError(
                    FetchProblem.WRONG_CONTENT, f"{uri} did not answer with a statuslist+jwt"
                ) from None
            etag = answer.headers.get("etag")
        else:
            raise FetchError(
                FetchProblem.HTTP_STATUS,
                f"{uri} answered HTTP {answer.status}, expected 200",
                status=answer.status,
            )
        stated = [t for t in (max_age_of(answer.headers), token_ttl(token)) if t is not None]
        lifetime = min([self._ttl, *stated])
        with self._lock:
            self._cache[uri] = _Entry(now + lifetime, token, etag, self._wall_clock())
            self._cache.move_to_end(uri)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return token

    def checked_at(self, uri: str) -> datetime | None:
        """When the issuer last sent or confirmed (304) the token at ``uri``; None if never."""
        with self._lock:
            hit = self._cache.get(uri)
            return hit.checked_at if hit is not None else None

    def clear(self) -> None:
        """Forget every cached token (e.g. to see a revocation at once)."""
        with self._lock:
            self._cache.clear()
