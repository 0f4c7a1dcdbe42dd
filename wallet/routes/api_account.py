"""JSON API: account, session, goal, export/import and deletion."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile

from web_common.problems import ProblemError
from web_common.throttle import TOO_MANY_ATTEMPTS, LoginGuard, retry_after
from web_common.ui import csrf_token, get_session, verify_csrf

from ..api_models import (
    AccountCreate,
    AccountDelete,
    AccountPublic,
    ExportRequest,
    GoalUpdate,
    Login,
)
from ..db.tables import Account
from ..deps import (
    SESSION_KEY,
    AccountDep,
    BoxDep,
    CatalogDep,
    CheckerDep,
    NowDep,
    SettingsDep,
    UowDep,
)
from ..services import accounts, backup, use_cases
from ..services.errors import InputError, LoginError
from .common import client_address, old_session, start_browser_session

router = APIRouter(prefix="/api", tags=["account"], dependencies=[Depends(verify_csrf)])
open_router = APIRouter(prefix="/api", tags=["account"])


def _public(request: Request, uow: UowDep, account: Account, box: BoxDep) -> AccountPublic:
    key = accounts.holder_key(uow, account.id, box)
    return AccountPublic(
        email=account.email,
        name=account.name,
        holder_did=key.did_key,
        goal_qualification=account.goal_qualification,
        csrf_token=csrf_token(request),
    )


@open_router.post("/accounts", status_code=201)
def register(
    body: AccountCreate,
    request: Request,
    uow: UowDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
) -> AccountPublic:
    """Create an account (with its holder key) and log in."""
    account, token = use_cases.register(
        uow, email=body.email, name=body.name, password=body.password, box=box, now=now,
        old_token=old_session(request), session_ttl=timedelta(hours=settings.session_hours),
    )  # fmt: skip
    start_browser_session(request, token)
    return _public(request, uow, account, box)


@open_router.post("/session")
def login(
    body: Login, request: Request, uow: UowDep, box: BoxDep, now: NowDep, settings: SettingsDep
) -> AccountPublic:
    """Log in. Wrong passwords slow down further attempts (429 with ``Retry-After``), per
    address and per account name."""
    guard: LoginGuard = request.app.state.login_guard
    address = client_address(request)
    wait = guard.wait(address, body.email)
    if wait:
        raise ProblemError(
            429,
            "Te veel pogingen",
            TOO_MANY_ATTEMPTS,
            slug="too-many-attempts",
            headers={"Retry-After": retry_after(wait)},
        )
    try:
        account, token = use_cases.log_in(
            uow, email=body.email, password=body.password, now=now,
            old_token=old_session(request), session_ttl=timedelta(hours=settings.session_hours),
        )  # fmt: skip
    except LoginError:
        guard.failed(address, body.email)
        raise
    guard.succeeded(address, body.email)
    start_browser_session(request, token)
    return _public(request, uow, account, box)


@open_router.get("/session")
def current(request: Request, uow: UowDep, account: AccountDep, box: BoxDep) -> AccountPublic:
    return _public(request, uow, account, box)


@router.delete("/session", status_code=204)
def logout(request: Request, uow: UowDep) -> Response:
    session = get_session(request)
    use_cases.log_out(uow, session.get(SESSION_KEY))
    session.rotate()
    return Response(status_code=204)


@router.put("/goal")
def set_goal(
    body: GoalUpdate, uow: UowDep, account: AccountDep, catalog: CatalogDep
) -> dict[str, str | None]:
    """Choose the diploma to work toward (a catalog qualification id or crebo)."""
    target = None
    if body.qualification:
        found = catalog.qualification(body.qualification)
        if len(found) != 1:
            raise InputError(
                "unknown_qualification",
                "Deze kwalificatie staat niet in de catalogus.",
                field="qualification",
            )
        target = found[0].id
    use_cases.set_goal(uow, account, target)
    return {"goal_qualification": target}


@router.post("/export")
def export(
    body: ExportRequest, uow: UowDep, account: AccountDep, box: BoxDep, now: NowDep
) -> Response:
    """Everything in the account as one passphrase-encrypted file."""
    data = backup.encrypt_export(
        backup.export_account(uow, account, box=box, now=now), body.passphrase
    )
    name = f"mbo-paspoort-{now:%Y%m%d}.json"
    return Response(
        data,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/import")
def import_file(
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    checker: CheckerDep,
    catalog: CatalogDep,
    now: NowDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    passphrase: Annotated[str, Form(max_length=1024)],
) -> dict[str, Any]:
    """Add an exported file's content to this account (all or nothing)."""
    data = file.file.read(settings.max_import_bytes + 1)
    if len(data) > settings.max_import_bytes:
        raise InputError("too_large", "Het bestand is te groot.", field="file")
    payload = backup.decrypt_export(data, passphrase)
    result = use_cases.import_account(
        uow,
        account,
        payload,
        checker=checker,
        box=box,
        catalog=catalog,
        now=now,
        max_credentials=settings.max_credentials_per_account,
        max_credential_bytes=settings.max_credential_bytes,
    )
    return {
        "credentials": result.credentials,
        "duplicates": result.duplicates,
        "self_declared": result.self_declared,
        "holder_keys": result.keys,
    }


@router.post("/account/delete", status_code=204)
def delete_account(
    body: AccountDelete, request: Request, uow: UowDep, account: AccountDep
) -> Response:
    """Delete the account and everything in it (asks for the password again)."""
    use_cases.delete_account(uow, account, password=body.password)
    get_session(request).clear()
    return Response(status_code=204)
