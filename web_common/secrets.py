"""Encryption of secrets at rest (private keys, tokens) with Fernet, with key rotation.

    >>> from cryptography.fernet import Fernet
    >>> box = SecretBox.from_setting(Fernet.generate_key().decode())
    >>> box.decrypt(box.encrypt(b"seed")) == b"seed"
    True

Several keys may be configured, newest first: new values are encrypted with the first, and
values under an older key still decrypt, so an operator can rotate the encryption key and
re-encrypt at leisure (:meth:`SecretBox.rotate`).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["SecretBox", "SecretBoxError"]


class SecretBoxError(Exception):
    """A secret could not be decrypted (wrong key, or the stored value was changed)."""


class SecretBox:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k) for k in keys])

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

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt ``token`` under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise SecretBoxError("a stored secret could not be decrypted") from None
