"""Share links: a Verifiable Presentation of chosen credentials, signed with the holder key,
published at ``{public_base_url}/s/{token}`` until it expires or is revoked.

The token has 256 bits of randomness and is looked up by its SHA-256, so the link cannot be
guessed; the link itself is stored only encrypted with the wallet's SecretBox, so a database
leak without the key does not reveal it, and its holder can see and copy it again.
The presentation's proof is bound to a random challenge and to the wallet's origin
(``domain``), so a copy published elsewhere does not pass as shared by its holder. Every
opening is logged (time, kind of client, shortened network address), also of an expired or
revoked link.

SD-JWT VC in a share link (the payload shape, for verifiers): the published document stays
one VC 2.0 presentation (``application/json``), signed with the Ed25519 holder key; each
SD-JWT VC travels in it as

    {"@context": ["https://www.w3.org/ns/credentials/v2"],
     "type": "EnvelopedVerifiableCredential",
     "id": "data:application/dc+sd-jwt,<SD-JWT presentation>"}

The SD-JWT presentation holds the issuer-signed JWT and only the Disclosures the person chose
(:data:`ENVELOPE_SD_JWT`). A share link has no verifier nonce, so the KB-JWT (made when the
credential is bound to the account's P-256 key) takes the share's own random ``challenge``
as ``nonce`` and its ``domain`` (the wallet's origin) as ``aud``, the same values as the
presentation's Data Integrity proof: a verifier checks the KB-JWT against those (and does
not apply an interactive freshness window to ``iat``, which is the link's creation time).
A credential not bound to our key goes without KB-JWT (allowed when none is asked for).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from credentials.contexts import VC_V2
from credentials.errors import CredentialsError
from credentials.jose import enveloped_credential
from credentials.keys import Ed25519KeyPair
from credentials.sd_jwt_holder import KeyBindingRequest, present
from credentials.verification import sign_presentation
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox, SecretBoxError

from ..db.tables import Account, Share, ShareAccess, ShareItem, StoredCredential
from .accounts import holder_key, sd_jwt_holder_key
from .errors import InputError, NotFoundError
from .passport import kind_label
from .receive import SD_JWT, load_document, new_public_id
from .sd_jwt_stored import disclosures_by_claim, stored_claims

__all__ = [
    "ENVELOPE_SD_JWT",
    "MAX_SHARE_CREDENTIALS",
    "TOKEN_BYTES",
    "CreatedShare",
    "OpenedShare",
    "ShareGoneError",
    "ShareSummary",
    "build_presentation",
    "create_share",
    "get_share",
    "list_accesses",
    "list_shares",
    "open_share",
    "origin_of",
    "public_credentials",
    "revoke_share",
    "share_credentials",
    "share_link",
]

TOKEN_BYTES = 32
MAX_SHARE_CREDENTIALS = 50
ENVELOPE_SD_JWT = "data:application/dc+sd-jwt,"
"""The ``id`` prefix of an SD-JWT VC presentation inside the shared presentation."""


class ShareGoneError(Exception):
    """The link exists but no longer publishes anything: ``reason`` is expired or revoked."""

    def __init__(self, reason: str, when: datetime | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.when = when


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True, slots=True)
class CreatedShare:
    share: Share
    url: str
    token: str


def _selected(
    uow: UnitOfWork, account: Account, public_ids: Sequence[str]
) -> list[StoredCredential]:
    wanted = list(dict.fromkeys(public_ids))
    if not wanted:
        raise InputError(
            "nothing_chosen", "Kies minstens één bewijs om te delen.", field="credentials"
        )
    if len(wanted) > MAX_SHARE_CREDENTIALS:
        raise InputError(
            "too_many",
            f"Deel hoogstens {MAX_SHARE_CREDENTIALS} bewijzen tegelijk.",
            field="credentials",
        )
    rows = list(
        uow.session.scalars(
            select(StoredCredential).where(
                StoredCredential.account_id == account.id,
                StoredCredential.public_id.in_(wanted),
            )
        )
    )
    if len(rows) != len(wanted):
        raise NotFoundError("Een gekozen bewijs staat niet in je portemonnee.")
    order = {pid: i for i, pid in enumerate(wanted)}
    return sorted(rows, key=lambda r: order[r.public_id])


def _signing_key(
    uow: UnitOfWork, account: Account, rows: Sequence[StoredCredential], box: SecretBox
) -> Ed25519KeyPair:
    """The holder key the chosen credentials are bound to (the primary key when none is)."""
    holders = {r.holder_did for r in rows if r.holder_did and r.format != SD_JWT}
    if len(holders) > 1:
        raise InputError(
            "mixed_holders",
            "Deze bewijzen horen bij verschillende sleutels (na een import). Deel ze apart.",
            field="credentials",
        )
    return holder_key(uow, account.id, box, holders.pop() if holders else None)


def build_presentation(
    rows: Sequence[StoredCredential],
    key: Ed25519KeyPair,
    *,
    challenge: str,
    domain: str,
    now: datetime,
    sd_jwt: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A VC 2.0 presentation of ``rows`` signed by ``key`` for ``challenge`` and ``domain``
    (``vc+jwt`` credentials travel inside an ``EnvelopedVerifiableCredential``; SD-JWT VCs
    too, as the presentation in ``sd_jwt`` by ``public_id``, see the module docstring)."""
    items: list[Any] = []
    for row in rows:
        if row.format == SD_JWT:
            chosen = (sd_jwt or {}).get(row.public_id, row.document)
            items.append(
                {"@context": [VC_V2], "type": "EnvelopedVerifiableCredential",
                 "id": ENVELOPE_SD_JWT + chosen}
            )  # fmt: skip
            continue
        document = load_document(row)
        items.append(enveloped_credential(document) if isinstance(document, str) else document)
    presentation = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": key.did_key,
        "verifiableCredential": items,
    }
    return sign_presentation(
        presentation,
        key,
        key.did_key_verification_method,
        challenge=challenge,
        domain=domain,
        created=now,
    )


