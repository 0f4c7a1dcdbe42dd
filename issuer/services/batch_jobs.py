"""Issue queued batch rows, a chunk at a time, exactly once — whatever crashes.

The ``batch_row`` table is the queue. A worker runs three short units of work per chunk:

1. :func:`claim_chunk` takes up to ``limit`` pending rows of one queued or running batch
   (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers on many machines never
   take the same rows; SQLite serialises writers), sets a lease (``claimed_by``,
   ``claimed_until``), builds each row's unsigned credential, looks again for a credential
   issued for its result (:mod:`.result_match`: the same is already issued, a changed one
   fails the row unless staff chose to replace it) and reserves status-list entries for the
   others — the status lists are locked only for this short transaction, never while
   signing.
2. :func:`complete_chunk` re-checks that the lease is still ours, signs, stores the
   credentials, creates their offers, marks the rows and updates the batch counters — all in
   one transaction. A crash before its commit leaves the rows pending; when the lease runs
   out another worker claims them again. The status entries reserved for the lost attempt
   stay unused (indexes are never reused), so nothing is issued twice or lost.
3. :func:`finish_if_complete` marks the batch done when no row is pending.

When a chunk's transaction fails as a whole, the worker (:mod:`issuer.worker`) completes
its rows one at a time (:meth:`ClaimedChunk.only`): a poison row fails alone
(:func:`fail_claimed_rows`) and the rest are issued. A row claimed :data:`MAX_ATTEMPTS`
times without being finished is given up on (failed) at its next claim.

Exactly-once does not depend on the queue: the credential id is derived from the row's
result key (and, for a correction, from the credential it replaces) and
``issued_credential`` is unique per ``(organisation, credential id)``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from credentials.keys import Ed25519KeyPair
from qualifications import Catalog
from qualifications.achievements import CredentialKind
from qualifications.messages import coded, message_of
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.batch_tables import Batch, BatchRow
from ..db.tables import IssuedCredential, Organisation
from .batch_csv import legacy_row_reference, result_from_fields
from .batch_problems import BatchProblem, problem
from .diploma_decisions import enter_diploma
from .errors import IssuanceError, IssuerError
from .issuance import BulkIssue, BulkIssueResult, issue_credentials_many
from .offers import create_offers_many
from .result_match import current_credentials, replacement_id_for, says_the_same
from .status import allocate_entries_many
from .student_results import StudentResult, unsigned_credential_for

__all__ = [
    "MAX_ATTEMPTS",
    "ChunkOutcome",
    "ClaimedChunk",
    "claim_chunk",
    "complete_chunk",
    "fail_claimed_rows",
    "finish_if_complete",
]

MAX_ATTEMPTS = 5
_ACTIVE = ("queued", "running")


@dataclass(slots=True)
class ClaimedChunk:
    """Rows claimed by one worker, with what :func:`complete_chunk` needs to issue them."""

    batch_id: int
    organisation: Organisation
    worker_id: str
    row_ids: list[int]
    to_issue: list[tuple[int, BulkIssue]] = field(default_factory=list)  # entries reserved
    existing: dict[int, tuple[str, int]] = field(default_factory=dict)  # row -> (ref, id)
    awaiting: set[int] = field(default_factory=set)  # diplomas entered for a decision
    failed: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # row -> errors

    def only(self, row_id: int) -> ClaimedChunk:
        """The part of this chunk that is ``row_id``: to issue it in a unit of work alone."""
        return ClaimedChunk(
            self.batch_id,
            self.organisation,
            self.worker_id,
            [row_id],
            [item for item in self.to_issue if item[0] == row_id],
            {k: v for k, v in self.existing.items() if k == row_id},
            self.awaiting & {row_id},
            {k: v for k, v in self.failed.items() if k == row_id},
        )


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    batch_id: int
    issued: int
    already_issued: int
    failed: int
    lost: int  # rows whose lease another worker took over


def claim_chunk(
    uow: UnitOfWork,
    catalog: Catalog,
    *,
    worker_id: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    public_base_url: str,
    status_list_size: int,
    rng: random.Random | None = None,
) -> ClaimedChunk | None:
    """Claim and prepare the next chunk, or None when no batch has claimable rows.
    The caller commits."""
    session = uow.session
    claimable = or_(BatchRow.claimed_until.is_(None), BatchRow.claimed_until < now)
    batch_ids = session.scalars(
        select(Batch.id).where(Batch.status.in_(_ACTIVE)).order_by(Batch.id)
    ).all()
    rows: list[BatchRow] = []
    for batch_id in batch_ids:
        rows = list(
            session.scalars(
                select(BatchRow)
                .where(
                    BatchRow.batch_id == batch_id,
                    BatchRow.status == "pending",
                    claimable,
                )
                .order_by(BatchRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if rows:
            break
    if not rows:
        return None
    batch_id = rows[0].batch_id
    # the WHERE repeats the claim condition: on SQLite, where SELECT does not lock, a second
    # claimer's UPDATE finds the rows taken and claims nothing
    claimed_ids = set(
        session.scalars(
            update(BatchRow)
            .where(
                BatchRow.id.in_([r.id for r in rows]),
                BatchRow.status == "pending",
                claimable,
            )
            .values(
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=BatchRow.attempts + 1,
            )
            .returning(BatchRow.id)
            .execution_options(synchronize_session=False)
        )
    )
    rows = [r for r in rows if r.id in claimed_ids]
    if not rows:
        return None
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.status == "queued")
        .values(status="running", started_at=now)
    )
    batch = session.get(Batch, batch_id)
    assert batch is not None  # it holds the rows
    org = session.get(Organisation, batch.organisation_id)
    assert org is not None  # foreign key
    chunk = ClaimedChunk(batch_id, org, worker_id, [r.id for r in rows])

    planned: list[tuple[BatchRow, StudentResult, dict[str, Any], str | None]] = []
    for row in rows:
        if row.attempts >= MAX_ATTEMPTS:  # attempts before this claim
            chunk.failed[row.id] = _errors(
                problem(BatchProblem.GAVE_UP, f"gave up after {row.attempts} attempts",
                        attempts=row.attempts)
            )  # fmt: skip
            continue
        fields = json.loads(row.payload)
        result, problems = result_from_fields(fields)
        try:
            if result is None:
                raise IssuanceError(list(problems))
            credential = unsigned_credential_for(catalog, org, result, now)
        except IssuanceError as exc:  # the catalog changed since the preview
            chunk.failed[row.id] = _problem_errors(exc)
            continue
        except IssuerError as exc:
            chunk.failed[row.id] = _errors(message_of(exc))
            continue
        planned.append((row, result, credential, legacy_row_reference(fields)))

    # the preview looked for a credential of each result; look again, one may have been
    # issued since: the same is already issued, a changed one fails the row (nothing is
    # issued twice, nothing silently dropped); a resolved conflict corrects and revokes
    issued = current_credentials(
        uow, org, [(result.reference, legacy) for _, result, _, legacy in planned]
    )
    new: list[tuple[int, BulkIssue]] = []
    for row, result, credential, _ in planned:
        found = issued.get(result.reference)
        number = result.student_number  # kept on the record, not signed
        correcting = found is not None and found.id == row.replaces_credential_id
        if result.request.kind is CredentialKind.DIPLOMA and (found is None or correcting):
            # a diploma, first or corrected, waits for a second staff member to confirm
            try:
                enter_diploma(
                    uow, org, catalog, result, now=now, actor=batch.created_by,
                    batch_id=batch_id, replaces_id=found.id if found is not None else None,
                )  # fmt: skip
            except IssuerError as exc:
                chunk.failed[row.id] = _errors(message_of(exc))
            else:
                chunk.awaiting.add(row.id)
        elif found is None:
            item = BulkIssue(credential, result_key=result.reference, student_number=number)
            new.append((row.id, item))
        elif found.id == row.replaces_credential_id:
            ref = found.credential_ref
            corrected = unsigned_credential_for(
                catalog, org, result, now,
                credential_id=replacement_id_for(org, result.reference, ref),
            )  # fmt: skip
            item = BulkIssue(
                corrected, result_key=result.reference, replaces=ref, student_number=number
            )
            new.append((row.id, item))
        elif says_the_same(catalog, org, result, found):
            chunk.existing[row.id] = (found.credential_ref, found.id)
        else:
            chunk.failed[row.id] = _errors(problem(
                BatchProblem.CHANGED_SINCE_PREVIEW,
                f"a different credential was issued for this result since the preview "
                f"({found.credential_ref}); upload the file again to see the change and resolve it",
                credential=found.credential_ref,
            ))  # fmt: skip
    entries = allocate_entries_many(
        uow, org, len(new), public_base_url=public_base_url, size=status_list_size, now=now,
        rng=rng or random.SystemRandom(),
    )  # fmt: skip
    chunk.to_issue = [
        (row_id, replace(item, entries=entry))
        for (row_id, item), entry in zip(new, entries, strict=True)
    ]
    return chunk


def _errors(detail: str) -> list[dict[str, Any]]:
    return [{"column": "", "field": "", "detail": detail, **coded(detail)}]


def _problem_errors(exc: IssuanceError) -> list[dict[str, Any]]:
    return [{"column": "", "field": p, "detail": d, **coded(d)} for p, d in exc.problems]


def complete_chunk(
    uow: UnitOfWork,
    chunk: ClaimedChunk,
    *,
    signing: tuple[Ed25519KeyPair, str] | None,
    box: SecretBox,
    public_base_url: str,
    offer_ttl: timedelta,
    now: datetime,
) -> ChunkOutcome:
    """Sign, store and offer a claimed chunk and mark its rows, in one unit of work.
    ``signing`` is the key and verification method (None only for a chunk with nothing to
    sign). The caller commits."""
    session = uow.session
    org = chunk.organisation
    owned = _owned_rows(uow, chunk, chunk.row_ids)
    to_issue = [item for item in chunk.to_issue if item[0] in owned]
    actor = f"batch:{chunk.batch_id}"
    if to_issue and signing is None:
        raise IssuerError("a chunk with credentials to sign needs a signing key")
    results: list[BulkIssueResult] = []
    if to_issue and signing is not None:
        results = issue_credentials_many(
            uow, org, [item for _, item in to_issue],
            key=signing[0], verification_method=signing[1], now=now, actor=actor,
            batch=chunk.batch_id,
        )  # fmt: skip
    updates: list[dict[str, Any]] = []
    created_rows: list[tuple[int, IssuedCredential]] = []
    counts = {"issued": 0, "already_issued": 0, "failed": 0, "awaiting": 0}

    def mark(row_id: int, status: str, **values: Any) -> None:
        counts[status] += 1
        updates.append(
            {
                "id": row_id,
                "status": status,
                "claimed_by": None,
                "claimed_until": None,
                "processed_at": now,
                "credential_ref": values.get("credential_ref"),
                "issued_credential_id": values.get("issued_credential_id"),
                "errors": json.dumps(values.get("errors", []), ensure_ascii=False),
                "delivery_secret": None,
            }
        )

    for (row_id, _), result in zip(to_issue, results, strict=True):
        if isinstance(result.error, IssuanceError):
            mark(row_id, "failed", errors=_problem_errors(result.error))
        elif result.error is not None:  # issued under its id meanwhile, with other content
            mark(row_id, "failed", errors=_errors(message_of(result.error)))
        elif result.row is not None and result.created:
            created_rows.append((row_id, result.row))
        elif result.row is not None:
            mark(row_id, "already_issued", credential_ref=result.reference,
                 issued_credential_id=result.row.id)  # fmt: skip
    for row_id, (ref, credential_id) in chunk.existing.items():
        if row_id in owned:
            mark(row_id, "already_issued", credential_ref=ref, issued_credential_id=credential_id)
    for row_id, errors in chunk.failed.items():
        if row_id in owned:
            mark(row_id, "failed", errors=errors)
    for row_id in chunk.awaiting:
        if row_id in owned:
            mark(row_id, "awaiting")

    offers = create_offers_many(
        uow, org, [row for _, row in created_rows], public_base_url=public_base_url, now=now,
        box=box, ttl=offer_ttl, actor=actor, batch=chunk.batch_id,
    )  # fmt: skip
    for (row_id, credential), offer in zip(created_rows, offers, strict=True):
        mark(row_id, "issued", credential_ref=credential.credential_ref,
             issued_credential_id=credential.id)  # fmt: skip
        secret = {
            "offer_uri": offer.offer_uri,
            "qr_url": offer.qr_url,
            "tx_code": offer.tx_code,
            "expires_at": offer.expires_at.isoformat(),
        }
        updates[-1]["delivery_secret"] = box.encrypt(json.dumps(secret).encode("utf-8"))
    if updates:
        session.execute(update(BatchRow), updates)
    session.execute(
        update(Batch)
        .where(Batch.id == chunk.batch_id)
        .values(
            issued_count=Batch.issued_count + counts["issued"],
            skipped_count=Batch.skipped_count + counts["already_issued"],
            awaiting_count=Batch.awaiting_count + counts["awaiting"],
            failed_count=Batch.failed_count + counts["failed"],
        )
    )
    return ChunkOutcome(
        chunk.batch_id,
        counts["issued"],
        counts["already_issued"],
        counts["failed"],
        len(chunk.row_ids) - len(owned),
    )


def _owned_rows(uow: UnitOfWork, chunk: ClaimedChunk, row_ids: Sequence[int]) -> set[int]:
    """The rows of ``row_ids`` still pending under this chunk's claim, locked."""
    return set(
        uow.session.scalars(
            select(BatchRow.id)
            .where(
                BatchRow.id.in_(row_ids),
                BatchRow.claimed_by == chunk.worker_id,
                BatchRow.status == "pending",
            )
            .with_for_update()
        )
    )


