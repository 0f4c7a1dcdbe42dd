"""Batch issuance from an uploaded results file: preview, confirm, follow, cancel.

:func:`create_batch` reads the file (:mod:`.batch_csv`), checks every row against the catalog
exactly as issuing would (``unsigned_credential_for``, no signing) and stores the batch with
per-row errors, so staff see what will happen before anything is signed. The same file again
is the same batch. A row is keyed on the result it states (:mod:`.result_match`): when a
credential was issued for that result before (from an earlier file, or one at a time) and
says the same, the row is ``already_issued`` and will not be issued again; when it says
something else (a corrected grade or name), the row is a ``conflict`` and the batch cannot
be confirmed until staff resolve it (:func:`resolve_conflicts`): keep the issued credential,
or revoke it and issue the corrected one.

:func:`confirm_batch` queues the valid rows; workers (:mod:`.batch_jobs`) issue them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from qualifications import Catalog
from qualifications.achievements import CredentialKind
from qualifications.messages import coded
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox
from web_common.spreadsheet import csv_bytes

from ..db.batch_tables import Batch, BatchRow
from ..db.tables import AuditEvent, IssuedCredential, Organisation
from . import audit
from .batch_csv import (
    CsvProblem,
    column_for_field,
    legacy_row_reference,
    parse_results_csv,
    result_from_fields,
)
from .batch_problems import BatchProblem, problem
from .delivery_files import offers_csv, offers_xlsx
from .diploma_decisions import (
    WAITING_WITH_OTHER_CONTENT,
    decision_problems,
    waiting_with_other_content,
)
from .errors import ConflictError, IssuerError, NotFoundError
from .overview import Page
from .result_match import current_credentials, replacement_id_for, says_the_same
from .student_results import StudentResult, credential_id_for, unsigned_credential_for

__all__ = [
    "CONFLICT_ACTIONS",
    "BatchFileError",
    "BatchGoneError",
    "BatchRowView",
    "BatchView",
    "OffersFile",
    "OffersState",
    "cancel_batch",
    "confirm_batch",
    "create_batch",
    "delivery_file",
    "get_batch",
    "list_batch_rows",
    "list_batches",
    "offers_state",
    "resolve_conflicts",
    "review_batch_rows",
    "view_batch",
]


class BatchFileError(IssuerError):
    """The uploaded file cannot be read as a results file; ``problems`` say why."""

    def __init__(self, problems: Sequence[CsvProblem]) -> None:
        super().__init__("; ".join(p.detail for p in problems))
        self.problems = list(problems)


class BatchGoneError(IssuerError):
    """What was asked for existed once but is gone for good (e.g. a one-time download)."""


@dataclass(frozen=True, slots=True)
class BatchView:
    """A batch as the API and the pages show it."""

    batch: Batch
    progress: int  # percent of valid rows processed

    def to_json(self) -> dict[str, Any]:
        b = self.batch
        return {
            "id": b.id,
            "filename": b.filename,
            "status": b.status,
            "fileSha256": b.file_sha256,
            "counts": {
                "total": b.total_count,
                "valid": b.valid_count,
                "invalid": b.invalid_count,
                "issued": b.issued_count,
                "alreadyIssued": b.skipped_count,
                "failed": b.failed_count,
                "conflicts": b.conflict_count,
                "awaitingDecision": b.awaiting_count or 0,
                "pending": max(
                    b.valid_count
                    - b.issued_count
                    - b.skipped_count
                    - b.failed_count
                    - b.conflict_count
                    - (b.awaiting_count or 0),
                    0,
                ),
            },
            "progress": self.progress,
            "warnings": [_text(w) for w in self.warnings],
            "createdAt": _iso(b.created_at),
            "confirmedAt": _iso(b.confirmed_at),
            "startedAt": _iso(b.started_at),
            "finishedAt": _iso(b.finished_at),
        }

    @property
    def warnings(self) -> list[Any]:
        """The file's warnings as stored: ``{"detail", "code", "params"}`` objects, or (in
        batches read before warnings had codes) plain text."""
        stored = json.loads(self.batch.warnings)
        return stored if isinstance(stored, list) else []


def _text(warning: Any) -> str:
    return str(warning.get("detail", "")) if isinstance(warning, dict) else str(warning)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat()


def _progress(batch: Batch) -> int:
    if batch.valid_count == 0:
        return 100 if batch.status != "previewed" else 0
    done = (
        batch.issued_count + batch.skipped_count + batch.failed_count + (batch.awaiting_count or 0)
    )
    return min(100, done * 100 // batch.valid_count)


def view_batch(batch: Batch) -> BatchView:
    return BatchView(batch, _progress(batch))


def _row_errors(problems: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"column": column_for_field(field), "field": field, "detail": detail, **coded(detail)}
        for field, detail in problems
    ]


def create_batch(
    uow: UnitOfWork,
    org: Organisation,
    catalog: Catalog,
    data: bytes,
    *,
    filename: str,
    now: datetime,
    actor: str,
    max_rows: int,
) -> tuple[Batch, bool]:
    """Read and check a results file and store it as a previewed batch. Nothing is signed.

    Returns the batch and whether it is new (the same file again returns the first batch).
    Raises :class:`BatchFileError` when the file as a whole is unusable (nothing is stored).
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = uow.session.scalar(
        select(Batch).where(Batch.organisation_id == org.id, Batch.file_sha256 == digest)
    )
    if existing is not None:
        return existing, False
    parsed = parse_results_csv(data, max_rows=max_rows)
    if parsed.file_errors:
        raise BatchFileError(parsed.file_errors)

    rows: list[dict[str, Any]] = []
    first_row_of: dict[str, int] = {}
    results: dict[int, tuple[StudentResult, str | None]] = {}  # row number -> result, legacy
    for csv_row in parsed.rows:
        fields = dict(csv_row.fields)
        errors: list[dict[str, Any]] = [
            {"column": p.column or "", "field": p.column or "", "detail": p.detail,
             **coded(p.detail)}
            for p in csv_row.problems
        ]  # fmt: skip
        reference = ""
        credential_ref: str | None = None
        if not errors:
            result, problems = result_from_fields(fields)
            if result is None:
                errors = _row_errors(problems)
            else:
                reference = result.reference
                try:
                    unsigned_credential_for(catalog, org, result, now)
                except IssuerError as exc:
                    errors = _row_errors(getattr(exc, "problems", [("", str(exc))]))
                if result.request.kind is CredentialKind.DIPLOMA:  # waits for a decision
                    errors += _row_errors(decision_problems(result, now.date()))
                earlier = first_row_of.get(reference)
                if earlier is not None:
                    same = problem(
                        BatchProblem.SAME_RESULT, f"the same result as row {earlier}", row=earlier
                    )
                    errors += _row_errors([("reference", same)])
                else:
                    first_row_of[reference] = csv_row.row_number
                    credential_ref = credential_id_for(org, reference)
                    results[csv_row.row_number] = (result, legacy_row_reference(fields))
        rows.append(
            {
                "row_number": csv_row.row_number,
                "reference": reference[:300],
                "payload": json.dumps(fields, ensure_ascii=False, sort_keys=True),
                "status": "invalid" if errors else "pending",
                "errors": json.dumps(errors, ensure_ascii=False),
                "credential_ref": None if errors else credential_ref,
                "attempts": 0,
                "issued_credential_id": None,
                "replaces_credential_id": None,
                "processed_at": None,
            }
        )

    # results issued before (from an earlier file or one at a time): the same again is
    # already issued, a changed one a conflict the school resolves before issuing
    pending = [(results[r["row_number"]], r) for r in rows if r["status"] == "pending"]
    issued = current_credentials(
        uow, org, [(result.reference, legacy) for (result, legacy), _ in pending]
    )
    for (result, _), row in pending:
        found = issued.get(result.reference)
        if found is None:
            continue
        if says_the_same(catalog, org, result, found):
            row |= {"status": "already_issued", "credential_ref": found.credential_ref,
                    "issued_credential_id": found.id, "processed_at": now}  # fmt: skip
        else:
            row |= {"status": "conflict", "credential_ref": None,
                    "replaces_credential_id": found.id}  # fmt: skip
    # a diploma waiting for the examencommissie (a first one or a correction) is not
    # silently replaced by other content
    diplomas = [
        (result, row)
        for (result, _), row in pending
        if row["status"] in ("pending", "conflict")
        and result.request.kind is CredentialKind.DIPLOMA
    ]
    waiting = waiting_with_other_content(uow, org, [result for result, _ in diplomas])
    for result, row in diplomas:
        if result.reference[:300] in waiting:
            detail = problem(BatchProblem.DIPLOMA_WAITING_WITH_OTHER_CONTENT,
                             WAITING_WITH_OTHER_CONTENT)  # fmt: skip
            error = {"column": "reference", "field": "reference", "detail": detail,
                     **coded(detail)}  # fmt: skip
            row |= {"status": "invalid", "credential_ref": None, "replaces_credential_id": None,
                    "errors": json.dumps([error], ensure_ascii=False)}  # fmt: skip

    invalid = sum(1 for r in rows if r["status"] == "invalid")
    skipped = sum(1 for r in rows if r["status"] == "already_issued")
    conflicts = sum(1 for r in rows if r["status"] == "conflict")
    batch = Batch(
        organisation_id=org.id,
        file_sha256=digest,
        filename=(filename or "upload.csv")[:255],
        status="previewed",
        total_count=len(rows),
        valid_count=len(rows) - invalid,
        invalid_count=invalid,
        issued_count=0,
        skipped_count=skipped,
        failed_count=0,
        conflict_count=conflicts,
        warnings=json.dumps(
            [{"detail": w.detail, **coded(w.detail)} for w in parsed.warnings],
            ensure_ascii=False,
        ),
        created_by=actor[:200],
        created_at=now,
    )
    uow.session.add(batch)
    uow.flush()
    for row in rows:
        row["batch_id"] = batch.id
    if rows:
        uow.session.execute(insert(BatchRow), rows)
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="batch.upload", target=str(batch.id),
        now=now, filename=batch.filename, sha256=digest, rows=len(rows), invalid=invalid,
        conflicts=conflicts,
    )  # fmt: skip
    return batch, True


