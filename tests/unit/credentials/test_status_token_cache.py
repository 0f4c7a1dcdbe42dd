"""The shared Status List Token cache (wallet and verifier): kept for the shortest of the
ceiling, ``Cache-Control: max-age`` less ``Age`` and the token's ``ttl``; then revalidated
with ``If-None-Match`` (a 304 keeps the token and says when it was confirmed); failures are
FetchError. The HTTP side is a small in-test server function, as ``fetch`` is a callable."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from credentials.errors import FetchError
from credentials.status_token_cache import StatusTokenCache, max_age_of, token_ttl

URI = "https://issuer.example/token-status/1"


def _token(ttl: int | None, marker: str = "a") -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    payload: dict[str, object] = {"sub": URI, "marker": marker}
    if ttl is not None:
        payload["ttl"] = ttl
    return f"{part({'alg': 'ES256', 'typ': 'statuslist+jwt'})}.{part(payload)}.c2ln"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    content: bytes


@dataclass
class Server:
    """An issuer that serves one token with an ETag and answers 304 to a matching tag."""

    token: str
    etag: str = '"v1"'
    cache_control: str = "public, max-age=300"
    requests: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, uri: str, headers: Mapping[str, str]) -> Answer:
        assert uri == URI
        self.requests.append(dict(headers))
        common = {"etag": self.etag, "cache-control": self.cache_control}
        if headers.get("If-None-Match") == self.etag:
            return Answer(304, common, b"")
        return Answer(200, common, self.token.encode())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += timedelta(seconds=seconds)


def _cache(server: Server, clock: Clock, ttl: float = 60.0) -> StatusTokenCache:
    return StatusTokenCache(server, ttl=ttl, clock=clock, wall_clock=lambda: clock.wall)


def test_within_the_lifetime_no_request_then_revalidated_with_if_none_match() -> None:
    server, clock = Server(_token(ttl=600)), Clock()
    cache = _cache(server, clock)
    first = cache(URI)
    assert first == server.token
    assert server.requests == [{"Accept": "application/statuslist+jwt"}]
    clock.advance(59)
    assert cache(URI) == first
    assert len(server.requests) == 1  # fresh: not asked again
    seen = cache.checked_at(URI)
    clock.advance(2)  # past the 60 s ceiling
    assert cache(URI) == first  # the 304 keeps the token
    assert server.requests[-1]["If-None-Match"] == '"v1"'
    assert len(server.requests) == 2
    confirmed = cache.checked_at(URI)
    assert seen is not None
    assert confirmed is not None
    assert confirmed > seen


def test_a_changed_token_replaces_the_cached_one() -> None:
    server, clock = Server(_token(ttl=600, marker="a")), Clock()
    cache = _cache(server, clock)
    cache(URI)
    server.token, server.etag = _token(ttl=600, marker="b"), '"v2"'  # a revocation
    clock.advance(61)
    assert cache(URI) == server.token
    assert server.requests[-1]["If-None-Match"] == '"v1"'


def test_the_shortest_stated_lifetime_wins() -> None:
    server, clock = Server(_token(ttl=10), cache_control="max-age=30"), Clock()
    cache = _cache(server, clock)
    cache(URI)
    clock.advance(11)  # the token's ttl (10 s) is shorter than max-age and the ceiling
    cache(URI)
    assert len(server.requests) == 2
    server2, clock2 = Server(_token(ttl=600), cache_control="max-age=30"), Clock()
    cache2 = _cache(server2, clock2)
    cache2(URI)
    clock2.advance(29)
    cache2(URI)
    assert len(server2.requests) == 1
    clock2.advance(2)
    cache2(URI)
    assert len(server2.requests) == 2


def test_no_cache_is_asked_every_time_and_clear_forgets() -> None:
    server, clock = Server(_token(ttl=600), cache_control="no-cache"), Clock()
    cache = _cache(server, clock)
    cache(URI)
    cache(URI)
    assert len(server.requests) == 2
    assert server.requests[-1]["If-None-Match"] == '"v1"'
    cache.clear()
    assert cache.checked_at(URI) is None
    cache(URI)
    assert "If-None-Match" not in server.requests[-1]


def test_failures_are_fetch_errors() -> None:
    def not_found(uri: str, headers: Mapping[str, str]) -> Answer:
        return Answer(404, {}, b"")

    with pytest.raises(FetchError, match="HTTP 404"):
        StatusTokenCache(not_found)(URI)

    def binary(uri: str, headers: Mapping[str, str]) -> Answer:
        return Answer(200, {}, "é".encode())

    with pytest.raises(FetchError, match="statuslist"):
        StatusTokenCache(binary)(URI)

    def stray_304(uri: str, headers: Mapping[str, str]) -> Answer:
        return Answer(304, {}, b"")  # nothing cached to keep

    with pytest.raises(FetchError):
        StatusTokenCache(stray_304)(URI)


def test_header_and_ttl_readings() -> None:
    assert max_age_of({"cache-control": "public, max-age=300", "age": "100"}) == 200.0
    assert max_age_of({"cache-control": "no-store"}) == 0.0
    assert max_age_of({"cache-control": "max-age=x"}) is None
    assert max_age_of({}) is None
    assert token_ttl(_token(ttl=42)) == 42.0
    assert token_ttl(_token(ttl=None)) is None
    assert token_ttl("not a jwt") == 0.0
