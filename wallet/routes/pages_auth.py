"""Pages: register, log in, log out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.throttle import TOO_MANY_ATTEMPTS, LoginGuard, retry_after
from web_common.ui import flash, get_session, page_router, render

from ..deps import SESSION_KEY, BoxDep, NowDep, OptionalAccountDep, SettingsDep, UowDep
from ..services import use_cases
from ..services.errors import ConflictError, InputError, LoginError
from .common import client_address, old_session, start_browser_session

router = page_router()


def safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//host`` or scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/register")
def register_form(request: Request, account: OptionalAccountDep) -> Response:
    if account is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "wallet/register.html", {"values": {}, "error": None})


@router.post("/register")
def register_submit(
    request: Request,
    uow: UowDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        account, token = use_cases.register(
            uow, email=email, name=name, password=password, box=box, now=now,
            old_token=old_session(request), session_ttl=timedelta(hours=settings.session_hours),
        )  # fmt: skip
    except (InputError, ConflictError) as exc:
        return render(
            request,
            "wallet/register.html",
            {"values": {"email": email, "name": name}, "error": exc.detail},
            status_code=400,
        )
    start_browser_session(request, token)
    flash(request, "Welkom, {name}. Je paspoort is klaar.", "success", name=account.name)
    return RedirectResponse("/", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(
        request, "wallet/login.html", {"next": safe_next(next), "email": "", "error": None}
    )


@router.post("/login")
def login_submit(
    request: Request,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    guard: LoginGuard = request.app.state.login_guard
    address = client_address(request)
    wait = guard.wait(address, email)
    if wait:
        refused = render(
            request,
            "wallet/login.html",
            {"next": safe_next(next), "email": email, "error": TOO_MANY_ATTEMPTS},
            status_code=429,
        )
        refused.headers["Retry-After"] = retry_after(wait)
        return refused
    try:
        _account, token = use_cases.log_in(
            uow, email=email, password=password, now=now,
            old_token=old_session(request), session_ttl=timedelta(hours=settings.session_hours),
        )  # fmt: skip
    except LoginError:
        guard.failed(address, email)
        return render(
            request,
            "wallet/login.html",
            {
                "next": safe_next(next),
                "email": email,
                "error": "Het e-mailadres of wachtwoord klopt niet.",
            },
            status_code=400,
        )
    guard.succeeded(address, email)
    start_browser_session(request, token)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, uow: UowDep) -> Response:
    session = get_session(request)
    use_cases.log_out(uow, session.get(SESSION_KEY))
    session.rotate()
    flash(request, "Je bent uitgelogd.", "info")
    return RedirectResponse("/login", status_code=303)
