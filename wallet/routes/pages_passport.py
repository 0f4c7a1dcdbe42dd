"""Pages: the passport (home), choosing a goal, a credential's own page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.ui import flash, get_language

from ..deps import AccountDep, CatalogDep, CheckerDep, NowDep, UowDep
from ..services import accounts, receive, wallet_credentials
from ..services.passport import build_passport, kind_label
from ..web import page_router, render
from .common import checks_of

router = page_router()


@router.get("/")
def home(
    request: Request, uow: UowDep, account: AccountDep, catalog: CatalogDep, now: NowDep
) -> Response:
    view = build_passport(
        catalog,
        wallet_credentials.list_credentials(uow, account),
        wallet_credentials.list_self_declared(uow, account),
        goal=account.goal_qualification,
        lang=get_language(request),
    )
    return render(request, "wallet/passport.html", {"view": view, "now": now})


@router.post("/goal")
def set_goal(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    qualification: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = catalog.qualification(qualification) if qualification else ()
    accounts.set_goal(uow, account, found[0].id if len(found) == 1 else None)
    uow.commit()
    return RedirectResponse("/#doel", status_code=303)


@router.get("/credentials/{public_id}")
def credential_page(
    public_id: str,
    request: Request,
    uow: UowDep,
    account: AccountDep,
    checker: CheckerDep,
    now: NowDep,
) -> Response:
    row = wallet_credentials.get_credential(uow, account, public_id)
    receive.check_stored(row, checker=checker, now=now)  # status re-checked when shown
    uow.commit()
    return render(
        request,
        "wallet/credential.html",
        {"row": row, "checks": checks_of(row), "kind": kind_label(row.kind, get_language(request))},
    )


@router.post("/credentials/{public_id}/delete")
def delete_credential(
    public_id: str, request: Request, uow: UowDep, account: AccountDep, now: NowDep
) -> Response:
    wallet_credentials.delete_credential(uow, account, public_id, now=now)
    uow.commit()
    flash(request, "Het bewijs is verwijderd.", "success")
    return RedirectResponse("/", status_code=303)
