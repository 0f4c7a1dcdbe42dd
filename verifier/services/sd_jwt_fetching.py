"""What checking an SD-JWT VC fetches: IETF Token Status Lists and SD-JWT VC Type Metadata.

Both go through :func:`credentials.net.guarded_request` (https only unless a development
host is allow-listed, no private addresses, no redirects, time and size limits) and are
cached, bounded and thread-safe:

- :class:`CachingTokenStatusFetcher` ``(uri) -> statuslist+jwt``: the shared
  :class:`credentials.status_token_cache.StatusTokenCache` over a guarded request: kept as
  long as the issuer says (``Cache-Control: max-age`` less ``Age``, and the token's own
  ``ttl``), never longer than the ceiling, then revalidated with ``If-None-Match`` (a
  ``304`` keeps the token), as the Bitstring Status List fetcher does. The signature is
  checked by the caller on every use (:func:`verifier.services.checking.check_sd_jwt_presentation`).
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

from credentials.errors import FetchError, FetchProblem
from credentials.net import HostResolver, HttpAnswer, guarded_request, system_resolve
from credentials.status_token_cache import StatusTokenCache
from credentials.x509_trust import load_certificates_pem
from qualifications.achievements import CredentialKind
from qualifications.sd_jwt_vc_claims import VCT_BASE, type_metadata_bytes

__all__ = ["CachingTokenStatusFetcher", "SdJwtSupport", "TypeMetadataFetcher", "load_anchors"]

_METADATA_ACCEPT = "application/json"


class CachingTokenStatusFetcher(StatusTokenCache):
    """Fetch Status List Tokens through ``client`` under the network rules of
    :mod:`credentials.net`, cached and revalidated by the shared
    :class:`~credentials.status_token_cache.StatusTokenCache` (the wallet uses the same)."""

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
        hosts = frozenset(allow_hosts)

        def fetch(uri: str, headers: Mapping[str, str]) -> HttpAnswer:
            return guarded_request(
                "GET", uri, client, allow_hosts=hosts, resolve=resolve, timeout=timeout,
                max_bytes=max_bytes, headers=headers,
            )  # fmt: skip

        super().__init__(
            fetch, ttl=ttl, max_entries=max_entries, clock=clock, wall_clock=wall_clock
        )


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
            raise FetchError(FetchProblem.WRONG_CONTENT, f"{url} is not a type of ours")
        now = self._clock()
        with self._lock:
            hit = self._cache.get(url)
            if hit is not None and hit[0] > now:
                return hit[1]
        if self._client is None:
            raise FetchError(FetchProblem.NOT_FETCHED, "type metadata is not fetched here")
        answer = guarded_request(
            "GET", url, self._client, allow_hosts=self._allow_hosts, resolve=self._resolve,
            timeout=self._timeout, max_bytes=self._max_bytes,
            headers={"Accept": _METADATA_ACCEPT},
        )  # fmt: skip
        if answer.status != 200:
            raise FetchError(
                FetchProblem.HTTP_STATUS,
                f"{url} answered HTTP {answer.status}, expected 200",
                status=answer.status,
            )
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