def fail_claimed_rows(
    uow: UnitOfWork, chunk: ClaimedChunk, details: dict[int, str], *, now: datetime
) -> int:
    """Mark rows of a claimed chunk that could not be issued as failed (row → what to tell
    the school) and count them on the batch; rows whose lease another worker took over are
    left alone. Returns how many were marked. The caller commits."""
    owned = _owned_rows(uow, chunk, list(details))
    if not owned:
        return 0
    uow.session.execute(
        update(BatchRow),
        [
            {
                "id": row_id,
                "status": "failed",
                "claimed_by": None,
                "claimed_until": None,
                "processed_at": now,
                "errors": json.dumps(_errors(details[row_id]), ensure_ascii=False),
                "delivery_secret": None,
            }
            for row_id in sorted(owned)
        ],
    )
    uow.session.execute(
        update(Batch)
        .where(Batch.id == chunk.batch_id)
        .values(failed_count=Batch.failed_count + len(owned))
    )
    return len(owned)


def finish_if_complete(uow: UnitOfWork, batch_ids: Sequence[int], *, now: datetime) -> None:
    """Mark each running batch with no pending rows left as done. The caller commits."""
    for batch_id in batch_ids:
        pending = uow.session.scalar(
            select(func.count())
            .select_from(BatchRow)
            .where(BatchRow.batch_id == batch_id, BatchRow.status == "pending")
        )
        if not pending:
            uow.session.execute(
                update(Batch)
                .where(Batch.id == batch_id, Batch.status.in_(_ACTIVE))
                .values(status="done", finished_at=now)
            )
