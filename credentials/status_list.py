"""W3C Bitstring Status List v1.0: the list, its encoding, entries and the status check.

An issuer keeps one list per purpose (``revocation``, ``suspension``), gives each credential a
(random) index and a :func:`build_status_entry`, and publishes the signed
:func:`build_status_list_credential` at a stable URL. A verifier fetches that credential,
verifies its proof with the engine, and then calls :func:`check_status`.

    >>> revoked = StatusList.new().set(42, True)
    >>> entry = build_status_entry(
    ...     list_credential_url="https://school.example/status/1", index=42,
    ...     purpose="revocation")
    >>> vc = build_status_list_credential(
    ...     list_id="https://school.example/status/1", issuer="did:web:school.example",
    ...     purpose="revocation", encoded_list=revoked.encode(),
    ...     valid_from=datetime(2025, 7, 1, tzinfo=UTC))
    >>> check_status(entry, vc).is_set
    True

Bit order: index 0 is the left-most (most significant) bit of the first byte; an entry of
``statusSize`` bits starts at bit ``index * statusSize`` and is read most significant bit
first. The uncompressed list holds at least 131,072 entries (16 KB for ``statusSize`` 1).
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .contexts import VC_V2
from .data_model import is_url
from .errors import MultibaseError, StatusListError
from .multibase import decode_base64url, encode_base64url

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "REVOKED_MESSAGES",
    "SUSPENDED_MESSAGES",
    "StatusCheck",
    "StatusList",
    "build_status_entry",
    "build_status_list_credential",
    "check_entry",
    "check_status",
    "decode_list",
    "encode_list",
]

JsonObject = dict[str, Any]

MIN_ENTRIES = 131_072
"""The spec's minimum number of entries (herd privacy): 16 KB of bits for statusSize 1."""

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Largest uncompressed list :func:`decode_list` accepts (zip-bomb guard): 134M entries."""

REVOKED_MESSAGES = frozenset({"revoked", "revocation"})
"""``statusMessage`` texts that mean revoked (for ``statusPurpose`` ``message``)."""

SUSPENDED_MESSAGES = frozenset({"suspended", "suspension"})
"""``statusMessage`` texts that mean suspended (for ``statusPurpose`` ``message``)."""

MAX_STATUS_SIZE = 16
"""Widest entry read or written. The spec only says ``statusSize`` is an integer greater
than zero (§2.1); an entry wider than 1 bit MUST list a ``statusMessage`` per value
(``2 ** statusSize`` of them), so 16 bits (65,536 messages) is far beyond any real list."""

_SIZE_RANGE = f"an integer from 1 to {MAX_STATUS_SIZE}"
_MAX_ENCODED_CHARS = 8 * 1024 * 1024
_INDEX = re.compile(r"^(?:0|[1-9][0-9]{0,17})$")


def _min_bytes(min_entries: int, status_size: int) -> int:
    return -(-min_entries * status_size // 8)


def _check_size(status_size: object) -> int:
    if (
        isinstance(status_size, bool)
        or not isinstance(status_size, int)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise StatusListError(f"statusSize must be {_SIZE_RANGE}, not {status_size!r}")
    return status_size


def encode_list(
    bits: bytes | bytearray, *, min_entries: int = MIN_ENTRIES, status_size: int = 1
) -> str:
    """GZIP ``bits`` and multibase-encode them as base64url without padding (``u…``).

    The GZIP header carries no timestamp, so equal lists encode to equal strings (stable
    ETags); with the default compression level an empty 16 KB list encodes exactly as the
    spec's example. Refuses a list shorter than ``min_entries`` entries of ``status_size``
    bits (a 2-bit list of 131,072 entries is 32 KB: a verifier divides the length by the
    entry's ``statusSize``, Validate Algorithm).
    """
    if not isinstance(bits, bytes | bytearray):
        raise StatusListError("a bitstring is bytes")
    needed = _min_bytes(min_entries, _check_size(status_size))
    if len(bits) < needed:
        raise StatusListError(
            f"a status list holds at least {min_entries} entries "
            f"({needed} bytes for {status_size}-bit entries); got {len(bits)} bytes"
        )
    return encode_base64url(gzip.compress(bytes(bits), compresslevel=6, mtime=0))


def decode_list(
    encoded: str,
    *,
    min_entries: int = MIN_ENTRIES,
    status_size: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """The uncompressed bitstring of an ``encodedList`` (the spec's Bitstring Expansion).

    Decompresses at most ``max_bytes`` (a small GZIP body can expand enormously), refuses
    trailing data and truncated streams, and refuses lists with fewer than ``min_entries``
    entries of ``status_size`` bits (the spec's STATUS_LIST_LENGTH_ERROR). Raises
    :class:`StatusListError`.
    """
    if not isinstance(encoded, str) or len(encoded) > _MAX_ENCODED_CHARS:
        raise StatusListError("encodedList must be a string of reasonable size")
    try:
        compressed = decode_base64url(encoded)
    except MultibaseError as exc:
        raise StatusListError(f"encodedList is not multibase base64url: {exc}") from None
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        bits = decompressor.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not GZIP data: {exc}") from None
    if len(bits) > max_bytes or decompressor.unconsumed_tail:
        raise StatusListError(f"encodedList expands to more than {max_bytes} bytes")
    if not decompressor.eof:
        raise StatusListError("encodedList is truncated GZIP data")
    if decompressor.unused_data:
        raise StatusListError("encodedList has data after the GZIP stream")
    _check_size(status_size)
    if len(bits) * 8 // status_size < min_entries:
        raise StatusListError(
            f"status list is too short: {len(bits) * 8 // status_size} entries, "
            f"at least {min_entries} required"
        )
    return bits


@dataclass(frozen=True, slots=True)
class StatusList:
    """An immutable bitstring of status entries; :meth:`set` returns a new list.

    ``status_size`` is the width of one entry in bits (1 by default, as in the spec; up to
    :data:`MAX_STATUS_SIZE`).

        >>> lst = StatusList.new()
        >>> len(lst)
        131072
        >>> lst.set(0, True).get(0), lst.get(0)
        (True, False)
    """

    bitstring: bytes
    status_size: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.bitstring, bytes):
            raise StatusListError("bitstring must be bytes")
        _check_size(self.status_size)

    @classmethod
    def new(cls, length: int = MIN_ENTRIES, *, status_size: int = 1) -> StatusList:
        """A list of ``length`` entries (at least :data:`MIN_ENTRIES`), all zero."""
        _check_size(status_size)
        if isinstance(length, bool) or not isinstance(length, int) or length < MIN_ENTRIES:
            raise StatusListError(f"a status list holds at least {MIN_ENTRIES} entries")
        return cls(bytes(_min_bytes(length, status_size)), status_size)

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        min_entries: int = MIN_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> StatusList:
        """Parse an ``encodedList`` (see :func:`decode_list`)."""
        bits = decode_list(
            encoded, min_entries=min_entries, status_size=status_size, max_bytes=max_bytes
        )
        return cls(bits, status_size)

    def encode(self, *, min_entries: int = MIN_ENTRIES) -> str:
        """The ``encodedList`` value of this list."""
        if len(self) < min_entries:
            raise StatusListError(f"a status list holds at least {min_entries} entries")
        return encode_list(self.bitstring, min_entries=0, status_size=self.status_size)

    def __len__(self) -> int:
        return len(self.bitstring) * 8 // self.status_size

    @property
    def length(self) -> int:
        """Number of entries."""
        return len(self)

    def _position(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise StatusListError(f"a status list index is an integer, not {index!r}")
        if not 0 <= index < len(self):
            raise StatusListError(
                f"index {index} is outside the status list (0 to {len(self) - 1})"
            )
        return index * self.status_size

    def get_value(self, index: int) -> int:
        """The entry at ``index`` as an integer (``0`` to ``2**status_size - 1``)."""
        start = self._position(index)
        value = 0
        for bit in range(start, start + self.status_size):
            value = (value << 1) | ((self.bitstring[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def get(self, index: int) -> bool:
        """True when the entry at ``index`` is set (non-zero): revoked, suspended, …"""
        return self.get_value(index) != 0

    def set(self, index: int, value: bool | int) -> StatusList:
        """A copy of this list with the entry at ``index`` set to ``value``."""
        return self.set_many({index: value})

    def set_many(self, values: Mapping[int, bool | int]) -> StatusList:
        """A copy with several entries changed at once (one copy for a batch)."""
        buffer = bytearray(self.bitstring)
        limit = 1 << self.status_size
        for index, value in values.items():
            if not isinstance(value, bool | int) or not 0 <= int(value) < limit:
                raise StatusListError(
                    f"status value {value!r} does not fit in {self.status_size} bit(s)"
                )
            number = int(value)
            start = self._position(index)
            for offset in range(self.status_size):
                bit = start + offset
                mask = 1 << (7 - (bit & 7))
                if (number >> (self.status_size - 1 - offset)) & 1:
                    buffer[bit >> 3] |= mask
                else:
                    buffer[bit >> 3] &= ~mask & 0xFF
        return StatusList(bytes(buffer), self.status_size)


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise StatusListError("validity dates must be timezone-aware datetimes")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_status_list_credential(
    *,
    list_id: str,
    issuer: str | JsonObject,
    purpose: str | list[str],
    encoded_list: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> JsonObject:
    """An unsigned VC 2.0 ``BitstringStatusListCredential``, ready for signing.

    ``list_id`` is the URL the credential is served at (the entries'
    ``statusListCredential``); ``encoded_list`` comes from :meth:`StatusList.encode` and is
    checked to decode. ``ttl_ms`` is the optional refresh hint in milliseconds; keep it in
    step with the HTTP ``Cache-Control`` of the resource.
    """
    if not isinstance(list_id, str) or not list_id.startswith(("https://", "http://")):
        raise StatusListError("list_id must be the http(s) URL the list is published at")
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise StatusListError("purpose must be one or more non-empty strings")
    decode_list(encoded_list, min_entries=0)
    subject: JsonObject = {
        "id": list_id + "#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose if isinstance(purpose, str) else purposes,
        "encodedList": encoded_list,
    }
    if ttl_ms is not None:
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms <= 0:
            raise StatusListError("ttl_ms must be a positive integer (milliseconds)")
        subject["ttl"] = ttl_ms
    credential: JsonObject = {
        "@context": [VC_V2],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _timestamp(valid_from),
    }
    if valid_until is not None:
        if valid_until <= valid_from:
            raise StatusListError("valid_until must be later than valid_from")
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = subject
    return credential


def build_status_entry(
    *,
    list_credential_url: str,
    index: int,
    purpose: str,
    entry_id: str | None = None,
    status_size: int = 1,
    messages: Sequence[str] | None = None,
) -> JsonObject:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus``.

    ``entry_id`` defaults to ``{list_credential_url}#{index}``: an identifier of this entry,
    which the spec requires to differ from the list's own URL. Pick ``index`` at random
    among the free positions so it reveals nothing about issuance order.

    ``status_size`` above 1 (e.g. purpose ``message``) needs ``messages``: the text of every
    value, ``messages[v]`` for value ``v`` (``2 ** status_size`` of them, §2.1
    ``statusMessage``).

        >>> entry = build_status_entry(list_credential_url="https://s.example/status/1",
        ...     index=7, purpose="message", status_size=2,
        ...     messages=["valid", "suspended", "revoked", "revoked"])
        >>> entry["statusSize"], entry["statusMessage"][2]
        (2, {'status': '0x2', 'message': 'revoked'})
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError(f"statusListIndex must be a non-negative integer, not {index!r}")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("statusPurpose must be a non-empty string")
    if not isinstance(list_credential_url, str) or not list_credential_url:
        raise StatusListError("statusListCredential must be a URL")
    entry_id = entry_id if entry_id is not None else f"{list_credential_url}#{index}"
    if entry_id == list_credential_url:
        raise StatusListError("the entry id must not be the URL of the status list")
    entry: JsonObject = {
        "id": entry_id,
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }
    _check_size(status_size)
    if status_size != 1 or messages is not None:
        if messages is None or len(messages) != 1 << status_size:
            raise StatusListError(
                f"statusSize {status_size} needs {1 << status_size} status messages"
            )
        if not all(isinstance(m, str) and m for m in messages):
            raise StatusListError("each status message must be a non-empty string")
        entry["statusSize"] = status_size
        entry["statusMessage"] = [
            {"status": hex(value), "message": message} for value, message in enumerate(messages)
        ]
    return entry


@dataclass(frozen=True, slots=True)
class StatusCheck:
    """The status of one credential according to one status list.

    ``is_set`` is True when the entry is non-zero: for ``revocation`` the credential is
    revoked, for ``suspension`` it is suspended. ``status`` is the raw entry value and
    ``message`` its ``statusMessage`` text when the entry defines one.
    """

    purpose: str
    index: int
    status: int
    is_set: bool
    status_list_credential: str
    message: str | None = None

    @property
    def valid(self) -> bool:
        """True when the entry is zero (the spec's ``valid`` result)."""
        return not self.is_set

    @property
    def outcome(self) -> str | None:
        """What a set entry means: ``revocation`` or ``suspension``; None when not set.

        For purpose ``message`` the entry's ``statusMessage`` decides (see
        :data:`REVOKED_MESSAGES` and :data:`SUSPENDED_MESSAGES`); a set entry with another
        message is None too: the caller shows :attr:`message` instead of deciding.
        """
        if not self.is_set:
            return None
        if self.purpose != "message":
            return self.purpose
        text = (self.message or "").strip().lower()
        if text in REVOKED_MESSAGES:
            return "revocation"
        if text in SUSPENDED_MESSAGES:
            return "suspension"
        return None


def _types(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


_HEX_STATUS = re.compile(r"^0x[0-9a-fA-F]{1,8}$")


def _status_size(entry: Mapping[str, Any]) -> int:
    """The entry's ``statusSize`` (1 when absent), its ``statusMessage`` and
    ``statusReference`` checked as §2.1 says."""
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise StatusListError(f"statusSize must be an integer greater than zero, not {size!r}")
    if size > MAX_STATUS_SIZE:
        raise StatusListError(f"statusSize {size} is not supported ({_SIZE_RANGE})")
    messages = entry.get("statusMessage")
    if size > 1 and messages is None:
        raise StatusListError("statusMessage is required when statusSize is greater than 1")
    if messages is not None:
        if not isinstance(messages, list) or len(messages) != 1 << size:
            raise StatusListError(
                f"statusMessage must be a list of {1 << size} entries for statusSize {size}"
            )
        for item in messages:
            if not isinstance(item, Mapping):
                raise StatusListError("each statusMessage item must be an object")
            status, message = item.get("status"), item.get("message")
            if not isinstance(status, str) or not _HEX_STATUS.match(status):
                raise StatusListError(
                    f"statusMessage status {status!r} must be a hexadecimal string with 0x"
                )
            if not isinstance(message, str):
                raise StatusListError(f"statusMessage {status} needs a message string")
    reference = entry.get("statusReference")
    if reference is not None:
        references = reference if isinstance(reference, list) else [reference]
        if not references or not all(is_url(r) for r in references):
            raise StatusListError("statusReference must be a URL or a list of URLs")
    return size


def _message(entry: Mapping[str, Any], value: int) -> str | None:
    """The ``statusMessage`` text of ``value``; without a ``statusMessage`` list, a 1-bit
    value is "set" or "unset" (§2.1)."""
    messages = entry.get("statusMessage")
    if messages is None:
        return ("set" if value else "unset") if entry.get("statusSize", 1) == 1 else None
    for item in messages:
        if int(item["status"], 16) == value:
            message = item["message"]
            return message if isinstance(message, str) else None
    return None


def _list_subject(list_credential: Mapping[str, Any], purpose: str) -> Mapping[str, Any]:
    subjects = list_credential.get("credentialSubject")
    candidates = subjects if isinstance(subjects, list) else [subjects]
    lists = [
        s for s in candidates if isinstance(s, dict) and s.get("type") == "BitstringStatusList"
    ]
    if not lists:
        raise StatusListError("the list credential has no BitstringStatusList subject")
    for subject in lists:
        purposes = subject.get("statusPurpose")
        purposes = [purposes] if isinstance(purposes, str) else purposes
        if isinstance(purposes, list) and purpose in purposes:
            return subject
    raise StatusListError(
        f"the status list is not for purpose {purpose!r} "
        f"(it has {[s.get('statusPurpose') for s in lists]!r})"
    )


def _entry_fields(entry: Mapping[str, Any]) -> tuple[str, int, str, int]:
    if not isinstance(entry, Mapping):
        raise StatusListError("credentialStatus entry must be an object")
    if "BitstringStatusListEntry" not in _types(entry.get("type")):
        raise StatusListError(f"credentialStatus type {entry.get('type')!r} is not supported")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("credentialStatus.statusPurpose must be a non-empty string")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str) or not _INDEX.match(raw_index):
        raise StatusListError(
            f"statusListIndex must be a base-10 integer in a string, not {raw_index!r}"
        )
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not is_url(url):
        raise StatusListError("credentialStatus.statusListCredential must be a URL")
    if entry.get("id") == url:
        raise StatusListError("credentialStatus.id must not be the URL of the status list")
    return purpose, int(raw_index), url, _status_size(entry)


def check_entry(entry: Mapping[str, Any]) -> None:
    """Refuse a ``BitstringStatusListEntry`` that breaks a MUST of §2.1 (the spec's
    MALFORMED_VALUE_ERROR), before anything is fetched: the credential itself is then
    malformed, whatever its list says. Raises :class:`StatusListError`."""
    _entry_fields(entry)


def check_status(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    min_entries: int = MIN_ENTRIES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StatusCheck:
    """Read the status of ``entry`` (a credential's ``credentialStatus``) in a status list.

    Pure: the caller fetches ``list_credential`` (with :func:`credentials.net.fetch_json`)
    and **verifies its proof with the engine first**; this function does not check
    signatures, issuers, trust or validity dates of the list credential. It checks the
    entry's shape, that the list credential is a ``BitstringStatusListCredential`` whose id
    (when present) is the entry's ``statusListCredential``, that the list serves the
    entry's ``statusPurpose``, and that ``encodedList`` decodes to a long enough list
    holding the index. Any problem raises :class:`StatusListError` with a readable message.
    """
    purpose, index, url, size = _entry_fields(entry)

    if not isinstance(list_credential, Mapping):
        raise StatusListError("the status list credential must be an object")
    if "BitstringStatusListCredential" not in _types(list_credential.get("type")):
        raise StatusListError("the status list credential is not a BitstringStatusListCredential")
    list_id = list_credential.get("id")
    if list_id is not None and list_id != url:
        raise StatusListError(
            f"the status list credential is {list_id!r}, but the entry points at {url!r}"
        )
    subject = _list_subject(list_credential, purpose)
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("the status list has no encodedList string")
    bits = StatusList.decode(
        encoded, status_size=size, min_entries=min_entries, max_bytes=max_bytes
    )
    value = bits.get_value(index)
    return StatusCheck(
        purpose=purpose,
        index=index,
        status=value,
        is_set=value != 0,
        status_list_credential=url,
        message=_message(entry, value),
    )
