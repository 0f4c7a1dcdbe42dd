"""Issue one credential: validate, complete, sign, store — exactly once per credential id.

``prepare_credential`` is pure: it checks a VC-API request and returns the credential the
issuer will sign (issuer, id, ``validFrom`` filled in where missing; ``credentialSubject``
never touched). ``issue_credential`` adds the status entries, signs and stores it.

Idempotency: the credential is keyed by ``options.credentialId`` or ``credential.id``. The
same request twice returns the first result; another credential under the same id is a
conflict. Without either id the issuer assigns a ``urn:uuid`` and cannot deduplicate.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from credentials.contexts import MBO_V1, OB_V3P0, VC_V2
from credentials.data_integrity import add_proof
from credentials.errors import CanonicalizationError, SafeModeError, SigningError
from credentials.keys import Ed25519KeyPair
from credentials.timestamps import format_datetime, parse_datetime_stamp
from credentials.verification import issuer_id
from web_common.db import UnitOfWork

from ..db.tables import AuditEvent, IssuedCredential, Organisation
from . import audit
from .errors import ConflictError, IssuanceError
from .status import Entries, allocate_entries, credential_status_value, entry_columns
from .templates import issuer_profile

__all__ = [
    "BulkIssue",
    "BulkIssueResult",
    "IssueResult",
    "StatusEntries",
    "issue_credential",
    "issue_credentials_many",
    "prepare_credential",
]

JsonObject = dict[str, Any]
_OWN_TYPES = ("VerifiableCredential", "OpenBadgeCredential", "AchievementCredential")


def _registered_issuer(profile: Mapping[str, Any], contexts: Sequence[Any]) -> JsonObject:
    """The organisation's registered profile as the credential's ``issuer`` object, limited
    to the terms the credential's contexts define (``name`` is VC 2.0; ``Profile`` is Open
    Badges; ``brin``/``kvk`` are the mbo vocabulary)."""
    registered = dict(profile)
    if OB_V3P0 not in contexts:
        registered = {k: v for k, v in registered.items() if k in ("id", "name")}
    elif MBO_V1 not in contexts:
        registered = {k: v for k, v in registered.items() if k not in ("brin", "kvk")}
    return registered


def prepare_credential(
    credential: Any,
    options: Mapping[str, Any] | None,
    *,
    issuer_did: str,
    now: datetime,
    issuer_profile: Mapping[str, Any] | None = None,
) -> tuple[JsonObject, str]:
    """Validate a credential to issue and complete it. Returns it and its reference id.

    An ``issuer`` object from the client is replaced by ``issuer_profile``, the
    organisation's registered profile: a client names this issuer, it does not get to say
    what the issuer is called (``name``, ``url``, ``image`` are signed as registered, not as
    sent). Raises :class:`IssuanceError` listing every problem (JSON pointer and reason).
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(credential, Mapping):
        raise IssuanceError([("/credential", "must be a JSON object")])
    options = options or {}
    if not isinstance(options, Mapping):
        raise IssuanceError([("/options", "must be a JSON object")])
    ctx = credential.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != VC_V2:
        problems.append(("/credential/@context", f"must be a list starting with {VC_V2}"))
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        problems.append(("/credential/type", "must be a list including VerifiableCredential"))
    if "proof" in credential:
        problems.append(("/credential/proof", "must be absent; the issuer adds the proof"))
    if "credentialStatus" in credential:
        problems.append(
            ("/credential/credentialStatus", "must be absent; the issuer adds status entries")
        )
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping | list) or not subject:
        problems.append(("/credential/credentialSubject", "is required"))
    named = issuer_id(credential) if "issuer" in credential else issuer_did
    if named != issuer_did:
        problems.append(("/credential/issuer", f"must be {issuer_did} (this issuer)"))
    for name in ("validFrom", "validUntil"):
        if name in credential and parse_datetime_stamp(credential[name]) is None:
            problems.append(
                (
                    f"/credential/{name}",
                    "must be a date-time with time zone, e.g. 2026-07-01T00:00:00Z",
                )
            )
    valid_from = parse_datetime_stamp(credential.get("validFrom"))
    valid_until = parse_datetime_stamp(credential.get("validUntil"))
    if valid_from and valid_until and valid_until <= valid_from:
        problems.append(("/credential/validUntil", "must be later than validFrom"))
    credential_id = options.get("credentialId")
    if credential_id is not None and (not isinstance(credential_id, str) or not credential_id):
        problems.append(("/options/credentialId", "must be a non-empty string"))
    if "id" in credential and (
        not isinstance(credential["id"], str) or ":" not in credential["id"]
    ):
        problems.append(("/credential/id", "must be an absolute URI such as urn:uuid:…"))
    unknown_options = sorted(set(options) - {"credentialId", "mandatoryPointers"})
    if unknown_options:
        problems.append(("/options", f"unsupported option(s): {', '.join(unknown_options)}"))
    if problems:
        raise IssuanceError(problems)

    completed = dict(credential)
    if "issuer" not in completed:
        completed["issuer"] = issuer_did
    elif isinstance(completed["issuer"], Mapping):
        profile = issuer_profile if issuer_profile is not None else {"id": issuer_did}
        completed["issuer"] = _registered_issuer(profile, ctx or [])
    if "id" not in completed and credential_id is None:
        completed["id"] = f"urn:uuid:{uuid.uuid4()}"
    if "validFrom" not in completed:
        completed["validFrom"] = format_datetime(now)
    reference = str(credential_id or completed["id"])
    return completed, reference


