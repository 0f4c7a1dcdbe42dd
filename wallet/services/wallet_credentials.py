"""The credentials and self-declared entries of one account: list, get, delete, add.

Every query filters on the account, and ids in URLs are random ``public_id`` values; an id
of another account is simply "not found".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select

from qualifications import Catalog
from qualifications.model import is_werkproces_code
from web_common.db import UnitOfWork

from ..db.tables import Account, SelfDeclared, Share, ShareItem, StoredCredential
from .errors import InputError, NotFoundError
from .receive import new_public_id

__all__ = [
    "SELF_DECLARED_CATEGORIES",
    "SelfDeclaredInput",
    "add_self_declared",
    "delete_credential",
    "delete_self_declared",
    "get_credential",
    "list_credentials",
    "list_self_declared",
    "twin_of",
]

SELF_DECLARED_CATEGORIES = ("course", "work", "training", "other")


def list_credentials(uow: UnitOfWork, account: Account) -> list[StoredCredential]:
    return list(
        uow.session.scalars(
            select(StoredCredential)
            .where(StoredCredential.account_id == account.id)
            .order_by(StoredCredential.received_at.desc(), StoredCredential.id.desc())
        )
    )


def get_credential(uow: UnitOfWork, account: Account, public_id: str) -> StoredCredential:
    row = uow.session.scalar(
        select(StoredCredential).where(
            StoredCredential.account_id == account.id, StoredCredential.public_id == public_id
        )
    )
    if row is None:
        raise NotFoundError("Dit bewijs staat niet in je portemonnee.")
    return row


def twin_of(uow: UnitOfWork, account: Account, row: StoredCredential) -> StoredCredential | None:
    """The other copy of the same result in another format (an ``ldp_vc`` beside a
    ``dc+sd-jwt`` with the same ``result_key``), if the account holds one."""
    if row.result_key is None:
        return None
    return uow.session.scalar(
        select(StoredCredential)
        .where(
            StoredCredential.account_id == account.id,
            StoredCredential.result_key == row.result_key,
            StoredCredential.format != row.format,
        )
        .order_by(StoredCredential.id)
        .limit(1)
    )


def delete_credential(uow: UnitOfWork, account: Account, public_id: str, *, now: datetime) -> None:
    """Remove a credential; share links that hold it are revoked (they would otherwise keep
    publishing it)."""
    row = get_credential(uow, account, public_id)
    share_ids = select(ShareItem.share_id).where(ShareItem.credential_id == row.id)
    for share in uow.session.scalars(
        select(Share).where(
            Share.id.in_(share_ids), Share.account_id == account.id, Share.revoked_at.is_(None)
        )
    ):
        share.revoked_at = now
    uow.session.execute(delete(ShareItem).where(ShareItem.credential_id == row.id))
    uow.session.delete(row)


@dataclass(frozen=True, slots=True)
class SelfDeclaredInput:
    category: str
    title: str
    organisation: str | None = None
    description: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    dossier_crebo: str | None = None
    dossier_version: str | None = None
    werkprocessen: tuple[str, ...] = ()


def add_self_declared(
    uow: UnitOfWork,
    account: Account,
    entry: SelfDeclaredInput,
    *,
    catalog: Catalog,
    now: datetime,
) -> SelfDeclared:
    """Store a self-declared entry. Werkprocessen must exist in the named dossier."""
    if entry.category not in SELF_DECLARED_CATEGORIES:
        raise InputError(
            "invalid_category", "Kies wat voor soort ervaring dit is.", field="category"
        )
    title = entry.title.strip()
    if not title or len(title) > 300:
        raise InputError("invalid_title", "Vul een titel in (hoogstens 300 tekens).", field="title")
    if entry.description is not None and len(entry.description) > 5000:
        raise InputError("invalid_description", "De omschrijving is te lang.", field="description")
    if entry.started_on and entry.ended_on and entry.ended_on < entry.started_on:
        raise InputError("invalid_dates", "De einddatum ligt voor de begindatum.", field="ended_on")
    codes = tuple(dict.fromkeys(c.strip().upper() for c in entry.werkprocessen if c.strip()))
    crebo = (entry.dossier_crebo or "").strip() or None
    version = (entry.dossier_version or "").strip() or None
    if codes:
        if crebo is None:
            raise InputError(
                "dossier_needed",
                "Kies het kwalificatiedossier van de werkprocessen.",
                field="dossier_crebo",
            )
        dossiers = catalog.versions(crebo)
        dossier = (
            next((d for d in dossiers if d.version == version), None)
            if version
            else (dossiers[-1] if dossiers else None)
        )
        if dossier is None:
            raise InputError(
                "unknown_dossier",
                f"Kwalificatiedossier {crebo} is onbekend.",
                field="dossier_crebo",
            )
        version = dossier.version
        known = {
            w.code for q in dossier.kwalificaties for k in q.kerntaken for w in k.werkprocessen
        }
        unknown = [c for c in codes if not is_werkproces_code(c) or c not in known]
        if unknown:
            raise InputError(
                "unknown_werkproces",
                f"Onbekende werkprocessen in dossier {crebo}: {', '.join(unknown[:5])}.",
                field="werkprocessen",
            )
    row = SelfDeclared(
        public_id=new_public_id(),
        account_id=account.id,
        category=entry.category,
        title=title,
        organisation=(entry.organisation or "").strip()[:300] or None,
        description=(entry.description or "").strip() or None,
        started_on=entry.started_on,
        ended_on=entry.ended_on,
        dossier_crebo=crebo if codes else None,
        dossier_version=version if codes else None,
        werkprocessen=" ".join(codes),
        created_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return row


def list_self_declared(uow: UnitOfWork, account: Account) -> list[SelfDeclared]:
    return list(
        uow.session.scalars(
            select(SelfDeclared)
            .where(SelfDeclared.account_id == account.id)
            .order_by(SelfDeclared.created_at.desc(), SelfDeclared.id.desc())
        )
    )


def delete_self_declared(uow: UnitOfWork, account: Account, public_id: str) -> None:
    row = uow.session.scalar(
        select(SelfDeclared).where(
            SelfDeclared.account_id == account.id, SelfDeclared.public_id == public_id
        )
    )
    if row is None:
        raise NotFoundError("Deze eigen ervaring bestaat niet.")
    uow.session.delete(row)


def evidence_json(row: StoredCredential) -> list[dict[str, object]]:
    value = json.loads(row.evidence or "[]")
    return value if isinstance(value, list) else []
