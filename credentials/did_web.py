"""``did:web``: identifiers, DID documents and an explicit, guarded resolver.

Follows the W3C CCG did:web method: the method-specific id is a domain name (never an IP
address), an optional port with its colon percent-encoded (``%3A``), and optional path
segments separated by colons.

    >>> did_web_to_url("did:web:school.example")
    'https://school.example/.well-known/did.json'
    >>> did_web_to_url("did:web:school.example:issuer")
    'https://school.example/issuer/did.json'
    >>> url_to_did_web("http://localhost:8001")
    'did:web:localhost%3A8001'

The issuer publishes the document built by :func:`build_did_web_document`; verifiers resolve
with a :class:`DidWebResolver` that they construct and pass to the engine explicitly (the
engine never fetches anything by itself). The resolver also answers ``did:key`` locally, so
one object serves both methods:

    >>> resolver = DidWebResolver(allow_http_hosts={"localhost:8001"})    # doctest: +SKIP
    >>> resolver.resolve("did:web:localhost%3A8001")["id"]                 # doctest: +SKIP
    'did:web:localhost%3A8001'

Network rules (https only, no redirects, no private addresses, time and size limits) come
from :mod:`credentials.net`, shared with status list fetching.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from .contexts import DID_V1, MULTIKEY_V1
from .did import resolve_did_key
from .errors import (
    CredentialsError,
    DidDocumentError,
    DidResolutionError,
    FetchError,
    KeyFormatError,
)
from .jwk import public_jwk_of, public_key_from_jwk
from .keys import Ed25519KeyPair, public_key_from_multibase
from .net import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    HostResolver,
    fetch_json,
    guarded_client,
    system_resolve,
)

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_CACHE_TTL",
    "DidWebResolver",
    "build_did_web_document",
    "did_web_to_url",
    "url_to_did_web",
]

JsonObject = dict[str, Any]

DEFAULT_CACHE_TTL = 300.0
DEFAULT_CACHE_SIZE = 256

_PREFIX = "did:web:"
_MAX_DID_LENGTH = 2048
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_NUMERIC_TLD = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$")
_FRAGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
JWK_V1 = "https://w3id.org/security/jwk/v1"
"""The context of ``JsonWebKey`` / ``publicKeyJwk`` verification methods."""


def _check_host(host: str, error: type[Exception], source: str) -> str:
    """Validate a DNS name (RFC 1035/1123), lower-cased; refuse IP addresses."""
    host = host.lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise error(f"{source!r}: did:web must not use an IP address as host")
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise error(f"{source!r}: {host!r} is not a valid domain name")
    if _NUMERIC_TLD.match(labels[-1]):
        raise error(f"{source!r}: {host!r} looks like an IP address, not a domain name")
    return host


def _check_port(port: str, error: type[Exception], source: str) -> int:
    if not port.isascii() or not port.isdigit() or not 0 < int(port) <= 65535:
        raise error(f"{source!r}: {port!r} is not a valid port")
    return int(port)


def _check_segment(segment: str, error: type[Exception], source: str) -> str:
    """A path segment in URL-encoded form; refuses empty, ``.``/``..`` and encoded slashes."""
    if not _SEGMENT.match(segment):
        raise error(f"{source!r}: path segment {segment!r} is empty or has invalid characters")
    decoded = unquote(segment)
    if decoded in {".", ".."} or any(c in decoded for c in "/\\") or not decoded.isprintable():
        raise error(f"{source!r}: path segment {segment!r} is not allowed (path traversal)")
    return segment


def _parse_did_web(did: str) -> tuple[str, int | None, list[str]]:
    """Split a did:web into ``(host, port, path segments)``; DidResolutionError if malformed."""
    if not isinstance(did, str) or len(did) > _MAX_DID_LENGTH:
        raise DidResolutionError("a DID must be a string of at most 2048 characters")
    if not did.startswith(_PREFIX):
        raise DidResolutionError(f"{did!r} is not a did:web (the prefix must be 'did:web:')")
    if any(c in did for c in "/?#"):
        raise DidResolutionError(
            f"{did!r} is a DID URL (path, query or fragment); resolve the DID itself"
        )
    host_part, *segments = did.removeprefix(_PREFIX).split(":")
    host, sep, port_text = host_part.replace("%3a", "%3A").partition("%3A")
    if "%" in host:
        raise DidResolutionError(f"{did!r}: only the port colon (%3A) may be percent-encoded")
    host = _check_host(host, DidResolutionError, did)
    port = _check_port(port_text, DidResolutionError, did) if sep else None
    for segment in segments:
        _check_segment(segment, DidResolutionError, did)
    return host, port, segments


def did_web_to_url(did: str) -> str:
    """The https URL of the DID document of ``did`` (did:web "Read" steps).

    Raises :class:`DidResolutionError` for a malformed did:web: wrong prefix, empty or
    invalid host, an IP address as host, a bad port, empty or ``..`` path segments, or a
    path, query or fragment (a DID URL is not a DID).
    """
    host, port, segments = _parse_did_web(did)
    authority = f"{host}:{port}" if port is not None else host
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{authority}/{path}/did.json"


def url_to_did_web(base_url: str) -> str:
    """The did:web of a service that knows its public base URL (inverse of the above).

    ``https://school.example/issuer`` becomes ``did:web:school.example:issuer``;
    ``http://localhost:8001`` becomes ``did:web:localhost%3A8001`` (a did:web always
    resolves over https, except for hosts a resolver allow-lists for development). A port
    equal to the scheme's default is dropped. Raises :class:`DidDocumentError`.
    """
    if not isinstance(base_url, str):
        raise DidDocumentError("base URL must be a string")
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"}:
        raise DidDocumentError(f"{base_url!r}: only http(s) URLs map to did:web")
    if parts.query or parts.fragment or parts.username is not None or "@" in parts.netloc:
        raise DidDocumentError(f"{base_url!r}: no query, fragment or user info allowed")
    host = _check_host(parts.hostname or "", DidDocumentError, base_url)
    try:
        port = parts.port
    except ValueError:
        raise DidDocumentError(f"{base_url!r} has an invalid port") from None
    default_port = 443 if parts.scheme == "https" else 80
    ident = host if port in {None, default_port} else f"{host}%3A{port}"
    path = parts.path.strip("/")
    segments = path.split("/") if path else []
    for segment in segments:
        _check_segment(segment, DidDocumentError, base_url)
    did = ":".join([_PREFIX + ident, *segments])
    did_web_to_url(did)  # the result must itself be a valid did:web
    return did


def build_did_web_document(
    did: str,
    keys: Sequence[tuple[str, Ed25519KeyPair | str]],
    *,
    assertion_method: Collection[str] | None = None,
    authentication: Collection[str] | None = None,
    jwk_keys: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> JsonObject:
    """The DID document an issuer publishes at :func:`did_web_to_url` of ``did``.

    ``keys`` are ``(fragment, key)`` pairs; a key is an :class:`Ed25519KeyPair` or an
    Ed25519 Multikey ``publicKeyMultibase`` (``z6Mk…``). Each becomes a ``Multikey``
    verification method ``{did}#{fragment}`` (absolute, as did:web requires).
    ``jwk_keys`` are ``(fragment, public JWK)`` pairs (P-256 for ES256, or Ed25519), each a
    ``JsonWebKey`` method with ``publicKeyJwk``, for JOSE signatures such as SD-JWT VCs
    with ``kid`` = ``{did}#{fragment}``; they are assertion methods only.

    Key rotation: keep retired keys in ``keys`` *and* in ``assertion_method`` so credentials
    they signed keep verifying; sign new credentials with the new key only. Leave a key out
    of ``assertion_method`` only when credentials signed with it must stop verifying (a
    compromised key). ``assertion_method`` defaults to every key; ``authentication``
    defaults to the same fragments as ``assertion_method``.

        >>> key = Ed25519KeyPair.generate()
        >>> doc = build_did_web_document("did:web:school.example", [("key-1", key)])
        >>> doc["assertionMethod"]
        ['did:web:school.example#key-1']
    """
    try:
        _parse_did_web(did)
    except DidResolutionError as exc:
        raise DidDocumentError(str(exc)) from None
    if not keys and not jwk_keys:
        raise DidDocumentError("a DID document needs at least one key")
    methods: list[JsonObject] = []
    fragments: list[str] = []
    for fragment, key in keys:
        fragment = fragment.removeprefix("#")
        if not _FRAGMENT.match(fragment):
            raise DidDocumentError(f"key id {fragment!r} must be a plain fragment like 'key-1'")
        if fragment in fragments:
            raise DidDocumentError(f"key id {fragment!r} is listed twice")
        if isinstance(key, Ed25519KeyPair):
            multibase = key.public_multibase
        else:
            try:
                public_key_from_multibase(key)
            except KeyFormatError as exc:
                raise DidDocumentError(f"key {fragment!r}: {exc}") from None
            multibase = key
        fragments.append(fragment)
        methods.append(
            {
                "id": f"{did}#{fragment}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        )

    jwk_fragments: list[str] = []
    for fragment, jwk in jwk_keys:
        fragment = fragment.removeprefix("#")
        if not _FRAGMENT.match(fragment) or fragment in fragments + jwk_fragments:
            raise DidDocumentError(f"key id {fragment!r} must be a new plain fragment")
        try:
            public = public_jwk_of(public_key_from_jwk(jwk))
        except CredentialsError as exc:
            raise DidDocumentError(f"key {fragment!r}: {exc}") from None
        jwk_fragments.append(fragment)
        methods.append(
            {
                "id": f"{did}#{fragment}",
                "type": "JsonWebKey",
                "controller": did,
                "publicKeyJwk": public,
            }
        )

    def refs(selected: Collection[str] | None, default: list[str], name: str) -> list[str]:
        chosen = [f.removeprefix("#") for f in (default if selected is None else selected)]
        unknown = sorted(set(chosen) - set(fragments))
        if unknown:
            raise DidDocumentError(f"{name} names keys not in the document: {unknown}")
        return [f"{did}#{f}" for f in fragments if f in chosen]

    assertion = refs(assertion_method, fragments, "assertion_method")
    assertion_fragments = [ref.rsplit("#", 1)[1] for ref in assertion]
    return {
        "@context": [DID_V1, MULTIKEY_V1] + ([JWK_V1] if jwk_fragments else []),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion + [f"{did}#{f}" for f in jwk_fragments],
        "authentication": refs(authentication, assertion_fragments, "authentication"),
    }


def _check_document(did: str, document: JsonObject) -> None:
    """Refuse a fetched document that is not the DID document of ``did``."""
    if document.get("id") != did:
        raise DidResolutionError(f"DID document id {document.get('id')!r} does not match {did!r}")
    context = document.get("@context")
    if context is not None:
        contexts = context if isinstance(context, list) else [context]
        if DID_V1 not in contexts:
            raise DidResolutionError(f"DID document of {did} does not use the context {DID_V1}")
    methods = document.get("verificationMethod", [])
    if not isinstance(methods, list):
        raise DidResolutionError(f"DID document of {did}: verificationMethod must be a list")
    for method in methods:
        if not isinstance(method, dict) or not str(method.get("id", "")).startswith(did + "#"):
            raise DidResolutionError(
                f"DID document of {did}: every verification method needs an absolute id "
                f"under {did}#"
            )
    for relationship in ("assertionMethod", "authentication"):
        entries = document.get(relationship, [])
        if not isinstance(entries, list):
            raise DidResolutionError(f"DID document of {did}: {relationship} must be a list")
        for entry in entries:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if not isinstance(ref, str) or not ref.startswith("did:"):
                raise DidResolutionError(
                    f"DID document of {did}: {relationship} entries must be absolute DID URLs"
                )


class DidWebResolver:
    """Resolves ``did:web`` over guarded HTTP, and ``did:key`` locally.

    Implements :class:`credentials.did.DidResolver`. Construct it once per service and pass
    it to verification explicitly. Nothing is fetched until :meth:`resolve` is called.

    - ``client``: an ``httpx.Client`` to use (tests pass one on ``httpx.MockTransport``);
      without one the resolver builds its own on first use and :meth:`close` closes it.
    - ``allow_http_hosts``: development hosts (``"localhost:8001"``) exempt from the
      public-address rule, asked over https first (what did:web says) and over plain http
      when https fails. Everything else is https only, to a public address.
    - ``timeout`` (seconds) and ``max_bytes`` bound each fetch.
    - ``cache_ttl`` (seconds) and ``cache_size`` bound the document cache; ``clock`` (a
      monotonic clock in seconds) and ``resolve_host`` are injectable for tests.

    Every failure raises :class:`DidResolutionError` with a readable reason.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        allow_http_hosts: Collection[str] = (),
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache_ttl: float = DEFAULT_CACHE_TTL,
        cache_size: int = DEFAULT_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
        resolve_host: HostResolver = system_resolve,
    ) -> None:
        if timeout <= 0 or max_bytes <= 0 or cache_ttl < 0 or cache_size < 0:
            raise ValueError("timeout and max_bytes must be positive, cache limits >= 0")
        self._client = client
        self._owns_client = client is None
        self._allow_http_hosts = frozenset(h.lower() for h in allow_http_hosts)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._cache_ttl = cache_ttl
        self._cache_size = cache_size
        self._clock = clock
        self._resolve_host = resolve_host
        self._cache: OrderedDict[str, tuple[float, JsonObject]] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, did: str) -> JsonObject:
        """The DID document of ``did`` (a copy; callers may change it freely)."""
        if isinstance(did, str) and did.startswith("did:key:"):
            return resolve_did_key(did)
        if not isinstance(did, str) or not did.startswith(_PREFIX):
            method = did.split(":")[1] if isinstance(did, str) and did.count(":") >= 2 else "?"
            raise DidResolutionError(
                f"cannot resolve {did!r}: DID method {method!r} is not supported "
                "(only did:web and did:key)"
            )
        cached = self._cached(did)
        if cached is not None:
            return copy.deepcopy(cached)
        document = self._fetch(did)
        self._store(did, document)
        return copy.deepcopy(document)

    def clear_cache(self) -> None:
        """Forget every cached document (e.g. after the issuer announced a key rotation)."""
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        """Close the HTTP client if this resolver created it."""
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> DidWebResolver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _fetch(self, did: str) -> JsonObject:
        url = did_web_to_url(did)  # https, as the did:web method says
        authority = urlsplit(url).netloc
        allow_listed = authority in self._allow_http_hosts or authority.split(":")[0] in (
            self._allow_http_hosts
        )
        if self._client is None:
            self._client = guarded_client(timeout=self._timeout)
        try:
            document = self._get(url)
        except FetchError as exc:
            if not allow_listed:
                raise DidResolutionError(f"cannot resolve {did}: {exc}") from None
            # a development host on the allow-list may serve plain http instead
            try:
                document = self._get("http://" + url.removeprefix("https://"))
            except FetchError as plain:
                raise DidResolutionError(
                    f"cannot resolve {did}: over https: {exc}; over http: {plain}"
                ) from None
        _check_document(did, document)
        return document

    def _get(self, url: str) -> JsonObject:
        assert self._client is not None
        return fetch_json(
            url,
            self._client,
            allow_hosts=self._allow_http_hosts,
            max_bytes=self._max_bytes,
            timeout=self._timeout,
            resolve=self._resolve_host,
            accept="application/did+json, application/json",
            clock=self._clock,
        )

    def _cached(self, did: str) -> JsonObject | None:
        with self._lock:
            entry = self._cache.get(did)
            if entry is None:
                return None
            expires, document = entry
            if self._clock() >= expires:
                del self._cache[did]
                return None
            self._cache.move_to_end(did)
            return document

    def _store(self, did: str, document: JsonObject) -> None:
        if self._cache_size == 0 or self._cache_ttl == 0:
            return
        with self._lock:
            self._cache[did] = (self._clock() + self._cache_ttl, document)
            self._cache.move_to_end(did)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
