"""Checking a stored SD-JWT VC (``dc+sd-jwt``) the way the wallet checks every credential:
on receipt and again whenever it is shown.

What is checked, in the shape of :class:`~credentials.results.VerificationResult` (so the
pages explain them with :mod:`credentials.explain` like the Data Integrity checks):

- ``format`` and ``proof``: the engine's :func:`~credentials.sd_jwt_vc.verify_sd_jwt_vc`
  (``typ``, the issuer signature, every Disclosure against the ``_sd`` digests);
- ``issuer``: where the issuer key comes from. An ``x5c`` chain must lead to one of the
  configured trust anchors (``WALLET_X509_TRUST_ANCHORS_FILE``, a PEM bundle, read again
  when the file changes) and its leaf must name ``iss``; otherwise ``kid`` must be a DID
  URL of the ``iss`` DID (did:web / did:key through the wallet's resolver). A failure here
  is ``issuer`` failed (the credential is refused on receipt);
- ``type_metadata``: the ``vct`` Type Metadata and ``vct#integrity``. Our own kinds
  (``https://w3id.org/mbo-wallet/vct/<kind>``) are checked against the wallet's copy of the
  published documents (no network); another ``vct`` is fetched through the guarded outbound
  HTTP (size and time limited, cached). A mismatching integrity is a failure;
- ``validity`` and ``status``: ``nbf``/``exp``, and the IETF Token Status List: the
  ``statuslist+jwt`` at ``status.status_list.uri`` fetched through the guarded HTTP, its
  ``x5c`` chain checked against the same anchors (or its ``kid`` resolved) and verified on
  every use; the token is cached by :class:`credentials.status_token_cache.StatusTokenCache`
  (the verifier's too) for the issuer's ``ttl``/``max-age`` under the wallet's ceiling,
  then revalidated with ``If-None-Match`` like the Bitstring lists.

Passed checks get code ``ok`` so the standard sentences are shown.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from credentials.did import DidResolver
from credentials.errors import CredentialsError, FetchError, FetchProblem, JwtFormatError
from credentials.jwk import JwsPublicKey
from credentials.jws import JsonObject, parse_compact
from credentials.net import HttpAnswer
from credentials.results import CheckName, CheckResult, Outcome, VerificationResult
from credentials.sd_jwt_vc import did_key_resolver, verify_sd_jwt_vc, x5c_key_resolver
from credentials.sd_jwt_verifier import KeyResolutionError
from credentials.status_token_cache import StatusTokenCache
from credentials.token_status_list import (
    StatusReference,
    TokenStatusList,
    verify_status_list_token,
)
from credentials.type_metadata import (
    MAX_DOCUMENT_BYTES,
    TypeMetadataError,
    resolve_type_metadata,
)
from credentials.x509_trust import load_certificates_pem
from qualifications.achievements import CredentialKind
from qualifications.sd_jwt_vc_claims import VCT_BASE, type_metadata_bytes

from .transport import GuardedHttp

log = logging.getLogger(__name__)

__all__ = [
    "SdJwtChecker",
    "TrustAnchors",
    "is_sd_jwt",
    "known_type_metadata",
]

_ISSUER_CODES = ("x509_", "key_missing", "iss_mismatch", "did_resolution", "key_")
_MAX_STATUS_LIST_BYTES = 4 * 1024 * 1024


def is_sd_jwt(document: object) -> bool:
    """Whether a stored document is an SD-JWT (compact, ``~``-separated), not a ``vc+jwt``."""
    return isinstance(document, str) and "~" in document


class TrustAnchors:
    """The X.509 trust anchors from a PEM bundle file, re-read when the file changes (so a
    development CA made after start-up is picked up). A missing or empty file: no anchors."""

    def __init__(self, path: str | None) -> None:
        self._path = Path(path) if path else None
        self._stamp: tuple[float, int] | None = None
        self._anchors: list[x509.Certificate] = []
        self._lock = threading.Lock()

    def __call__(self) -> list[x509.Certificate]:
        if self._path is None:
            return []
        try:
            info = os.stat(self._path)
        except OSError:
            return []
        stamp = (info.st_mtime, info.st_size)
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._anchors = load_certificates_pem(self._path.read_bytes())
                except (OSError, ValueError) as exc:
                    log.warning("trust anchors file unreadable: %s", exc)
                    self._anchors = []
                self._stamp = stamp
            return list(self._anchors)


def known_type_metadata(vct: str) -> bytes | None:
    """The published Type Metadata bytes of one of our own ``vct`` values, else None."""
    if not vct.startswith(VCT_BASE):
        return None
    try:
        kind = CredentialKind(vct[len(VCT_BASE) :])
    except ValueError:
        return None
    return type_metadata_bytes(kind)


@dataclass(slots=True)
class _Cached:
    fresh_until: float
    value: Any


@dataclass
class _TtlCache:
    ttl: float
    max_entries: int = 256
    clock: Callable[[], float] = time.monotonic
    _entries: OrderedDict[str, _Cached] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> Any:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit.fresh_until <= self.clock():
                return None
            return hit.value

    def put(self, key: str, value: Any, lifetime: float | None = None) -> None:
        life = self.ttl if lifetime is None else min(self.ttl, lifetime)
        with self._lock:
            self._entries[key] = _Cached(self.clock() + life, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _check(name: str, outcome: Outcome, code: str, detail: str) -> CheckResult:
    return CheckResult(CheckName(name), outcome, code, detail)


class SdJwtChecker:
    """Verify SD-JWT VCs for the wallet (see the module docstring)."""

    def __init__(
        self,
        *,
        resolver: DidResolver,
        anchors: Callable[[], list[x509.Certificate]],
        http: GuardedHttp | None,
        status_ttl: float = 60.0,
        metadata_ttl: float = 3600.0,
    ) -> None:
        self.resolver = resolver
        self.anchors = anchors
        self.http = http
        self.status_lists = StatusTokenCache(self._fetch_status_token, ttl=status_ttl)
        """Status List Tokens by URI, shared with the verifier's caching (revalidation)."""
        self.type_metadata = _TtlCache(metadata_ttl)

    # -- issuer keys ---------------------------------------------------------------------
    def _key_resolver(self, now: datetime) -> Callable[[JsonObject, JsonObject], JwsPublicKey]:
        by_x5c = x5c_key_resolver(self.anchors(), now=now)
        by_did = did_key_resolver(self.resolver)

        def resolve(header: JsonObject, payload: JsonObject) -> JwsPublicKey:
            if "x5c" in header:
                return by_x5c(header, payload)
            return by_did(header, payload)

        return resolve

    # -- status --------------------------------------------------------------------------
    def _fetch_status_token(self, uri: str, headers: Mapping[str, str]) -> HttpAnswer:
        if self.http is None:
            raise FetchError(FetchProblem.NOT_FETCHED, "no outbound HTTP to fetch status lists")
        return self.http.request("GET", uri, headers=headers, max_bytes=_MAX_STATUS_LIST_BYTES)

    def _status_list(self, uri: str, now: datetime) -> TokenStatusList | None:
        """The Status List Token at ``uri``, fetched through :attr:`status_lists` (cached,
        revalidated with ``If-None-Match`` after its lifetime), verified on every use."""
        if self.http is None:
            return None
        try:
            token = self.status_lists(uri)
        except FetchError as exc:
            log.info("status list not fetched: %s", exc)
            return None
        try:
            header = parse_compact(token, max_bytes=_MAX_STATUS_LIST_BYTES).header
            key = self._key_resolver(now)(header, {})
        except (JwtFormatError, KeyResolutionError) as exc:
            log.info("status list %s not trusted: %s", uri, exc)
            return None
        checked = verify_status_list_token(token, key, uri=uri, now=int(now.timestamp()))
        if not checked.ok or checked.status_list is None:
            log.info("status list %s refused: %s", uri, checked.reason)
            return None
        return checked.status_list

    # -- type metadata -------------------------------------------------------------------
    def _fetch_metadata(self, uri: str) -> bytes:
        known = known_type_metadata(uri)
        if known is not None:
            return known
        cached = self.type_metadata.get(uri)
        if isinstance(cached, bytes):
            return cached
        if self.http is None:
            raise FetchError(FetchProblem.NOT_FETCHED, "no outbound HTTP to fetch type metadata")
        answer = self.http.get(uri, max_bytes=MAX_DOCUMENT_BYTES)
        if answer.status != 200:
            raise FetchError(
                FetchProblem.HTTP_STATUS,
                f"{uri} answered HTTP {answer.status}",
                status=answer.status,
            )
        self.type_metadata.put(uri, answer.content)
        return answer.content

    def _type_metadata(self, claims: Mapping[str, Any]) -> CheckResult:
        vct = str(claims.get("vct"))
        integrity = claims.get("vct#integrity")
        if integrity is not None and not isinstance(integrity, str):
            return _check(
                "type_metadata", Outcome.FAILED, "type_metadata_integrity", "vct#integrity"
            )
        try:
            resolve_type_metadata(vct, self._fetch_metadata, integrity=integrity)
        except TypeMetadataError as exc:
            if exc.code == "fetch":
                return _check(
                    "type_metadata", Outcome.WARNING, "type_metadata_unavailable", str(exc)
                )
            return _check("type_metadata", Outcome.FAILED, f"type_metadata_{exc.code}", str(exc))
        except CredentialsError as exc:  # pragma: no cover - resolve wraps fetch errors
            return _check("type_metadata", Outcome.WARNING, "type_metadata_unavailable", str(exc))
        return _check("type_metadata", Outcome.PASSED, "ok", "type metadata matches vct")

    # -- the whole check -----------------------------------------------------------------
    def check(self, token: str, *, now: datetime) -> VerificationResult:
        moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)

        def lookup(reference: StatusReference) -> int | None:
            status_list = self._status_list(reference.uri, moment)
            if status_list is None:
                return None
            return status_list[reference.index]

        result = verify_sd_jwt_vc(
            token, self._key_resolver(moment), now=int(moment.timestamp()), status_lookup=lookup
        )
        checks = [_normalise(c) for c in result.checks]
        if result.credential is not None and all(c.outcome is not Outcome.FAILED for c in checks):
            checks.insert(2, _check("issuer", Outcome.PASSED, "ok", "issuer key trusted"))
            checks.insert(3, self._type_metadata(result.credential))
        return VerificationResult(tuple(checks), credential=result.credential, issuer=result.issuer)


_PASSED_CODES = frozenset({"dc+sd-jwt", "signature", "valid_period", "status_valid"})


def _normalise(check: CheckResult) -> CheckResult:
    """The engine's check in the wallet's terms: passed checks ``ok``; a key that could not
    be trusted is an ``issuer`` failure, not a broken signature."""
    if check.outcome is Outcome.PASSED and check.code in _PASSED_CODES:
        return _check(check.name, Outcome.PASSED, "ok", check.detail)
    if check.outcome is Outcome.FAILED and check.code.startswith(_ISSUER_CODES):
        return _check("issuer", Outcome.FAILED, check.code, check.detail)
    if check.outcome is Outcome.FAILED and check.name == "proof" and check.code == "signature":
        return _check("proof", Outcome.FAILED, "invalid_signature", check.detail)
    return check
