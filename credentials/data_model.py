"""The MUSTs of the VC Data Model (2.0 §4-§5, and 1.1 for reading) as data: coded findings.

:func:`credential_findings` and :func:`presentation_findings` are pure: they look only at the
JSON shape of a document (no JSON-LD processing, no signatures, no clock) and return one
:class:`Finding` per broken rule, in document order, or an empty tuple. The verifier turns each
finding into a failed ``format`` check; the issuer refuses to sign and names the rule.

    >>> credential = {"@context": [VC_V2], "type": ["VerifiableCredential"],
    ...               "issuer": "did:example:school", "credentialSubject": {},
    ...               "termsOfUse": {"id": "https://school.example/tou"}}
    >>> [(f.code, f.pointer) for f in credential_findings(credential)]
    [('subject_empty', '/credentialSubject'), ('type_missing', '/termsOfUse')]

Rules checked (VC Data Model 2.0 sections; the 1.1 variant in brackets):

* §4.3 ``@context`` is an ordered set whose first item is the base context
  (``https://www.w3.org/ns/credentials/v2`` [``https://www.w3.org/2018/credentials/v1``]);
  later items are URLs or objects.
* §4.4 every ``id`` named below is one URL (a string with a scheme).
* §4.5 ``type`` is present and is one or more non-empty strings, including
  ``VerifiableCredential`` (``VerifiablePresentation``); the objects of ``credentialStatus``,
  ``credentialSchema``, ``refreshService``, ``termsOfUse`` and ``evidence`` have a ``type``.
* §4.6 ``name`` and ``description`` are strings or language value objects (``@value``).
* §4.7 ``issuer`` is a URL or an object with an ``id`` URL.
* §4.8 ``credentialSubject`` is one or more objects, each with at least one property.
* §4.9 ``validFrom`` / ``validUntil`` are ``dateTimeStamp`` values and ``validFrom`` is not
  later than ``validUntil`` [1.1: ``issuanceDate`` is required, it and ``expirationDate`` are
  date-times with a time zone].
* §4.10 ``credentialStatus`` is one or more objects [1.1: each with an ``id``].
* §4.11 ``credentialSchema`` is one or more objects, each with an ``id``.
* §4.13 presentations: ``holder`` is a URL or an object with an ``id`` URL;
  ``verifiableCredential`` holds only objects; an ``EnvelopedVerifiableCredential`` has a
  ``data:`` URL as ``id``.
* §5.3 ``relatedResource`` is one or more objects, each with an ``id`` URL that no other entry
  repeats and a ``digestSRI`` (``sha256``/``sha384``/``sha512``) or ``digestMultibase``.
* §5.4 [1.1 too] ``refreshService`` objects [1.1: with an ``id``]; §5.5 ``termsOfUse`` and
  §5.6 ``evidence`` objects.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .contexts import VC_V1, VC_V2
from .errors import MultibaseError
from .multibase import decode_multibase
from .timestamps import parse_datetime_stamp

__all__ = [
    "SRI_ALGORITHMS",
    "Finding",
    "Version",
    "credential_findings",
    "data_model_version",
    "is_url",
    "parse_sri",
    "presentation_findings",
]

Version = Literal["2.0", "1.1"]

BASE_CONTEXTS: Mapping[Version, str] = {"2.0": VC_V2, "1.1": VC_V1}
SRI_ALGORITHMS: Mapping[str, int] = {"sha256": 32, "sha384": 48, "sha512": 64}
"""Subresource Integrity hash algorithms and their digest sizes in bytes."""

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?\S*)?")


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: ``code`` (stable, for programs), ``rule`` (the section of the data
    model, e.g. ``"VCDM 2.0 §4.5"``), ``pointer`` (JSON pointer into the document) and
    ``message`` (for people)."""

    code: str
    rule: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} ({self.rule}, {self.code})"