def _digest(credential: Mapping[str, Any], options: Mapping[str, Any] | None) -> str:
    canonical = json.dumps([credential, options or {}], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _title(credential: Mapping[str, Any]) -> str:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if isinstance(achievement, Mapping) and isinstance(achievement.get("name"), str):
        return str(achievement["name"])[:300]
    return str(credential.get("name") or "Credential")[:300]


def _kind(credential: Mapping[str, Any]) -> str:
    types = [t for t in credential.get("type", []) if t not in _OWN_TYPES]
    return str(types[0] if types else "VerifiableCredential")[:64]


class IssueResult:
    __slots__ = ("created", "credential", "row")

    def __init__(self, credential: JsonObject, row: IssuedCredential, created: bool) -> None:
        self.credential = credential
        self.row = row
        self.created = created


def issue_credential(
    uow: UnitOfWork,
    org: Organisation,
    credential: Any,
    options: Mapping[str, Any] | None,
    *,
    key: Ed25519KeyPair,
    verification_method: str,
    public_base_url: str,
    status_list_size: int,
    now: datetime,
    actor: str,
    rng: random.Random | None = None,
) -> IssueResult:
    """Sign and store a credential once. See the module docstring for idempotency."""
    request_digest = _digest(credential, options) if isinstance(credential, Mapping) else ""
    completed, reference = prepare_credential(
        credential, options, issuer_did=org.did, now=now, issuer_profile=issuer_profile(org)
    )
    existing = uow.session.scalar(
        select(IssuedCredential).where(
            IssuedCredential.organisation_id == org.id,
            IssuedCredential.credential_ref == reference,
        )
    )
    if existing is not None:
        if existing.request_digest == request_digest:
            return IssueResult(json.loads(existing.document), existing, created=False)
        raise ConflictError(
            f"a different credential was already issued as {reference}; use a new id"
        )
    entries = allocate_entries(
        uow,
        org,
        public_base_url=public_base_url,
        size=status_list_size,
        now=now,
        rng=rng or random.SystemRandom(),
    )
    completed["credentialStatus"] = credential_status_value(entries)
    try:
        signed = add_proof(completed, key, verification_method, created=now, proof_list=True)
    except SafeModeError as exc:
        problem = f"{exc} (define it in a context, or remove it)"
        raise IssuanceError([("/credential", problem)]) from None
    except (SigningError, CanonicalizationError) as exc:
        raise IssuanceError([("/credential", str(exc))]) from None
    subject = completed.get("credentialSubject")
    row = IssuedCredential(
        organisation_id=org.id,
        credential_ref=reference,
        credential_type=_kind(completed),
        subject_id=subject.get("id") if isinstance(subject, Mapping) else None,
        title=_title(completed),
        document=json.dumps(signed, ensure_ascii=False),
        request_digest=request_digest,
        **entry_columns(entries),
        issued_at=now,
    )
    uow.session.add(row)
    uow.flush()
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="credential.issue", target=reference,
        now=now, type=row.credential_type,
    )  # fmt: skip
    return IssueResult(signed, row, created=True)


StatusEntries = Entries