def get_batch(uow: UnitOfWork, org: Organisation, batch_id: int) -> Batch:
    batch = uow.session.get(Batch, batch_id)
    if batch is None or batch.organisation_id != org.id:
        raise NotFoundError(f"no batch {batch_id}")
    return batch


def confirm_batch(
    uow: UnitOfWork, org: Organisation, batch_id: int, *, now: datetime, actor: str
) -> Batch:
    """Queue a previewed batch for issuance; confirming again changes nothing."""
    batch = get_batch(uow, org, batch_id)
    if batch.status == "cancelled":
        raise ConflictError("the batch was cancelled; upload the file again as a new batch")
    if batch.status != "previewed":
        return batch
    if batch.conflict_count:
        raise ConflictError(
            f"{batch.conflict_count} row(s) change a credential issued before; keep the issued "
            "credential or revoke it and issue the corrected one first (POST …/conflicts)"
        )
    pending = uow.session.scalar(
        select(func.count())
        .select_from(BatchRow)
        .where(BatchRow.batch_id == batch.id, BatchRow.status == "pending")
    )
    batch.status = "queued" if pending else "done"
    batch.confirmed_at = now
    if not pending:
        batch.finished_at = now
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="batch.confirm", target=str(batch.id),
        now=now, pending=pending,
    )  # fmt: skip
    return batch


