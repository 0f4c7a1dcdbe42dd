"""Admin pages: signing keys (rotate), staff accounts, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from web_common.deps import RowId
from web_common.ui import FormDep, FormErrors, flash, page_router, render

from ..deps import BoxDep, NowDep, UowDep
from ..services import staff_actions
from ..services.errors import IssuanceError
from ..services.overview import list_keys, list_tokens
from ..services.staff import ROLES, list_staff
from ..services.tokens import SCOPES
from ..web import ROLE_LABELS, AdminDep, OrganisationDep

router = page_router()

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ROLES]
SCOPE_LABELS = {
    "credentials:issue": "Bewijzen uitgeven (VC-API en batches)",
    "credentials:status": "Status wijzigen (intrekken, schorsen)",
}


@router.get("/keys")
def keys(
    request: Request, user: AdminDep, org: OrganisationDep, uow: UowDep, confirm: str = ""
) -> Response:
    return render(
        request, "issuer/keys.html", {"org": org, "keys": list_keys(uow, org), "confirm": confirm}
    )


@router.post("/keys/rotate")
def rotate(
    request: Request, user: AdminDep, org: OrganisationDep, uow: UowDep, box: BoxDep, now: NowDep
) -> Response:
    new = staff_actions.rotate_key(uow, org, box, now, actor=user.email)
    flash(request, "Nieuwe sleutel {key} is in gebruik.", "success", key=new.key_ref)
    return RedirectResponse("/keys", status_code=303)


def _staff_page(
    request: Request, org: OrganisationDep, uow: UowDep, errors: FormErrors, values: dict[str, str]
) -> Response:
    return render(
        request,
        "issuer/staff.html",
        {"staff": list_staff(uow, org), "roles": ROLE_CHOICES, "errors": errors, "values": values},
        status_code=400 if errors else 200,
    )


@router.get("/staff")
def staff(request: Request, user: AdminDep, org: OrganisationDep, uow: UowDep) -> Response:
    return _staff_page(request, org, uow, FormErrors(), {"role": "issuer"})


@router.post("/staff")
def add_staff(
    request: Request,
    user: AdminDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        staff_actions.add_staff(
            uow,
            org,
            email=email,
            name=name,
            role=role,
            password=password,
            now=now,
            actor=user.email,
        )
    except IssuanceError as exc:
        errors = FormErrors()
        errors.extend(exc.problems)
        return _staff_page(request, org, uow, errors, {"name": name, "email": email, "role": role})
    flash(request, "{name} kan nu inloggen.", "success", name=name.strip())
    return RedirectResponse("/staff", status_code=303)


@router.post("/staff/{staff_id:int}")
def change_staff(
    request: Request,
    staff_id: RowId,
    user: AdminDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
    role: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    try:
        staff_actions.change_staff(
            uow, org, staff_id, role=role or None,
            active=active == "yes" if active in ("yes", "no") else None, now=now,
            actor=user.email,
        )  # fmt: skip
    except IssuanceError as exc:
        for _, message in exc.problems:
            flash(request, message, "error")
        return RedirectResponse("/staff", status_code=303)
    flash(request, "De wijziging is opgeslagen.", "success")
    return RedirectResponse("/staff", status_code=303)


def _tokens_page(
    request: Request,
    org: OrganisationDep,
    uow: UowDep,
    *,
    errors: FormErrors | None = None,
    new_token: str | None = None,
    name: str = "",
) -> Response:
    return render(
        request,
        "issuer/tokens.html",
        {
            "tokens": list_tokens(uow, org),
            "scopes": [(scope, SCOPE_LABELS.get(scope, scope)) for scope in SCOPES],
            "errors": errors or FormErrors(),
            "new_token": new_token,
            "name": name,
        },
        status_code=400 if errors else 200,
    )


@router.get("/tokens")
def tokens(request: Request, user: AdminDep, org: OrganisationDep, uow: UowDep) -> Response:
    return _tokens_page(request, org, uow)


@router.post("/tokens")
def add_token(
    request: Request,
    form: FormDep,
    user: AdminDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
) -> Response:
    name = str(form.get("name") or "").strip()
    scopes = [str(scope) for scope in form.getlist("scopes")]
    errors = FormErrors()
    if not name:
        errors.add("name", "Vul een naam in.")
    if not scopes:
        errors.add("scopes", "Kies minstens één recht.")
    if not errors:
        try:
            token = staff_actions.create_api_token(
                uow, org, name=name[:100], scopes=scopes, now=now, actor=user.email
            )
        except IssuanceError as exc:
            errors.extend(exc.problems)
    if errors:
        return _tokens_page(request, org, uow, errors=errors, name=name)
    return _tokens_page(request, org, uow, new_token=token)


@router.post("/tokens/{token_id:int}/revoke")
def revoke_token(
    request: Request,
    token_id: RowId,
    user: AdminDep,
    org: OrganisationDep,
    uow: UowDep,
    now: NowDep,
) -> Response:
    row = staff_actions.revoke_api_token(uow, org, token_id, now=now, actor=user.email)
    flash(request, "Token {name} is ingetrokken.", "success", name=row.name)
    return RedirectResponse("/tokens", status_code=303)
