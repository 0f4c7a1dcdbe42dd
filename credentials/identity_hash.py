"""Open Badges 3.0 ``IdentityObject``: a recipient identifier, salted and hashed.

OB 3.0 (§B.1.2 AchievementSubject) requires an ``id`` or at least one ``identifier`` on the
subject. Without a holder DID the issuer names the learner by a hashed identifier, never the
plain value: ``identityHash`` is ``sha256$`` + the lower-case hex SHA-256 of the UTF-8 value
followed by the salt (the IdentityHash rule of the OB 3.0 data model).

    >>> obj = hashed_identity("a@example.com", identity_type="emailAddress", salt="Kosher")
    >>> obj["identityHash"]
    'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399'
    >>> identity_matches(obj, "a@example.com"), identity_matches(obj, "b@example.com")
    (True, False)

Pure.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

__all__ = ["hashed_identity", "identity_matches"]


def _hash(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def hashed_identity(value: str, *, identity_type: str, salt: str) -> dict[str, Any]:
    """An ``IdentityObject`` with ``hashed: true`` for ``value`` (e.g. a student number).

    ``salt`` should differ per credential so equal values do not give equal hashes across
    credentials; ``identity_type`` is an OB ``IdentifierTypeEnum`` value or ``ext:…``.
    """
    if not isinstance(value, str) or not value:
        raise ValueError("the identity value must be a non-empty string")
    if not isinstance(salt, str) or not salt:
        raise ValueError("the salt must be a non-empty string")
    return {
        "type": "IdentityObject",
        "identityHash": _hash(value, salt),
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def identity_matches(identity: Mapping[str, Any], value: str) -> bool:
    """True when the ``IdentityObject`` names ``value`` (hashed with its salt, or plain)."""
    stated = identity.get("identityHash")
    if not isinstance(stated, str) or not isinstance(value, str):
        return False
    if identity.get("hashed") is not True:
        return hmac.compare_digest(stated, value)
    algorithm, _, digest = stated.partition("$")
    salt = identity.get("salt")
    salt = salt if isinstance(salt, str) else ""
    if algorithm.lower() != "sha256":
        return False
    return hmac.compare_digest(_hash(value, salt), "sha256$" + digest.lower())