def sd_jwt_presentation(
    uow: UnitOfWork,
    account: Account,
    row: StoredCredential,
    claims: Sequence[str] | None,
    *,
    box: SecretBox,
    audience: str,
    nonce: str,
    now: datetime,
) -> str:
    """The SD-JWT presentation of a stored SD-JWT VC: the Disclosures of ``claims`` (all when
    None), and a KB-JWT (``aud``, ``nonce``) when it is bound to one of the account's P-256
    keys. Raises :class:`InputError` for a claim the credential cannot disclose."""
    available = disclosures_by_claim(row.document)
    if claims is not None:
        unknown = sorted(set(claims) - set(available))
        if unknown:
            raise InputError(
                "unknown_claim",
                f"Dit bewijs heeft geen gegevens met de naam {', '.join(unknown)[:200]}.",
                field="disclose",
            )
    binding = None
    if row.holder_did:
        try:
            signer = sd_jwt_holder_key(uow, account.id, box, row.holder_did)
        except LookupError:
            signer = None
        if signer is not None:
            binding = KeyBindingRequest(
                signer=signer, audience=audience, nonce=nonce, iat=int(now.timestamp())
            )
    select = None if claims is None else [(name,) for name in claims]
    try:
        return present(row.document, select=select, key_binding=binding)
    except CredentialsError:
        raise InputError("not_presentable", "Dit bewijs kan niet gedeeld worden.") from None


def create_share(
    uow: UnitOfWork,
    account: Account,
    public_ids: Sequence[str],
    *,
    label: str,
    valid_days: int,
    max_days: int,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
    purpose: str = "link",
    disclose: Mapping[str, Sequence[str]] | None = None,
) -> CreatedShare:
    """Make a share link for the chosen credentials of ``account``. ``disclose`` names, per
    SD-JWT VC (``public_id``), the claims to reveal (the others stay withheld); an SD-JWT VC
    not named there is shared with every claim."""
    if not 1 <= valid_days <= max_days:
        raise InputError(
            "invalid_expiry", f"Kies een geldigheid van 1 tot {max_days} dagen.", field="valid_days"
        )
    label = label.strip()[:200] or "Gedeelde bewijzen"
    rows = _selected(uow, account, public_ids)
    key = _signing_key(uow, account, rows, box)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    challenge = secrets.token_urlsafe(16)
    domain = origin_of(public_base_url)
    chosen = disclose or {}
    sd_jwt: dict[str, str] = {}
    for row in rows:
        if row.format == SD_JWT:
            sd_jwt[row.public_id] = sd_jwt_presentation(
                uow, account, row, chosen.get(row.public_id),
                box=box, audience=domain, nonce=challenge, now=now,
            )  # fmt: skip
    presentation = build_presentation(
        rows, key, challenge=challenge, domain=domain, now=now, sd_jwt=sd_jwt
    )
    share = Share(
        public_id=new_public_id(),
        account_id=account.id,
        token_hash=_sha256(token),
        label=label,
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
        revoked_at=None,
        challenge=challenge,
        domain=domain,
        presentation=json.dumps(presentation, ensure_ascii=False, separators=(",", ":")),
        link_sealed=box.encrypt(f"{public_base_url}/s/{token}".encode()).decode("ascii"),
    )
    uow.session.add(share)
    uow.flush()
    for row in rows:
        uow.session.add(ShareItem(share_id=share.id, credential_id=row.id))
    uow.flush()
    return CreatedShare(share, f"{public_base_url}/s/{token}", token)


def _network(address: str | None) -> str | None:
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@dataclass(frozen=True, slots=True)
class OpenedShare:
    share: Share
    presentation: dict[str, Any]
    credentials: list[StoredCredential]