def cancel_batch(
    uow: UnitOfWork, org: Organisation, batch_id: int, *, now: datetime, actor: str
) -> Batch:
    """Stop a batch: rows not yet issued stay unissued. Issued credentials stay issued
    (revoke them one by one if needed)."""
    batch = get_batch(uow, org, batch_id)
    if batch.status in ("done", "failed", "cancelled"):
        raise ConflictError(f"the batch is {batch.status} already")
    batch.status = "cancelled"
    batch.finished_at = now
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="batch.cancel", target=str(batch.id),
        now=now,
    )  # fmt: skip
    return batch


CONFLICT_ACTIONS = ("skip", "replace")


def resolve_conflicts(
    uow: UnitOfWork,
    org: Organisation,
    batch_id: int,
    *,
    action: str,
    rows: Sequence[int] | None,
    now: datetime,
    actor: str,
) -> Batch:
    """Resolve changed rows of a previewed batch (all, or the given row numbers): ``skip``
    keeps the credential issued before (the row counts as already issued), ``replace``
    issues the corrected credential and revokes the old one when the batch is issued."""
    if action not in CONFLICT_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(CONFLICT_ACTIONS)}")
    batch = get_batch(uow, org, batch_id)
    if batch.status != "previewed":
        raise ConflictError(f"the batch is {batch.status}; conflicts are resolved before issuing")
    query = select(BatchRow, IssuedCredential.credential_ref).join(
        IssuedCredential, IssuedCredential.id == BatchRow.replaces_credential_id
    )
    query = query.where(BatchRow.batch_id == batch.id, BatchRow.status == "conflict")
    if rows is not None:
        query = query.where(BatchRow.row_number.in_(list(rows)))
    found = list(uow.session.execute(query.order_by(BatchRow.row_number).with_for_update()))
    unknown = sorted(set(rows or ()) - {row.row_number for row, _ in found})
    if unknown:
        listed = ", ".join(str(n) for n in unknown)
        raise ConflictError(f"row(s) {listed} of batch {batch.id} are not changed results")
    for row, old_ref in found:
        if action == "skip":
            row.status, row.credential_ref = "already_issued", old_ref
            row.issued_credential_id, row.replaces_credential_id = row.replaces_credential_id, None
            row.processed_at = now
        else:
            row.status = "pending"
            row.credential_ref = replacement_id_for(org, row.reference, old_ref)
    batch.conflict_count -= len(found)
    if action == "skip":
        batch.skipped_count += len(found)
    audit.record(
        uow, organisation_id=org.id, actor=actor, action=f"batch.conflict_{action}",
        target=str(batch.id), now=now, rows=[row.row_number for row, _ in found],
        credentials=[old_ref for _, old_ref in found],
    )  # fmt: skip
    return batch


