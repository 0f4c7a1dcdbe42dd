"""Staff accounts: first-run setup, login with lockout, sessions, roles.

Roles: ``admin`` (everything, including keys, staff and API tokens), ``issuer`` (issue,
offer, suspend and revoke credentials, batches) and ``viewer`` (read only). Passwords are
Argon2id hashes; wrong passwords are slowed down per address and per account by the login
route (``web_common.throttle.LoginGuard``), never a hard lock an outsider controls. Sessions are
random 256-bit tokens stored as SHA-256 digests. Neither passwords nor tokens are logged or
audited. Problem messages are Dutch source strings (the pages translate them).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from web_common.db import UnitOfWork
from web_common.emails import is_email_address
from web_common.secrets import SecretBox

from ..db.staff_tables import StaffSession, StaffUser
from ..db.tables import Organisation
from . import audit
from .errors import ConflictError, IssuanceError, IssuerError, NotFoundError
from .organisations import create_organisation

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "LoginError",
    "authenticate",
    "can",
    "create_staff",
    "end_session",
    "list_staff",
    "needs_setup",
    "run_first_setup",
    "session_user",
    "set_staff_active",
    "set_staff_role",
    "start_session",
]

ROLES = ("admin", "issuer", "viewer", "examencommissie")
#: ``decide``: confirm or reject a diploma another staff member entered (the
#: examencommissie's decision), see :mod:`issuer.services.diploma_decisions`.
_PERMISSIONS = {
    "admin": frozenset({"view", "issue", "status", "admin", "decide"}),
    "examencommissie": frozenset({"view", "decide"}),
    "issuer": frozenset({"view", "issue", "status"}),
    "viewer": frozenset({"view"}),
}
MIN_PASSWORD_LENGTH = 10
SESSION_TTL = timedelta(hours=10)
# OWASP's Argon2id minimum (19 MiB, 2 passes): ~20 ms per login.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_DUMMY_HASH = _HASHER.hash("not a password: equalises the time of unknown e-mail addresses")


class LoginError(IssuerError):
    """Login refused: the same for an unknown address, an inactive account and a wrong
    password."""

    def __init__(self) -> None:
        super().__init__("login refused")


def can(role: str, permission: str) -> bool:
    """Whether ``role`` has ``permission`` (view, issue, status, admin, decide)."""
    return permission in _PERMISSIONS.get(role, frozenset())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _normal_email(email: str) -> str:
    return email.strip().lower()


def _check_fields(
    uow: UnitOfWork, *, email: str, name: str, role: str, password: str
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not is_email_address(_normal_email(email)):
        problems.append(("email", "Vul een geldig e-mailadres in."))
    elif uow.session.scalar(select(StaffUser.id).where(StaffUser.email == _normal_email(email))):
        problems.append(("email", "Er is al een account met dit e-mailadres."))
    if not name.strip():
        problems.append(("name", "Vul een naam in."))
    if role not in ROLES:
        problems.append(("role", "Kies een rol."))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(("password", "Het wachtwoord moet minstens 10 tekens hebben."))
    return problems


def create_staff(
    uow: UnitOfWork,
    org: Organisation,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    now: datetime,
    actor: str,
) -> StaffUser:
    """Add a staff member; :class:`IssuanceError` names each bad field."""
    problems = _check_fields(uow, email=email, name=name, role=role, password=password)
    if problems:
        raise IssuanceError(problems)
    user = StaffUser(
        organisation_id=org.id,
        email=_normal_email(email),
        name=name.strip(),
        role=role,
        password_hash=_HASHER.hash(password),
        active=True,
        created_at=now,
        failed_logins=0,
    )
    uow.session.add(user)
    uow.flush()
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="staff.create", target=user.email,
        now=now, role=role,
    )  # fmt: skip
    return user


def needs_setup(uow: UnitOfWork) -> bool:
    """True until the first organisation exists (the setup page is open only then)."""
    return not uow.session.scalar(select(func.count()).select_from(Organisation))


@dataclass(frozen=True, slots=True)
class SetupResult:
    organisation: Organisation
    admin: StaffUser


def run_first_setup(
    uow: UnitOfWork,
    *,
    slug: str,
    name: str,
    kind: str,
    identifier: str | None,
    admin_name: str,
    admin_email: str,
    admin_password: str,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
) -> SetupResult:
    """Create the organisation and its first admin, once. Field problems of both are
    reported together (admin fields prefixed ``admin_``); :class:`ConflictError` when an
    organisation exists already."""
    if not needs_setup(uow):
        raise ConflictError("setup has been done")
    problems = [
        (f"admin_{field}", message)
        for field, message in _check_fields(
            uow, email=admin_email, name=admin_name, role="admin", password=admin_password
        )
    ]
    try:
        org = create_organisation(
            uow, slug=slug.strip(), name=name, kind=kind, identifier=identifier,
            public_base_url=public_base_url, box=box, now=now, actor=admin_email.strip(),
        )  # fmt: skip
    except IssuanceError as exc:
        raise IssuanceError(problems + exc.problems) from None
    if problems:
        raise IssuanceError(problems)
    admin = create_staff(
        uow, org, email=admin_email, name=admin_name, role="admin", password=admin_password,
        now=now, actor="setup",
    )  # fmt: skip
    return SetupResult(org, admin)


def authenticate(uow: UnitOfWork, email: str, password: str, now: datetime) -> StaffUser:
    """The active staff member with this e-mail and password, or :class:`LoginError`.

    Failures of existing accounts are audited (caller commits even on failure); throttling
    is the caller's (per address and account name, the same for unknown names). An unknown
    address costs the same hash time as a known one.
    """
    user = uow.session.scalar(select(StaffUser).where(StaffUser.email == _normal_email(email)))
    if user is None or not user.active:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _HASHER.verify(_DUMMY_HASH, password)
        raise LoginError()
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        audit.record(
            uow, organisation_id=user.organisation_id, actor=user.email,
            action="staff.login_failed", target=user.email, now=now,
        )  # fmt: skip
        raise LoginError() from None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    audit.record(
        uow, organisation_id=user.organisation_id, actor=user.email, action="staff.login",
        target=user.email, now=now,
    )  # fmt: skip
    return user


def start_session(uow: UnitOfWork, user: StaffUser, now: datetime) -> str:
    """A new session token for ``user`` (put it in the signed session cookie)."""
    token = secrets.token_urlsafe(32)
    uow.session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    uow.session.add(
        StaffSession(
            staff_id=user.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    return token


def session_user(uow: UnitOfWork, token: str, now: datetime) -> StaffUser | None:
    """The active staff member of a live session, else None."""
    row = uow.session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    if row is None or row.expires_at <= now:
        return None
    user = uow.session.get(StaffUser, row.staff_id)
    return user if user is not None and user.active else None


def end_session(uow: UnitOfWork, token: str, now: datetime) -> None:
    """Log out: the session row is deleted, so the cookie is worthless from now on."""
    row = uow.session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    if row is None:
        return
    user = uow.session.get(StaffUser, row.staff_id)
    uow.session.delete(row)
    if user is not None:
        audit.record(
            uow, organisation_id=user.organisation_id, actor=user.email, action="staff.logout",
            target=user.email, now=now,
        )  # fmt: skip


def list_staff(uow: UnitOfWork, org: Organisation) -> list[StaffUser]:
    return list(
        uow.session.scalars(
            select(StaffUser)
            .where(StaffUser.organisation_id == org.id)
            .order_by(StaffUser.active.desc(), StaffUser.name)
        )
    )


def _member(uow: UnitOfWork, org: Organisation, staff_id: int) -> StaffUser:
    user = uow.session.get(StaffUser, staff_id)
    if user is None or user.organisation_id != org.id:
        raise NotFoundError("Deze medewerker bestaat niet.")
    return user


def _other_active_admins(uow: UnitOfWork, org: Organisation, user: StaffUser) -> int:
    return int(
        uow.session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(
                StaffUser.organisation_id == org.id,
                StaffUser.role == "admin",
                StaffUser.active,
                StaffUser.id != user.id,
            )
        )
        or 0
    )


def set_staff_role(
    uow: UnitOfWork, org: Organisation, staff_id: int, role: str, *, now: datetime, actor: str
) -> StaffUser:
    """Change a role; the last active admin keeps the admin role."""
    user = _member(uow, org, staff_id)
    if role not in ROLES:
        raise IssuanceError([("role", "Kies een rol.")])
    if user.role == "admin" and role != "admin" and not _other_active_admins(uow, org, user):
        raise IssuanceError([("role", "Er moet minstens één actieve beheerder blijven.")])
    previous, user.role = user.role, role
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="staff.role", target=user.email,
        now=now, previous=previous, role=role,
    )  # fmt: skip
    return user


def set_staff_active(
    uow: UnitOfWork, org: Organisation, staff_id: int, active: bool, *, now: datetime, actor: str
) -> StaffUser:
    """Deactivate (ending every session) or reactivate a staff member; the last active admin
    cannot be deactivated."""
    user = _member(uow, org, staff_id)
    if not active and user.role == "admin" and not _other_active_admins(uow, org, user):
        raise IssuanceError([("active", "Er moet minstens één actieve beheerder blijven.")])
    user.active = active
    if not active:
        uow.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))
    else:
        user.failed_logins = 0
        user.locked_until = None
    audit.record(
        uow, organisation_id=org.id, actor=actor,
        action="staff.activate" if active else "staff.deactivate", target=user.email, now=now,
    )  # fmt: skip
    return user
