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
    "bundled_context_bytes",
    "bundled_contexts",
    "load_context_dir",
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


MANIFEST = "manifest.json"
CONTEXTS_MAP = "contexts.map.json"


def _pinned_files(directory: Path, *, what: str, require_pins: bool) -> dict[str, bytes]:
    """URL → raw bytes of each context listed in ``directory``, hashes checked.

    ``manifest.json`` (``{"contexts": [{"url", "file", "sha256", …}]}``, the bundled format)
    pins every file. ``contexts.map.json`` (``{url: file}``, the W3C vectors' format) pins
    nothing and is read only when ``require_pins`` is False.
    """
    manifest_path, map_path = directory / MANIFEST, directory / CONTEXTS_MAP
    entries: list[tuple[str, str, str | None]]
    try:
        if manifest_path.is_file():
            listed = json.loads(manifest_path.read_text(encoding="utf-8"))["contexts"]
            entries = [(e["url"], e["file"], e["sha256"]) for e in listed]
        elif map_path.is_file() and not require_pins:
            mapping = json.loads(map_path.read_text(encoding="utf-8"))
            entries = [(url, file, None) for url, file in mapping.items()]
        elif map_path.is_file():
            raise DocumentLoaderError(
                f"{what} {directory}: {CONTEXTS_MAP} has no SHA-256 pins; list the contexts "
                f"in a {MANIFEST} with a sha256 for each file"
            )
        else:
            raise DocumentLoaderError(f"{what} {directory}: no {MANIFEST} found")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentLoaderError(f"{what} {directory}: unreadable manifest ({exc})") from None
    files: dict[str, bytes] = {}
    root = directory.resolve()
    for url, name, pinned in entries:
        path = (directory / str(name)).resolve()
        if not isinstance(url, str) or root not in path.parents:
            raise DocumentLoaderError(f"{what} {directory}: {name!r} is not a file inside it")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DocumentLoaderError(f"{what} {url} ({name}) cannot be read: {exc}") from None
        digest = hashlib.sha256(raw).hexdigest()
        if pinned is not None and digest != pinned:
            raise DocumentLoaderError(
                f"{what} {url} ({name}) does not match its pinned SHA-256: expected "
                f"{pinned}, found {digest}; refusing to start with it"
            )
        files[url] = raw
    return files


def _documents(files: Mapping[str, bytes], what: str) -> dict[str, JsonObject]:
    documents: dict[str, JsonObject] = {}
    for url, raw in files.items():
        try:
            document = json.loads(raw)
        except ValueError:
            raise DocumentLoaderError(f"{what} {url} is not JSON") from None
        if not isinstance(document, dict) or "@context" not in document:
            raise DocumentLoaderError(f"{what} {url} is not a JSON-LD context document")
        documents[url] = document
    return documents


@cache
def bundled_context_bytes() -> Mapping[str, bytes]:
    """The bundled contexts' exact bytes, checked against their pinned SHA-256 (for
    ``relatedResource`` digests of contexts, which are never fetched)."""
    return MappingProxyType(_pinned_files(CONTEXTS_DIR, what="bundled context", require_pins=True))


@cache
def bundled_contexts() -> Mapping[str, JsonObject]:
    """Read the bundled contexts once, checking each file against its pinned SHA-256."""
    return MappingProxyType(_documents(bundled_context_bytes(), "bundled context"))


def load_context_dir(
    directory: Path | str, *, require_pins: bool = True
) -> tuple[dict[str, JsonObject], dict[str, bytes]]:
    """An operator's extra contexts: ``(documents, raw bytes)`` by URL, from ``directory``.

    The folder has a ``manifest.json`` in the bundled format, every file pinned by SHA-256;
    with ``require_pins=False`` (the command line, where the folder is named on each call) a
    ``contexts.map.json`` (``{url: file}``) is read too. A file whose hash differs, a file
    outside the folder, a document that is not a JSON-LD context, and a URL that a bundled
    context already serves all raise :class:`DocumentLoaderError` with the reason: services
    call this at start, so a bad folder stops them there. Nothing is fetched.
    """
    folder = Path(directory)
    what = "operator context"
    if not folder.is_dir():
        raise DocumentLoaderError(f"{what} folder {folder} does not exist")
    files = _pinned_files(folder, what=what, require_pins=require_pins)
    clashes = sorted(set(files) & set(bundled_context_bytes()))
    if clashes:
        raise DocumentLoaderError(
            f"{what} folder {folder} lists bundled URL(s) {', '.join(clashes)}; bundled "
            "contexts cannot be replaced"
        )
    return _documents(files, what), files


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
