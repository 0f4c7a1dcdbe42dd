"""Batch issuance API: upload a results CSV, preview, confirm, follow progress.

    GET  /api/batches/template.csv     the template (UTF-8 with BOM, ``;``, one example row)
    POST /api/batches                  multipart ``file`` → preview (201 new, 200 same file)
    POST /api/batches/{id}/confirm     queue the valid rows (202)
    POST /api/batches/{id}/conflicts   resolve changed rows: ``{"action": "skip"|"replace",
                                       "rows": [3, 7]}`` (rows left out: all of them)
    POST /api/batches/{id}/cancel      stop issuing the rest
    GET  /api/batches/{id}             status, counts, progress, rows (paginated) with errors
    GET  /api/batches/{id}/offers.csv  offer links and transaction codes, downloadable once

The staff pages live under ``/batches`` (:mod:`.pages_batches`); the API has its own prefix,
so neither needs to guess who is asking. The worker that issues confirmed batches is started
by ``create_app``'s lifespan (:func:`issuer.worker.in_process_worker`); a confirm wakes it.
Systems authenticate with a bearer token with scope ``credentials:issue``. Every error is
``application/problem+json``; file-level problems are 422 with an ``errors`` list, files over
``batch_max_upload_bytes`` 413.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from web_common.deps import MAX_ROW_ID, RowId
from web_common.problems import ProblemError

from ..db.tables import ApiToken, Organisation
from ..deps import BoxDep, CatalogDep, NowDep, SettingsDep, UowDep, require_scope
from ..services.batch_csv import template_csv
from ..services.batches import (
    BatchFileError,
    BatchGoneError,
    get_batch,
    list_batch_rows,
    view_batch,
)
from ..services.system_calls import (
    cancel_batch,
    confirm_batch,
    offers_file,
    resolve_conflicts,
    upload_batch,
)

PREFIX = "/api/batches"
router = APIRouter(prefix=PREFIX, tags=["batches"])

IssueToken = Annotated[ApiToken, Depends(require_scope("credentials:issue"))]
_ROW_STATUSES = "^(pending|issued|already_issued|awaiting|conflict|invalid|failed)$"
_PREVIEW_ERRORS = 1000


def _organisation(uow: UowDep, token: ApiToken) -> Organisation:
    org = uow.session.get(Organisation, token.organisation_id)
    assert org is not None  # guaranteed by the foreign key
    return org


def _wake_worker(request: Request) -> None:
    wake = getattr(request.app.state, "batch_wakeup", None)
    if wake is not None:
        wake.set()


@router.get("/template.csv")
def template() -> Response:
    """The CSV template: columns in Dutch (English names are accepted too), one example."""
    return Response(
        template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="resultaten-sjabloon.csv"'},
    )


@router.post("", status_code=201)
def upload(
    file: Annotated[UploadFile, File(description="the results file (CSV)")],
    token: IssueToken,
    uow: UowDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    now: NowDep,
) -> JSONResponse:
    """Check a results file and show what would be issued; nothing is signed yet."""
    limit = settings.batch_max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ProblemError(
            413, "Content too large", f"the file is larger than {limit} bytes; split it",
            slug="content-too-large",
        )  # fmt: skip
    org = _organisation(uow, token)
    try:
        batch, created = upload_batch(
            uow, org, catalog, data, filename=file.filename or "upload.csv", now=now,
            actor=f"token:{token.name}", max_rows=settings.batch_max_rows,
        )  # fmt: skip
    except BatchFileError as exc:
        raise ProblemError(
            422, "Unreadable results file", str(exc), slug="invalid-batch-file",
            errors=[
                {"pointer": "/file", "row": p.row, "column": p.column, "detail": p.detail}
                for p in exc.problems
            ],
        ) from None  # fmt: skip
    body = view_batch(batch).to_json()
    invalid, _ = list_batch_rows(uow, batch, status="invalid", limit=_PREVIEW_ERRORS)
    body["rowErrors"] = [{"row": row["row"], **error} for row in invalid for error in row["errors"]]
    body["rowErrorsTruncated"] = batch.invalid_count > _PREVIEW_ERRORS
    changed, _ = list_batch_rows(uow, batch, status="conflict", limit=_PREVIEW_ERRORS)
    body["conflictRows"] = [row["row"] for row in changed]
    return JSONResponse(body, status_code=201 if created else 200)


@router.post("/{batch_id}/confirm", status_code=202)
def confirm(
    batch_id: RowId, request: Request, token: IssueToken, uow: UowDep, now: NowDep
) -> dict[str, Any]:
    """Issue the batch's valid rows in the background; follow progress with GET."""
    batch = confirm_batch(
        uow, _organisation(uow, token), batch_id, now=now, actor=f"token:{token.name}"
    )
    _wake_worker(request)
    return view_batch(batch).to_json()


class ConflictResolution(BaseModel):
    """``skip``: keep the credential issued before; ``replace``: revoke it and issue the
    corrected one when the batch is issued. ``rows``: row numbers, or all changed rows."""

    model_config = ConfigDict(extra="forbid")
    action: Literal["skip", "replace"]
    rows: (
        Annotated[list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]], Field(max_length=100_000)]
        | None
    ) = None


@router.post("/{batch_id}/conflicts")
def conflicts(
    batch_id: RowId, body: ConflictResolution, token: IssueToken, uow: UowDep, now: NowDep
) -> dict[str, Any]:
    """Resolve rows that change a credential issued before; the batch can be confirmed
    when none is left."""
    batch = resolve_conflicts(
        uow, _organisation(uow, token), batch_id, action=body.action, rows=body.rows, now=now,
        actor=f"token:{token.name}",
    )  # fmt: skip
    return view_batch(batch).to_json()


@router.post("/{batch_id}/cancel")
def cancel(batch_id: RowId, token: IssueToken, uow: UowDep, now: NowDep) -> dict[str, Any]:
    """Stop issuing; what is issued stays issued."""
    batch = cancel_batch(
        uow, _organisation(uow, token), batch_id, now=now, actor=f"token:{token.name}"
    )
    return view_batch(batch).to_json()


@router.get("/{batch_id}")
def show(
    batch_id: RowId,
    token: IssueToken,
    uow: UowDep,
    status: Annotated[str | None, Query(pattern=_ROW_STATUSES)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Status, counts, progress (percent of valid rows done) and one page of rows."""
    batch = get_batch(uow, _organisation(uow, token), batch_id)
    rows, matching = list_batch_rows(uow, batch, status=status, offset=offset, limit=limit)
    body = view_batch(batch).to_json()
    body["rows"] = rows
    body["page"] = {"offset": offset, "limit": limit, "total": matching}
    return body


@router.get("/{batch_id}/offers.csv")
def offers_csv(
    batch_id: RowId, token: IssueToken, uow: UowDep, box: BoxDep, now: NowDep
) -> Response:
    """Mail-merge file with each learner's offer link and transaction code — once. Send the
    link by e-mail and the code another way (SMS, in person)."""
    try:
        data = offers_file(
            uow,
            _organisation(uow, token),
            batch_id,
            box,
            now=now,
            actor=f"token:{token.name}",
            file_format="plain",
        ).data
    except BatchGoneError as exc:
        raise ProblemError(410, "Gone", str(exc), slug="offers-downloaded") from None
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="batch-{batch_id}-offers.csv"',
            "Cache-Control": "no-store",
        },
    )
