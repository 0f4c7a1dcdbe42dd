"""What checking an SD-JWT VC fetches: IETF Token Status Lists and SD-JWT VC Type Metadata.

Both go through :func:`credentials.net.guarded_request` (https only unless a development
host is allow-listed, no private addresses, no redirects, time and size limits) and are
cached, bounded and thread-safe:

- :class:`CachingTokenStatusFetcher` ``(uri) -> statuslist+jwt``: kept as long as the issuer
  says (``Cache-Control: max-age`` less ``Age``, and the token's own ``ttl``), never longer
  than the ceiling, then revalidated with ``If-None-Match`` (a ``304`` keeps the token), as
  the Bitstring Status List fetcher does. The signature is checked by the caller on every
  use (:func:`verifier.services.checking.check_sd_jwt_presentation`).
- :class:`TypeMetadataFetcher` ``(url) -> bytes``: our own types
  (``https://w3id.org/mbo-wallet/vct/<kind>``) come from the published documents shipped
  with the code (:func:`qualifications.sd_jwt_vc_claims.type_metadata_bytes`), anything
  else is fetched explicitly; either way ``vct#integrity`` is checked on the exact bytes.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography import x509

from credentials.errors import FetchError, JwtFormatError
from credentials.jws import parse_compact
from credentials.net import HostResolver, guarded_request, system_resolve
from credentials.x509_trust import load_certificates_pem
from qualifications.achievements import CredentialKind
from qualifications.sd_jwt_vc_claims import VCT_BASE, type_metadata_bytes

__all__ = ["CachingTokenStatusFetcher", "SdJwtSupport", "TypeMetadataFetcher", "load_anchors"]

_TSL_ACCEPT = "application/statuslist+jwt"
_METADATA_ACCEPT = "application/json"


def _max_age(headers: Mapping[str, str]) -> float | None:
    """Freshness from ``Cache-Control`` (``no-cache``/``no-store``: 0) less ``Age``."""
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


def _token_ttl(token: str) -> float | None:
    """The ``ttl`` (seconds) a Status List Token states, read without verifying (it only
    shortens how long the token is kept)."""
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
    body: str
    etag: str | None
    checked_at: datetime


class CachingTokenStatusFetcher:
    """Fetch Status List Tokens through ``client``, cached as long as the issuer says."""

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

    def __call__(self, uri: str) -> str:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(uri)
            if hit is not None and hit.fresh_until > now:
                self._cache.move_to_end(uri)
                return hit.body
        headers = {"Accept": _TSL_ACCEPT}
        if hit is not None and hit.etag:
            headers["If-None-Match"] = hit.etag
        answer = guarded_request(
            "GET", uri, self._client, allow_hosts=self._allow_hosts, resolve=self._resolve,
            timeout=self._timeout, max_bytes=self._max_bytes, headers=headers,
        )  # fmt: skip
        if answer.status == 304 and hit is not None and hit.etag:
            body, etag = hit.body, answer.headers.get("etag") or hit.etag
        elif answer.status == 200:
            try:
                body = answer.content.decode("ascii").strip()
            except UnicodeDecodeError:
                raise FetchError(f"{uri} did not answer with a statuslist+jwt") from None
            etag = answer.headers.get("etag")
        else:
            raise FetchError(f"{uri} answered HTTP {answer.status}, expected 200")
        stated = [t for t in (_max_age(answer.headers), _token_ttl(body)) if t is not None]
        lifetime = min([self._ttl, *stated])
        with self._lock:
            self._cache[uri] = _Entry(now + lifetime, body, etag, self._wall_clock())
            self._cache.move_to_end(uri)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return body

    def checked_at(self, uri: str) -> datetime | None:
        """When the issuer last sent or confirmed (304) the list at ``uri``; None if never."""
        with self._lock:
            hit = self._cache.get(uri)
            return hit.checked_at if hit is not None else None

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


@functools.cache
def _local_bytes(kind: CredentialKind) -> bytes:
    return type_metadata_bytes(kind)


class TypeMetadataFetcher:
    """Type Metadata documents by URL: ours from the code, others fetched and cached."""

    def __init__(
        self,
        client: httpx.Client | None,
        *,
        allow_hosts: Collection[str] = (),
        ttl: float = 3600.0,
        max_bytes: int = 512 * 1024,
        timeout: float = 5.0,
        max_entries: int = 256,
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
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def local(url: str) -> bytes | None:
        """The published Type Metadata of one of our kinds, if ``url`` is its ``vct``."""
        if not url.startswith(VCT_BASE):
            return None
        try:
            return _local_bytes(CredentialKind(url.removeprefix(VCT_BASE)))
        except ValueError:
            return None

    def __call__(self, url: str) -> bytes:
        ours = self.local(url)
        if ours is not None:
            return ours
        if url.startswith(VCT_BASE):
            raise FetchError(f"{url} is not a type of ours")
        now = self._clock()
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit[0] > now:
                return hit[1]
        if self._client is None:
            raise FetchError("type metadata is not fetched here")
        answer = guarded_request(
            "GET", url, self._client, allow_hosts=self._allow_hosts, resolve=self._resolve,
            timeout=self._timeout, max_bytes=self._max_bytes,
            headers={"Accept": _METADATA_ACCEPT},
        )  # fmt: skip
        if answer.status != 200:
            raise FetchError(f"{url} answered HTTP {answer.status}, expected 200")
        with self._lock:
            self._cache[url] = (now + self._ttl, answer.content)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return answer.content


def load_anchors(path: str | None) -> tuple[x509.Certificate, ...]:
    """The trust anchors of ``VERIFIER_X509_TRUST_ANCHORS_FILE`` (a PEM bundle); none when
    unset. Raises ``ValueError`` naming the file when it cannot be read or holds none."""
    if not path:
        return ()
    try:
        return tuple(load_certificates_pem(Path(path).read_bytes()))
    except (OSError, ValueError) as exc:
        raise ValueError(f"X.509 trust anchors file {path}: {exc}") from None


@dataclass(frozen=True, slots=True)
class SdJwtSupport:
    """What :func:`~verifier.services.checking.check_sd_jwt_presentation` needs besides
    the trust list: the configured anchors and the two fetchers."""

    anchors: tuple[x509.Certificate, ...]
    fetch_status_list: CachingTokenStatusFetcher | None
    fetch_type_metadata: TypeMetadataFetcher
