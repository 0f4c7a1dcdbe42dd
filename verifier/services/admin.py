"""The trust-list administrator: one password, kept only as an Argon2id hash in settings.

The verifier has no accounts (employers need none); the one person who edits the trust list
logs in with the password whose hash is ``VERIFIER_ADMIN_PASSWORD_HASH``. Make the hash with
``python -m verifier hash-password``. A login lasts :data:`ADMIN_SESSION` (in the signed
session cookie, renewed on login, dropped on logout). Wrong passwords are throttled per
client address: five in fifteen minutes lock that address out for fifteen minutes.

    hashed = hash_password("correct horse battery staple")
    verify_password(hashed, "correct horse battery staple")   # True
"""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "ADMIN_SESSION",
    "MIN_PASSWORD_LENGTH",
    "hash_password",
    "verify_password",
]

ADMIN_SESSION = timedelta(hours=2)
MIN_PASSWORD_LENGTH = 12
# OWASP's Argon2id minimum (19 MiB, 2 passes), as the issuer's staff accounts use.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
_DUMMY = _HASHER.hash("equalises the time when no admin password is configured")


def hash_password(password: str) -> str:
    """An Argon2id hash for ``VERIFIER_ADMIN_PASSWORD_HASH``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"use at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """Whether ``password`` matches ``hashed`` (False when no hash is configured)."""
    try:
        _HASHER.verify(hashed or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return False
    return hashed is not None
