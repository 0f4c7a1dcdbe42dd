"""Batch pages: upload a results file, check the preview, issue, follow the progress bar,
download the offers file once.

    GET  /batches                      list of batches, upload form, template, column help
    POST /batches                      upload → preview (nothing is signed yet)
    GET  /batches/{id}                 preview, progress or summary, by the batch's status
    POST /batches/{id}/confirm         issue the valid rows (a background job)
    POST /batches/{id}/conflicts       changed rows: keep the issued credential (``skip``) or
                                       revoke it and issue the corrected one (``replace``)
    POST /batches/{id}/cancel          cancel a preview, or stop issuing the rest
    GET  /batches/{id}/progress        JSON for ``static/batches.js`` (session login)
    GET  /batches/{id}/offers.xlsx     offer links and transaction codes (also .csv), audited

The batch JSON API for systems (bearer tokens) is :mod:`.batches`, under ``/api/batches``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from qualifications.achievements import KINDS
from web_common.deps import MAX_ROW_ID, RowId
from web_common.ui import flash, page_router, render

from ..deps import BoxDep, CatalogDep, NowDep, SettingsDep, UowDep
from ..services import system_calls
from ..services.batch_csv import COLUMNS
from ..services.batch_fields import column_rows
from ..services.batches import (
    CONFLICT_ACTIONS,
    BatchFileError,
    BatchGoneError,
    get_batch,
    list_batches,
    offers_state,
    review_batch_rows,
    view_batch,
)
from ..services.errors import ConflictError
from ..services.staff import can
from ..web import IssuingStaffDep, OrganisationDep, StaffDep
from .batch_messages import explain

__all__ = ["router"]

_ROWS_PER_PAGE = 100
_FINISHED = ("done", "failed", "cancelled")

BATCH_STATUS_LABELS = {
    "previewed": "Te controleren",
    "queued": "In de wachtrij",
    "running": "Bezig met uitgeven",
    "done": "Klaar",
    "failed": "Mislukt",
    "cancelled": "Geannuleerd",
}
ROW_STATUS_LABELS = {
    "pending": "Uit te geven",
    "issued": "Uitgegeven",
    "already_issued": "Al eerder uitgegeven",
    "awaiting": "Wacht op bevestiging examencommissie",
    "conflict": "Gewijzigd",
    "invalid": "Fout",
    "failed": "Mislukt",
}
_ROW_FILTERS = {
    "errors": "invalid",
    "issued": "issued",
    "already": "already_issued",
    "diplomas": "awaiting",
    "conflicts": "conflict",
}


router = page_router()


def _lang(request: Request) -> str:
    return str(request.scope.get("ui.lang", "nl"))


def _gettext(request: Request) -> Any:
    return request.app.state.ui.gettext(request)


def _kind_labels(lang: str) -> dict[str, str]:
    return {k.value: KINDS[k].title_en if lang == "en" else KINDS[k].title_nl for k in KINDS}


def _size(limit: int) -> str:
    """``20 MB`` or ``1 kB``: a limit as people read it."""
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} kB"


def _list_page(
    request: Request,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    settings: SettingsDep,
    *,
    page: int = 1,
    file_errors: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "batches/list.html",
        {
            "found": list_batches(uow, org, page=page),
            "may_issue": can(user.role, "issue"),
            "file_errors": file_errors or [],
            "status_labels": BATCH_STATUS_LABELS,
            "kind_labels": _kind_labels(_lang(request)),
            "columns": list(COLUMNS),
            "column_rows": column_rows(),
            "max_size": _size(settings.batch_max_upload_bytes),
            "max_rows": f"{settings.batch_max_rows:,}".replace(",", "."),
        },
        status_code=status_code,
    )


@router.get("/batches")
def batches(
    request: Request,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    settings: SettingsDep,
    page: int = 1,
) -> Response:
    return _list_page(request, user, org, uow, settings, page=page)


@router.post("/batches")
def upload(
    request: Request,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    now: NowDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Check the file and show the preview; nothing is signed until confirmed."""
    _ = _gettext(request)
    limit = settings.batch_max_upload_bytes
    data = file.file.read(limit + 1) if file is not None and file.filename else b""
    if file is None or not file.filename:
        errors, status = [_("Kies eerst een CSV-bestand met resultaten.")], 400
    elif len(data) > limit:
        message = _(
            "Het bestand is groter dan {size}. Splits het in kleinere bestanden, "
            "bijvoorbeeld per opleiding.",
            size=_size(limit),
        )
        errors, status = [message], 413
    else:
        try:
            batch, created = system_calls.upload_batch(
                uow, org, catalog, data, filename=file.filename, now=now, actor=user.email,
                max_rows=settings.batch_max_rows,
            )  # fmt: skip
        except BatchFileError as exc:
            say = explain(_gettext(request))
            errors, status = [say(p.detail) for p in exc.problems], 422
        else:
            if created:
                flash(request, "Het bestand is gecontroleerd. Er is nog niets uitgegeven.", "info")
            else:
                flash(request, "Dit bestand is al eerder geüpload; dit is dezelfde batch.", "info")
            return RedirectResponse(f"/batches/{batch.id}", status_code=303)
    return _list_page(request, user, org, uow, settings, file_errors=errors, status_code=status)


def _row_context(request: Request, rows: list[Any]) -> list[dict[str, Any]]:
    say = explain(_gettext(request))
    kinds = _kind_labels(_lang(request))
    return [
        {
            "number": row.row_number,
            "name": row.fields.get("naam", ""),
            "student_number": row.fields.get("studentnummer", ""),
            "kind": kinds.get(row.fields.get("soort", ""), row.fields.get("soort", "")),
            "qualification": row.fields.get("kwalificatie", ""),
            "codes": row.fields.get("codes", ""),
            "status": row.status,
            "errors": [(e.get("column") or "", say(e)) for e in row.errors],
            "credential_id": row.issued_credential_id,
            "replaces_id": row.replaces_credential_id,
        }
        for row in rows
    ]


