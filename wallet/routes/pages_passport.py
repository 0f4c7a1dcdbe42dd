"""Pages: the passport (home), choosing a goal, a credential's own page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.ui import flash, get_language, page_router, render

from ..deps import AccountDep, BoxDep, CatalogDep, CheckerDep, NowDep, SettingsDep, UowDep
from ..services import use_cases, wallet_credentials
from ..services.credential_pdf import credential_facts
from ..services.errors import InputError
from ..services.passport import build_passport, kind_label
from ..services.rechecking import last_checked
from ..services.sd_jwt_stored import claim_rows
from .common import checks_of, explained_checks

router = page_router()


@router.get("/")
def home(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    checker: CheckerDep,
    now: NowDep,
) -> Response:
    """The passport; first the few statuses checked longest ago are checked again."""
    use_cases.recheck_stale(uow, account, checker=checker, now=now)
    rows = wallet_credentials.list_credentials(uow, account)
    view = build_passport(
        catalog,
        rows,
        wallet_credentials.list_self_declared(uow, account),
        goal=account.goal_qualification,
        lang=get_language(request),
    )
    return render(
        request,
        "wallet/passport.html",
        {"view": view, "now": now, "last_checked": last_checked(rows)},
    )


@router.post("/goal")
def set_goal(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    qualification: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = catalog.qualification(qualification) if qualification else ()
    use_cases.set_goal(uow, account, found[0].id if len(found) == 1 else None)
    return RedirectResponse("/#doel", status_code=303)


@router.get("/credentials/{public_id}")
def credential_page(
    public_id: str,
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    checker: CheckerDep,
    now: NowDep,
) -> Response:
    """What the credential shows (qualification, crebo, kerntaken and werkprocessen with
    their catalog titles, grade, dates, issuer) and its checks in plain language."""
    row = use_cases.check_credential(uow, account, public_id, checker=checker, now=now)
    lang = get_language(request)
    return render(
        request,
        "wallet/credential.html",
        {
            "row": row,
            "facts": credential_facts(catalog, row),
            "checks": explained_checks(checks_of(row), lang),
            "kind": kind_label(row.kind, lang),
            "claims": claim_rows(row.document, lang) if row.format == "dc+sd-jwt" else [],
            "twin": wallet_credentials.twin_of(uow, account, row),
        },
    )


PDF_LINK_DAYS = 365
NOT_PRINTABLE = frozenset({"revoked", "suspended", "invalid"})


@router.get("/credentials/{public_id}/pdf")
def credential_pdf_page(public_id: str, uow: UowDep, account: AccountDep) -> Response:
    """Making the PDF creates a share link, so it is a POST (the button on the credential's
    page); a GET (a bookmark) leads there."""
    wallet_credentials.get_credential(uow, account, public_id)
    return RedirectResponse(f"/credentials/{public_id}#pdf", status_code=303)


@router.post("/credentials/{public_id}/pdf")
def credential_pdf(
    public_id: str,
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    """An A4 PDF of the credential whose QR code opens a new share link (purpose ``pdf``)
    to just this credential, valid for a year (at most ``share_max_days``)."""
    row = wallet_credentials.get_credential(uow, account, public_id)
    if row.state in NOT_PRINTABLE:
        raise InputError(
            "not_printable", "Van een ingetrokken, geschorst of ongeldig bewijs maak je geen PDF."
        )
    document = use_cases.print_credential(
        uow,
        account,
        row,
        catalog=catalog,
        kind=kind_label(row.kind, get_language(request)),
        gettext=request.app.state.ui.gettext(request),
        valid_days=min(PDF_LINK_DAYS, settings.share_max_days),
        max_days=settings.share_max_days,
        public_base_url=settings.public_base_url,
        box=box,
        now=now,
    )
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in row.title.lower())[:60].strip(
        "-"
    )
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name or "bewijs"}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/credentials/{public_id}/delete")
def delete_credential(
    public_id: str, request: Request, uow: UowDep, account: AccountDep, now: NowDep
) -> Response:
    use_cases.delete_credential(uow, account, public_id, now=now)
    flash(request, "Het bewijs is verwijderd.", "success")
    return RedirectResponse("/", status_code=303)
