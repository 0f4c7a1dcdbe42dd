"""Mail a finished batch's offers to the students, and show who got one (retry the rest)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.deps import RowId
from web_common.ui import flash, page_router, render

from ..deps import BoxDep, NowDep, SettingsDep, UowDep
from ..services import staff_actions
from ..services.errors import ConflictError
from ..web import IssuingStaffDep, OrganisationDep
from .pages_offers import smtp_config

router = page_router()


@router.post("/batches/{batch_id:int}/mail-offers")
def mail_offers(
    request: Request,
    batch_id: RowId,
    user: IssuingStaffDep,
    org: OrganisationDep,
    uow: UowDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
    row: Annotated[list[int] | None, Form()] = None,
) -> Response:
    config = smtp_config(settings)
    if config is None:
        flash(request, "Er is geen mailserver ingesteld (ISSUER_SMTP_HOST).", "error")
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    try:
        outcomes = staff_actions.mail_batch_offers(
            uow, org, batch_id, box, config, wallet_url=settings.wallet_url,
            include_code=settings.offer_mail_includes_tx_code, now=now, actor=user.email,
            rows=set(row) if row else None,
        )  # fmt: skip
    except ConflictError:
        flash(request, "De batch is nog bezig; mail de aanbiedingen als hij klaar is.", "error")
        return RedirectResponse(f"/batches/{batch_id}", status_code=303)
    return render(
        request,
        "issuer/mail_result.html",
        {
            "batch_id": batch_id,
            "outcomes": outcomes,
            "sent": sum(1 for o in outcomes if o.sent),
            "failed": [o for o in outcomes if not o.sent],
            "includes_code": settings.offer_mail_includes_tx_code,
        },
    )
