"""Export and import: everything in an account (credentials, self-declared entries and the
holder keys the credentials are bound to) as one passphrase-encrypted file.

File format (JSON, version 1)::

    {"format": "mbo-wallet-export", "version": 1,
     "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1, "salt": "<base64>"},
     "cipher": "AES-256-GCM", "nonce": "<base64>", "ciphertext": "<base64>"}

The key is derived from the passphrase with scrypt; AES-GCM authenticates the whole content
(and the header, as associated data), so a wrong passphrase and a changed file are refused
alike. The plaintext is JSON with ``credentials``, ``self_declared`` and ``holder_keys`` (an Ed25519
key as ``secret_multibase``; the SD-JWT VC P-256 key as ``{"type": "P-256", "private_jwk"}``).
A ``dc+sd-jwt`` credential's ``document`` is its SD-JWT compact string, with ``"format":
"dc+sd-jwt"`` (``format`` tells it from a ``vc+jwt`` string).
Import verifies every credential again and stores nothing unless everything can be stored.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select

from credentials.errors import KeyFormatError
from credentials.jwk import P256KeyPair, b64url_encode
from credentials.keys import Ed25519KeyPair
from qualifications import Catalog
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Account, HolderKey, SelfDeclared, StoredCredential
from .accounts import (
    P256,
    add_holder_key,
    add_sd_jwt_holder_key,
    sd_jwt_holder_keys,
    sd_jwt_key_id,
)
from .checking import Checker
from .errors import InputError, ReceiveError
from .receive import load_document, receive_document
from .sd_jwt_checks import is_sd_jwt
from .wallet_credentials import SelfDeclaredInput, add_self_declared

__all__ = [
    "EXPORT_FORMAT",
    "MIN_PASSPHRASE_LENGTH",
    "ImportResult",
    "decrypt_export",
    "encrypt_export",
    "export_account",
    "import_account",
]

EXPORT_FORMAT = "mbo-wallet-export"
MIN_PASSPHRASE_LENGTH = 10
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not base64")
    return base64.b64decode(value, validate=True)


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def encrypt_export(payload: dict[str, Any], passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputError(
            "weak_passphrase",
            f"Kies een wachtzin van minstens {MIN_PASSPHRASE_LENGTH} tekens.",
            field="passphrase",
        )
    salt, nonce = os.urandom(16), os.urandom(12)
    header: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": 1,
        "kdf": {"name": "scrypt", **_SCRYPT, "salt": _b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
    }
    key = _key(passphrase, salt, **_SCRYPT)
    plaintext = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(header))
    return json.dumps({**header, "ciphertext": _b64(ciphertext)}, indent=1).encode("utf-8")


def _bad_file() -> InputError:
    return InputError(
        "bad_export",
        "Dit is geen exportbestand van een portemonnee, of het is beschadigd.",
        field="file",
    )


def decrypt_export(data: bytes, passphrase: str) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise _bad_file() from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise _bad_file()
    if document.get("version") != 1:
        raise InputError(
            "unsupported_version", "Dit exportbestand is van een nieuwere versie.", field="file"
        )
    kdf = document.get("kdf")
    try:
        if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
            raise ValueError("kdf")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**14 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
            raise ValueError("kdf parameters")  # refuse files that would cost a fortune
        salt = _unb64(kdf["salt"])
        nonce = _unb64(document.get("nonce"))
        ciphertext = _unb64(document.get("ciphertext"))
    except (KeyError, ValueError, TypeError):
        raise _bad_file() from None
    header = {k: v for k, v in document.items() if k != "ciphertext"}
    try:
        plaintext = AESGCM(_key(passphrase, salt, n, r, p)).decrypt(nonce, ciphertext, _aad(header))
    except (InvalidTag, ValueError):
        raise InputError(
            "wrong_passphrase",
            "De wachtzin klopt niet, of het bestand is veranderd.",
            field="passphrase",
        ) from None
    try:
        payload = json.loads(plaintext)
    except ValueError:
        raise _bad_file() from None
    if not isinstance(payload, dict):
        raise _bad_file()
    return payload


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export_account(
    uow: UnitOfWork, account: Account, *, box: SecretBox, now: datetime
) -> dict[str, Any]:
    """Everything in ``account`` as a plain dict (encrypt it with :func:`encrypt_export`)."""
    credentials = uow.session.scalars(
        select(StoredCredential)
        .where(StoredCredential.account_id == account.id)
        .order_by(StoredCredential.id)
    )
    entries = uow.session.scalars(
        select(SelfDeclared).where(SelfDeclared.account_id == account.id).order_by(SelfDeclared.id)
    )
    keys = uow.session.scalars(
        select(HolderKey).where(HolderKey.account_id == account.id).order_by(HolderKey.id)
    )
    return {
        "exported_at": now.isoformat(),
        "holder_keys": [_export_key(k, box) for k in keys],
        "credentials": [
            {
                "format": c.format,
                "document": load_document(c),
                "source": c.source,
                "received_at": c.received_at.isoformat(),
            }
            for c in credentials
        ],
        "self_declared": [
            {
                "category": e.category,
                "title": e.title,
                "organisation": e.organisation,
                "description": e.description,
                "started_on": _date(e.started_on),
                "ended_on": _date(e.ended_on),
                "dossier_crebo": e.dossier_crebo,
                "dossier_version": e.dossier_version,
                "werkprocessen": e.werkprocessen.split(),
            }
            for e in entries
        ],
    }


def _export_key(key: HolderKey, box: SecretBox) -> dict[str, Any]:
    """An Ed25519 key as ``secret_multibase``; a P-256 (SD-JWT VC) key as ``private_jwk``."""
    secret = box.decrypt(key.encrypted_seed)
    if key.key_type == P256:
        jwk = P256KeyPair.from_jwk({"kty": "EC", "crv": "P-256", "d": b64url_encode(secret)})
        return {
            "type": P256,
            "did": key.did,
            "private_jwk": jwk.private_jwk,
            "primary": key.is_primary,
        }
    return {
        "did": key.did,
        "secret_multibase": Ed25519KeyPair.from_seed(secret).secret_multibase,
        "primary": key.is_primary,
    }


def _import_key(
    uow: UnitOfWork, account: Account, item: Any, box: SecretBox, now: datetime
) -> None:
    if item.get("type") == P256:
        p256 = P256KeyPair.from_jwk(item["private_jwk"])
        if sd_jwt_key_id(p256) != item.get("did"):
            raise _bad_file()
        primary = not sd_jwt_holder_keys(uow, account.id)
        add_sd_jwt_holder_key(uow, account, p256, box=box, now=now, primary=primary)
        return
    key = Ed25519KeyPair.from_multibase(str(item["secret_multibase"]))
    if key.did_key != item.get("did"):
        raise _bad_file()
    add_holder_key(uow, account, key, box=box, now=now)


class ImportResult:
    def __init__(self) -> None:
        self.credentials = 0
        self.duplicates = 0
        self.self_declared = 0
        self.keys = 0


def _parse_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def import_account(
    uow: UnitOfWork,
    account: Account,
    payload: dict[str, Any],
    *,
    checker: Checker,
    box: SecretBox,
    catalog: Catalog,
    now: datetime,
    max_credentials: int,
    max_credential_bytes: int,
) -> ImportResult:
    """Add an export's content to ``account``. Credentials already present are skipped; a
    credential that fails verification stops the import (the caller's transaction is not
    committed, so nothing is stored)."""
    result = ImportResult()
    try:
        for item in payload.get("holder_keys") or []:
            _import_key(uow, account, item, box, now)
            result.keys += 1
        for index, item in enumerate(payload.get("credentials") or []):
            document = item["document"]
            fmt = "ldp_vc"
            if isinstance(document, str):
                fmt = "dc+sd-jwt" if is_sd_jwt(document) else "jwt_vc"
            size = len(json.dumps(document).encode("utf-8"))
            if size > max_credential_bytes:
                raise InputError("too_large", f"Bewijs {index + 1} in het bestand is te groot.")
            received = item.get("received_at")
            try:
                receive_document(
                    uow,
                    account,
                    document,
                    fmt,
                    source="import",
                    checker=checker,
                    now=now,
                    max_credentials=max_credentials,
                    received_at=datetime.fromisoformat(received) if received else None,
                )
            except ReceiveError as exc:
                if exc.code == "duplicate":
                    result.duplicates += 1
                    continue
                raise ReceiveError(exc.code, f"Bewijs {index + 1}: {exc.detail}") from None
            result.credentials += 1
        for item in payload.get("self_declared") or []:
            add_self_declared(
                uow,
                account,
                SelfDeclaredInput(
                    category=str(item["category"]),
                    title=str(item["title"]),
                    organisation=item.get("organisation"),
                    description=item.get("description"),
                    started_on=_parse_date(item.get("started_on")),
                    ended_on=_parse_date(item.get("ended_on")),
                    dossier_crebo=item.get("dossier_crebo"),
                    dossier_version=item.get("dossier_version"),
                    werkprocessen=tuple(item.get("werkprocessen") or ()),
                ),
                catalog=catalog,
                now=now,
            )
            result.self_declared += 1
    except (KeyError, TypeError, ValueError, AttributeError, KeyFormatError):
        raise _bad_file() from None
    # Bind credentials to imported keys: ``receive_document`` sets holder_did from the
    # account's keys, which were added first.
    return result
