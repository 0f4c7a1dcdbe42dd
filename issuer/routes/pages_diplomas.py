"""Diplomas waiting for the examencommissie's decision: the list, confirm, reject.

A diploma entered on the issue form or in a batch file waits here; another staff member
with the ``decide`` permission confirms it (then it is signed and offered) or rejects it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from qualifications.messages import message_of
from web_common.deps import RowId
from web_common.ui import FormErrors, PageError, flash, page_router, render

from ..deps import BoxDep, CatalogDep, NowDep, SettingsDep, UowDep
from ..services import staff_actions
from ..services.diploma_decisions import (
    DecisionError,
    decisions,
    replaced_by,
    result_of,
)
from ..services.errors import IssuanceError
from ..services.staff import can
from ..web import DecidingStaffDep, OrganisationDep, StaffDep
from .pages_offers import mail_offer, offer_context

router = page_router()

STATE_LABELS = {
    "pending": "Wacht op bevestiging examencommissie",
    "confirmed": "Bevestigd en uitgegeven",
    "rejected": "Afgewezen",
}


def _not_found() -> PageError:
    return PageError(404, "Niet gevonden", "Dit diploma bestaat niet (meer).", slug="not-found")


def _list(
    request: Request,
    uow: UowDep,
    org: OrganisationDep,
    user: StaffDep,
    errors: FormErrors | None = None,
    failed_id: int | None = None,
    status_code: int = 200,
) -> Response:
    rows = decisions(uow, org)
    decided = [d for d in rows if d.state != "pending"]
    return render(
        request,
        "issuer/diplomas.html",
        {
            "pending": [d for d in rows if d.state == "pending"],
            "decided": decided,
            "replaced_by": replaced_by(uow, org, decided),
            "state_labels": STATE_LABELS,
            "may_decide": can(user.role, "decide"),
            "me": user.email,
            "errors": errors or FormErrors(),
            "failed_id": failed_id,
        },
        status_code=status_code,
    )


@router.get("/diplomas")
def list_diplomas(request: Request, user: StaffDep, org: OrganisationDep, uow: UowDep) -> Response:
    return _list(request, uow, org, user)


@router.post("/diplomas/{decision_id:int}/confirm")
def confirm(
    request: Request,
    decision_id: RowId,
    user: DecidingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    catalog: CatalogDep,
    box: BoxDep,
) -> Response:
    try:
        outcome = staff_actions.confirm_diploma(
            uow, org, catalog, decision_id, box=box, public_base_url=settings.public_base_url,
            status_list_size=settings.status_list_entries,
            offer_ttl=timedelta(days=settings.offer_ttl_days), now=now, actor=user.email,
        )  # fmt: skip
    except DecisionError as exc:
        flash(request, message_of(exc), "error")
        return RedirectResponse("/diplomas", status_code=303)
    except IssuanceError as exc:  # the catalog changed since it was entered
        errors = FormErrors()
        errors.extend(exc.problems)
        return _list(request, uow, org, user, errors, decision_id, 400)
    if outcome is None:
        raise _not_found()
    decision, done = outcome
    if done.offer is None:
        flash(request, "Dit bewijs was al uitgegeven; er is niets dubbel gemaakt.", "info")
        return RedirectResponse(f"/credentials/{done.row.id}", status_code=303)
    email = result_of(decision).student_email or ""
    mailed = None
    if email and settings.smtp_host:  # the address entered with the diploma
        mailed = mail_offer(
            uow, settings, org, done.row, done.offer, student_name=decision.student_name,
            to=email, now=now, actor=user.email,
        )  # fmt: skip
    context = offer_context(
        settings, org, done.row, done.offer, decision.student_name,
        student_email=email, mailed=mailed,
    )  # fmt: skip
    return render(request, "issuer/issue_result.html", context)


@router.post("/diplomas/{decision_id:int}/reject")
def reject(
    request: Request,
    decision_id: RowId,
    user: DecidingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        decision = staff_actions.reject_diploma(
            uow, org, decision_id, reason=reason, now=now, actor=user.email
        )
    except DecisionError as exc:
        flash(request, message_of(exc), "error")
        return RedirectResponse("/diplomas", status_code=303)
    except IssuanceError as exc:
        errors = FormErrors()
        errors.extend(exc.problems)
        return _list(request, uow, org, user, errors, decision_id, 400)
    if decision is None:
        raise _not_found()
    flash(request, "Het diploma is afgewezen; er is niets ondertekend.", "success")
    return RedirectResponse("/diplomas", status_code=303)
