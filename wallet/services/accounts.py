"""Accounts: registration, login, server-side sessions, the holder key, and deleting an
account with everything in it (AVG/GDPR).

Passwords are Argon2id hashes; wrong passwords are slowed down per address and per account
name by the login routes (``web_common.throttle.LoginGuard``, kept on the app), the same for
names without an account, never a hard lock an outsider controls.
Sessions are random 256-bit tokens stored as SHA-256 digests. The holder key is an Ed25519
``did:key`` made at registration; its seed is stored encrypted with the service's
:class:`SecretBox`. Neither passwords, tokens nor keys are ever logged.

SD-JWT VC holder binding (``cnf.jwk``, HAIP: ES256) uses a second key per account, a P-256
key (``HolderKey.key_type == "P-256"``), made the first time the account needs it
(:func:`sd_jwt_holder_key`) and stored encrypted the same way; its ``HolderKey.did`` is its
RFC 9278 JWK thumbprint URI (:func:`sd_jwt_key_id`).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from credentials.jwk import P256KeyPair, b64url_decode, b64url_encode, jwk_thumbprint_uri
from credentials.keys import Ed25519KeyPair
from web_common.db import UnitOfWork
from web_common.emails import is_email_address
from web_common.secrets import SecretBox

from ..db.tables import (
    Account,
    HolderKey,
    LoginSession,
    SelfDeclared,
    Share,
    ShareAccess,
    ShareItem,
    StoredCredential,
)
from .errors import ConflictError, InputError, LoginError

__all__ = [
    "ED25519",
    "MIN_PASSWORD_LENGTH",
    "P256",
    "add_holder_key",
    "add_sd_jwt_holder_key",
    "authenticate",
    "delete_account",
    "end_session",
    "holder_key",
    "holder_keys",
    "p256_secret",
    "register",
    "sd_jwt_holder_key",
    "sd_jwt_holder_keys",
    "sd_jwt_key_id",
    "session_account",
    "set_goal",
    "start_session",
]

MIN_PASSWORD_LENGTH = 10
# OWASP's Argon2id minimum (19 MiB, 2 passes): ~20 ms per login.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_DUMMY_HASH = _HASHER.hash("not a password: equalises the time of unknown e-mail addresses")
ED25519 = "Ed25519"
"""``HolderKey.key_type`` of the did:key (Data Integrity) holder key."""
P256 = "P-256"
"""``HolderKey.key_type`` of the SD-JWT VC (ES256) holder key."""


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def register(
    uow: UnitOfWork, *, email: str, name: str, password: str, box: SecretBox, now: datetime
) -> Account:
    """A new account with a fresh holder key. Raises :class:`InputError` (field problems) or
    :class:`ConflictError` when the e-mail address already has an account."""
    email = email.strip().lower()
    name = name.strip()
    if not is_email_address(email):
        raise InputError("invalid_email", "Vul een geldig e-mailadres in.", field="email")
    if not name or len(name) > 200:
        raise InputError("invalid_name", "Vul je naam in (hoogstens 200 tekens).", field="name")
    if len(password) < MIN_PASSWORD_LENGTH or len(password) > 1024:
        raise InputError(
            "weak_password",
            f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.",
            field="password",
        )
    if uow.session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise ConflictError("email_taken", "Er is al een account met dit e-mailadres.")
    account = Account(
        email=email,
        name=name,
        password_hash=_HASHER.hash(password),
        created_at=now,
        failed_logins=0,
    )
    uow.session.add(account)
    uow.flush()
    add_holder_key(uow, account, Ed25519KeyPair.generate(), box=box, now=now, primary=True)
    return account


def add_holder_key(
    uow: UnitOfWork,
    account: Account,
    key: Ed25519KeyPair,
    *,
    box: SecretBox,
    now: datetime,
    primary: bool = False,
) -> HolderKey:
    """Store ``key`` for ``account`` (encrypted); an existing key with the same DID is kept."""
    return _add_key(uow, account, key.did_key, key.seed, ED25519, box, now, primary)


def _add_key(
    uow: UnitOfWork,
    account: Account,
    did: str,
    secret: bytes,
    key_type: str,
    box: SecretBox,
    now: datetime,
    primary: bool,
) -> HolderKey:
    existing = uow.session.scalar(
        select(HolderKey).where(HolderKey.account_id == account.id, HolderKey.did == did)
    )
    if existing is not None:
        return existing
    row = HolderKey(
        account_id=account.id,
        did=did,
        key_type=key_type,
        encrypted_seed=box.encrypt(secret),
        is_primary=primary,
        created_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return row


def holder_keys(uow: UnitOfWork, account_id: int) -> list[HolderKey]:
    """The account's Ed25519 (did:key) holder keys, the primary first."""
    return _keys(uow, account_id, ED25519)


def sd_jwt_holder_keys(uow: UnitOfWork, account_id: int) -> list[HolderKey]:
    """The account's P-256 (SD-JWT VC) holder keys, the primary first."""
    return _keys(uow, account_id, P256)


def _keys(uow: UnitOfWork, account_id: int, key_type: str) -> list[HolderKey]:
    return list(
        uow.session.scalars(
            select(HolderKey)
            .where(HolderKey.account_id == account_id, HolderKey.key_type == key_type)
            .order_by(HolderKey.is_primary.desc(), HolderKey.id)
        )
    )


