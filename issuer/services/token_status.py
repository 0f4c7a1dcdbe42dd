"""IETF Token Status Lists of an organisation (draft-ietf-oauth-status-list), beside the
Bitstring Status Lists of :mod:`issuer.services.status`.

Every credential record gets one entry in a 2-bit list (``VALID`` 0x00, ``INVALID`` 0x01 =
revoked, ``SUSPENDED`` 0x02) at issuance; the SD-JWT VC delivered from that record names it
in ``status.status_list {idx, uri}``. The lists are ``StatusListRow`` rows of purpose
:data:`TSL_PURPOSE` (allocation — random, never reused, ≥ 131,072 entries — is shared
with the Bitstring lists); their ``bits`` hold the draft's byte layout (least significant
bits first). Revoking or suspending a record updates both mechanisms in one transaction
(:func:`issuer.services.status.set_credential_status` calls :func:`set_token_status`).

The ``statuslist+jwt`` is signed with the organisation's separate status-list certificate
(``x5c``), cached per list version and served at :func:`token_status_url`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from credentials.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    TokenStatusList,
    sign_status_list_token,
)

from ..db.tables import Organisation, StatusListRow
from .x509_keys import X509Signer

__all__ = [
    "TOKEN_BITS",
    "TSL_PURPOSE",
    "SignedTokenStatusList",
    "set_token_status",
    "signed_token_status_list",
    "token_entry",
    "token_status_url",
    "token_status_value",
]

TSL_PURPOSE = "tsl"
"""``StatusListRow.purpose`` of Token Status Lists."""
TOKEN_BITS = 2
TOKEN_VALIDITY = timedelta(hours=24)
"""``exp`` of a status list token: after this, relying parties must fetch a new one."""


def token_status_url(public_base_url: str, org: Organisation, number: int) -> str:
    """The stable URL (``sub`` and ``status.status_list.uri``) of a Token Status List."""
    return f"{public_base_url.rstrip('/')}/{org.slug}/token-status/{number}"


def token_entry(url: str, index: int) -> dict[str, Any]:
    """The ``status`` claim of a Referenced Token (§6.1)."""
    return {"status_list": {"idx": index, "uri": url}}


def token_status_value(*, revoked: bool, suspended: bool) -> int:
    """The list value of a record: revoked wins over suspended."""
    if revoked:
        return INVALID
    return SUSPENDED if suspended else VALID


def set_token_status(row: StatusListRow, index: int, value: int, now: datetime) -> None:
    """Write ``value`` at ``index`` of a (locked) Token Status List row."""
    statuses = TokenStatusList.from_bytes(row.bits, bits=TOKEN_BITS)
    if statuses[index] == value:
        return
    statuses[index] = value
    row.bits = bytes(statuses.data)
    row.version += 1
    row.updated_at = now


@dataclass(frozen=True, slots=True)
class SignedTokenStatusList:
    token: str
    expires: datetime


_cache: dict[tuple[int, int, str], SignedTokenStatusList] = {}


def signed_token_status_list(
    row: StatusListRow,
    org: Organisation,
    signer: X509Signer,
    *,
    public_base_url: str,
    ttl: int,
    now: datetime,
) -> SignedTokenStatusList:
    """The ``statuslist+jwt`` of ``row`` (``x5c`` of the status-list certificate, ``iat``,
    ``exp``, ``ttl``), signed once per list version while it has well over ``ttl`` left."""
    cache_key = (row.id, row.version, signer.x5c[0])
    cached = _cache.get(cache_key)
    if cached is not None and cached.expires - now > TOKEN_VALIDITY / 2:
        return cached
    expires = now + TOKEN_VALIDITY
    token = sign_status_list_token(
        TokenStatusList.from_bytes(row.bits, bits=TOKEN_BITS),
        signer.key,
        uri=token_status_url(public_base_url, org, row.number),
        iat=int(now.timestamp()),
        exp=int(expires.timestamp()),
        ttl=ttl,
        header={"x5c": signer.x5c},
    )
    signed = SignedTokenStatusList(token, expires)
    if len(_cache) > 1024:
        _cache.clear()
    _cache[cache_key] = signed
    return signed
