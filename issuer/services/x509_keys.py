"""X.509 issuer keys of organisations: ES256 keys with certificate chains for SD-JWT VC
(``credential``) and Token Status List (``status_list``) signing.

A school gets its chain from a CA the NL Wallet and EU wallets trust and imports it
(``import_chain``); for development, ``create_dev_chain`` makes a root → leaf chain with
credentials/x509_dev_ca.py. The private key is kept as an encrypted private JWK; the chain
as PEM, leaf first, without the root (the trust anchor is never sent in ``x5c``).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from credentials.jwk import P256KeyPair, public_jwk_of
from credentials.x509_dev_ca import DevCertificate, create_leaf, create_root_ca
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Organisation
from ..db.x509_tables import X509IssuerKey
from . import audit
from .errors import IssuanceError, NotFoundError

__all__ = [
    "CREDENTIAL",
    "ISSUER_AUTH_MEMBERS",
    "PURPOSES",
    "STATUS_LIST",
    "X509Signer",
    "active_x509_signer",
    "create_dev_chain",
    "credential_jwks",
    "has_x509_signer",
    "import_chain",
    "install_chain",
    "key_fragment",
]

CREDENTIAL = "credential"
STATUS_LIST = "status_list"
PURPOSES = (CREDENTIAL, STATUS_LIST)


@dataclass(frozen=True, slots=True)
class X509Signer:
    """An ES256 key and the ``x5c`` header value for tokens it signs; ``fragment`` names
    the key in the organisation's did:web document (``{did}#{fragment}``)."""

    key: P256KeyPair
    x5c: list[str]
    leaf: x509.Certificate
    fragment: str = ""


def key_fragment(row: X509IssuerKey) -> str:
    """The did:web verification method fragment of an X.509 issuer key."""
    return f"p256-{row.id}"


def credential_jwks(uow: UnitOfWork, org: Organisation) -> list[tuple[str, dict[str, str]]]:
    """``(fragment, public JWK)`` of every credential key the organisation has had (retired
    ones too, so SD-JWT VCs they signed keep verifying over did:web), oldest first. The
    public key is read from the certificate; nothing is decrypted."""
    keys = []
    for row in _rows(uow, org, CREDENTIAL):
        leaf = x509.load_pem_x509_certificates(row.certificate_chain.encode("ascii"))[0]
        public = leaf.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            keys.append((key_fragment(row), public_jwk_of(public)))
    return keys


def _spki(certificate_or_key: x509.Certificate | P256KeyPair) -> bytes:
    public = (
        certificate_or_key.public_key()
        if isinstance(certificate_or_key, x509.Certificate)
        else certificate_or_key.public_key
    )
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_chain(key: P256KeyPair, chain: list[x509.Certificate]) -> list[tuple[str, str]]:
    if not chain:
        return [("chain", "the certificate file holds no certificate")]
    if len(chain) > 5:
        return [("chain", "at most 5 certificates (leaf and intermediates)")]
    leaf = chain[0]
    problems = []
    if _spki(leaf) != _spki(key):
        problems.append(("key", "the private key does not belong to the first certificate"))
    try:
        constraints = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        if constraints.ca:
            problems.append(("chain", "the first certificate is a CA, not a signing certificate"))
    except x509.ExtensionNotFound:
        pass
    for child, parent in pairwise(chain):
        if child.issuer != parent.subject:
            problems.append(("chain", "the certificates are not in order (leaf first)"))
            break
    if chain[-1].issuer == chain[-1].subject and len(chain) > 1:
        problems.append(("chain", "leave the root certificate out (it is the trust anchor)"))
    return problems


def install_chain(
    uow: UnitOfWork,
    org: Organisation,
    box: SecretBox,
    *,
    purpose: str,
    key: P256KeyPair,
    chain: list[x509.Certificate],
    source: str,
    now: datetime,
    actor: str,
) -> X509IssuerKey:
    """Make ``key`` with ``chain`` (leaf first, no root) the active key for ``purpose``;
    the previous one is retired."""
    problems = [] if purpose in PURPOSES else [("purpose", f"one of {', '.join(PURPOSES)}")]
    problems += _check_chain(key, chain)
    if problems:
        raise IssuanceError(problems)
    for row in _rows(uow, org, purpose):
        if row.active:
            row.active = False
            row.retired_at = now
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    row = X509IssuerKey(
        organisation_id=org.id,
        purpose=purpose,
        source=source,
        certificate_chain=pem.decode("ascii"),
        encrypted_private_key=box.encrypt(json.dumps(key.private_jwk).encode("utf-8")),
        not_after=chain[0].not_valid_after_utc,
        active=True,
        created_at=now,
    )
    uow.session.add(row)
    uow.flush()
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="x509.install", target=org.did,
        now=now, purpose=purpose, source=source, subject=chain[0].subject.rfc4514_string(),
    )  # fmt: skip
    return row


