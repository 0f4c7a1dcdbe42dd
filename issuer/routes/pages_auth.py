"""First-run setup, login and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.proxies import client_address
from web_common.throttle import TOO_MANY_ATTEMPTS, LoginGuard, retry_after
from web_common.ui import FormErrors, PageError, flash, get_session, page_router, render

from ..deps import BoxDep, NowDep, SettingsDep, UowDep
from ..services import staff_actions
from ..services.errors import IssuanceError
from ..services.organisations import ORGANISATION_KINDS
from ..services.setup_code import setup_code, setup_code_matches
from ..services.staff import LoginError, needs_setup
from ..settings import IssuerSettings
from ..web import SESSION_KEY

router = page_router()

KIND_LABELS = {
    "school": "School (ROC/AOC)",
    "leerbedrijf": "Erkend leerbedrijf",
    "evc_provider": "EVC-aanbieder",
    "branche": "Branche-organisatie",
    "other": "Anders",
}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//host`` or scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _closed_setup() -> PageError:
    return PageError(
        404,
        "Inrichting al gedaan",
        "Deze school of organisatie is al ingericht. Log in met je account.",
        slug="not-found",
    )


@router.get("/setup")
def setup_form(request: Request, uow: UowDep) -> Response:
    if not needs_setup(uow):
        raise _closed_setup()
    return render(
        request,
        "issuer/setup.html",
        {
            "values": {"kind": "school"},
            "errors": FormErrors(),
            "kinds": _kinds(),
        },
    )


def _expected_setup_code(settings: IssuerSettings) -> str:
    configured = settings.setup_code.get_secret_value() if settings.setup_code else None
    return setup_code(settings.secret_key.get_secret_value(), configured)


def _kinds() -> list[tuple[str, str]]:
    return [(kind, KIND_LABELS.get(kind, kind)) for kind in ORGANISATION_KINDS]


@router.post("/setup")
def setup_submit(
    request: Request,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    box: BoxDep,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    identifier: Annotated[str, Form()] = "",
    slug: Annotated[str, Form()] = "",
    admin_name: Annotated[str, Form()] = "",
    admin_email: Annotated[str, Form()] = "",
    admin_password: Annotated[str, Form()] = "",
    admin_password_confirm: Annotated[str, Form()] = "",
) -> Response:
    if not needs_setup(uow):
        raise _closed_setup()
    errors = FormErrors()
    result = None
    mismatch = bool(admin_password) and admin_password != admin_password_confirm
    if not setup_code_matches(code, _expected_setup_code(settings)):
        errors.add(
            "code",
            "Deze inrichtcode klopt niet. De beheerder van de server vindt hem met "
            "'python -m issuer setup-code'.",
        )
    else:
        try:
            result = staff_actions.first_setup(
                uow,
                slug=slug.strip().lower(),
                name=name,
                kind=kind,
                identifier=identifier,
                admin_name=admin_name,
                admin_email=admin_email,
                admin_password=admin_password,
                password_confirmed=not mismatch,
                public_base_url=settings.public_base_url,
                box=box,
                now=now,
            )
        except IssuanceError as exc:
            errors.extend(exc.problems)
    if mismatch:
        errors.add("admin_password_confirm", "De wachtwoorden zijn niet gelijk.")
    if errors or result is None:
        values = {
            "name": name,
            "kind": kind,
            "identifier": identifier,
            "slug": slug,
            "admin_name": admin_name,
            "admin_email": admin_email,
        }
        return render(
            request,
            "issuer/setup.html",
            {"values": values, "errors": errors, "kinds": _kinds()},
            status_code=400,
        )
    flash(
        request,
        "{name} is ingericht. Log in met je nieuwe account.",
        "success",
        name=result.organisation.name,
    )
    return RedirectResponse("/login", status_code=303)


@router.get("/login")
def login_form(request: Request, uow: UowDep, next: str = "/") -> Response:
    if needs_setup(uow):
        return RedirectResponse("/setup", status_code=303)
    return render(
        request, "issuer/login.html", {"next": _safe_next(next), "email": "", "error": None}
    )


@router.post("/login")
def login_submit(
    request: Request,
    uow: UowDep,
    now: NowDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    guard: LoginGuard = request.app.state.login_guard
    address = client_address(request)
    wait = guard.wait(address, email)
    if wait:
        refused = render(
            request,
            "issuer/login.html",
            {"next": _safe_next(next), "email": email, "error": TOO_MANY_ATTEMPTS},
            status_code=429,
        )
        refused.headers["Retry-After"] = retry_after(wait)
        return refused
    try:
        user, token = staff_actions.log_in(uow, email, password, now)
    except LoginError:  # (a failed attempt on an existing account is audited)
        guard.failed(address, email)
        return render(
            request,
            "issuer/login.html",
            {
                "next": _safe_next(next),
                "email": email,
                "error": "Het e-mailadres of wachtwoord klopt niet.",
            },
            status_code=400,
        )
    guard.succeeded(address, email)
    session = get_session(request)
    session.rotate()
    session.set(SESSION_KEY, token)
    flash(request, "Welkom, {name}.", "success", name=user.name)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, uow: UowDep, now: NowDep) -> Response:
    session = get_session(request)
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        staff_actions.log_out(uow, token, now)
    session.rotate()
    flash(request, "Je bent uitgelogd.", "info")
    return RedirectResponse("/login", status_code=303)
