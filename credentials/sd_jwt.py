"""SD-JWT (RFC 9901) format: Disclosures, digests, the compact serialization and the
processing algorithm of §7.1 that rebuilds the claims from a payload and its Disclosures.

Issuing is in :mod:`credentials.sd_jwt_issuer`, presenting in :mod:`credentials.sd_jwt_holder`,
verifying in :mod:`credentials.sd_jwt_verifier`. Everything here is pure and raises only
:class:`SdJwtError` (with a stable ``code``) for hostile or malformed input.

    >>> d = Disclosure.create("given_name", "John", salt="2GLC42sKQveCfGfryNRN9w")
    >>> d.encoded
    'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd'
    >>> d.digest
    'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4'

Encoding: a Disclosure is base64url of the UTF-8 bytes of ``json.dumps([salt, name, value])``
with Python's defaults (``", "``, ``": "``, ASCII escapes), the encoding of every generated
RFC 9901 example; decoding accepts any JSON encoding, because the digest is over the
Disclosure string as received.
"""

from __future__ import annotations

import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .errors import CredentialsError, JwtFormatError, KeyFormatError
from .jwk import b64url_decode, b64url_encode
from .jws import parse_json

__all__ = [
    "ARRAY_ELEMENT_KEY",
    "DEFAULT_BUDGETS",
    "SD_ALG",
    "SD_ALG_KEY",
    "SD_KEY",
    "Budgets",
    "ClaimPath",
    "Disclosure",
    "Processed",
    "SdJwtError",
    "SdJwtParts",
    "digest_of",
    "new_disclosure",
    "parse_sd_jwt",
    "path_selected",
    "process_claims",
    "sd_hash",
    "serialize_sd_jwt",
]

SD_KEY = "_sd"
SD_ALG_KEY = "_sd_alg"
ARRAY_ELEMENT_KEY = "..."
SD_ALG = "sha-256"
"""The only hash algorithm (IANA name) issued and accepted."""

ClaimPath = tuple[str | int | None, ...]
"""A claims path pointer: member names, array indexes, ``None`` for every element."""


class SdJwtError(CredentialsError, ValueError):
    """An SD-JWT is malformed or violates RFC 9901; ``code`` says which rule, for programs."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Budgets:
    """Limits applied before and during processing; hostile input beyond them is refused."""

    max_bytes: int = 512 * 1024
    max_disclosures: int = 1024
    max_depth: int = 32


DEFAULT_BUDGETS = Budgets()
_ENCODE = json.JSONEncoder().encode  # json.dumps with its defaults, without the call layers
_STRING = json.encoder.encode_basestring_ascii  # what json.dumps uses for str (C)
_sha256 = hashlib.sha256
_b2a = binascii.b2a_base64
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_DIGEST_CHARS = 43  # base64url of 32 bytes, without the one "=" of padding


def _scalar_json(value: Any) -> str:
    if isinstance(value, str):
        return _STRING(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return _ENCODE(value)


def digest_of(encoded: str) -> str:
    """base64url(SHA-256(ASCII bytes of the Disclosure string)) — RFC 9901 §4.2.3."""
    return b64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())


def sd_hash(presentation_without_kb: str) -> str:
    """The KB-JWT ``sd_hash``: digest over the SD-JWT up to and including the last ``~``."""
    return digest_of(presentation_without_kb)


class Disclosure(NamedTuple):
    """One Disclosure: ``name`` is None for an array element. (A named tuple: issuing makes
    one per claim, thousands per second.)"""

    salt: str
    name: str | None
    value: Any
    encoded: str
    digest: str

    @classmethod
    def create(cls, name: str | None, value: Any, *, salt: str) -> Disclosure:
        return new_disclosure(salt, name, value)

    @classmethod
    def decode(cls, encoded: str) -> Disclosure:
        try:
            raw = b64url_decode(encoded, "Disclosure")
        except KeyFormatError as exc:
            raise SdJwtError("disclosure_malformed", str(exc)) from None
        try:
            contents = parse_json(raw, "Disclosure")
        except JwtFormatError as exc:
            raise SdJwtError("disclosure_malformed", str(exc)) from None
        if not isinstance(contents, list) or len(contents) not in (2, 3):
            raise SdJwtError("disclosure_malformed", "a Disclosure is a JSON array of 2 or 3")
        if not isinstance(contents[0], str):
            raise SdJwtError("disclosure_malformed", "a Disclosure salt is a string")
        name: str | None = None
        if len(contents) == 3:
            if not isinstance(contents[1], str):
                raise SdJwtError("disclosure_malformed", "a Disclosure claim name is a string")
            name = contents[1]
            if name in (SD_KEY, ARRAY_ELEMENT_KEY):
                raise SdJwtError("disclosure_reserved_name", f"claim name {name!r} is reserved")
        return cls(
            salt=contents[0],
            name=name,
            value=contents[-1],
            encoded=encoded,
            digest=digest_of(encoded),
        )


_new_tuple = tuple.__new__


def new_disclosure(salt: str, name: str | None, value: Any) -> Disclosure:
    """The Disclosure ``[salt, name, value]`` (``[salt, value]`` for an array element),
    encoded as ``json.dumps`` would with its defaults, byte for byte, and its digest.

    One pass and no helper calls for the common case of a string value: issuing makes one
    per claim, so this is the issuer's innermost loop."""
    json_value = _STRING(value) if type(value) is str else _scalar_json(value)
    if name is None:
        contents = f"[{_STRING(salt)}, {json_value}]"
    else:
        contents = f"[{_STRING(salt)}, {_STRING(name)}, {json_value}]"
    # b64url_encode twice, inlined: the digest is over the encoded bytes as they are
    encoded = _b2a(contents.encode("ascii"), newline=False).translate(_URLSAFE).rstrip(b"=")
    digest = _b2a(_sha256(encoded).digest(), newline=False).translate(_URLSAFE)
    fields = (salt, name, value, encoded.decode("ascii"), digest[:_DIGEST_CHARS].decode("ascii"))
    return _new_tuple(Disclosure, fields)


