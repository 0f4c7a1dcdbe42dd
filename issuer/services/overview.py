"""Read-only views for the staff pages: dashboard counts, credential search, audit log,
keys and API tokens of one organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select

from web_common.db import UnitOfWork

from ..db.offer_tables import CredentialOffer
from ..db.tables import ApiToken, AuditEvent, IssuedCredential, Organisation, SigningKey
from .errors import NotFoundError

__all__ = [
    "STATUSES",
    "CredentialFilter",
    "CredentialView",
    "DashboardCounts",
    "Page",
    "credential_status",
    "dashboard_counts",
    "get_credential",
    "latest_offer",
    "list_audit",
    "list_keys",
    "list_tokens",
    "search_credentials",
    "view_credential",
]

STATUSES = ("active", "suspended", "revoked")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Page(Generic[_T]):
    items: list[_T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    issued_this_week: int
    issued_total: int
    revoked: int
    suspended: int
    open_offers: int


def _count(uow: UnitOfWork, query: Select[Any]) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def dashboard_counts(uow: UnitOfWork, org: Organisation, now: datetime) -> DashboardCounts:
    mine = select(IssuedCredential.id).where(IssuedCredential.organisation_id == org.id)
    return DashboardCounts(
        issued_this_week=_count(uow, mine.where(IssuedCredential.issued_at >= now - timedelta(7))),
        issued_total=_count(uow, mine),
        revoked=_count(uow, mine.where(IssuedCredential.revoked_at.is_not(None))),
        suspended=_count(
            uow, mine.where(IssuedCredential.suspended, IssuedCredential.revoked_at.is_(None))
        ),
        open_offers=_count(
            uow,
            select(CredentialOffer.id).where(
                CredentialOffer.organisation_id == org.id,
                CredentialOffer.revoked_at.is_(None),
                CredentialOffer.redeemed_at.is_(None),
                CredentialOffer.code_used_at.is_(None),
                CredentialOffer.expires_at > now,
            ),
        ),
    )


def credential_status(row: IssuedCredential) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "suspended" if row.suspended else "active"


@dataclass(frozen=True, slots=True)
class CredentialView:
    """What staff see of an issued credential."""

    row: IssuedCredential
    status: str
    student_name: str
    student_number: str
    document: dict[str, Any]

    @property
    def achievement(self) -> dict[str, Any]:
        subject = self.document.get("credentialSubject")
        found = subject.get("achievement") if isinstance(subject, dict) else None
        return found if isinstance(found, dict) else {}


def view_credential(row: IssuedCredential) -> CredentialView:
    document = json.loads(row.document)
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    return CredentialView(
        row=row,
        status=credential_status(row),
        student_name=str(subject.get("name", "")),
        student_number=row.student_number or "",
        document=document,
    )


@dataclass(frozen=True, slots=True)
class CredentialFilter:
    """``text`` matches the student's name or number, the title or the credential id."""

    text: str = ""
    credential_type: str = ""
    status: str = ""
    issued_from: date | None = None
    issued_to: date | None = None


def search_credentials(
    uow: UnitOfWork, org: Organisation, where: CredentialFilter, *, page: int, per_page: int = 25
) -> Page[CredentialView]:
    """Newest first. The text search matches the student number column and looks inside the
    stored document for names (not kept in a column of their own), which is fine for a
    school's numbers."""
    query = select(IssuedCredential).where(IssuedCredential.organisation_id == org.id)
    text = where.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                IssuedCredential.title.ilike(pattern, escape="\\"),
                IssuedCredential.credential_ref.ilike(pattern, escape="\\"),
                IssuedCredential.student_number.ilike(pattern, escape="\\"),
                IssuedCredential.document.ilike(pattern, escape="\\"),
            )
        )
    if where.credential_type:
        query = query.where(IssuedCredential.credential_type == where.credential_type)
    if where.status == "revoked":
        query = query.where(IssuedCredential.revoked_at.is_not(None))
    elif where.status == "suspended":
        query = query.where(IssuedCredential.revoked_at.is_(None), IssuedCredential.suspended)
    elif where.status == "active":
        query = query.where(IssuedCredential.revoked_at.is_(None), ~IssuedCredential.suspended)
    if where.issued_from:
        start = datetime.combine(where.issued_from, time.min, UTC)
        query = query.where(IssuedCredential.issued_at >= start)
    if where.issued_to:
        end = datetime.combine(where.issued_to + timedelta(days=1), time.min, UTC)
        query = query.where(IssuedCredential.issued_at < end)
    total = _count(uow, query)
    page = max(1, page)
    rows = uow.session.scalars(
        query.order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page([view_credential(row) for row in rows], page, per_page, total)


def get_credential(uow: UnitOfWork, org: Organisation, credential_id: int) -> IssuedCredential:
    row = uow.session.get(IssuedCredential, credential_id)
    if row is None or row.organisation_id != org.id:
        raise NotFoundError("Dit bewijs bestaat niet.")
    return row


def latest_offer(uow: UnitOfWork, row: IssuedCredential) -> CredentialOffer | None:
    return uow.session.scalar(
        select(CredentialOffer)
        .where(CredentialOffer.issued_credential_id == row.id)
        .order_by(CredentialOffer.id.desc())
        .limit(1)
    )


def list_audit(
    uow: UnitOfWork, org: Organisation, *, page: int, per_page: int = 50, action: str = ""
) -> Page[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.organisation_id == org.id)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    total = _count(uow, query)
    page = max(1, page)
    rows = uow.session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(list(rows), page, per_page, total)


def list_keys(uow: UnitOfWork, org: Organisation) -> list[SigningKey]:
    return list(
        uow.session.scalars(
            select(SigningKey).where(SigningKey.organisation_id == org.id).order_by(SigningKey.id)
        )
    )


def list_tokens(uow: UnitOfWork, org: Organisation) -> list[ApiToken]:
    return list(
        uow.session.scalars(
            select(ApiToken)
            .where(ApiToken.organisation_id == org.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )
