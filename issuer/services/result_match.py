"""Which credential a student result was issued as, and whether it still says the same.

A result is identified by its key (a batch row's or the form's ``reference``, see
:func:`~issuer.services.batch_csv.row_reference`), not by what it says. The credential
issued for a key is found by the key itself (``issued_credential.result_key``), by the id
derived from the key (credentials issued before the column existed), or by the id derived
from the content digest rows without a reference had before (``legacy_row_reference``), so
ids of credentials already issued never change. When a corrected result replaced a
credential, the newest one for the key is the current one.

Whether a result says the same as its credential is decided by building the credential it
would become with the credential's own ``validFrom`` as "now" (the default start date the
build filled in) and comparing the request digest the issuer stored: the same digest is
"already issued", another one a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import or_, select

from credentials.timestamps import parse_datetime_stamp
from qualifications import Catalog
from web_common.bulk import among
from web_common.db import UnitOfWork

from ..db.tables import IssuedCredential, Organisation
from .errors import IssuerError
from .issuance import request_digest
from .student_results import (
    StudentResult,
    credential_id_for,
    replacement_id_for,
    unsigned_credential_for,
)

__all__ = ["Issued", "current_credentials", "replacement_id_for", "says_the_same"]

_IN_CHUNK = 250


@dataclass(frozen=True, slots=True)
class Issued:
    """What is needed of an issued credential to compare a result with it."""

    id: int
    credential_ref: str
    request_digest: str
    valid_from: datetime  # as signed: the build's "now" when the result gave no start date
    revoked: bool
    #: the signed ``awardedDate`` (None: signed before credentials carried it) and the day
    #: it was signed (the "today" its date achieved was checked against)
    awarded: date | None = None
    issued_on: date | None = None


def current_credentials(
    uow: UnitOfWork, org: Organisation, keys: Iterable[tuple[str, str | None]]
) -> dict[str, Issued]:
    """The current credential of each result key that has one. ``keys`` are pairs of a key
    and the legacy reference of the same row (or None)."""
    wanted = dict(keys)
    found: dict[str, Issued] = {}
    items = list(wanted.items())
    for start in range(0, len(items), _IN_CHUNK):
        chunk = items[start : start + _IN_CHUNK]
        by_ref = {credential_id_for(org, key): key for key, _ in chunk}
        by_ref |= {credential_id_for(org, legacy): key for key, legacy in chunk if legacy}
        rows = uow.session.execute(
            select(
                IssuedCredential.id,
                IssuedCredential.credential_ref,
                IssuedCredential.result_key,
                IssuedCredential.request_digest,
                IssuedCredential.issued_at,
                IssuedCredential.revoked_at,
                IssuedCredential.document,
            ).where(
                IssuedCredential.organisation_id == org.id,
                or_(
                    among(uow.session, IssuedCredential.credential_ref, list(by_ref)),
                    among(uow.session, IssuedCredential.result_key, [key for key, _ in chunk]),
                ),
            )
        )
        for row_id, ref, result_key, digest, issued_at, revoked_at, document in rows:
            key = result_key if result_key in wanted else by_ref.get(ref)
            if key is None or (key in found and found[key].id > row_id):
                continue
            signed = json.loads(document)
            valid_from = parse_datetime_stamp(signed.get("validFrom"))
            if valid_from is None:
                valid_from = issued_at
            awarded = parse_datetime_stamp(signed.get("awardedDate"))
            found[key] = Issued(
                row_id, ref, digest, valid_from, revoked_at is not None,
                awarded.date() if awarded else None, issued_at.date(),
            )  # fmt: skip
    return found


def says_the_same(
    catalog: Catalog, org: Organisation, result: StudentResult, issued: Issued
) -> bool:
    """Whether ``result`` would be signed as the very credential ``issued`` is. A result
    without a date achieved says the date the credential was awarded (the default then).
    A credential issued before the plain student number left the signed subject (migration
    ``0005_student_number``) carried ``credentialSubject.studentNumber``: it says the same
    when the result, built as it was then, matches."""
    if result.date_achieved is None and issued.awarded is not None:
        result = replace(result, date_achieved=issued.awarded)
    try:
        credential = unsigned_credential_for(
            catalog, org, result, issued.valid_from, credential_id=issued.credential_ref,
            today=max(issued.issued_on or issued.valid_from.date(), issued.valid_from.date()),
            default_awarded=False,
        )  # fmt: skip
    except IssuerError:
        return False
    if request_digest(credential, None) == issued.request_digest:
        return True
    number = (result.student_number or "").strip()
    subject = credential.get("credentialSubject")
    if not number or not isinstance(subject, dict):
        return False
    as_before = credential | {"credentialSubject": subject | {"studentNumber": number}}
    return request_digest(as_before, None) == issued.request_digest