@dataclass(frozen=True, slots=True)
class SdJwtParts:
    """``<Issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~<optional KB-JWT>``."""

    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None

    @property
    def without_kb(self) -> str:
        """The SD-JWT up to and including the last ``~`` (the input of ``sd_hash``)."""
        return serialize_sd_jwt(self.issuer_jwt, self.disclosures)


def serialize_sd_jwt(issuer_jwt: str, disclosures: Iterable[str], kb_jwt: str | None = None) -> str:
    """``<Issuer-signed JWT>~<D1>~…~<Dn>~<KB-JWT or nothing>``."""
    return "~".join([issuer_jwt, *disclosures, kb_jwt or ""])


def parse_sd_jwt(token: object, budgets: Budgets = DEFAULT_BUDGETS) -> SdJwtParts:
    """Split the compact serialization (no decoding beyond that)."""
    if not isinstance(token, str):
        raise SdJwtError("format", "an SD-JWT is a string")
    if len(token) > budgets.max_bytes:
        raise SdJwtError("too_large", f"SD-JWT longer than {budgets.max_bytes} bytes")
    if "~" not in token:
        raise SdJwtError("format", "an SD-JWT has at least one '~' after the Issuer-signed JWT")
    parts = token.split("~")
    if len(parts) - 2 > budgets.max_disclosures:
        raise SdJwtError("too_many_disclosures", f"more than {budgets.max_disclosures} Disclosures")
    issuer_jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not issuer_jwt or any(not d for d in disclosures):
        raise SdJwtError("format", "empty Issuer-signed JWT or Disclosure between '~'")
    return SdJwtParts(issuer_jwt, tuple(disclosures), last or None)


@dataclass(frozen=True, slots=True)
class Processed:
    """The claims rebuilt by §7.1, and for every Disclosure used the path it disclosed."""

    claims: dict[str, Any]
    paths: dict[str, ClaimPath]
    """digest → the claims path of the disclosed value."""