def _rows_page(
    uow: UnitOfWork, batch: Batch, status: str | None, offset: int, limit: int
) -> tuple[list[tuple[BatchRow, str | None]], int]:
    """One page of rows in file order, each with the id of the credential it changes (or
    replaces), and how many rows match."""
    where = [BatchRow.batch_id == batch.id]
    if status:
        where.append(BatchRow.status == status)
    total = uow.session.scalar(select(func.count()).select_from(BatchRow).where(*where)) or 0
    query = (
        select(BatchRow, IssuedCredential.credential_ref)
        .outerjoin(IssuedCredential, IssuedCredential.id == BatchRow.replaces_credential_id)
        .where(*where)
        .order_by(BatchRow.row_number)
        .offset(offset)
        .limit(limit)
    )
    return [(row, ref) for row, ref in uow.session.execute(query)], total


def list_batch_rows(
    uow: UnitOfWork,
    batch: Batch,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int]:
    """One page of a batch's rows (in file order) and how many rows match."""
    rows, total = _rows_page(uow, batch, status, offset, limit)
    page = []
    for row, replaces in rows:
        fields = json.loads(row.payload)
        page.append(
            {
                "row": row.row_number,
                "reference": row.reference or None,
                "name": fields.get("naam"),
                "studentNumber": fields.get("studentnummer"),
                "kind": fields.get("soort"),
                "status": row.status,
                "errors": json.loads(row.errors),
                "credentialId": row.credential_ref if row.status != "invalid" else None,
                "replacesCredentialId": replaces,
            }
        )
    return page, total


_DELIVERY_COLUMNS = (
    "rij",
    "reference",
    "studentnummer",
    "naam",
    "email",
    "credential_id",
    "offer_link",
    "qr_link",
    "transactiecode",
    "geldig_tot",
)


@dataclass(frozen=True, slots=True)
class OffersFile:
    """The offers file of a batch, in the format asked for."""

    data: bytes
    media_type: str
    extension: str


