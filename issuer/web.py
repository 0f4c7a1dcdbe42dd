"""The issuer's toolkit for staff pages: the renderer with the issuer's menu, and staff logins.

Page routes (``issuer/routes/pages_*.py``, and any other feature's pages) use
``page_router()`` and ``render(request, "issuer/x.html", {...})`` from ``web_common.ui``, and
from here ``StaffDep`` (any logged-in staff member), ``IssuingStaffDep`` (admin or issuer),
``AdminDep`` (admin) — not logged in: redirect to ``/login``; wrong role: a 403 page.
``create_app`` includes the page routers and installs the ui with :func:`make_renderer`; this
module imports no routes.

Templates live in ``issuer/templates/`` and extend ``ui/base.html``; English strings go in
``issuer/translations/en*.json`` (every file there is loaded, so a feature may add its own);
``nl*.json`` turns English messages from services into Dutch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from web_common.ui import PageError, Redirect, Renderer, Translations, get_session, make_environment

from .db.staff_tables import StaffUser
from .db.tables import Organisation
from .deps import NowDep, UowDep
from .services.staff import can, session_user

__all__ = [
    "AdminDep",
    "DecidingStaffDep",
    "IssuingStaffDep",
    "OrganisationDep",
    "StaffDep",
    "make_renderer",
    "require_permission",
]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
TRANSLATIONS = HERE / "translations"
SESSION_KEY = "staff"
ROLE_LABELS = {
    "admin": "Beheerder",
    "issuer": "Uitgever",
    "viewer": "Meekijker",
    "examencommissie": "Examencommissie",
}

# (label, href, permission) — shown when the staff member has the permission
NAV: tuple[tuple[str, str, str], ...] = (
    ("Overzicht", "/", "view"),
    ("Uitgeven", "/issue", "issue"),
    ("Batches", "/batches", "view"),
    ("Bewijzen", "/credentials", "view"),
    ("Diploma's", "/diplomas", "view"),
    ("Logboek", "/audit", "view"),
    ("Sleutels", "/keys", "admin"),
    ("Medewerkers", "/staff", "admin"),
    ("API-tokens", "/tokens", "admin"),
)


@dataclass(frozen=True, slots=True)
class StaffView:
    name: str
    role: str


def _nav_context(request: Request) -> Mapping[str, Any]:
    user: StaffView | None = getattr(request.state, "staff", None)
    if user is None:
        return {}
    path = request.url.path
    nav = []
    for label, href, permission in NAV:
        if can(user.role, permission):
            current = path == href if href == "/" else path.startswith(href)
            nav.append({"label": label, "href": href, "current": current})
    return {
        "nav": nav,
        "user": {"name": user.name, "role": user.role, "role_label": ROLE_LABELS[user.role]},
    }


def _from_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {}


def make_renderer() -> Renderer:
    translations = Translations.from_files(
        {lang: sorted(TRANSLATIONS.glob(f"{lang}*.json")) for lang in ("en", "nl")}
    )
    env = make_environment(TEMPLATES)
    env.filters["fromjson"] = _from_json
    return Renderer(
        env,
        translations,
        site_name="Bewijzen uitgeven",
        context=_nav_context,
    )


def _current_staff(request: Request, uow: UowDep, now: NowDep) -> StaffUser:
    token = get_session(request).get(SESSION_KEY)
    user = session_user(uow, token, now) if isinstance(token, str) else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise Redirect("/login?next=" + quote(target, safe=""))
    # a plain copy for the layout: error pages render after the unit of work has closed
    request.state.staff = StaffView(user.name, user.role)
    return user


StaffDep = Annotated[StaffUser, Depends(_current_staff)]


def require_permission(permission: str) -> Callable[..., StaffUser]:
    """A dependency admitting logged-in staff whose role has ``permission``."""

    def dependency(user: StaffDep) -> StaffUser:
        if not can(user.role, permission):
            raise PageError(
                403,
                "Geen toegang",
                "Je rol geeft geen toegang tot deze pagina of actie. Vraag een beheerder als "
                "je dit wel nodig hebt.",
                slug="forbidden",
            )
        return user

    return dependency


IssuingStaffDep = Annotated[StaffUser, Depends(require_permission("issue"))]
StatusStaffDep = Annotated[StaffUser, Depends(require_permission("status"))]
AdminDep = Annotated[StaffUser, Depends(require_permission("admin"))]
DecidingStaffDep = Annotated[StaffUser, Depends(require_permission("decide"))]


def _organisation(uow: UowDep, user: StaffDep) -> Organisation:
    org = uow.session.get(Organisation, user.organisation_id)
    assert org is not None  # guaranteed by the foreign key
    return org


OrganisationDep = Annotated[Organisation, Depends(_organisation)]
