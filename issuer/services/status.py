"""Bitstring Status Lists of an organisation: allocate entries, revoke/suspend, publish.

Indexes are picked at random among the free ones (so an index says nothing about issuance
order) and never reused. A list that is 90 % allocated is closed and the next one opened.

A credential gets **one** entry (Open Badges 3.0 allows one ``credentialStatus`` object): in
a list with ``statusPurpose`` ``message`` and ``statusSize`` 2, whose high bit is "revoked"
and low bit "suspended" (:data:`STATUS_MESSAGES`), so revocation and suspension both work on
one entry. Credentials issued before have two entries, in 1-bit ``revocation`` and
``suspension`` lists; those lists stay served and changeable. The list kind is its
``purpose``; :func:`status_size_of` gives its entry width. ``IssuedCredential`` keeps the
entry in both its revocation and suspension columns (same list, same index).

Each credential also gets an entry in an IETF Token Status List (purpose ``tsl``, see
:mod:`issuer.services.token_status`), allocated here the same way; revoking or suspending
updates both in the same transaction.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from credentials.data_integrity import add_proof
from credentials.keys import Ed25519KeyPair
from credentials.status_list import StatusList, build_status_entry, build_status_list_credential
from qualifications.messages import Message
from web_common.db import UnitOfWork

from ..db.offer_tables import TokenStatusCopy
from ..db.tables import IssuedCredential, Organisation, StatusListRow
from . import audit
from .errors import IssuanceError, NotFoundError
from .token_status import (
    TOKEN_BITS,
    TSL_PURPOSE,
    set_token_status,
    token_entry,
    token_status_url,
    token_status_value,
)

__all__ = [
    "LIST_PURPOSES",
    "PURPOSES",
    "STATUS_MESSAGES",
    "STATUS_PURPOSE",
    "Entries",
    "StatusRefusal",
    "allocate_entries",
    "allocate_entries_many",
    "allocate_token_copy",
    "credential_status_value",
    "entry_columns",
    "find_status_list",
    "set_credential_status",
    "signed_status_list",
    "status_list_url",
    "status_size_of",
]


class StatusRefusal(StrEnum):
    """What a status change refuses (pages word it by code, ``probleem:<code>``)."""

    REVOKED_IS_FINAL = "status_revoked_is_final"


PURPOSES = ("revocation", "suspension")
"""What staff can do to a credential's status (and the 1-bit lists of older credentials)."""

STATUS_PURPOSE = "message"
"""The purpose of the lists new credentials get their one entry in."""

STATUS_SIZE = 2
_REVOKED_BIT = 0b10
_SUSPENDED_BIT = 0b01
STATUS_MESSAGES = ("valid", "suspended", "revoked", "revoked")
"""``statusMessage`` of value 0-3: high bit revoked, low bit suspended (revoked wins)."""

LIST_PURPOSES = (STATUS_PURPOSE, *PURPOSES)
"""Every kind of list the issuer publishes at ``/{slug}/status/{purpose}/{n}``."""

_FILL_LIMIT = 0.9

Entries = dict[str, tuple[StatusListRow, int, dict[str, Any]]]


def status_size_of(purpose: str) -> int:
    """Bits per entry in a list of ``purpose``."""
    if purpose == TSL_PURPOSE:
        return TOKEN_BITS
    return STATUS_SIZE if purpose == STATUS_PURPOSE else 1


def _list_url(public_base_url: str, org: Organisation, purpose: str, number: int) -> str:
    if purpose == TSL_PURPOSE:
        return token_status_url(public_base_url, org, number)
    return status_list_url(public_base_url, org, purpose, number)


def _entry(url: str, index: int, purpose: str) -> dict[str, Any]:
    if purpose == TSL_PURPOSE:
        return token_entry(url, index)
    if purpose == STATUS_PURPOSE:
        return build_status_entry(
            list_credential_url=url, index=index, purpose=purpose,
            status_size=STATUS_SIZE, messages=STATUS_MESSAGES,
        )  # fmt: skip
    return build_status_entry(list_credential_url=url, index=index, purpose=purpose)


def credential_status_value(entries: Entries) -> dict[str, Any] | list[dict[str, Any]]:
    """The ``credentialStatus`` of a credential: one object, or a list for several entries
    (the Token Status List entry is not one of them: it goes into the SD-JWT VC)."""
    values = [entry for purpose, (_, _, entry) in entries.items() if purpose != TSL_PURPOSE]
    return values[0] if len(values) == 1 else values


def entry_columns(entries: Entries) -> dict[str, int | None]:
    """The ``IssuedCredential`` status columns for ``entries``."""
    single = entries.get(STATUS_PURPOSE)
    revocation = single or entries["revocation"]
    suspension = single or entries["suspension"]
    token = entries.get(TSL_PURPOSE)
    return {
        "revocation_list_id": revocation[0].id,
        "revocation_index": revocation[1],
        "suspension_list_id": suspension[0].id,
        "suspension_index": suspension[1],
        "token_status_list_id": token[0].id if token else None,
        "token_status_index": token[1] if token else None,
    }