def holder_key(
    uow: UnitOfWork, account_id: int, box: SecretBox, did: str | None = None
) -> Ed25519KeyPair:
    """The account's primary Ed25519 holder key, or the one with ``did``."""
    query = select(HolderKey).where(
        HolderKey.account_id == account_id, HolderKey.key_type == ED25519
    )
    query = query.where(HolderKey.did == did) if did else query.where(HolderKey.is_primary)
    row = uow.session.scalar(query)
    if row is None:
        raise LookupError("the account has no such holder key")
    return Ed25519KeyPair.from_seed(box.decrypt(row.encrypted_seed))


def sd_jwt_key_id(key: P256KeyPair) -> str:
    """How a P-256 holder key is named in ``HolderKey.did`` and ``StoredCredential.holder_did``:
    the RFC 9278 JWK thumbprint URI of its public JWK."""
    return jwk_thumbprint_uri(key.public_jwk)


def _p256_from_secret(secret: bytes) -> P256KeyPair:
    return P256KeyPair.from_jwk({"kty": "EC", "crv": "P-256", "d": b64url_encode(secret)})


def p256_secret(key: P256KeyPair) -> bytes:
    """The 32-byte private scalar of ``key`` (what is stored, encrypted, and exported)."""
    return b64url_decode(key.private_jwk["d"], "JWK d")


def add_sd_jwt_holder_key(
    uow: UnitOfWork,
    account: Account,
    key: P256KeyPair,
    *,
    box: SecretBox,
    now: datetime,
    primary: bool = False,
) -> HolderKey:
    """Store the P-256 ``key`` for ``account`` (encrypted); an existing one is kept."""
    return _add_key(uow, account, sd_jwt_key_id(key), p256_secret(key), P256, box, now, primary)


def sd_jwt_holder_key(
    uow: UnitOfWork,
    account_id: int,
    box: SecretBox,
    key_id: str | None = None,
    *,
    now: datetime | None = None,
) -> P256KeyPair:
    """The account's P-256 holder key for SD-JWT VC (ES256): the primary one, made and stored
    the first time it is asked for, or (``key_id``, a thumbprint URI) that one, else
    :class:`LookupError`."""
    query = select(HolderKey).where(HolderKey.account_id == account_id, HolderKey.key_type == P256)
    query = query.where(HolderKey.did == key_id) if key_id else query.where(HolderKey.is_primary)
    row = uow.session.scalar(query.order_by(HolderKey.id).limit(1))
    if row is not None:
        return _p256_from_secret(box.decrypt(row.encrypted_seed))
    account = uow.session.get(Account, account_id)
    if key_id is not None or account is None:
        raise LookupError("the account has no such holder key")
    key = P256KeyPair.generate()
    add_sd_jwt_holder_key(uow, account, key, box=box, now=now or datetime.now(UTC), primary=True)
    return key


def authenticate(uow: UnitOfWork, *, email: str, password: str, now: datetime) -> Account:
    """The account for these credentials, or :class:`LoginError` (the same for an unknown
    address and a wrong password, and the same hash time)."""
    account = uow.session.scalar(select(Account).where(Account.email == email.strip().lower()))
    if account is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _HASHER.verify(_DUMMY_HASH, password)
        raise LoginError()
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise LoginError() from None
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    return account


def start_session(uow: UnitOfWork, account: Account, *, now: datetime, ttl: timedelta) -> str:
    """A new login session; the returned token goes into the signed session cookie only."""
    token = secrets.token_urlsafe(32)
    uow.session.execute(
        delete(LoginSession).where(
            LoginSession.account_id == account.id, LoginSession.expires_at < now
        )
    )
    uow.session.add(
        LoginSession(
            account_id=account.id, token_hash=_sha256(token), created_at=now, expires_at=now + ttl
        )
    )
    return token


def session_account(uow: UnitOfWork, token: str | None, *, now: datetime) -> Account | None:
    """The account of a live session token, or None."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = uow.session.scalar(select(LoginSession).where(LoginSession.token_hash == _sha256(token)))
    if row is None:
        return None
    if row.expires_at <= now:
        return None
    return uow.session.get(Account, row.account_id)


def end_session(uow: UnitOfWork, token: str | None) -> None:
    if token and isinstance(token, str):
        uow.session.execute(delete(LoginSession).where(LoginSession.token_hash == _sha256(token)))


def set_goal(uow: UnitOfWork, account: Account, qualification_id: str | None) -> None:
    account.goal_qualification = qualification_id or None


def delete_account(uow: UnitOfWork, account: Account, *, password: str) -> None:
    """Delete the account and everything in it, after the password is confirmed. Rows are
    deleted explicitly (children first), so nothing is left on databases without cascades."""
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise InputError("wrong_password", "Het wachtwoord klopt niet.", field="password") from None
    account_id = account.id
    share_ids = select(Share.id).where(Share.account_id == account_id)
    session = uow.session
    session.execute(delete(ShareAccess).where(ShareAccess.share_id.in_(share_ids)))
    session.execute(delete(ShareItem).where(ShareItem.share_id.in_(share_ids)))
    session.execute(delete(Share).where(Share.account_id == account_id))
    session.execute(delete(StoredCredential).where(StoredCredential.account_id == account_id))
    session.execute(delete(SelfDeclared).where(SelfDeclared.account_id == account_id))
    session.execute(delete(HolderKey).where(HolderKey.account_id == account_id))
    session.execute(delete(LoginSession).where(LoginSession.account_id == account_id))
    session.execute(delete(Account).where(Account.id == account_id))