def open_share(
    uow: UnitOfWork,
    token: str,
    *,
    now: datetime,
    as_json: bool,
    user_agent: str | None,
    client_address: str | None,
) -> OpenedShare:
    """What a share link publishes. Raises :class:`NotFoundError` for an unknown token and
    :class:`ShareGoneError` for an expired or revoked link; every opening of a known link is
    logged (the caller commits, also when the link is gone)."""
    if not token or len(token) > 100:
        raise NotFoundError("Deze link bestaat niet.")
    share = uow.session.scalar(select(Share).where(Share.token_hash == _sha256(token)))
    if share is None:
        raise NotFoundError("Deze link bestaat niet.")
    revoked = share.revoked_at
    expires = share.expires_at
    outcome = "served"
    if revoked is not None:
        outcome = "revoked"
    elif expires is not None and expires <= now:
        outcome = "expired"
    uow.session.add(
        ShareAccess(
            share_id=share.id,
            accessed_at=now,
            outcome=outcome,
            as_json=as_json,
            user_agent=(user_agent or "")[:300] or None,
            network=_network(client_address),
        )
    )
    uow.flush()
    if outcome != "served":
        raise ShareGoneError(outcome, revoked if outcome == "revoked" else expires)
    return OpenedShare(share, json.loads(share.presentation), share_credentials(uow, share))


@dataclass(frozen=True, slots=True)
class PublicCredential:
    """What the plain share page may say about one shared credential: for an SD-JWT VC
    only what was disclosed (title and issuer name fall back to the kind and ``iss``)."""

    title: str
    issuer: str
    issuer_name: str | None
    valid_until: datetime | None


def public_credentials(opened: OpenedShare) -> list[PublicCredential]:
    presented: dict[str, str] = {}
    for item in opened.presentation.get("verifiableCredential") or []:
        ident = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(ident, str) and ident.startswith(ENVELOPE_SD_JWT):
            text = ident.removeprefix(ENVELOPE_SD_JWT)
            presented[text.split("~", 1)[0]] = text
    shown = []
    for row in opened.credentials:
        if row.format != SD_JWT:
            shown.append(PublicCredential(row.title, row.issuer, row.issuer_name, row.valid_until))
            continue
        claims = stored_claims(presented.get(row.document.split("~", 1)[0], ""))
        title = claims.get("achievement_name") or kind_label(row.kind)
        name = claims.get("issuer_name")
        shown.append(
            PublicCredential(str(title), row.issuer, str(name) if name else None, row.valid_until)
        )
    return shown


def share_credentials(uow: UnitOfWork, share: Share) -> list[StoredCredential]:
    return list(
        uow.session.scalars(
            select(StoredCredential)
            .join(ShareItem, ShareItem.credential_id == StoredCredential.id)
            .where(ShareItem.share_id == share.id, StoredCredential.account_id == share.account_id)
            .order_by(StoredCredential.id)
        )
    )


@dataclass(frozen=True, slots=True)
class ShareSummary:
    share: Share
    credentials: list[StoredCredential]
    openings: int
    last_opened: datetime | None

    def status(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.share.revoked_at is not None:
            return "revoked"
        expires = self.share.expires_at
        return "expired" if expires is not None and expires <= now else "active"


def share_link(share: Share, box: SecretBox) -> str | None:
    """The share's link, decrypted for its holder (None when it was not kept or the key that
    sealed it is gone)."""
    if not share.link_sealed:
        return None
    try:
        return box.decrypt(share.link_sealed.encode("ascii")).decode()
    except (SecretBoxError, UnicodeError):
        return None


def _own_share(uow: UnitOfWork, account: Account, public_id: str) -> Share:
    share = uow.session.scalar(
        select(Share).where(Share.account_id == account.id, Share.public_id == public_id)
    )
    if share is None:
        raise NotFoundError("Deze gedeelde link bestaat niet.")
    return share


def list_shares(uow: UnitOfWork, account: Account) -> list[ShareSummary]:
    shares = list(
        uow.session.scalars(
            select(Share)
            .where(Share.account_id == account.id)
            .order_by(Share.created_at.desc(), Share.id.desc())
        )
    )
    if not shares:
        return []
    ids = [s.id for s in shares]
    stats: Mapping[int, tuple[int, datetime | None]] = {
        share_id: (count, last)
        for share_id, count, last in uow.session.execute(
            select(ShareAccess.share_id, func.count(), func.max(ShareAccess.accessed_at))
            .where(ShareAccess.share_id.in_(ids))
            .group_by(ShareAccess.share_id)
        )
    }
    return [ShareSummary(s, share_credentials(uow, s), *stats.get(s.id, (0, None))) for s in shares]


def get_share(uow: UnitOfWork, account: Account, public_id: str) -> ShareSummary:
    share = _own_share(uow, account, public_id)
    accesses = list_accesses(uow, account, public_id)
    last = accesses[0].accessed_at if accesses else None
    return ShareSummary(share, share_credentials(uow, share), len(accesses), last)


def list_accesses(uow: UnitOfWork, account: Account, public_id: str) -> list[ShareAccess]:
    share = _own_share(uow, account, public_id)
    return list(
        uow.session.scalars(
            select(ShareAccess)
            .where(ShareAccess.share_id == share.id)
            .order_by(ShareAccess.accessed_at.desc(), ShareAccess.id.desc())
        )
    )


def revoke_share(uow: UnitOfWork, account: Account, public_id: str, *, now: datetime) -> Share:
    """Stop a share link at once (revoking twice keeps the first moment)."""
    share = _own_share(uow, account, public_id)
    if share.revoked_at is None:
        share.revoked_at = now
    return share