def is_url(value: object) -> bool:
    """A single absolute URL (scheme, colon, no white space), as §4.4 asks of ``id``."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def parse_sri(value: object) -> list[tuple[str, bytes]] | None:
    """``[(algorithm, digest), …]`` of an SRI ``hash-expression`` list, or None if malformed."""
    if not isinstance(value, str) or not value.strip():
        return None
    parsed: list[tuple[str, bytes]] = []
    for expression in value.split():
        match = _SRI.fullmatch(expression)
        if match is None:
            return None
        try:
            digest = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(digest) != SRI_ALGORITHMS[match.group(1)]:
            return None
        parsed.append((match.group(1), digest))
    return parsed


def data_model_version(document: Mapping[str, Any]) -> Version | None:
    """Which data model the first ``@context`` names, or None."""
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    for version, url in BASE_CONTEXTS.items():
        if first == url:
            return version
    return None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pointer(*parts: object) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class _Checker:
    """Collects findings for one document under one version of the data model."""

    def __init__(self, version: Version) -> None:
        self.version = version
        self.findings: list[Finding] = []

    def add(self, code: str, section: str, pointer: str, message: str) -> None:
        self.findings.append(Finding(code, f"VCDM {self.version} §{section}", pointer, message))

    # §4.3
    def contexts(self, document: Mapping[str, Any]) -> None:
        base = BASE_CONTEXTS[self.version]
        ctx = document.get("@context")
        if ctx is None:
            self.add("context_missing", "4.3", "/@context", "@context is required")
            return
        if not isinstance(ctx, list) or not ctx:
            self.add(
                "context_not_ordered_set",
                "4.3",
                "/@context",
                f"@context must be an ordered set (a list) starting with {base}",
            )
            return
        if ctx[0] != base:
            self.add("context_first", "4.3", "/@context", f"the first @context must be {base}")
        for index, item in enumerate(ctx[1:], start=1):
            if not (is_url(item) or isinstance(item, Mapping)):
                self.add(
                    "context_item",
                    "4.3",
                    _pointer("@context", index),
                    "later @context items must be URLs or objects",
                )

    # §4.4
    def optional_id(self, node: Mapping[str, Any], pointer: str, section: str = "4.4") -> None:
        if "id" in node and not is_url(node["id"]):
            self.add("id_not_url", section, pointer + "/id", "id must be a single URL")

    # §4.5
    def document_type(self, document: Mapping[str, Any], required: str) -> None:
        if "type" not in document:
            self.add(
                "type_missing", "4.5", "/type", f"type is required and must include {required}"
            )
            return
        types = _items(document["type"])
        if not types or not all(isinstance(t, str) and t for t in types):
            self.add("type_invalid", "4.5", "/type", "type must be one or more terms or URLs")
        elif required not in types:
            self.add("type_required_missing", "4.5", "/type", f"type must include {required}")

    def objects_with_type(
        self,
        document: Mapping[str, Any],
        name: str,
        section: str,
        *,
        id_required: bool = False,
    ) -> None:
        """``name`` is one or more objects, each with a ``type`` (and an ``id`` if required)."""
        if name not in document:
            return
        value = document[name]
        if isinstance(value, list) and not value:
            self.add("entry_not_object", section, _pointer(name), f"{name} must not be empty")
        for index, item in enumerate(_items(value)):
            where = _pointer(name, index) if isinstance(value, list) else _pointer(name)
            if not isinstance(item, Mapping):
                self.add("entry_not_object", section, where, f"{name} entries must be objects")
                continue
            if "type" not in item:
                self.add("type_missing", "4.5", where, f"each {name} object must have a type")
            elif not all(isinstance(t, str) and t for t in _items(item["type"])):
                self.add(
                    "type_invalid", "4.5", where + "/type", "type must be one or more terms or URLs"
                )
            if id_required and "id" not in item:
                self.add("id_missing", section, where, f"each {name} object must have an id")
            else:
                self.optional_id(item, where)

    # §4.6
    def names(self, node: Mapping[str, Any], pointer: str) -> None:
        for name in ("name", "description"):
            if name not in node:
                continue
            value = node[name]
            items = _items(value)
            good = bool(items) and all(
                isinstance(v, str)
                or (
                    isinstance(v, Mapping)
                    and isinstance(v.get("@value"), str)
                    and all(isinstance(v.get(k, ""), str) for k in ("@language", "@direction"))
                )
                for v in items
            )
            if not good:
                self.add(
                    "name_invalid",
                    "4.6",
                    f"{pointer}/{name}",
                    f"{name} must be a string or language value objects (@value)",
                )

    # §4.7, §4.13
    def party(self, document: Mapping[str, Any], name: str, section: str, code: str) -> None:
        value = document[name]
        if isinstance(value, Mapping):
            if not is_url(value.get("id")):
                self.add(
                    code,
                    section,
                    f"/{name}/id",
                    f"{name} as an object must have an id that is a URL",
                )
            self.names(value, f"/{name}")
        elif not is_url(value):
            self.add(
                code,
                section,
                f"/{name}",
                f"{name} must be a URL or an object with an id URL",
            )

    # §4.8
    def subjects(self, credential: Mapping[str, Any]) -> None:
        if "credentialSubject" not in credential:
            self.add(
                "subject_missing", "4.8", "/credentialSubject", "credentialSubject is required"
            )
            return
        value = credential["credentialSubject"]
        if isinstance(value, list) and not value:
            self.add(
                "subject_empty",
                "4.8",
                "/credentialSubject",
                "credentialSubject must hold at least one object",
            )
        for index, subject in enumerate(_items(value)):
            where = (
                _pointer("credentialSubject", index)
                if isinstance(value, list)
                else ("/credentialSubject")
            )
            if not isinstance(subject, Mapping):
                self.add(
                    "subject_not_object",
                    "4.8",
                    where,
                    "credentialSubject must be one or more objects",
                )
            elif not subject:
                self.add(
                    "subject_empty",
                    "4.8",
                    where,
                    "each credentialSubject object must have at least one property",
                )
            else:
                self.optional_id(subject, where)

    # §4.9 (1.1: §4.6 issuance date, §4.7 expiration)
    def dates(self, credential: Mapping[str, Any]) -> None:
        if self.version == "1.1":
            start_name, end_name = "issuanceDate", "expirationDate"
            if start_name not in credential:
                self.add(
                    "issuance_date_missing", "4.6", "/issuanceDate", "issuanceDate is required"
                )
        else:
            start_name, end_name = "validFrom", "validUntil"
        for name in (start_name, end_name):
            if name in credential and parse_datetime_stamp(credential[name]) is None:
                self.add(
                    "date_invalid",
                    "4.9",
                    f"/{name}",
                    f"{name} must be a date-time with a time zone (dateTimeStamp)",
                )
        start = parse_datetime_stamp(credential.get(start_name))
        end = parse_datetime_stamp(credential.get(end_name))
        if start is not None and end is not None and start > end:
            self.add(
                "validity_order",
                "4.9",
                f"/{start_name}",
                f"{start_name} must not be later than {end_name}",
            )

    # §5.3
    def related_resources(self, credential: Mapping[str, Any]) -> None:
        if "relatedResource" not in credential:
            return
        value = credential["relatedResource"]
        if isinstance(value, list) and not value:
            self.add(
                "related_resource_not_object",
                "5.3",
                "/relatedResource",
                "relatedResource must not be empty",
            )
        seen: set[str] = set()
        for index, item in enumerate(_items(value)):
            where = (
                _pointer("relatedResource", index)
                if isinstance(value, list)
                else ("/relatedResource")
            )
            if not isinstance(item, Mapping):
                self.add(
                    "related_resource_not_object",
                    "5.3",
                    where,
                    "relatedResource entries must be objects",
                )
                continue
            ident = item.get("id")
            if "id" not in item:
                self.add(
                    "related_resource_id_missing",
                    "5.3",
                    where,
                    "each relatedResource must have an id",
                )
            elif not is_url(ident):
                self.add("id_not_url", "5.3", where + "/id", "id must be a single URL")
            elif ident in seen:
                self.add(
                    "related_resource_id_repeated",
                    "5.3",
                    where + "/id",
                    f"relatedResource id {ident} appears more than once",
                )
            else:
                seen.add(str(ident))
            if "digestSRI" not in item and "digestMultibase" not in item:
                self.add(
                    "related_resource_digest_missing",
                    "5.3",
                    where,
                    "each relatedResource must have a digestSRI or digestMultibase",
                )
            if "digestSRI" in item and parse_sri(item["digestSRI"]) is None:
                self.add(
                    "related_resource_digest_invalid",
                    "5.3",
                    where + "/digestSRI",
                    "digestSRI must be SRI hash expressions (sha256, sha384 or sha512)",
                )
            if "digestMultibase" in item and not _multibase_values(item["digestMultibase"]):
                self.add(
                    "related_resource_digest_invalid",
                    "5.3",
                    where + "/digestMultibase",
                    "digestMultibase must be multibase-encoded digests",
                )
            if "mediaType" in item and not isinstance(item["mediaType"], str):
                self.add(
                    "related_resource_media_type",
                    "5.3",
                    where + "/mediaType",
                    "mediaType must be a string",
                )


def _multibase_values(value: Any) -> list[bytes]:
    """The decoded digests of a ``digestMultibase`` value, or [] if any is malformed."""
    decoded: list[bytes] = []
    for item in _items(value):
        try:
            decoded.append(decode_multibase(item))
        except (MultibaseError, ValueError, TypeError):
            return []
    return decoded


def _version(document: Mapping[str, Any], versions: Sequence[Version]) -> Version:
    version = data_model_version(document)
    return version if version is not None and version in versions else versions[0]


def credential_findings(
    credential: Mapping[str, Any], *, versions: Sequence[Version] = ("2.0", "1.1")
) -> tuple[Finding, ...]:
    """Every data-model rule ``credential`` breaks; empty when it conforms.

    The first ``@context`` selects the rules (2.0 or 1.1) among ``versions``; a credential
    naming neither is checked against the first of ``versions`` (the issuer passes only
    ``("2.0",)``).
    """
    checker = _Checker(_version(credential, versions))
    checker.contexts(credential)
    checker.optional_id(credential, "")
    checker.document_type(credential, "VerifiableCredential")
    checker.names(credential, "")
    if "issuer" in credential:
        checker.party(credential, "issuer", "4.7", "issuer_invalid")
    else:
        checker.add("issuer_missing", "4.7", "/issuer", "issuer is required")
    checker.subjects(credential)
    checker.dates(credential)
    v11 = checker.version == "1.1"
    checker.objects_with_type(credential, "credentialStatus", "4.10", id_required=v11)
    checker.objects_with_type(credential, "credentialSchema", "4.11", id_required=True)
    checker.related_resources(credential)
    checker.objects_with_type(credential, "refreshService", "5.4", id_required=v11)
    checker.objects_with_type(credential, "termsOfUse", "5.5")
    checker.objects_with_type(credential, "evidence", "5.6")
    return tuple(checker.findings)


def presentation_findings(
    presentation: Mapping[str, Any], *, versions: Sequence[Version] = ("2.0", "1.1")
) -> tuple[Finding, ...]:
    """Every rule of §4.13 (and §4.3-§4.5) the presentation itself breaks.

    The credentials inside are checked on their own (:func:`credential_findings`, through the
    verifier); this checks only that each is an object and, if enveloped, has a ``data:`` URL.
    """
    checker = _Checker(_version(presentation, versions))
    checker.contexts(presentation)
    checker.optional_id(presentation, "")
    checker.document_type(presentation, "VerifiablePresentation")
    if "holder" in presentation:
        checker.party(presentation, "holder", "4.13", "holder_invalid")
    for where, vc in _presented(presentation):
        if not isinstance(vc, Mapping):
            checker.add(
                "credential_not_object",
                "4.13",
                where,
                "verifiableCredential must hold credential objects, not strings or other values",
            )
        elif "EnvelopedVerifiableCredential" in _items(vc.get("type")):
            if checker.version == "2.0" and VC_V2 not in _items(vc.get("@context")):
                checker.add(
                    "envelope_context",
                    "4.13.1",
                    where + "/@context",
                    f"an EnvelopedVerifiableCredential's @context must include {VC_V2}, "
                    "which defines it",
                )
            ident = vc.get("id")
            if not (isinstance(ident, str) and ident.startswith("data:")):
                checker.add(
                    "envelope_id_not_data_url",
                    "4.13.1",
                    where + "/id",
                    "an EnvelopedVerifiableCredential's id must be a data: URL",
                )
    return tuple(checker.findings)


def _presented(presentation: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    if "verifiableCredential" not in presentation:
        return
    value = presentation["verifiableCredential"]
    if isinstance(value, list):
        for index, vc in enumerate(value):
            yield _pointer("verifiableCredential", index), vc
    else:
        yield "/verifiableCredential", value