class _Processor:
    def __init__(self, disclosures: Sequence[Disclosure], budgets: Budgets) -> None:
        self.by_digest: dict[str, Disclosure] = {}
        for d in disclosures:
            if d.digest in self.by_digest:
                raise SdJwtError("disclosure_duplicate", "the same Disclosure appears twice")
            self.by_digest[d.digest] = d
        self.seen: set[str] = set()
        self.paths: dict[str, ClaimPath] = {}
        self.budgets = budgets

    def _claim_digest(self, value: object) -> str:
        if not isinstance(value, str):
            raise SdJwtError("sd_malformed", "a digest in _sd or '...' is a string")
        if value in self.seen:
            raise SdJwtError("digest_duplicate", "a digest appears more than once")
        self.seen.add(value)
        return value

    def value(self, value: Any, path: ClaimPath) -> Any:
        if len(path) > self.budgets.max_depth:
            raise SdJwtError("too_deep", f"claims nested deeper than {self.budgets.max_depth}")
        if isinstance(value, dict):
            return self.obj(value, path)
        if isinstance(value, list):
            return self.array(value, path)
        return value

    def obj(self, value: Mapping[str, Any], path: ClaimPath) -> dict[str, Any]:
        digests = value.get(SD_KEY, [])
        if not isinstance(digests, list):
            raise SdJwtError("sd_malformed", "_sd is an array of digests")
        out: dict[str, Any] = {}
        for key, member in value.items():
            if key == SD_KEY or (key == SD_ALG_KEY and not path):
                continue
            if key == ARRAY_ELEMENT_KEY:
                raise SdJwtError("sd_malformed", "'...' is only allowed in array elements")
            out[key] = self.value(member, (*path, key))
        for item in digests:
            digest = self._claim_digest(item)
            disclosure = self.by_digest.get(digest)
            if disclosure is None:
                continue  # a decoy, or a Disclosure the holder did not present
            if disclosure.name is None:
                raise SdJwtError("disclosure_kind", "an array-element Disclosure in _sd")
            if disclosure.name in out:
                raise SdJwtError("claim_duplicate", f"claim {disclosure.name!r} already exists")
            claim_path = (*path, disclosure.name)
            self.paths[digest] = claim_path
            out[disclosure.name] = self.value(disclosure.value, claim_path)
        return out

    def array(self, value: Sequence[Any], path: ClaimPath) -> list[Any]:
        out: list[Any] = []
        for element in value:
            if isinstance(element, dict) and ARRAY_ELEMENT_KEY in element:
                if len(element) != 1:
                    raise SdJwtError("sd_malformed", "an array element digest object has one key")
                digest = self._claim_digest(element[ARRAY_ELEMENT_KEY])
                disclosure = self.by_digest.get(digest)
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise SdJwtError("disclosure_kind", "an object-property Disclosure in '...'")
                claim_path = (*path, len(out))
                self.paths[digest] = claim_path
                out.append(self.value(disclosure.value, claim_path))
            else:
                out.append(self.value(element, (*path, len(out))))
        return out


def process_claims(
    payload: Mapping[str, Any],
    disclosures: Sequence[Disclosure],
    budgets: Budgets = DEFAULT_BUDGETS,
) -> Processed:
    """RFC 9901 §7.1 steps 3-5: replace digests by disclosed claims, drop ``_sd``/``_sd_alg``
    and undisclosed digests; refuse duplicate digests, duplicate claims, misplaced Disclosure
    kinds and any Disclosure no digest refers to."""
    alg = payload.get(SD_ALG_KEY, SD_ALG)
    if alg != SD_ALG:
        raise SdJwtError("sd_alg", f"_sd_alg {alg!r} is not supported (only sha-256)")
    processor = _Processor(disclosures, budgets)
    try:
        claims = processor.obj(payload, ())
    except RecursionError:
        raise SdJwtError("too_deep", "claims nested too deeply") from None
    unreferenced = set(processor.by_digest) - set(processor.paths)
    if unreferenced:
        raise SdJwtError("disclosure_unreferenced", "a Disclosure is not referenced by any digest")
    return Processed(claims=claims, paths=processor.paths)


def _prefix(short: ClaimPath, long: ClaimPath) -> bool:
    if len(short) > len(long):
        return False
    return all(a is None or b is None or a == b for a, b in zip(short, long, strict=False))


def path_selected(disclosed: ClaimPath, selected: Iterable[ClaimPath]) -> bool:
    """True when a Disclosure at ``disclosed`` is needed for one of the ``selected`` claims:
    it lies on the way to a selected claim, or inside one."""
    return any(_prefix(disclosed, p) or _prefix(p, disclosed) for p in selected)
