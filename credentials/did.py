"""DID documents: ``did:key`` (Ed25519 Multikey) and verification-method lookup.

Data Integrity proofs use Ed25519 ``Multikey`` methods (:func:`resolve_verification_method`);
JOSE signatures (an SD-JWT VC with a DID URL ``kid``) may also use a ``JsonWebKey`` method
with a public ``publicKeyJwk`` (P-256 for ES256, or Ed25519) (:func:`resolve_jws_key`).

``did:key`` is resolved locally (the key is the identifier). ``did:web`` needs the network and
lives in :mod:`credentials.did_web`; this module only defines the resolver protocol both meet.

    >>> doc = resolve_did_key("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    >>> doc["verificationMethod"][0]["type"]
    'Multikey'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .contexts import DID_V1, MULTIKEY_V1
from .errors import CredentialsError, DidResolutionError, KeyFormatError
from .jwk import JwsPublicKey, public_key_from_jwk
from .keys import public_key_from_multibase

__all__ = [
    "DidResolver",
    "ResolvedKey",
    "StaticDidResolver",
    "did_key_document",
    "resolve_did_key",
    "resolve_jws_key",
    "resolve_verification_method",
]

JWK_METHOD_TYPES = ("JsonWebKey", "JsonWebKey2020")
"""Verification method types carrying ``publicKeyJwk`` (Controlled Identifiers 1.0; the
older JsonWebKey2020 name is read too)."""

JsonObject = dict[str, Any]

VERIFICATION_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)


class DidResolver(Protocol):
    """Anything that turns a DID into its DID document, raising DidResolutionError."""

    def resolve(self, did: str) -> JsonObject: ...


def did_key_document(did: str) -> JsonObject:
    """The DID document of an Ed25519 ``did:key`` (did:key method spec, Multikey form)."""
    if not did.startswith("did:key:"):
        raise DidResolutionError(f"{did!r} is not a did:key")
    multibase = did.removeprefix("did:key:")
    if "#" in multibase or "/" in multibase or "?" in multibase:
        raise DidResolutionError(f"{did!r} is not a plain did:key identifier")
    try:
        public_key_from_multibase(multibase)
    except KeyFormatError as exc:
        raise DidResolutionError(f"{did!r} is not an Ed25519 did:key: {exc}") from None
    vm_id = f"{did}#{multibase}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def resolve_did_key(did: str) -> JsonObject:
    """Resolve a ``did:key`` locally; raise :class:`DidResolutionError` when malformed."""
    return did_key_document(did)


class StaticDidResolver:
    """Resolves ``did:key`` locally and other DIDs from a fixed mapping (tests, trust anchors).

    Unknown DIDs raise :class:`DidResolutionError`; nothing is fetched.
    """

    def __init__(self, documents: Mapping[str, JsonObject] | None = None) -> None:
        self._documents = dict(documents or {})

    def resolve(self, did: str) -> JsonObject:
        if did.startswith("did:key:"):
            return resolve_did_key(did)
        try:
            return self._documents[did]
        except KeyError:
            raise DidResolutionError(f"no DID document is known for {did!r}") from None


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A verification method found in its controller's DID document."""

    verification_method: str
    controller: str
    public_key: Ed25519PublicKey
    public_key_multibase: str


def resolve_verification_method(
    verification_method: str, purpose: str, resolver: DidResolver
) -> ResolvedKey:
    """Find ``verification_method`` (``did:…#frag``) and check it may be used for ``purpose``.

    ``purpose`` is a verification relationship such as ``assertionMethod`` or
    ``authentication``. Raises :class:`DidResolutionError` with a readable reason.
    """
    did, method = _authorised_method(verification_method, purpose, resolver)
    multibase = method.get("publicKeyMultibase")
    if method.get("type") != "Multikey" or not isinstance(multibase, str):
        raise DidResolutionError(f"{verification_method!r} is not an Ed25519 Multikey")
    try:
        key = public_key_from_multibase(multibase)
    except KeyFormatError as exc:
        raise DidResolutionError(f"{verification_method!r}: {exc}") from None
    return ResolvedKey(verification_method, did, key, multibase)


def resolve_jws_key(verification_method: str, purpose: str, resolver: DidResolver) -> JwsPublicKey:
    """The public key of ``verification_method`` for a JOSE signature: an Ed25519
    ``Multikey`` or a ``JsonWebKey`` whose ``publicKeyJwk`` is a public EC P-256 or OKP
    Ed25519 key (a private member such as ``d`` is refused). The same document checks as
    :func:`resolve_verification_method`; raises :class:`DidResolutionError`."""
    _, method = _authorised_method(verification_method, purpose, resolver)
    if method.get("type") == "Multikey":
        return resolve_verification_method(verification_method, purpose, resolver).public_key
    if method.get("type") not in JWK_METHOD_TYPES or not isinstance(
        method.get("publicKeyJwk"), Mapping
    ):
        raise DidResolutionError(f"{verification_method!r} is neither a Multikey nor a JsonWebKey")
    try:
        return public_key_from_jwk(method["publicKeyJwk"])
    except CredentialsError as exc:
        raise DidResolutionError(f"{verification_method!r}: {exc}") from None


def _authorised_method(
    verification_method: str, purpose: str, resolver: DidResolver
) -> tuple[str, JsonObject]:
    if not isinstance(verification_method, str) or not verification_method.startswith("did:"):
        raise DidResolutionError("verificationMethod must be a DID URL (did:…#…)")
    if purpose not in VERIFICATION_RELATIONSHIPS:
        raise DidResolutionError(f"unknown proof purpose {purpose!r}")
    did = verification_method.split("#", 1)[0]
    document = resolver.resolve(did)
    if not isinstance(document, Mapping):
        raise DidResolutionError(f"the DID document of {did} is not a JSON object")
    if document.get("id") != did:
        raise DidResolutionError(f"DID document id {document.get('id')!r} does not match {did!r}")
    method = _find_method(document, verification_method)
    if method is None:
        raise DidResolutionError(f"{verification_method!r} is not in the DID document of {did}")
    if not _authorised(document, verification_method, purpose):
        raise DidResolutionError(
            f"{verification_method!r} is not authorised for {purpose} by {did}"
        )
    if method.get("controller") != did:
        raise DidResolutionError(f"{verification_method!r} is not controlled by {did}")
    return did, method


def _absolute(did: str, ref: str) -> str:
    return did + ref if ref.startswith("#") else ref


def _entries(document: JsonObject, name: str) -> list[Any]:
    """The entries of a DID document set (``verificationMethod``, a relationship); a value of
    any other shape than a list has none."""
    value = document.get(name)
    return value if isinstance(value, list) else []


def _find_method(document: JsonObject, vm_id: str) -> JsonObject | None:
    did = str(document.get("id"))
    candidates: list[Any] = list(_entries(document, "verificationMethod"))
    for rel in VERIFICATION_RELATIONSHIPS:
        candidates.extend(m for m in _entries(document, rel) if isinstance(m, dict))
    for method in candidates:
        if isinstance(method, dict) and _absolute(did, str(method.get("id", ""))) == vm_id:
            return method
    return None


def _authorised(document: JsonObject, vm_id: str, purpose: str) -> bool:
    did = str(document.get("id"))
    for entry in _entries(document, purpose):
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ref, str) and _absolute(did, ref) == vm_id:
            return True
    return False