def status_list_url(public_base_url: str, org: Organisation, purpose: str, number: int) -> str:
    return f"{public_base_url.rstrip('/')}/{org.slug}/status/{purpose}/{number}"


def _open_list(
    uow: UnitOfWork, org: Organisation, purpose: str, size: int, now: datetime
) -> StatusListRow:
    query = (
        select(StatusListRow)
        .where(StatusListRow.organisation_id == org.id, StatusListRow.purpose == purpose)
        .order_by(StatusListRow.number.desc())
        .limit(1)
        .with_for_update()
    )
    row = uow.session.scalar(query)
    if row is not None and row.allocated_count < int(row.size * _FILL_LIMIT):
        return row
    number = 1 if row is None else row.number + 1
    row = StatusListRow(
        organisation_id=org.id,
        purpose=purpose,
        number=number,
        size=size,
        bits=bytes(size * status_size_of(purpose) // 8),
        allocated=bytes(size // 8),
        allocated_count=0,
        version=1,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return row


def allocate_entries(
    uow: UnitOfWork,
    org: Organisation,
    *,
    public_base_url: str,
    size: int,
    now: datetime,
    rng: random.Random,
) -> Entries:
    """Reserve one credential's status entries (Bitstring and Token Status List):
    :func:`allocate_entries_many` with one; returns ``{purpose: (list, index, entry)}``."""
    [entries] = allocate_entries_many(
        uow, org, 1, public_base_url=public_base_url, size=size, now=now, rng=rng
    )
    return entries


def allocate_token_copy(
    uow: UnitOfWork,
    credential: IssuedCredential,
    org: Organisation,
    *,
    size: int,
    now: datetime,
    rng: random.Random,
) -> tuple[StatusListRow, int]:
    """A Token Status List entry of its own for one more copy of ``credential`` (batch
    issuance), random and never reused like every entry, set to the record's current status
    and flipped with it by :func:`set_credential_status`."""
    row = _open_list(uow, org, TSL_PURPOSE, size, now)
    [index] = _take_free_indexes(row, 1, rng)
    status = token_status_value(
        revoked=credential.revoked_at is not None, suspended=credential.suspended
    )
    if status:
        set_token_status(row, index, status, now)
    uow.session.add(
        TokenStatusCopy(
            issued_credential_id=credential.id, status_list_id=row.id, status_index=index
        )
    )
    return row, index


def _take_free_indexes(row: StatusListRow, count: int, rng: random.Random) -> list[int]:
    """``count`` free random indexes of ``row``, marked allocated with one bitmap write."""
    allocated = bytearray(row.allocated)
    taken: list[int] = []
    misses = 0
    while len(taken) < count and misses < 64:
        index = rng.randrange(row.size)
        byte, mask = index // 8, 0x80 >> (index % 8)
        if allocated[byte] & mask:
            misses += 1
            continue
        allocated[byte] |= mask
        taken.append(index)
    if len(taken) < count:  # nearly full: take the first free indexes
        for index in range(row.size):
            if len(taken) == count:
                break
            byte, mask = index // 8, 0x80 >> (index % 8)
            if not allocated[byte] & mask:
                allocated[byte] |= mask
                taken.append(index)
    row.allocated = bytes(allocated)
    row.allocated_count += len(taken)
    return taken


def allocate_entries_many(
    uow: UnitOfWork,
    org: Organisation,
    count: int,
    *,
    public_base_url: str,
    size: int,
    now: datetime,
    rng: random.Random,
) -> list[Entries]:
    """Reserve the status entries (Bitstring and Token Status List) of ``count`` credentials:
    ``{purpose: (list, index, entry)}`` each. Each list is locked once and its bitmap
    written once, however many credentials share it."""
    result: list[Entries] = [{} for _ in range(count)]
    for purpose in (STATUS_PURPOSE, TSL_PURPOSE):
        position = 0
        while position < count:
            row = _open_list(uow, org, purpose, size, now)
            room = int(row.size * _FILL_LIMIT) - row.allocated_count
            indexes = _take_free_indexes(row, min(room, count - position), rng)
            url = _list_url(public_base_url, org, purpose, row.number)
            for index in indexes:
                result[position][purpose] = (row, index, _entry(url, index, purpose))
                position += 1
            uow.flush()
    return result


def find_status_list(
    uow: UnitOfWork, org: Organisation, purpose: str, number: int
) -> StatusListRow:
    row = uow.session.scalar(
        select(StatusListRow).where(
            StatusListRow.organisation_id == org.id,
            StatusListRow.purpose == purpose,
            StatusListRow.number == number,
        )
    )
    if row is None:
        raise NotFoundError(f"no {purpose} status list {number}")
    return row


def set_credential_status(
    uow: UnitOfWork,
    org: Organisation,
    credential_ref: str,
    *,
    purpose: str,
    value: bool,
    reason: str | None,
    actor: str,
    now: datetime,
) -> IssuedCredential:
    """Revoke (for good) or suspend/unsuspend a credential; the reason goes to the audit log."""
    if purpose not in PURPOSES:
        raise IssuanceError([("/credentialStatus/statusPurpose", "revocation or suspension")])
    credential = uow.session.scalar(
        select(IssuedCredential).where(
            IssuedCredential.organisation_id == org.id,
            IssuedCredential.credential_ref == credential_ref,
        )
    )
    if credential is None:
        raise NotFoundError(f"no credential {credential_ref!r} issued by {org.name}")
    if purpose == "revocation" and not value and credential.revoked_at is not None:
        final = Message(StatusRefusal.REVOKED_IS_FINAL, "a revoked credential cannot be reinstated")
        raise IssuanceError([("/status", final)])
    list_id, index = (
        (credential.revocation_list_id, credential.revocation_index)
        if purpose == "revocation"
        else (credential.suspension_list_id, credential.suspension_index)
    )
    row = uow.session.scalar(
        select(StatusListRow).where(StatusListRow.id == list_id).with_for_update()
    )
    assert row is not None  # guaranteed by the foreign key
    bits = StatusList(row.bits, status_size_of(row.purpose))  # the width the list was made with
    if row.purpose == STATUS_PURPOSE:
        bit = _REVOKED_BIT if purpose == "revocation" else _SUSPENDED_BIT
        current = bits.get_value(index)
        bits = bits.set(index, current | bit if value else current & ~bit)
    else:
        bits = bits.set(index, value)
    row.bits = bits.bitstring
    row.version += 1
    row.updated_at = now
    if purpose == "revocation":
        credential.revoked_at = now if value else None
    else:
        credential.suspended = value
    if credential.token_status_list_id is not None and credential.token_status_index is not None:
        token_row = uow.session.scalar(
            select(StatusListRow)
            .where(StatusListRow.id == credential.token_status_list_id)
            .with_for_update()
        )
        assert token_row is not None  # guaranteed by the foreign key
        status = token_status_value(
            revoked=credential.revoked_at is not None, suspended=credential.suspended
        )
        set_token_status(token_row, credential.token_status_index, status, now)
        copies = uow.session.scalars(
            select(TokenStatusCopy)
            .where(TokenStatusCopy.issued_credential_id == credential.id)
            .order_by(TokenStatusCopy.status_list_id, TokenStatusCopy.status_index)
        ).all()
        for list_id in sorted({copy.status_list_id for copy in copies}):
            copy_row = uow.session.scalar(
                select(StatusListRow).where(StatusListRow.id == list_id).with_for_update()
            )
            assert copy_row is not None  # guaranteed by the foreign key
            for copy in copies:
                if copy.status_list_id == list_id:
                    set_token_status(copy_row, copy.status_index, status, now)
    action = {("revocation", True): "credential.revoke", ("suspension", True): "credential.suspend"}
    audit.record(
        uow, organisation_id=org.id, actor=actor,
        action=action.get((purpose, value), "credential.unsuspend"),
        target=credential_ref, now=now, reason=reason,
    )  # fmt: skip
    return credential


_signed_cache: dict[tuple[int, int, str, str, int | None], str] = {}


def signed_status_list(
    row: StatusListRow,
    org: Organisation,
    *,
    public_base_url: str,
    key: Ed25519KeyPair,
    verification_method: str,
    now: datetime,
    ttl_seconds: int | None = None,
) -> str:
    """The signed BitstringStatusListCredential as JSON text, cached per list version.

    ``ttl_seconds`` is stated in the list as its ``ttl`` (Bitstring Status List §2.1, in
    milliseconds): how long verifiers may cache it; the route sends the same lifetime as
    ``Cache-Control: max-age``."""
    cache_key = (row.id, row.version, verification_method, key.public_multibase, ttl_seconds)
    cached = _signed_cache.get(cache_key)
    if cached is not None:
        return cached
    unsigned = build_status_list_credential(
        list_id=status_list_url(public_base_url, org, row.purpose, row.number),
        issuer=org.did,
        purpose=row.purpose,
        encoded_list=StatusList(row.bits, status_size_of(row.purpose)).encode(),
        valid_from=row.updated_at if row.updated_at.tzinfo else now,
        ttl_ms=ttl_seconds * 1000 if ttl_seconds else None,
    )
    signed = add_proof(unsigned, key, verification_method, created=now)
    text = json.dumps(signed, ensure_ascii=False)
    if len(_signed_cache) > 1024:
        _signed_cache.clear()
    _signed_cache[cache_key] = text
    return text
