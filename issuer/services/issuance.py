"""Issue credentials: validate, complete, sign, store — exactly once per credential id.

``prepare_credential`` is pure: it checks a VC-API request and returns the credential the
issuer will sign (issuer, id, ``validFrom`` filled in where missing; ``credentialSubject``
never touched). ``issue_credentials_many`` is the one issuing path: it adds the status
entries, signs and stores each credential, writes the audit log and revokes what a corrected
credential replaces. ``issue_credential`` is the same with one credential (the VC API, the
staff form); batches call the many form.

Idempotency: the credential is keyed by ``options.credentialId`` or ``credential.id``. The
same request twice returns the first result; another credential under the same id is a
conflict. Without either id the issuer assigns a ``urn:uuid`` and cannot deduplicate.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from credentials.contexts import MBO_V1, OB_V3P0
from credentials.data_integrity import add_proof
from credentials.data_model import credential_findings
from credentials.errors import (
    BudgetExceededError,
    CanonicalizationError,
    SafeModeError,
    SigningError,
)
from credentials.keys import Ed25519KeyPair
from credentials.timestamps import format_datetime, parse_datetime_stamp
from credentials.verification import issuer_id
from qualifications.achievements import DATE_IN_FUTURE, check_date_achieved
from web_common.bulk import insert_objects
from web_common.db import UnitOfWork

from ..db.tables import IssuedCredential, Organisation
from . import audit
from .batch_problems import BatchProblem, problem
from .errors import ConflictError, IssuanceBudgetError, IssuanceError, IssuerError
from .status import (
    Entries,
    allocate_entries_many,
    credential_status_value,
    entry_columns,
    set_credential_status,
)
from .templates import issuer_profile

__all__ = [
    "BulkIssue",
    "BulkIssueResult",
    "IssueResult",
    "StatusEntries",
    "issue_credential",
    "issue_credentials_many",
    "prepare_credential",
    "request_digest",
]

JsonObject = dict[str, Any]
_CLOCK_SKEW = timedelta(minutes=5)
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
    if "proof" in credential:
        problems.append(("/credential/proof", "must be absent; the issuer adds the proof"))
    if "credentialStatus" in credential:
        problems.append(
            ("/credential/credentialStatus", "must be absent; the issuer adds status entries")
        )
    named = issuer_id(credential) if "issuer" in credential else issuer_did
    if named != issuer_did:
        problems.append(("/credential/issuer", f"must be {issuer_did} (this issuer)"))
    valid_from = parse_datetime_stamp(credential.get("validFrom"))
    valid_until = parse_datetime_stamp(credential.get("validUntil"))
    if valid_from and valid_until and valid_until == valid_from:  # later-than: data model
        problems.append(("/credential/validUntil", "must be later than validFrom"))
    if "awardedDate" in credential:  # OB 3.0: when the result was achieved (the exam date)
        awarded = parse_datetime_stamp(credential.get("awardedDate"))
        if awarded is None:
            problems.append(
                ("/credential/awardedDate", "must be a date-time (2026-06-26T00:00:00Z)")
            )
        else:
            _, reason = check_date_achieved(awarded.astimezone(UTC).date(), now.date())
            if awarded > now + _CLOCK_SKEW or reason:
                problems.append(("/credential/awardedDate", reason or DATE_IN_FUTURE))
    credential_id = options.get("credentialId")
    if credential_id is not None and (not isinstance(credential_id, str) or not credential_id):
        problems.append(("/options/credentialId", "must be a non-empty string"))
    unknown_options = sorted(set(options) - {"credentialId", "mandatoryPointers"})
    if unknown_options:
        problems.append(("/options", f"unsupported option(s): {', '.join(unknown_options)}"))
    completed = dict(credential)
    if "issuer" not in completed:
        completed["issuer"] = issuer_did
    elif isinstance(completed["issuer"], Mapping) and named == issuer_did:
        # (a wrong or missing issuer id is refused above and by the data model checks below)
        profile = issuer_profile if issuer_profile is not None else {"id": issuer_did}
        contexts = credential.get("@context")
        completed["issuer"] = _registered_issuer(
            profile, contexts if isinstance(contexts, list) else []
        )
    if "id" not in completed and credential_id is None:
        completed["id"] = f"urn:uuid:{uuid.uuid4()}"
    if "validFrom" not in completed:
        completed["validFrom"] = format_datetime(now)
    # Never sign what breaks a MUST of the VC Data Model 2.0 (1.1 is read, never issued).
    findings = credential_findings(completed, versions=("2.0",))
    if problems or findings:
        raise IssuanceError(
            [
                *problems,
                *((f"/credential{f.pointer}", f"{f.message} ({f.rule})") for f in findings),
            ],
            codes=[*(None for _ in problems), *(f.code for f in findings)],
        )
    reference = str(credential_id or completed["id"])
    return completed, reference


def _title(credential: Mapping[str, Any]) -> str:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if isinstance(achievement, Mapping) and isinstance(achievement.get("name"), str):
        return str(achievement["name"])[:300]
    return str(credential.get("name") or "Credential")[:300]


def _student_number(number: str | None) -> str | None:
    return (number.strip()[:64] or None) if number else None


def _kind(credential: Mapping[str, Any]) -> str:
    raw = credential.get("type", [])
    types = [t for t in (raw if isinstance(raw, list) else [raw]) if t not in _OWN_TYPES]
    return str(types[0] if types else "VerifiableCredential")[:64]


class IssueResult:
    __slots__ = ("created", "credential", "row")

    def __init__(self, credential: JsonObject, row: IssuedCredential, created: bool) -> None:
        self.credential = credential
        self.row = row
        self.created = created


StatusEntries = Entries


@dataclass(frozen=True, slots=True)
class BulkIssue:
    """One credential to issue: the request (``credential`` and VC-API ``options``), the
    status entries reserved for it beforehand (batch issuance reserves them in its claim
    transaction; None: reserved here, only when it is really issued), the student result
    it states (``result_key``), the credential it corrects and revokes (``replaces``) and
    the school's student number, kept on the record for staff and never signed
    (``student_number``)."""

    credential: Any
    options: Mapping[str, Any] | None = None
    entries: StatusEntries | None = None
    result_key: str | None = None
    replaces: str | None = None
    student_number: str | None = None


@dataclass(frozen=True, slots=True)
class BulkIssueResult:
    """What became of one :class:`BulkIssue`: ``row`` with ``created`` True when signed and
    stored now, ``created`` False when the same request was issued before, or ``error``:
    :class:`IssuanceError` when it cannot be issued, :class:`ConflictError` when another
    credential was issued under its id."""

    reference: str | None
    row: IssuedCredential | None = None
    created: bool = False
    error: IssuerError | None = None


def request_digest(credential: Any, options: Mapping[str, Any] | None) -> str:
    """The digest of an issue request, stored with the credential: the same request again
    is the same credential, another one under the same id a conflict."""
    canonical = json.dumps([credential, options or {}], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _sign(
    completed: JsonObject,
    entries: StatusEntries,
    key: Ed25519KeyPair,
    verification_method: str,
    now: datetime,
) -> JsonObject:
    completed = completed | {"credentialStatus": credential_status_value(entries)}
    try:
        return add_proof(completed, key, verification_method, created=now, proof_list=True)
    except BudgetExceededError as exc:
        raise IssuanceBudgetError(exc.limit, str(exc)) from None
    except SafeModeError as exc:
        problem = f"{exc} (define it in a context, or remove it)"
        raise IssuanceError([("/credential", problem)]) from None
    except (SigningError, CanonicalizationError) as exc:
        raise IssuanceError([("/credential", str(exc))]) from None


@dataclass(frozen=True, slots=True)
class _Planned:
    position: int
    item: BulkIssue
    completed: JsonObject
    reference: str
    digest: str


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
    result_key: str | None = None,
    student_number: str | None = None,
    replaces: str | None = None,
) -> IssueResult:
    """:func:`issue_credentials_many` with one credential; raises its error."""
    item = BulkIssue(
        credential, options, result_key=result_key, replaces=replaces,
        student_number=student_number,
    )  # fmt: skip
    [result] = issue_credentials_many(
        uow, org, [item], key=key,
        verification_method=verification_method, now=now, actor=actor,
        public_base_url=public_base_url, status_list_size=status_list_size, rng=rng,
    )  # fmt: skip
    if result.error is not None:
        raise result.error
    assert result.row is not None  # no error: issued now or before
    return IssueResult(json.loads(result.row.document), result.row, result.created)


def issue_credentials_many(
    uow: UnitOfWork,
    org: Organisation,
    items: Sequence[BulkIssue],
    *,
    key: Ed25519KeyPair,
    verification_method: str,
    now: datetime,
    actor: str,
    public_base_url: str = "",
    status_list_size: int = 0,
    rng: random.Random | None = None,
    **audit_detail: Any,
) -> list[BulkIssueResult]:
    """Sign and store credentials once each, in one unit of work (see the module docstring
    for idempotency). A fixed number of round trips whatever the count: one query for the
    ids that exist, one reservation of status entries for the items that come without
    (``public_base_url``, ``status_list_size`` and ``rng`` say where), one bulk insert of
    credentials and one of audit events. Only credentials really issued get status entries;
    entries reserved beforehand for one that is not stay unused (indexes are never reused).
    A replaced credential is revoked in the same unit of work; both are in the audit log.
    """
    results = [BulkIssueResult(None) for _ in items]
    planned: list[_Planned] = []
    for position, item in enumerate(items):
        try:
            completed, reference = prepare_credential(
                item.credential,
                item.options,
                issuer_did=org.did,
                now=now,
                issuer_profile=issuer_profile(org),
            )
        except IssuanceError as exc:
            results[position] = BulkIssueResult(None, error=exc)
            continue
        digest = request_digest(item.credential, item.options)
        planned.append(_Planned(position, item, completed, reference, digest))
    existing: dict[str, IssuedCredential] = {}
    if planned:
        query = select(IssuedCredential).where(
            IssuedCredential.organisation_id == org.id,
            IssuedCredential.credential_ref.in_([p.reference for p in planned]),
        )
        existing = {row.credential_ref: row for row in uow.session.scalars(query)}
    to_issue: list[_Planned] = []
    taken: set[str] = set()  # ids issued by this call
    for plan in planned:
        found = existing.get(plan.reference)
        if found is not None and found.request_digest == plan.digest:
            results[plan.position] = BulkIssueResult(plan.reference, found, created=False)
        elif found is not None or plan.reference in taken:
            conflict = ConflictError(problem(
                BatchProblem.ISSUED_DIFFERENTLY,
                f"a different credential was already issued as {plan.reference}; use a new id",
                reference=plan.reference,
            ))  # fmt: skip
            results[plan.position] = BulkIssueResult(plan.reference, found, error=conflict)
        else:
            to_issue.append(plan)
            taken.add(plan.reference)
    without = [plan for plan in to_issue if plan.item.entries is None]
    reserved: Iterator[StatusEntries] = iter(())
    if without:
        reserved = iter(
            allocate_entries_many(
                uow, org, len(without), public_base_url=public_base_url,
                size=status_list_size, now=now, rng=rng or random.SystemRandom(),
            )
        )  # fmt: skip
    signed_plans: list[_Planned] = []
    columns: list[dict[str, Any]] = []
    for plan in to_issue:
        entries = plan.item.entries or next(reserved)
        try:
            signed = _sign(plan.completed, entries, key, verification_method, now)
        except IssuanceError as exc:
            results[plan.position] = BulkIssueResult(plan.reference, error=exc)
            continue
        subject = plan.completed.get("credentialSubject")
        signed_plans.append(plan)
        columns.append(
            {
                "organisation_id": org.id,
                "credential_ref": plan.reference,
                "result_key": plan.item.result_key,
                "credential_type": _kind(plan.completed),
                "subject_id": subject.get("id") if isinstance(subject, Mapping) else None,
                "student_number": _student_number(plan.item.student_number),
                "title": _title(plan.completed),
                "document": json.dumps(signed, ensure_ascii=False),
                "request_digest": plan.digest,
                **entry_columns(entries),
                "revoked_at": None,
                "suspended": False,
                "issued_at": now,
            }
        )
    # one INSERT for the credentials and one for their audit events (web_common.bulk)
    new_rows = list(
        zip(signed_plans, insert_objects(uow.session, IssuedCredential, columns), strict=True)
    )
    events = []
    for plan, row in new_rows:
        replaces = {"replaces": plan.item.replaces} if plan.item.replaces else {}
        events.append(
            (row.credential_ref, {"type": row.credential_type, **replaces, **audit_detail})
        )
    audit.record_many(
        uow, organisation_id=org.id, actor=actor, action="credential.issue", now=now,
        events=events,
    )  # fmt: skip
    for plan, row in new_rows:
        if plan.item.replaces:
            _revoke_replaced(uow, org, plan.item.replaces, row, actor=actor, now=now)
        results[plan.position] = BulkIssueResult(plan.reference, row, created=True)
    return results


def _revoke_replaced(
    uow: UnitOfWork,
    org: Organisation,
    replaced_ref: str,
    corrected: IssuedCredential,
    *,
    actor: str,
    now: datetime,
) -> None:
    replaced = uow.session.scalar(
        select(IssuedCredential.revoked_at).where(
            IssuedCredential.organisation_id == org.id,
            IssuedCredential.credential_ref == replaced_ref,
        )
    )
    if replaced is None:  # not revoked yet (a credential revoked before stays as it was)
        set_credential_status(
            uow, org, replaced_ref, purpose="revocation", value=True, actor=actor, now=now,
            reason=f"replaced by {corrected.credential_ref} (a corrected result)",
        )  # fmt: skip
