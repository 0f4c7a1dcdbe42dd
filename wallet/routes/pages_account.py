"""Pages: self-declared entries, and the person's own data (export, import, delete)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from web_common.ui import flash, get_session, page_router, render

from ..deps import AccountDep, BoxDep, CatalogDep, CheckerDep, NowDep, SettingsDep, UowDep
from ..services import accounts, backup, use_cases, wallet_credentials
from ..services.errors import InputError

router = page_router()


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _self_page(
    request: Request, uow: UowDep, account: AccountDep, error: str | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "wallet/self_declared.html",
        {"entries": wallet_credentials.list_self_declared(uow, account), "error": error},
        status_code=status,
    )


@router.get("/self-declared")
def self_declared_page(request: Request, uow: UowDep, account: AccountDep) -> Response:
    return _self_page(request, uow, account)


@router.post("/self-declared")
def add_self_declared(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    now: NowDep,
    category: Annotated[str, Form(max_length=16)] = "",
    title: Annotated[str, Form(max_length=300)] = "",
    organisation: Annotated[str, Form(max_length=300)] = "",
    description: Annotated[str, Form(max_length=5000)] = "",
    started_on: Annotated[str, Form(max_length=10)] = "",
    ended_on: Annotated[str, Form(max_length=10)] = "",
    dossier_crebo: Annotated[str, Form(max_length=20)] = "",
    werkprocessen: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    entry = wallet_credentials.SelfDeclaredInput(
        category=category,
        title=title,
        organisation=organisation or None,
        description=description or None,
        started_on=_date(started_on),
        ended_on=_date(ended_on),
        dossier_crebo=dossier_crebo or None,
        werkprocessen=tuple(werkprocessen.replace(",", " ").split()),
    )
    try:
        use_cases.add_self_declared(uow, account, entry, catalog=catalog, now=now)
    except InputError as exc:
        return _self_page(request, uow, account, exc.detail, 400)
    flash(request, "Toegevoegd als eigen ervaring (niet door een uitgever bevestigd).", "success")
    return RedirectResponse("/self-declared", status_code=303)


@router.post("/self-declared/{public_id}/delete")
def delete_self_declared(
    public_id: str, request: Request, uow: UowDep, account: AccountDep
) -> Response:
    use_cases.delete_self_declared(uow, account, public_id)
    return RedirectResponse("/self-declared", status_code=303)


def _account_page(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    error: str | None = None,
    status: int = 200,
) -> Response:
    key = accounts.holder_key(uow, account.id, box)
    return render(
        request,
        "wallet/account.html",
        {"account": account, "did": key.did_key, "error": error},
        status_code=status,
    )


@router.get("/account")
def account_page(request: Request, uow: UowDep, account: AccountDep, box: BoxDep) -> Response:
    return _account_page(request, uow, account, box)


@router.post("/export")
def export(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    now: NowDep,
    passphrase: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        data = backup.encrypt_export(
            backup.export_account(uow, account, box=box, now=now), passphrase
        )
    except InputError as exc:
        return _account_page(request, uow, account, box, exc.detail, 400)
    return Response(
        data,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="mbo-paspoort-{now:%Y%m%d}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/import")
def import_file(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    checker: CheckerDep,
    catalog: CatalogDep,
    now: NowDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    passphrase: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    data = file.file.read(settings.max_import_bytes + 1)
    try:
        if len(data) > settings.max_import_bytes:
            raise InputError("too_large", "Het bestand is te groot.")
        result = use_cases.import_account(
            uow,
            account,
            backup.decrypt_export(data, passphrase),
            checker=checker,
            box=box,
            catalog=catalog,
            now=now,
            max_credentials=settings.max_credentials_per_account,
            max_credential_bytes=settings.max_credential_bytes,
        )
    except InputError as exc:
        return _account_page(request, uow, account, box, exc.detail, 400)
    flash(
        request,
        "Geïmporteerd: {n} bewijzen en {m} eigen ervaringen.",
        "success",
        n=result.credentials,
        m=result.self_declared,
    )
    return RedirectResponse("/", status_code=303)


@router.post("/account/delete")
def delete_account(
    request: Request,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        use_cases.delete_account(uow, account, password=password)
    except InputError as exc:
        return _account_page(request, uow, account, box, exc.detail, 400)
    get_session(request).rotate()
    flash(request, "Je account en alles erin is verwijderd.", "success")
    return RedirectResponse("/login", status_code=303)
