"""The status list fetcher caches as long as the issuer says, under a ceiling, and
revalidates with If-None-Match (a 304 keeps the list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from credentials.errors import FetchError
from credentials.status_fetching import CachingStatusFetcher

URL = "https://school.example/status/1"
PUBLIC = ["93.184.215.14"]


class Issuer:
    """The other side, from the spec: serves one list with the headers it is given."""

    def __init__(self, headers: dict[str, str], ttl_ms: int | None = None) -> None:
        self.headers = headers
        self.ttl_ms = ttl_ms
        self.version = 1
        self.requests: list[httpx.Request] = []

    def document(self) -> dict[str, object]:
        subject: dict[str, object] = {
            "type": "BitstringStatusList",
            "encodedList": f"v{self.version}",
        }
        if self.ttl_ms is not None:
            subject["ttl"] = self.ttl_ms
        return {"id": URL, "credentialSubject": subject}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        etag = f'"{self.version}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={**self.headers, "ETag": etag})
        return httpx.Response(200, json=self.document(), headers={**self.headers, "ETag": etag})


class Clocks:
    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)


def _fetcher(issuer: Issuer, clocks: Clocks, ceiling: float = 60) -> CachingStatusFetcher:
    return CachingStatusFetcher(
        httpx.Client(transport=httpx.MockTransport(issuer)), ttl=ceiling,
        clock=lambda: clocks.mono, wall_clock=lambda: clocks.wall, resolve=lambda h, p: PUBLIC,
    )  # fmt: skip


def test_max_age_shorter_than_the_ceiling_wins_then_a_304_keeps_the_list() -> None:
    issuer, clocks = Issuer({"Cache-Control": "public, max-age=10"}), Clocks()
    fetcher = _fetcher(issuer, clocks)
    first = fetcher(URL)
    assert fetcher.checked_at(URL) == clocks.wall
    clocks.advance(9)
    assert fetcher(URL) == first
    assert len(issuer.requests) == 1  # fresh: not asked again
    clocks.advance(2)
    assert fetcher(URL) == first
    assert len(issuer.requests) == 2
    assert issuer.requests[1].headers["if-none-match"] == '"1"'
    assert fetcher.checked_at(URL) == clocks.wall  # confirmed just now
    issuer.version = 2  # revoked something
    clocks.advance(11)
    changed = fetcher(URL)
    assert changed["credentialSubject"]["encodedList"] == "v2"


def test_the_ceiling_caps_a_long_max_age_and_ttl_in_the_list_counts_too() -> None:
    clocks = Clocks()
    long = Issuer({"Cache-Control": "max-age=86400"})
    fetcher = _fetcher(long, clocks, ceiling=30)
    fetcher(URL)
    clocks.advance(31)
    fetcher(URL)
    assert len(long.requests) == 2
    by_ttl = Issuer({"Cache-Control": "max-age=600"}, ttl_ms=5_000)
    fetcher = _fetcher(by_ttl, clocks, ceiling=60)
    fetcher(URL)
    clocks.advance(6)
    fetcher(URL)
    assert len(by_ttl.requests) == 2


@pytest.mark.parametrize(
    "headers",
    [{"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=60", "Age": "60"}],
)
def test_no_cache_or_an_aged_response_revalidates_every_time(headers: dict[str, str]) -> None:
    issuer, clocks = Issuer(headers), Clocks()
    fetcher = _fetcher(issuer, clocks)
    fetcher(URL)
    fetcher(URL)
    assert len(issuer.requests) == 2
    assert issuer.requests[1].headers["if-none-match"] == '"1"'


def test_without_cache_headers_the_ceiling_applies_and_errors_are_fetch_errors() -> None:
    issuer, clocks = Issuer({"Cache-Control": "max-age=ten"}), Clocks()
    fetcher = _fetcher(issuer, clocks, ceiling=20)
    fetcher(URL)
    clocks.advance(19)
    fetcher(URL)
    assert len(issuer.requests) == 1
    gone = CachingStatusFetcher(
        httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(304))),
        resolve=lambda h, p: PUBLIC,
    )
    with pytest.raises(FetchError, match="HTTP 304"):
        gone(URL)  # a 304 to a request that had nothing to revalidate