def import_chain(
    uow: UnitOfWork,
    org: Organisation,
    box: SecretBox,
    *,
    purpose: str,
    chain_pem: bytes,
    key_pem: bytes,
    key_password: bytes | None,
    now: datetime,
    actor: str,
) -> X509IssuerKey:
    """Import a chain a school got from its CA (PEM, leaf first) with its P-256 key (PEM)."""
    try:
        key = P256KeyPair.from_pem(key_pem, key_password)
    except (ValueError, TypeError) as exc:
        raise IssuanceError([("key", f"not a usable P-256 private key: {exc}")]) from None
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise IssuanceError([("chain", "not a PEM certificate file")]) from None
    return install_chain(
        uow, org, box, purpose=purpose, key=key, chain=chain, source="imported", now=now,
        actor=actor,
    )  # fmt: skip


ISSUER_AUTH_MEMBERS = frozenset({
    "displayName", "legalName", "description", "category", "logo", "webUrl", "kvk", "city",
    "department", "countryCode", "privacyPolicyUrl",
})  # fmt: skip
"""The members of the NL Wallet's ``Organization`` (MinBZK/nl-wallet ``attestation_data``
``auth``, serde camelCase; the registration number is serialised as ``kvk``)."""
_KVK = re.compile(r"^[0-9]{8}$")


def _issuer_auth(org: Organisation, issuer_id: str) -> dict[str, object]:
    """The NL Wallet ``issuer_auth`` organization object: camelCase members, names and the
    required ``description`` and ``category`` in Dutch and English (``LocalizedStrings``),
    ``countryCode`` ``NL``; ``kvk`` only when the organisation's identifier is a KvK number
    (eight digits; a BRIN code is not one)."""
    organization: dict[str, object] = {
        "displayName": {"nl": org.name, "en": org.name},
        "legalName": {"nl": org.name, "en": org.name},
        "description": {
            "nl": f"{org.name} geeft mbo-diploma's, -certificaten en resultaten uit.",
            "en": f"{org.name} issues Dutch vocational (mbo) diplomas, certificates and results.",
        },
        "category": {"nl": "Onderwijs", "en": "Education"},
        "webUrl": issuer_id,
        "countryCode": "NL",
    }
    if org.identifier and _KVK.match(org.identifier):
        organization["kvk"] = org.identifier
    return organization


def create_dev_chain(
    uow: UnitOfWork,
    org: Organisation,
    box: SecretBox,
    *,
    issuer_id: str,
    now: datetime,
    actor: str,
) -> DevCertificate:
    """A development root CA with two leaves under it: the credential signer (SAN URI = the
    Credential Issuer Identifier, ``issuer_auth``) and a separate status list signer. Both
    become active; the root (the trust anchor verifiers need) is returned, never stored.
    ``issuer_id`` is the organisation's Credential Issuer Identifier."""
    root = create_root_ca(f"mbo-wallet development root for {org.slug}", now=now)
    credential = create_leaf(
        root, org.name, organization=org.name, san_uris=[issuer_id],
        issuer_auth=_issuer_auth(org, issuer_id), now=now,
    )  # fmt: skip
    status = create_leaf(
        root, f"{org.name} status lists", organization=org.name, san_uris=[issuer_id], now=now
    )
    for purpose, leaf in ((CREDENTIAL, credential), (STATUS_LIST, status)):
        install_chain(
            uow, org, box, purpose=purpose, key=leaf.key, chain=[leaf.certificate],
            source="dev-ca", now=now, actor=actor,
        )  # fmt: skip
    return root


def _rows(uow: UnitOfWork, org: Organisation, purpose: str) -> list[X509IssuerKey]:
    return list(
        uow.session.scalars(
            select(X509IssuerKey)
            .where(X509IssuerKey.organisation_id == org.id, X509IssuerKey.purpose == purpose)
            .order_by(X509IssuerKey.id)
        )
    )


def active_x509_signer(
    uow: UnitOfWork, org: Organisation, box: SecretBox, purpose: str
) -> X509Signer:
    """The active key for ``purpose`` with its ``x5c``; NotFoundError when there is none."""
    row = next((r for r in _rows(uow, org, purpose) if r.active), None)
    if row is None:
        raise NotFoundError(
            f"organisation {org.slug!r} has no {purpose} certificate "
            "(python -m issuer dev-ca or import-certificate)"
        )
    key = P256KeyPair.from_jwk(json.loads(box.decrypt(row.encrypted_private_key)))
    chain = x509.load_pem_x509_certificates(row.certificate_chain.encode("ascii"))
    x5c = [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain
    ]
    return X509Signer(key, x5c, chain[0], key_fragment(row))


def has_x509_signer(uow: UnitOfWork, org: Organisation, purpose: str) -> bool:
    return any(r.active for r in _rows(uow, org, purpose))
