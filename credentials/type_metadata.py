"""SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §5-§6): parsing, Subresource
Integrity of the exact bytes (``vct#integrity``, ``extends#integrity``, ``uri#integrity``),
``extends`` chains and the draft's claim merge.

    >>> integrity_of(b"{}")
    'sha256-RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o='
    >>> check_integrity(b"{}", integrity_of(b"{}"))
    True

Nothing is fetched here: :func:`resolve_type_metadata` takes a ``fetch(url) -> bytes``
supplied by the shell (which applies :mod:`credentials.net` rules or a local registry), and
checks each document's integrity against the bytes before parsing them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import CredentialsError, JwtFormatError
from .jws import JsonObject, parse_json_object

__all__ = [
    "SD_VALUES",
    "TypeMetadata",
    "TypeMetadataError",
    "check_integrity",
    "integrity_of",
    "merge_claims",
    "parse_type_metadata",
    "resolve_type_metadata",
]

SD_VALUES = ("always", "allowed", "never")
MAX_DOCUMENT_BYTES = 512 * 1024
MAX_EXTENDS_DEPTH = 5
_ALGORITHMS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_STRENGTH = ("sha256", "sha384", "sha512")
_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$")
_SVG_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TypeMetadataError(CredentialsError, ValueError):
    """Type metadata is malformed, fails its integrity check or cannot be resolved."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def integrity_of(data: bytes, algorithm: str = "sha256") -> str:
    """The SRI metadata string ``<alg>-<base64 digest>`` of ``data`` (W3C SRI §3.1)."""
    digest = _ALGORITHMS[algorithm](data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode('ascii')}"


def check_integrity(data: bytes, metadata: object) -> bool:
    """W3C SRI §3.3.5: of the well-formed hashes in ``metadata`` (space separated), those of
    the strongest algorithm count; ``data`` matches if it matches one of them."""
    if not isinstance(metadata, str):
        return False
    parsed = [m.groups() for t in metadata.split() if (m := _SRI.match(t))]
    if not parsed:
        return False
    strongest = max(_STRENGTH.index(alg) for alg, _digest, _options in parsed)
    algorithm = _STRENGTH[strongest]
    actual = integrity_of(data, algorithm).encode("ascii")
    return any(
        hmac.compare_digest(actual, f"{alg}-{digest}".encode("ascii"))
        for alg, digest, _options in parsed
        if alg == algorithm
    )


@dataclass(frozen=True, slots=True)
class TypeMetadata:
    """One parsed Type Metadata document (the raw JSON stays in ``document``)."""

    vct: str | None
    document: JsonObject = field(repr=False)

    @property
    def extends(self) -> str | None:
        value = self.document.get("extends")
        return value if isinstance(value, str) else None

    @property
    def display(self) -> list[JsonObject]:
        return list(self.document.get("display") or [])

    @property
    def claims(self) -> list[JsonObject]:
        return list(self.document.get("claims") or [])


def _fail(code: str, reason: str) -> TypeMetadataError:
    return TypeMetadataError(code, reason)


def _check_path(path: object) -> None:
    if not isinstance(path, list) or not path:
        raise _fail("claim_path", "a claim path is a non-empty array")
    for element in path:
        ok = element is None or isinstance(element, str)
        ok = ok or (isinstance(element, int) and not isinstance(element, bool) and element >= 0)
        if not ok:
            raise _fail("claim_path", "claim path elements are strings, indexes or null")


def _check_display(entries: object, where: str, label_key: str) -> None:
    if not isinstance(entries, list):
        raise _fail("display", f"{where} display is an array")
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("locale"), str):
            raise _fail("display", f"{where} display entries are objects with a locale")
        if not isinstance(entry.get(label_key), str):
            raise _fail("display", f"{where} display entries have a {label_key}")