def delivery_file(
    uow: UnitOfWork,
    org: Organisation,
    batch_id: int,
    box: SecretBox,
    *,
    now: datetime,
    actor: str,
    file_format: str = "csv",
    keep: bool = False,
) -> OffersFile:
    """The mail-merge file of a finished batch: per issued row the offer link, QR link and
    transaction code, as ``csv`` or ``xlsx`` (both Excel-safe, see :mod:`.delivery_files`),
    or ``plain`` CSV for programs (the API: no ``sep=`` line, codes as plain text, cells
    neutralised by :func:`web_common.spreadsheet.csv_bytes`). The secrets are stored
    encrypted (the issuer's SecretBox); with ``keep`` (staff on the pages) they stay for a
    later download, otherwise (the API) they are erased in the same transaction and a second
    download gets :class:`BatchGoneError`. Every download is audited with its format.
    Send the link by e-mail and the code over another channel (SMS, in person)."""
    batch = get_batch(uow, org, batch_id)
    if batch.status not in ("done", "cancelled", "failed"):
        raise ConflictError("the batch is still being issued; download when it is done")
    rows = list(
        uow.session.scalars(
            select(BatchRow)
            .where(BatchRow.batch_id == batch.id, BatchRow.delivery_secret.is_not(None))
            .order_by(BatchRow.row_number)
            .with_for_update()
        )
    )
    if not rows:
        raise BatchGoneError(
            "the offer links and codes of this batch were downloaded already (they are "
            "shown once); make new offers for the credentials to send them again"
        )
    lines: list[list[str]] = []
    for row in rows:
        assert row.delivery_secret is not None
        secret = json.loads(box.decrypt(row.delivery_secret))
        fields = json.loads(row.payload)
        lines.append(
            [
                str(row.row_number),
                fields.get("reference", ""),
                fields.get("studentnummer", ""),
                fields.get("naam", ""),
                fields.get("email", ""),
                row.credential_ref or "",
                secret["offer_uri"],
                secret["qr_url"],
                secret["tx_code"],
                secret["expires_at"][:10],
            ]
        )
    if not keep:
        uow.session.execute(
            update(BatchRow)
            .where(BatchRow.batch_id == batch.id, BatchRow.delivery_secret.is_not(None))
            .values(delivery_secret=None)
        )
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="batch.offers_download",
        target=str(batch.id), now=now, rows=len(rows), format=file_format,
    )  # fmt: skip
    if file_format == "plain":  # for programs (the API): no Excel hints, formulas neutralised
        return OffersFile(csv_bytes([_DELIVERY_COLUMNS, *lines]), "text/csv; charset=utf-8", "csv")
    if file_format == "xlsx":
        return OffersFile(
            offers_xlsx(_DELIVERY_COLUMNS, lines, title=f"Batch {batch.id}"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    return OffersFile(offers_csv(_DELIVERY_COLUMNS, lines), "text/csv; charset=utf-8", "csv")


# ----------------------------------------------------------------------------- for the pages


@dataclass(frozen=True, slots=True)
class BatchRowView:
    """One row as the staff pages show it: the fields as read, errors, and the credential
    it became (``issued_credential_id``, for a link) once issued."""

    row_number: int
    status: str
    fields: dict[str, str]
    errors: list[dict[str, Any]]
    issued_credential_id: int | None
    replaces_credential_id: int | None = None  # a changed row: the credential it changes


@dataclass(frozen=True, slots=True)
class OffersState:
    """Whether the one-time offers file can still be downloaded, and if not, when it was."""

    available: int  # rows whose offer link and code are still stored
    downloaded_at: datetime | None = None
    downloaded_by: str | None = None


def list_batches(
    uow: UnitOfWork, org: Organisation, *, page: int, per_page: int = 25
) -> Page[Batch]:
    """The organisation's batches, newest first."""
    page = max(1, page)
    where = Batch.organisation_id == org.id
    total = uow.session.scalar(select(func.count()).select_from(Batch).where(where)) or 0
    rows = uow.session.scalars(
        select(Batch)
        .where(where)
        .order_by(Batch.created_at.desc(), Batch.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(rows), page, per_page, total)


def review_batch_rows(
    uow: UnitOfWork,
    batch: Batch,
    *,
    status: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[BatchRowView], int]:
    """Like :func:`list_batch_rows`, with all fields and the issued credential's row id."""
    rows, total = _rows_page(uow, batch, status, offset, limit)
    views = [
        BatchRowView(
            row.row_number,
            row.status,
            json.loads(row.payload),
            json.loads(row.errors),
            row.issued_credential_id,
            row.replaces_credential_id,
        )
        for row, _ in rows
    ]
    return views, total


def offers_state(uow: UnitOfWork, org: Organisation, batch: Batch) -> OffersState:
    """How many offers the file holds, and who downloaded it last and when."""
    available = (
        uow.session.scalar(
            select(func.count())
            .select_from(BatchRow)
            .where(BatchRow.batch_id == batch.id, BatchRow.delivery_secret.is_not(None))
        )
        or 0
    )
    event = uow.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.organisation_id == org.id,
            AuditEvent.action == "batch.offers_download",
            AuditEvent.target == str(batch.id),
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return OffersState(available)
    return OffersState(available, event.created_at, event.actor)
