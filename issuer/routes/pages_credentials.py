"""Dashboard, credential list and detail, status changes, new offers, audit log."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from qualifications.achievements import KINDS
from web_common.deps import RowId
from web_common.emails import is_email_address
from web_common.ui import FormErrors, PageError, flash, page_router, render

from ..deps import BoxDep, NowDep, SettingsDep, UowDep
from ..services import staff_actions
from ..services.errors import ConflictError, IssuanceError
from ..services.offer_state import offer_state
from ..services.offers import MAX_TX_CODE_ATTEMPTS
from ..services.overview import (
    STATUSES,
    CredentialFilter,
    dashboard_counts,
    get_credential,
    latest_offer,
    list_audit,
    search_credentials,
    view_credential,
)
from ..services.staff import can
from ..web import OrganisationDep, StaffDep, StatusStaffDep
from .pages_offers import mail_offer, offer_context

router = page_router()

STATUS_LABELS = {"active": "Geldig", "suspended": "Geschorst", "revoked": "Ingetrokken"}
# action → (purpose, value, Dutch verb for the button, flash message)
ACTIONS = {
    "revoke": ("revocation", True, "Intrekken", "Het bewijs is ingetrokken."),
    "suspend": ("suspension", True, "Schorsen", "Het bewijs is geschorst."),
    "unsuspend": ("suspension", False, "Schorsing opheffen", "De schorsing is opgeheven."),
}


def _type_labels(lang: str) -> dict[str, str]:
    return {
        info.vc_type: info.title_en if lang == "en" else info.title_nl for info in KINDS.values()
    }


def _lang(request: Request) -> str:
    return str(request.scope.get("ui.lang", "nl"))


@router.get("/")
def dashboard(
    request: Request, user: StaffDep, org: OrganisationDep, uow: UowDep, now: NowDep
) -> Response:
    return render(
        request,
        "issuer/dashboard.html",
        {
            "org": org,
            "counts": dashboard_counts(uow, org, now),
            "events": list_audit(uow, org, page=1, per_page=10).items,
            "may_issue": can(user.role, "issue"),
        },
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/credentials")
def credentials(
    request: Request,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    q: str = "",
    type: str = "",
    status: str = "",
    issued_from: str = "",
    issued_to: str = "",
    page: int = 1,
) -> Response:
    where = CredentialFilter(
        text=q[:200],
        credential_type=type,
        status=status if status in STATUSES else "",
        issued_from=_date(issued_from),
        issued_to=_date(issued_to),
    )
    found = search_credentials(uow, org, where, page=page)
    query = {
        "q": q,
        "type": type,
        "status": where.status,
        "issued_from": issued_from,
        "issued_to": issued_to,
    }
    return render(
        request,
        "issuer/credentials.html",
        {
            "found": found,
            "query": query,
            "status_labels": STATUS_LABELS,
            "type_labels": _type_labels(_lang(request)),
        },
    )


@router.get("/credentials/{credential_id:int}")
def credential_detail(
    request: Request,
    credential_id: RowId,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
) -> Response:
    row = get_credential(uow, org, credential_id)
    offer = latest_offer(uow, row)
    state = (
        offer_state(offer, row, now, max_attempts=MAX_TX_CODE_ATTEMPTS)
        if offer is not None
        else None
    )
    view = view_credential(row)
    return render(
        request,
        "issuer/credential.html",
        {
            "view": view,
            "offer": offer,
            "offer_state": state,
            "status_labels": STATUS_LABELS,
            "type_labels": _type_labels(_lang(request)),
            "may_change": can(user.role, "status"),
            "mail_enabled": request.app.state.settings.smtp_host is not None,
            "document_json": json.dumps(view.document, indent=2, ensure_ascii=False),
        },
    )


@router.get("/credentials/{credential_id:int}/download")
def download(credential_id: RowId, user: StaffDep, org: OrganisationDep, uow: UowDep) -> Response:
    row = get_credential(uow, org, credential_id)
    return Response(
        row.document,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="credential-{row.id}.json"'},
    )


def _action(action: str) -> tuple[str, bool, str, str]:
    if action not in ACTIONS:
        raise PageError(404, "Pagina niet gevonden", "Deze actie bestaat niet.", slug="not-found")
    return ACTIONS[action]


@router.get("/credentials/{credential_id:int}/status")
def confirm_status(
    request: Request,
    credential_id: RowId,
    user: StatusStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    action: str = "revoke",
) -> Response:
    _action(action)
    row = get_credential(uow, org, credential_id)
    return render(
        request,
        "issuer/confirm_status.html",
        {
            "view": view_credential(row),
            "action": action,
            "verb": ACTIONS[action][2],
            "errors": FormErrors(),
            "reason": "",
        },
    )


@router.post("/credentials/{credential_id:int}/status")
def change_status(
    request: Request,
    credential_id: RowId,
    user: StatusStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    action: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    purpose, value, verb, done = _action(action)
    row = get_credential(uow, org, credential_id)
    errors = FormErrors()
    if not reason.strip():
        errors.add("reason", "Vul een reden in; die komt in het logboek.")
    else:
        try:
            staff_actions.set_credential_status(
                uow,
                org,
                row.credential_ref,
                purpose=purpose,
                value=value,
                reason=reason.strip()[:500],
                actor=user.email,
                now=now,
            )
        except IssuanceError as exc:
            errors.extend(("reason", detail) for _, detail in exc.problems)
    if errors:
        return render(
            request,
            "issuer/confirm_status.html",
            {
                "view": view_credential(row),
                "action": action,
                "verb": verb,
                "errors": errors,
                "reason": reason,
            },
            status_code=400,
        )
    flash(request, done, "success")
    return RedirectResponse(f"/credentials/{row.id}", status_code=303)


@router.post("/credentials/{credential_id:int}/offer")
def new_offer(
    request: Request,
    credential_id: RowId,
    user: StatusStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    box: BoxDep,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    row = get_credential(uow, org, credential_id)
    email = email.strip()
    if email and not is_email_address(email):
        flash(request, "Vul een geldig e-mailadres in.", "error")
        return RedirectResponse(f"/credentials/{row.id}", status_code=303)
    try:
        offer = staff_actions.create_offer(
            uow,
            org,
            row,
            public_base_url=settings.public_base_url,
            now=now,
            box=box,
            ttl=timedelta(days=settings.offer_ttl_days),
            actor=user.email,
        )
    except ConflictError:
        flash(request, "Een ingetrokken bewijs kan niet meer worden aangeboden.", "error")
        return RedirectResponse(f"/credentials/{row.id}", status_code=303)
    view = view_credential(row)
    mailed = None
    if email:  # a new offer, mailed right away (the retry after a refused mail, too)
        mailed = mail_offer(
            uow, settings, org, row, offer, student_name=view.student_name, to=email,
            now=now, actor=user.email,
        )  # fmt: skip
    context = offer_context(
        settings, org, row, offer, view.student_name, student_email=email, mailed=mailed
    )
    return render(request, "issuer/offer.html", context)


@router.get("/audit")
def audit_log(
    request: Request,
    user: StaffDep,
    org: OrganisationDep,
    uow: UowDep,
    page: int = 1,
    action: str = "",
) -> Response:
    found = list_audit(uow, org, page=page, action=action[:64])
    return render(request, "issuer/audit.html", {"found": found, "action": action})