def _check_claim(claim: object) -> None:
    if not isinstance(claim, dict):
        raise _fail("claims", "claims entries are objects")
    _check_path(claim.get("path"))
    if "display" in claim:
        _check_display(claim["display"], "claim", "label")
    if claim.get("sd", "allowed") not in SD_VALUES:
        raise _fail("claim_sd", "claim sd is always, allowed or never")
    if not isinstance(claim.get("mandatory", False), bool):
        raise _fail("claims", "claim mandatory is a boolean")
    svg_id = claim.get("svg_id")
    if svg_id is not None and (not isinstance(svg_id, str) or not _SVG_ID.match(svg_id)):
        raise _fail("claims", "svg_id is an identifier (letters, digits, underscore)")


def parse_type_metadata(data: bytes, *, integrity: str | None = None) -> TypeMetadata:
    """Parse and check the shape of a Type Metadata document; with ``integrity`` the exact
    bytes must match it first."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _fail("too_large", f"type metadata larger than {MAX_DOCUMENT_BYTES} bytes")
    if integrity is not None and not check_integrity(data, integrity):
        raise _fail("integrity", "the type metadata does not match its integrity value")
    try:
        document = parse_json_object(data, "type metadata")
    except JwtFormatError as exc:
        raise _fail("format", str(exc)) from None
    vct = document.get("vct")
    if vct is not None and not isinstance(vct, str):
        raise _fail("format", "vct is a string")
    for key in ("name", "description", "extends", "extends#integrity"):
        if key in document and not isinstance(document[key], str):
            raise _fail("format", f"{key} is a string")
    if "display" in document:
        _check_display(document["display"], "type", "name")
    claims = document.get("claims", [])
    if not isinstance(claims, list):
        raise _fail("claims", "claims is an array")
    for claim in claims:
        _check_claim(claim)
    paths = [repr(c["path"]) for c in claims]
    if len(paths) != len(set(paths)):
        raise _fail("claims", "two claims entries have the same path")
    return TypeMetadata(vct=vct, document=document)


def merge_claims(
    base: Sequence[Mapping[str, Any]], child: Sequence[Mapping[str, Any]]
) -> list[JsonObject]:
    """The draft's effective claims (§5.6.5): an entry of the child replaces the base entry
    with the same path in place; the child's other entries are appended in its order."""
    child_by_path = {repr(c.get("path")): dict(c) for c in child}
    merged = [child_by_path.get(repr(b.get("path")), dict(b)) for b in base]
    base_paths = {repr(b.get("path")) for b in base}
    return merged + [dict(c) for c in child if repr(c.get("path")) not in base_paths]


def resolve_type_metadata(
    vct: str,
    fetch: Callable[[str], bytes],
    *,
    integrity: str | None = None,
    max_depth: int = MAX_EXTENDS_DEPTH,
) -> list[TypeMetadata]:
    """The ``extends`` chain of ``vct``, the type itself first. Each document's bytes must
    match the integrity value that refers to it (``vct#integrity`` for the first when
    given, ``extends#integrity`` for the others); ``vct`` of each document must be the URI
    it was fetched for; cycles and chains deeper than ``max_depth`` are refused."""
    chain: list[TypeMetadata] = []
    seen: set[str] = set()
    uri: str | None = vct
    expected = integrity
    while uri is not None:
        if uri in seen:
            raise _fail("extends_cycle", f"type metadata {uri} extends itself")
        if len(chain) >= max_depth:
            raise _fail("extends_depth", f"extends chain deeper than {max_depth}")
        seen.add(uri)
        try:
            data = fetch(uri)
        except CredentialsError as exc:
            raise _fail("fetch", f"type metadata {uri}: {exc}") from None
        metadata = parse_type_metadata(data, integrity=expected)
        if metadata.vct is not None and metadata.vct != uri:
            raise _fail("vct_mismatch", f"the document for {uri} says vct {metadata.vct}")
        chain.append(metadata)
        uri = metadata.extends
        expected = metadata.document.get("extends#integrity")
    return chain
