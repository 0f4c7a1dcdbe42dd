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

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "ADMIN_SESSION",
    "MIN_PASSWORD_LENGTH",
    "LoginThrottle",
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


class LoginThrottle:
    """Failed logins per client key (address), in memory, bounded; thread-safe."""

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 15 * 60,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._clock = clock
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < self._window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def locked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._clock())) >= self._limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._failures[key] = [*self._recent(key, now), now]
            self._failures.move_to_end(key)
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
