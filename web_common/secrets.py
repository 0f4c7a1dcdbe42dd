"""Encryption of secrets at rest (private keys, tokens) with Fernet, with key rotation.

    >>> from cryptography.fernet import Fernet
    >>> box = SecretBox.from_setting(Fernet.generate_key().decode())
    >>> box.decrypt(box.encrypt(b"seed")) == b"seed"
    True

Several keys may be configured, newest first: new values are encrypted with the first, and
values under an older key still decrypt, so an operator can rotate the encryption key and
re-encrypt at leisure (:meth:`SecretBox.rotate`).

Short secrets that only need checking, never reading back (a six-digit transaction code),
get a keyed digest instead (:meth:`SecretBox.keyed_digest`): HMAC-SHA-256 under a key derived
from the configured keys, so a database dump alone gives nothing to guess against — unlike a
plain or salted hash of six digits, which falls to a million guesses.

    >>> stored = box.keyed_digest("tx-code", "123456")
    >>> box.check_keyed_digest("tx-code", "123456", stored)
    True
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["KEYED_DIGEST_PREFIX", "SecretBox", "SecretBoxError"]

KEYED_DIGEST_PREFIX = "hmac-sha256$"


class SecretBoxError(Exception):
    """A secret could not be decrypted (wrong key, or the stored value was changed)."""


class SecretBox:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        # One MAC key per configured key, newest first, named by a short fingerprint so a
        # stored digest says which key made it (rotation keeps old digests checkable).
        self._mac_keys = [
            hashlib.sha256(b"mbo-wallet keyed digest\0" + base64.urlsafe_b64decode(k)).digest()
            for k in keys
        ]

    @classmethod
    def from_setting(cls, value: str, *, fallback_secret: str | None = None) -> SecretBox:
        """Keys from a comma-separated setting; in development, derive one from a secret."""
        keys = [k.strip().encode() for k in value.split(",") if k.strip()]
        if not keys and fallback_secret:
            digest = hashlib.sha256(b"mbo-wallet data key\0" + fallback_secret.encode()).digest()
            keys = [base64.urlsafe_b64encode(digest)]
        return cls(keys)

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise SecretBoxError("a stored secret could not be decrypted") from None

    @staticmethod
    def _fingerprint(mac_key: bytes) -> str:
        return hashlib.sha256(b"fingerprint\0" + mac_key).hexdigest()[:8]

    @staticmethod
    def _mac(mac_key: bytes, purpose: str, value: str) -> str:
        message = purpose.encode("utf-8") + b"\0" + value.encode("utf-8")
        return hmac.new(mac_key, message, hashlib.sha256).hexdigest()

    def keyed_digest(self, purpose: str, value: str) -> str:
        """``hmac-sha256$<key fingerprint>$<hex>`` of ``value`` under the newest key;
        ``purpose`` separates uses (a digest for one purpose never checks for another)."""
        key = self._mac_keys[0]
        return f"{KEYED_DIGEST_PREFIX}{self._fingerprint(key)}${self._mac(key, purpose, value)}"

    def check_keyed_digest(self, purpose: str, value: str, stored: str) -> bool:
        """Whether ``stored`` (from :meth:`keyed_digest`, under any configured key) is the
        digest of ``value``; constant time in ``value``. False for anything malformed."""
        if not stored.startswith(KEYED_DIGEST_PREFIX):
            return False
        fingerprint, _, digest = stored.removeprefix(KEYED_DIGEST_PREFIX).partition("$")
        for key in self._mac_keys:
            if self._fingerprint(key) == fingerprint:
                return hmac.compare_digest(self._mac(key, purpose, value), digest)
        return False

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt ``token`` under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise SecretBoxError("a stored secret could not be decrypted") from None