@dataclass(frozen=True, slots=True)
class BulkIssue:
    """One credential of a bulk issue, with status entries reserved for it beforehand
    (:func:`~issuer.services.status.allocate_entries_many`)."""

    credential: Mapping[str, Any]
    entries: StatusEntries


@dataclass(frozen=True, slots=True)
class BulkIssueResult:
    """What became of one :class:`BulkIssue`: ``row`` with ``created`` True when signed and
    stored now, ``created`` False when a credential with this id existed already (it is not
    compared: the caller decides), or ``error`` when it cannot be issued."""

    reference: str | None
    row: IssuedCredential | None = None
    created: bool = False
    error: IssuanceError | None = None


def _sign(
    item: BulkIssue, org: Organisation, key: Ed25519KeyPair, verification_method: str, now: datetime
) -> tuple[JsonObject, JsonObject, str]:
    completed, reference = prepare_credential(
        item.credential, None, issuer_did=org.did, now=now, issuer_profile=issuer_profile(org)
    )
    completed["credentialStatus"] = credential_status_value(item.entries)
    try:
        signed = add_proof(completed, key, verification_method, created=now, proof_list=True)
    except SafeModeError as exc:
        problem = f"{exc} (define it in a context, or remove it)"
        raise IssuanceError([("/credential", problem)]) from None
    except (SigningError, CanonicalizationError) as exc:
        raise IssuanceError([("/credential", str(exc))]) from None
    return completed, signed, reference


def issue_credentials_many(
    uow: UnitOfWork,
    org: Organisation,
    items: Sequence[BulkIssue],
    *,
    key: Ed25519KeyPair,
    verification_method: str,
    now: datetime,
    actor: str,
    **audit_detail: Any,
) -> list[BulkIssueResult]:
    """Sign and store many credentials in one unit of work (batch issuance).

    Unlike :func:`issue_credential` it makes a fixed number of round trips whatever the
    count: one query for the ids that exist, one bulk insert of credentials and one of audit
    events. The caller reserved the status entries. Signing happens before the first
    query, so no database lock is held while signing. A credential whose id exists is not
    stored again (its entries stay unused: indexes are never reused, so nothing leaks).
    """
    results: list[BulkIssueResult] = []
    signed_items: list[tuple[int, JsonObject, JsonObject, str, BulkIssue]] = []
    for position, item in enumerate(items):
        try:
            completed, signed, reference = _sign(item, org, key, verification_method, now)
        except IssuanceError as exc:
            results.append(BulkIssueResult(None, error=exc))
            continue
        results.append(BulkIssueResult(reference))
        signed_items.append((position, completed, signed, reference, item))
    if not signed_items:
        return results
    references = [reference for _, _, _, reference, _ in signed_items]
    existing = {
        row.credential_ref: row
        for row in uow.session.scalars(
            select(IssuedCredential).where(
                IssuedCredential.organisation_id == org.id,
                IssuedCredential.credential_ref.in_(references),
            )
        )
    }
    new_rows: list[tuple[int, IssuedCredential]] = []
    seen: set[str] = set()
    for position, completed, signed, reference, item in signed_items:
        found = existing.get(reference)
        if found is not None or reference in seen:
            results[position] = BulkIssueResult(reference, found, created=False)
            continue
        seen.add(reference)
        subject = completed.get("credentialSubject")
        row = IssuedCredential(
            organisation_id=org.id,
            credential_ref=reference,
            credential_type=_kind(completed),
            subject_id=subject.get("id") if isinstance(subject, Mapping) else None,
            title=_title(completed),
            document=json.dumps(signed, ensure_ascii=False),
            request_digest=_digest(item.credential, None),
            **entry_columns(item.entries),
            issued_at=now,
        )
        new_rows.append((position, row))
    uow.session.add_all([row for _, row in new_rows])
    uow.session.add_all(
        [
            AuditEvent(
                organisation_id=org.id,
                actor=actor,
                action="credential.issue",
                target=row.credential_ref,
                detail=json.dumps(
                    {"type": row.credential_type, **audit_detail}, default=str, ensure_ascii=False
                ),
                created_at=now,
            )
            for _, row in new_rows
        ]
    )
    uow.flush()
    for position, row in new_rows:
        results[position] = BulkIssueResult(row.credential_ref, row, created=True)
    return results