@router.get("/batches/{batch_id:int}")
def batch_page(
    request: Request,
    batch_id: RowId,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    show: str = "",
    page: int = 1,
) -> Response:
    batch = get_batch(uow, org, batch_id)
    viewed = view_batch(batch)
    view = viewed.to_json()
    page = max(1, page)
    rows, matching = review_batch_rows(
        uow, batch, status=_ROW_FILTERS.get(show), offset=(page - 1) * _ROWS_PER_PAGE,
        limit=_ROWS_PER_PAGE,
    )  # fmt: skip
    say = explain(_gettext(request))
    return render(
        request,
        "batches/batch.html",
        {
            "batch": batch,
            "view": view,
            "counts": view["counts"],
            "warnings": [say(w) for w in viewed.warnings],
            "rows": _row_context(request, rows),
            "show": show if show in _ROW_FILTERS else "",
            "page": page,
            "pages": max(1, -(-matching // _ROWS_PER_PAGE)),
            "matching": matching,
            "finished": batch.status in _FINISHED,
            "in_progress": batch.status in ("queued", "running"),
            "offers": offers_state(uow, org, batch) if batch.status in _FINISHED else None,
            "mail_enabled": request.app.state.settings.smtp_host is not None,
            "may_issue": can(user.role, "issue"),
            "status_labels": BATCH_STATUS_LABELS,
            "row_status_labels": ROW_STATUS_LABELS,
        },
    )


@router.get("/batches/{batch_id:int}/progress")
def progress(batch_id: RowId, user: StaffDep, org: OrganisationDep, uow: UowDep) -> JSONResponse:
    """What the progress bar needs; polled by ``static/batches.js``."""
    batch = get_batch(uow, org, batch_id)
    body = view_batch(batch).to_json()
    body["finished"] = batch.status in _FINISHED
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _wake_worker(request: Request) -> None:
    wake = getattr(request.app.state, "batch_wakeup", None)
    if wake is not None:
        wake.set()


@router.post("/batches/{batch_id:int}/confirm")
def confirm(
    request: Request,
    batch_id: RowId,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
) -> Response:
    try:
        system_calls.confirm_batch(uow, org, batch_id, now=now, actor=user.email)
    except ConflictError:
        if get_batch(uow, org, batch_id).conflict_count:
            flash(request, "Beslis eerst wat er met de gewijzigde rijen moet gebeuren.", "error")
        else:
            flash(request, "Deze batch is geannuleerd. Upload het bestand opnieuw.", "error")
    else:
        _wake_worker(request)
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


@router.post("/batches/{batch_id:int}/conflicts")
def conflicts(
    request: Request,
    batch_id: RowId,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    action: Annotated[str, Form()] = "",
    row: Annotated[int | None, Form(ge=1, le=MAX_ROW_ID)] = None,
) -> Response:
    """Resolve one changed row (``row``) or all of them."""
    if action not in CONFLICT_ACTIONS:
        flash(request, "Kies wat er met de gewijzigde rijen moet gebeuren.", "error")
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    try:
        system_calls.resolve_conflicts(
            uow, org, batch_id, action=action, rows=None if row is None else [row], now=now,
            actor=user.email,
        )  # fmt: skip
    except ConflictError:
        flash(
            request, "Deze rij is niet (meer) gewijzigd, of de batch is al uitgegeven.", "warning"
        )
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    if action == "skip":
        flash(
            request,
            "Het eerder uitgegeven bewijs blijft geldig; de wijziging wordt niet uitgegeven.",
            "success",
        )
    else:
        flash(
            request,
            "Bij het uitgeven trekken we het oude bewijs in en geven we het verbeterde uit.",
            "success",
        )
    return RedirectResponse(f"/batches/{batch_id}#rows", status_code=303)


@router.post("/batches/{batch_id:int}/cancel")
def cancel(
    request: Request,
    batch_id: RowId,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
) -> Response:
    was_preview = get_batch(uow, org, batch_id).status == "previewed"
    try:
        system_calls.cancel_batch(uow, org, batch_id, now=now, actor=user.email)
    except ConflictError:
        flash(request, "Deze batch is al klaar of geannuleerd.", "warning")
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    if was_preview:
        flash(request, "De batch is geannuleerd. Er is niets uitgegeven.", "success")
    else:
        flash(
            request,
            "De batch is gestopt. Wat al was uitgegeven, blijft geldig.",
            "warning",
        )
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


@router.get("/batches/{batch_id:int}/offers.{file_format}")
def offers_file(
    request: Request,
    batch_id: RowId,
    file_format: str,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    box: BoxDep,
    now: NowDep,
) -> Response:
    """The mail-merge file with offer links and transaction codes, ``.xlsx`` or ``.csv``
    (both Excel-safe). Staff may download it again; every download is audited."""
    if file_format not in ("csv", "xlsx"):
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    try:
        done = system_calls.offers_file(
            uow, org, batch_id, box, now=now, actor=user.email, file_format=file_format, keep=True
        )
    except ConflictError:
        flash(request, "De batch is nog bezig. Download het bestand als hij klaar is.", "warning")
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    except BatchGoneError:
        flash(
            request,
            "De codes van deze batch zijn gewist en kunnen niet opnieuw worden getoond. "
            "Maak bij een bewijs een nieuw aanbod om het opnieuw te sturen.",
            "warning",
        )
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    name = f"batch-{batch_id}-aanbiedingen.{done.extension}"
    return Response(
        done.data,
        media_type=done.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
