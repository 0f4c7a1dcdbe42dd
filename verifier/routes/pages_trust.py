"""The trust list page for the verifier's administrator: log in, list, add, remove, import a
file, export. Every form carries the session's CSRF token; a login lasts two hours."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web_common.proxies import client_address
from web_common.throttle import TOO_MANY_ATTEMPTS, LoginGuard, retry_after
from web_common.ui import (
    FormErrors,
    Redirect,
    flash,
    get_language,
    get_session,
    page_router,
    render,
)

from ..deps import NowDep, SettingsDep, UowDep
from ..services import use_cases
from ..services.admin import ADMIN_SESSION, verify_password
from ..services.trust import (
    KINDS,
    TrustEntry,
    TrustListError,
    export_trust_list,
    list_trusted,
    parse_accreditations_csv,
    parse_trust_list,
)
from ..services.trust_view import public_trust_rows

router = page_router()

_ADMIN_KEY = "admin_until"
_MAX_TRUST_FILE = 512 * 1024
KIND_LABELS = {
    "school": "School (ROC, AOC, vakschool)",
    "leerbedrijf": "Erkend leerbedrijf",
    "evc_provider": "EVC-aanbieder",
    "branche": "Branche-organisatie",
    "other": "Anders",
}
ADMIN_USER = {"name": "Beheerder", "role_label": "vertrouwenslijst"}
X509_LABELS = {
    "ca": "CA-certificaat (elk certificaat daaronder)",
    "cert": "Eén certificaat (SHA-256-vingerafdruk)",
    "subject": "Naam in het certificaat (onder een vertrouwde CA)",
}


ADMIN_ACCOUNT = "admin"
"""The one account name the login guard keeps backoff for (the single admin password)."""


def _guard(request: Request) -> LoginGuard:
    guard: LoginGuard = request.app.state.login_guard
    return guard


def _client_key(request: Request) -> str:
    return client_address(request)


def _is_admin(request: Request) -> bool:
    until = get_session(request).get(_ADMIN_KEY)
    return isinstance(until, int | float) and until >= time.time()


def require_admin(request: Request) -> None:
    """Dependency: a logged-in administrator, else to the login page."""
    if not _is_admin(request):
        raise Redirect("/trust/login")


AdminDep = Depends(require_admin)


@router.get("/trust/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep) -> Response:
    enabled = settings.admin_password_hash is not None
    return render(request, "verifier/login.html", {"errors": FormErrors(), "enabled": enabled})


@router.post("/trust/login", response_class=HTMLResponse)
def login(
    request: Request, settings: SettingsDep, password: Annotated[str, Form(max_length=1024)] = ""
) -> Response:
    """The admin login, with the same backoff as the other logins (``LoginGuard``: per
    address and for the admin account; a 429 with ``Retry-After`` while it makes one wait)."""
    enabled = settings.admin_password_hash is not None
    guard = _guard(request)
    key = _client_key(request)
    errors = FormErrors()
    wait = guard.wait(key, ADMIN_ACCOUNT)
    if wait:
        errors.add("password", TOO_MANY_ATTEMPTS)
        refused = render(
            request, "verifier/login.html", {"errors": errors, "enabled": enabled}, 429
        )
        refused.headers["Retry-After"] = retry_after(wait)
        return refused
    hashed = settings.admin_password_hash.get_secret_value() if settings.admin_password_hash \
        else None  # fmt: skip
    if not verify_password(hashed, password):
        guard.failed(key, ADMIN_ACCOUNT)
        errors.add("password", "Dit wachtwoord klopt niet.")
        return render(request, "verifier/login.html", {"errors": errors, "enabled": enabled}, 400)
    guard.succeeded(key, ADMIN_ACCOUNT)
    session = get_session(request)
    session.rotate()
    session.set(_ADMIN_KEY, int(time.time() + ADMIN_SESSION.total_seconds()))
    return RedirectResponse("/trust", status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    session = get_session(request)
    session.rotate()
    flash(request, "U bent uitgelogd.", "success")
    return RedirectResponse("/trust/login", status_code=303)


def _trust_page(
    request: Request,
    uow: UowDep,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "verifier/trust.html",
        {
            "entries": list(list_trusted(uow).values()),
            "errors": errors or FormErrors(),
            "values": values or {"kind": "school", "types": "*", "x509_kind": "ca"},
            "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
            "x509_kinds": list(X509_LABELS.items()),
            "kind_labels": KIND_LABELS,
            "user": ADMIN_USER,
        },
        status,
    )


@router.get("/trust", response_class=HTMLResponse)
def trust_page(request: Request, uow: UowDep) -> Response:
    """The administrator manages the list here; everyone else reads it."""
    if _is_admin(request):
        return _trust_page(request, uow)
    rows = public_trust_rows(list_trusted(uow).values(), lang=get_language(request))
    return render(request, "verifier/trust_public.html", {"rows": rows})


def _type_list(types: str) -> list[str]:
    """The credential types typed into the form (spaces or commas between them)."""
    return [t for t in types.replace(",", " ").split() if t]


def _check_organisation(errors: FormErrors, name: str, kind: str, type_list: list[str]) -> None:
    """The fields every trust list entry has, however the issuer is named."""
    if not name:
        errors.add("name", "Vul de naam van de organisatie in.")
    if kind not in KINDS:
        errors.add("kind", "Kies een soort organisatie.")
    if not type_list:
        errors.add("types", "Vul * in of de soorten bewijs die deze uitgever mag uitgeven.")


def _add(request: Request, uow: UowDep, entry: TrustEntry, now: datetime) -> Response:
    use_cases.add_trusted_issuer(uow, entry, source="page", now=now)
    flash(request, "{name} staat nu op de lijst.", "success", name=entry.name)
    return RedirectResponse("/trust", status_code=303)


@router.post("/trust/add", response_class=HTMLResponse, dependencies=[AdminDep])
def trust_add(
    request: Request,
    uow: UowDep,
    now: NowDep,
    did: Annotated[str, Form(max_length=400)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    kind: Annotated[str, Form(max_length=40)] = "school",
    types: Annotated[str, Form(max_length=1000)] = "*",
) -> Response:
    did, name = did.strip(), name.strip()
    type_list = _type_list(types)
    raw = {"did": did, "name": name, "kind": kind, "credentialTypes": type_list}
    errors = FormErrors()
    if not did.startswith("did:"):
        errors.add("did", "Vul een DID in (begint met did:web: of did:key:).")
    _check_organisation(errors, name, kind, type_list)
    entry: TrustEntry | None = None
    if not errors:
        try:
            entry = parse_trust_list(json.dumps({"issuers": [raw]}))[0]
        except TrustListError:
            errors.add("did", "Deze gegevens zijn niet geldig. Controleer de DID.")
    if entry is None:
        values = {"did": did, "name": name, "kind": kind, "types": types}
        return _trust_page(request, uow, errors=errors, values=values, status=400)
    return _add(request, uow, entry, now)


@router.post("/trust/add-x509", response_class=HTMLResponse, dependencies=[AdminDep])
def trust_add_x509(
    request: Request,
    uow: UowDep,
    now: NowDep,
    x509_kind: Annotated[str, Form(max_length=20)] = "ca",
    x509_value: Annotated[str, Form(max_length=20_000)] = "",
    anchor: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    kind: Annotated[str, Form(max_length=40)] = "school",
    types: Annotated[str, Form(max_length=1000)] = "*",
) -> Response:
    """An issuer named by X.509: a CA certificate (PEM), a certificate's SHA-256
    fingerprint, or a subject attribute (``O=…``, ``organizationIdentifier=…``) with an
    optional anchor fingerprint."""
    value, name, anchor = x509_value.strip(), name.strip(), anchor.strip()
    type_list = _type_list(types)
    member = {"ca": "ca", "cert": "certificateSha256", "subject": "subject"}.get(x509_kind)
    errors = FormErrors()
    if member is None:
        errors.add("x509_kind", "Kies hoe u de uitgever noemt.")
    if not value:
        errors.add("x509_value", "Vul het certificaat, de vingerafdruk of de naam in.")
    _check_organisation(errors, name, kind, type_list)
    entry: TrustEntry | None = None
    if not errors and member is not None:
        x509: dict[str, str] = {member: value}
        if anchor and x509_kind == "subject":
            x509["anchorSha256"] = anchor
        raw = {"x509": x509, "name": name, "kind": kind, "credentialTypes": type_list}
        try:
            entry = parse_trust_list(json.dumps({"issuers": [raw]}))[0]
        except TrustListError as exc:
            reason = str(exc).split(": ", 1)[-1]
            errors.add("x509_value", "Dit is niet geldig: {reason}", reason=reason)
    if entry is None:
        values = {"x509_kind": x509_kind, "x509_value": value, "anchor": anchor, "name": name,
                  "kind": kind, "types": types}  # fmt: skip
        return _trust_page(request, uow, errors=errors, values=values, status=400)
    return _add(request, uow, entry, now)


@router.post("/trust/remove", dependencies=[AdminDep])
def trust_remove(
    request: Request, uow: UowDep, did: Annotated[str, Form(max_length=400)] = ""
) -> Response:
    if use_cases.remove_trusted_issuer(uow, did):
        flash(request, "De uitgever is van de lijst gehaald.", "success")
    else:
        flash(request, "Deze uitgever stond niet (meer) op de lijst.", "warning")
    return RedirectResponse("/trust", status_code=303)


@router.post("/trust/import", response_class=HTMLResponse, dependencies=[AdminDep])
def trust_import(
    request: Request,
    uow: UowDep,
    now: NowDep,
    file: UploadFile | None = None,
    replace: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    errors = FormErrors()
    data = file.file.read(_MAX_TRUST_FILE + 1) if file is not None and file.filename else b""
    if not data:
        errors.add("file", "Kies een bestand met een vertrouwenslijst.")
    elif len(data) > _MAX_TRUST_FILE:
        errors.add("file", "Dit bestand is te groot (meer dan 512 kB).")
    elif file is not None and (file.filename or "").lower().endswith(".csv"):
        try:
            count = use_cases.import_accreditations(uow, parse_accreditations_csv(data))
        except TrustListError as exc:
            errors.add(
                "file", "Dit is geen geldige lijst van erkenningen: {reason}", reason=str(exc)
            )
        if not errors:
            flash(request, "{count} erkenning(en) ingelezen.", "success", count=count)
            return RedirectResponse("/trust", status_code=303)
    else:
        try:
            source = f"page:{(file.filename or '')[:60]}" if file else "page"
            count = use_cases.import_trust_list(
                uow, data, source=source, now=now, replace=replace == "yes"
            )
        except TrustListError as exc:
            errors.add("file", "Dit is geen geldige vertrouwenslijst: {reason}", reason=str(exc))
    if errors:
        return _trust_page(request, uow, errors=errors, status=400)
    flash(request, "{count} uitgever(s) ingelezen.", "success", count=count)
    return RedirectResponse("/trust", status_code=303)


@router.get("/trust/export", dependencies=[AdminDep])
def trust_export(uow: UowDep) -> Response:
    body = json.dumps(export_trust_list(uow), indent=2, ensure_ascii=False) + "\n"
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="vertrouwenslijst-{stamp}.json"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip
