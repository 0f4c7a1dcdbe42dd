"""Bundled JSON-LD contexts and the static document loader.

Every context the engine may use lives under ``schemas/contexts/`` and is listed in its
``manifest.json`` with the registry package it came from and its SHA-256. The loader serves
exactly those URLs (plus any the caller adds explicitly, e.g. test-vector contexts) and refuses
every other URL: nothing is ever fetched from the network.

    >>> loader = StaticDocumentLoader.bundled()
    >>> loader("https://www.w3.org/ns/credentials/v2", {})["documentUrl"]
    'https://www.w3.org/ns/credentials/v2'
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DocumentLoaderError

__all__ = [
    "CONTEXTS_DIR",
    "DATA_INTEGRITY_V2",
    "DID_V1",
    "MBO_V1",
    "MULTIKEY_V1",
    "OB_V3P0",
    "VC_V1",
    "VC_V2",
    "StaticDocumentLoader",
    "bundled_contexts",
]

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
"""VC Data Model 1.1, bundled for reading older credentials; the issuer signs 2.0 only."""
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MBO_V1 = "https://w3id.org/mbo-wallet/v1"

JsonObject = dict[str, Any]


@cache
def bundled_contexts() -> Mapping[str, JsonObject]:
    """Read the bundled contexts once, checking each file against its pinned SHA-256."""
    manifest = json.loads((CONTEXTS_DIR / "manifest.json").read_text(encoding="utf-8"))
    contexts: dict[str, JsonObject] = {}
    for entry in manifest["contexts"]:
        raw = (CONTEXTS_DIR / entry["file"]).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise DocumentLoaderError(
                f"bundled context {entry['url']} ({entry['file']}) does not match its pinned "
                f"SHA-256: expected {entry['sha256']}, found {digest}"
            )
        contexts[entry["url"]] = json.loads(raw)
    return MappingProxyType(contexts)


class StaticDocumentLoader:
    """A pyld document loader over a fixed set of documents.

    Documents are returned tagged ``static`` so pyld keeps the resolved contexts in its shared
    cache across operations. Unknown URLs raise :class:`DocumentLoaderError`; there is no
    network fallback.
    """

    __slots__ = ("_documents",)

    def __init__(self, documents: Mapping[str, JsonObject]) -> None:
        self._documents = dict(documents)

    @classmethod
    def bundled(cls, extra: Mapping[str, JsonObject] | None = None) -> StaticDocumentLoader:
        """The bundled contexts, plus ``extra`` documents given explicitly by the caller."""
        documents = dict(bundled_contexts())
        if extra:
            documents.update(extra)
        return cls(documents)

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def document(self, url: str) -> JsonObject:
        """A copy of the document at ``url``; :class:`DocumentLoaderError` if not bundled."""
        try:
            return copy.deepcopy(self._documents[url])
        except KeyError:
            raise DocumentLoaderError(
                f"JSON-LD document {url!r} is not bundled; refusing to load it"
            ) from None

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> JsonObject:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
            "tag": "static",
        }
