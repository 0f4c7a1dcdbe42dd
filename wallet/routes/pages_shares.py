"""Pages: share links (create with QR code, list, access log, revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.qr import qr_svg
from web_common.ui import FormDep, flash, get_language, page_router, render

from ..deps import AccountDep, BoxDep, NowDep, SettingsDep, UowDep
from ..services import shares, use_cases, wallet_credentials
from ..services.errors import InputError
from ..services.sd_jwt_stored import claim_rows

router = page_router()


def _list(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
    error: str | None = None,
    status: int = 200,
) -> Response:
    listed = shares.list_shares(uow, account)
    return render(
        request,
        "wallet/shares.html",
        {
            "shares": listed,
            "links": {s.share.public_id: shares.share_link(s.share, box) for s in listed},
            "now": now,
            "error": error,
            "credentials": wallet_credentials.list_credentials(uow, account),
            "claims": {
                c.public_id: claim_rows(c.document, get_language(request))
                for c in wallet_credentials.list_credentials(uow, account)
                if c.format == "dc+sd-jwt"
            },
            "default_days": settings.share_default_days,
            "max_days": settings.share_max_days,
        },
        status_code=status,
    )


@router.get("/shares")
def shares_page(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    return _list(request, uow, account, box, now, settings)


@router.post("/shares")
def create_share(
    request: Request,
    form: FormDep,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
    label: Annotated[str, Form(max_length=200)] = "",
    valid_days: Annotated[int, Form()] = 30,
) -> Response:
    chosen = [str(v) for v in form.getlist("credential")][:60]
    # per SD-JWT VC shown with checkboxes: "sd_choice" names it, "claim:<id>" the claims kept
    disclose = {
        str(pid): [str(v)[:100] for v in form.getlist(f"claim:{pid}")][:200]
        for pid in form.getlist("sd_choice")[:60]
    }
    try:
        created = use_cases.create_share(
            uow,
            account,
            chosen,
            label=label,
            valid_days=valid_days,
            max_days=settings.share_max_days,
            public_base_url=settings.public_base_url,
            box=box,
            now=now,
            disclose=disclose,
        )
    except InputError as exc:
        return _list(request, uow, account, box, now, settings, exc.detail, 400)
    summary = shares.get_share(uow, account, created.share.public_id)
    return render(
        request,
        "wallet/share_created.html",
        {"summary": summary, "url": created.url, "qr": qr_svg(created.url), "now": now},
    )


@router.get("/shares/{public_id}")
def share_page(
    public_id: str, request: Request, uow: UowDep, account: AccountDep, box: BoxDep, now: NowDep
) -> Response:
    summary = shares.get_share(uow, account, public_id)
    accesses = shares.list_accesses(uow, account, public_id)
    url = shares.share_link(summary.share, box) if summary.status(now) == "active" else None
    return render(
        request,
        "wallet/share.html",
        {
            "summary": summary,
            "accesses": accesses,
            "now": now,
            "url": url,
            "qr": qr_svg(url) if url else None,
        },
    )


@router.post("/shares/{public_id}/revoke")
def revoke_share(
    public_id: str, request: Request, uow: UowDep, account: AccountDep, now: NowDep
) -> Response:
    share = use_cases.revoke_share(uow, account, public_id, now=now)
    flash(request, "De link '{label}' werkt niet meer.", "success", label=share.label)
    return RedirectResponse(f"/shares/{public_id}", status_code=303)
