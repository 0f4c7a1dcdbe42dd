"""Organisations, their DID and their signing keys (encrypted at rest).

An organisation's DID is ``did:web`` (the default: its document is served by this issuer,
keys can rotate) or ``did:key`` (``did_method="key"``: for development, testing and
conformance suites; the DID is the first key itself, so it resolves without the network and
can never rotate — make a new organisation instead).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from credentials.did_web import build_did_web_document, url_to_did_web
from credentials.keys import Ed25519KeyPair
from qualifications.messages import Message
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Organisation, SigningKey
from . import audit
from .errors import ConflictError, IssuanceError, NotFoundError
from .x509_keys import credential_jwks

__all__ = [
    "DID_METHODS",
    "ORGANISATION_KINDS",
    "OrganisationProblem",
    "active_signing_key",
    "create_organisation",
    "did_document",
    "get_organisation",
    "organisation_did",
    "rotate_key",
    "uses_did_key",
]

ORGANISATION_KINDS = ("school", "leerbedrijf", "evc_provider", "branche", "other")
DID_METHODS = ("web", "key")
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


class OrganisationProblem(StrEnum):
    """What setting up an organisation refuses (pages word it by code, ``probleem:<code>``)."""

    SLUG_INVALID = "organisation_slug_invalid"
    NAME_MISSING = "organisation_name_missing"


def organisation_did(public_base_url: str, slug: str) -> str:
    """``did:web`` of an organisation, served at ``{public_base_url}/{slug}/did.json``."""
    return url_to_did_web(f"{public_base_url.rstrip('/')}/{slug}")


def create_organisation(
    uow: UnitOfWork,
    *,
    slug: str,
    name: str,
    kind: str,
    identifier: str | None,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
    actor: str,
    did_method: str = "web",
) -> Organisation:
    """Create an organisation with its first signing key (``did_method`` ``web`` or ``key``)."""
    problems = []
    if did_method not in DID_METHODS:
        problems.append(("did_method", f"one of {', '.join(DID_METHODS)}"))
    if not _SLUG.fullmatch(slug):
        problems.append(
            (
                "slug",
                Message(
                    OrganisationProblem.SLUG_INVALID,
                    "use lower-case letters, digits and hyphens (max 64)",
                ),
            )
        )
    if not name.strip():
        problems.append(("name", Message(OrganisationProblem.NAME_MISSING, "a name is required")))
    if kind not in ORGANISATION_KINDS:
        problems.append(("kind", f"one of {', '.join(ORGANISATION_KINDS)}"))
    if problems:
        raise IssuanceError(problems)
    if uow.session.scalar(select(Organisation).where(Organisation.slug == slug)):
        raise ConflictError(f"an organisation {slug!r} exists already")
    key = Ed25519KeyPair.generate()
    org = Organisation(
        slug=slug,
        name=name.strip(),
        kind=kind,
        identifier=(identifier or "").strip() or None,
        did=key.did_key if did_method == "key" else organisation_did(public_base_url, slug),
        created_at=now,
    )
    uow.session.add(org)
    uow.flush()
    _add_key(uow, org, box, now, number=1, key=key)
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="organisation.create", target=org.did,
        now=now, name=org.name, kind=kind,
    )  # fmt: skip
    return org


def get_organisation(uow: UnitOfWork, slug: str) -> Organisation:
    org = uow.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFoundError(f"no organisation {slug!r}")
    return org


def uses_did_key(org: Organisation) -> bool:
    """True when the organisation's DID is a ``did:key`` (no DID document, no rotation)."""
    return org.did.startswith("did:key:")


def _add_key(
    uow: UnitOfWork,
    org: Organisation,
    box: SecretBox,
    now: datetime,
    *,
    number: int,
    key: Ed25519KeyPair | None = None,
) -> SigningKey:
    key = key or Ed25519KeyPair.generate()
    row = SigningKey(
        organisation_id=org.id,
        key_ref=f"key-{number}",
        public_multibase=key.public_multibase,
        encrypted_seed=box.encrypt(key.seed),
        active=True,
        created_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return row


def _keys(uow: UnitOfWork, org: Organisation) -> list[SigningKey]:
    return list(
        uow.session.scalars(
            select(SigningKey).where(SigningKey.organisation_id == org.id).order_by(SigningKey.id)
        )
    )


def rotate_key(
    uow: UnitOfWork, org: Organisation, box: SecretBox, now: datetime, actor: str
) -> SigningKey:
    """Retire the active key and make a new one. Retired keys stay in the DID document, so
    credentials signed with them keep verifying; only new credentials use the new key.
    A ``did:key`` organisation cannot rotate: its DID is its key."""
    if uses_did_key(org):
        raise IssuanceError(
            [("key", "the DID of this organisation is its key (did:key): it cannot rotate")]
        )
    keys = _keys(uow, org)
    for row in keys:
        if row.active:
            row.active = False
            row.retired_at = now
    new = _add_key(uow, org, box, now, number=len(keys) + 1)
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="key.rotate",
        target=f"{org.did}#{new.key_ref}", now=now,
    )  # fmt: skip
    return new


def active_signing_key(
    uow: UnitOfWork, org: Organisation, box: SecretBox
) -> tuple[Ed25519KeyPair, str]:
    """The key new credentials are signed with, and its verification method id."""
    row = uow.session.scalar(
        select(SigningKey).where(SigningKey.organisation_id == org.id, SigningKey.active)
    )
    if row is None:
        raise NotFoundError(f"organisation {org.slug!r} has no active signing key")
    key = Ed25519KeyPair.from_seed(box.decrypt(row.encrypted_seed))
    if uses_did_key(org):
        return key, key.did_key_verification_method
    return key, f"{org.did}#{row.key_ref}"


def did_document(uow: UnitOfWork, org: Organisation) -> dict[str, Any]:
    """The did:web document: every key ever used, all valid for assertions: the Ed25519
    Multikeys of Data Integrity proofs and the P-256 credential keys (``JsonWebKey``) of
    SD-JWT VCs signed with a did:web ``kid``. A did:key organisation has none to serve (its
    DID resolves from the identifier)."""
    if uses_did_key(org):
        raise NotFoundError(f"organisation {org.slug!r} uses did:key; there is no did.json")
    keys = [(row.key_ref, row.public_multibase) for row in _keys(uow, org)]
    return build_did_web_document(org.did, keys, jwk_keys=credential_jwks(uow, org))
