"""Deliver issued credentials to learners' wallets with OpenID4VCI (pre-authorized code flow).

Staff issue a credential first (signed, stored, revocable); :func:`create_offer` then makes an
offer for it — cheap, no signing — with a six-digit transaction code for a second channel.
The learner's wallet redeems the offer once:

1. GET the offer (:func:`offer_document`) and the metadata (:func:`issuer_metadata`,
   :func:`authorization_server_metadata`);
2. exchange the pre-authorized code and transaction code for an access token
   (:func:`exchange_pre_authorized_code`); five wrong codes lock the offer;
3. get a ``c_nonce`` (:func:`issue_nonce`) and sign a key proof with it;
4. request the credential (:func:`redeem_credential`): the issuer binds the stored credential
   to the holder's DID (``credentialSubject.id``), signs it again with the organisation's
   active key — same ``id`` and status entries, so revoking the credential revokes the
   delivered copy too — and keeps the delivered document on the offer.

Secrets: the offer handle (in the ``credential_offer_uri``), the pre-authorized code (derived
from the handle), access tokens and nonces carry 256 bits of randomness and are stored as
SHA-256 digests; the transaction code is shown once and stored as a keyed HMAC-SHA-256 digest
(see :func:`create_offers_many`; Argon2id hashes of older offers still verify).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from credentials.client_attestation import ALGS as ATTESTATION_ALGS
from credentials.client_attestation import (
    ClientAttestationError,
    WalletProvider,
    verify_client_attestation,
)
from credentials.contexts import MBO_V1, OB_V3P0, VC_V2
from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver
from credentials.oid4vci import (
    CredentialRequestError,
    KeyProofError,
    Oid4vciError,
    TokenRefusal,
    TokenRequestError,
    TxCode,
    build_authorization_server_metadata,
    build_credential_offer,
    build_issuer_metadata,
    credential_offer_uri,
    ldp_vc_configuration,
    parse_credential_request,
    parse_token_request,
    sign_issuer_metadata,
    verify_key_proof,
)
from credentials.sd_jwt_vc import SD_JWT_VC_TYP
from qualifications.achievements import KINDS
from qualifications.catalog import Catalog
from web_common.bulk import insert_objects
from web_common.db import UnitOfWork
from web_common.qr import qr_svg
from web_common.secrets import KEYED_DIGEST_PREFIX, SecretBox

from ..db.offer_tables import AccessTokenRow, AttestationJti, CNonce, CredentialOffer
from ..db.tables import IssuedCredential, Organisation, StatusListRow
from . import audit
from .errors import ConflictError, IssuerError, NotFoundError
from .organisations import active_signing_key
from .sd_jwt_delivery import (
    SD_JWT_SUFFIX,
    HolderKey,
    sd_jwt_configuration_id,
    sd_jwt_configurations,
    sd_jwt_credential,
    verify_holder_key_proof,
)
from .status import allocate_token_copy
from .tx_codes import normalise_tx_code
from .x509_keys import CREDENTIAL, active_x509_signer, has_x509_signer

__all__ = [
    "DEFAULT_OFFER_TTL",
    "MAX_TX_CODE_ATTEMPTS",
    "TX_CODE_LENGTH",
    "AccessTokenError",
    "CreatedOffer",
    "OfferUnavailableError",
    "authorization_server_metadata",
    "bind_to_holder",
    "configuration_id_for",
    "create_offer",
    "create_offers_many",
    "credential_issuer_id",
    "exchange_pre_authorized_code",
    "issue_nonce",
    "issuer_metadata",
    "offer_document",
    "offer_email",
    "offer_qr_svg",
    "redeem_credential",
    "signed_issuer_metadata",
]

JsonObject = dict[str, Any]

TX_CODE_LENGTH = 6
MAX_TX_CODE_ATTEMPTS = 5
DEFAULT_OFFER_TTL = timedelta(days=30)
_TX_DESCRIPTION = (
    "Vul de code van 6 cijfers in die je apart van je school kreeg. "
    "Enter the 6-digit code your school sent you separately."
)
_CODE_LABEL = b"mbo-wallet oid4vci pre-authorized_code\0"
# Verifies the Argon2id hashes of offers made before keyed digests (see _tx_code_matches).
_LEGACY_TX_HASHER = PasswordHasher()


class OfferUnavailableError(IssuerError):
    """The offer exists but can no longer be used (expired, redeemed, locked, superseded)."""


class AccessTokenError(Oid4vciError):
    """The bearer token at the credential endpoint is missing, unknown or expired
    (RFC 6750 §3.1 ``invalid_token``; answered with 401 and ``WWW-Authenticate``)."""

    def __init__(self, description: str) -> None:
        super().__init__("invalid_token", description, refusal=TokenRefusal.TOKEN_UNKNOWN)


@dataclass(frozen=True, slots=True)
class CreatedOffer:
    """A new offer. ``tx_code`` is shown once (hand it over on a second channel: SMS, in
    person); it is not stored and cannot be shown again."""

    offer_id: int
    offer_uri: str
    credential_offer_uri: str
    qr_url: str
    tx_code: str
    expires_at: datetime
    credential_configuration_id: str


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _pre_authorized_code(handle: str) -> str:
    """The pre-authorized code of an offer, derived from its handle so neither is stored:
    whoever holds the handle can fetch the offer (and so the code) anyway."""
    digest = hashlib.sha256(_CODE_LABEL + handle.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def credential_issuer_id(public_base_url: str, org: Organisation) -> str:
    """The Credential Issuer Identifier of an organisation (§12.2.1): ``{base}/{slug}``,
    the same URL its ``did:web`` names."""
    return f"{public_base_url.rstrip('/')}/{org.slug}"


def configuration_id_for(credential_type: str) -> str:
    """The ``credential_configuration_id`` for a stored ``credential_type`` (``ldp_vc``)."""
    return f"{credential_type}_ldp_vc"


def _offer_path(org: Organisation, handle: str) -> str:
    return f"/{org.slug}/offers/{handle}"


# --------------------------------------------------------------------------- offers


def create_offer(
    uow: UnitOfWork,
    org: Organisation,
    credential: IssuedCredential,
    *,
    public_base_url: str,
    now: datetime,
    box: SecretBox,
    ttl: timedelta = DEFAULT_OFFER_TTL,
    actor: str = "system",
) -> CreatedOffer:
    """:func:`create_offers_many` with one credential (the staff pages, the issue desk)."""
    [created] = create_offers_many(
        uow, org, [credential], public_base_url=public_base_url, now=now, box=box, ttl=ttl,
        actor=actor,
    )  # fmt: skip
    return created


# Batch issuance makes thousands of offers at once; at ~17 ms per OWASP-strength hash that is
# minutes. Offers therefore store a keyed digest of the transaction code (HMAC-SHA-256 under a
# key derived from the configured data encryption keys, ``SecretBox.keyed_digest``):
# microseconds to make, and a database dump without the configuration gives nothing to guess
# against. Offers made before this stored an Argon2id hash (OWASP strength for single offers,
# a lighter one for batches); the hash string names its scheme, so all keep verifying.
_TX_CODE_PURPOSE = "oid4vci tx_code"


def _tx_code_matches(stored: str, tx_code: str, box: SecretBox) -> bool:
    if stored.startswith(KEYED_DIGEST_PREFIX):
        return box.check_keyed_digest(_TX_CODE_PURPOSE, tx_code, stored)
    try:  # an Argon2id hash names its own parameters
        return bool(_LEGACY_TX_HASHER.verify(stored, tx_code))
    except (VerificationError, InvalidHashError):
        return False


def create_offers_many(
    uow: UnitOfWork,
    org: Organisation,
    credentials: Sequence[IssuedCredential],
    *,
    public_base_url: str,
    now: datetime,
    box: SecretBox,
    ttl: timedelta = DEFAULT_OFFER_TTL,
    actor: str = "system",
    **audit_detail: Any,
) -> list[CreatedOffer]:
    """Offer issued credentials to their learners, in a fixed number of statements however
    many: earlier unredeemed offers for the same credentials withdrawn with one UPDATE (only
    the newest link and code work), offers and audit events inserted in bulk. No signing
    happens here. Returns the offers in the order of ``credentials``.

    Raises :class:`ConflictError` for a revoked credential, one of another organisation, or
    one named twice (it would get two offers of which only one could work).
    """
    for credential in credentials:
        if credential.organisation_id != org.id:
            raise ConflictError("the credential was issued by another organisation")
        if credential.revoked_at is not None:
            raise ConflictError("a revoked credential cannot be offered")
    if len({credential.id for credential in credentials}) != len(credentials):
        raise ConflictError("a credential can be offered once per call")
    if not credentials:
        return []
    uow.session.execute(
        update(CredentialOffer)
        .where(
            CredentialOffer.issued_credential_id.in_([c.id for c in credentials]),
            CredentialOffer.revoked_at.is_(None),
            CredentialOffer.redeemed_at.is_(None),
        )
        .values(revoked_at=now)
    )
    base = public_base_url.rstrip("/")
    secrets_of: list[tuple[str, str]] = []  # (handle, tx_code) per credential
    columns: list[dict[str, Any]] = []
    for credential in credentials:
        handle = secrets.token_urlsafe(32)
        tx_code = f"{secrets.randbelow(10**TX_CODE_LENGTH):0{TX_CODE_LENGTH}d}"
        secrets_of.append((handle, tx_code))
        columns.append(
            {
                "organisation_id": org.id,
                "issued_credential_id": credential.id,
                "credential_configuration_id": configuration_id_for(credential.credential_type),
                "handle_hash": _sha256(handle),
                "pre_authorized_code_hash": _sha256(_pre_authorized_code(handle)),
                "tx_code_hash": box.keyed_digest(_TX_CODE_PURPOSE, tx_code),
                "failed_attempts": 0,
                "created_at": now,
                "expires_at": now + ttl,
            }
        )
    rows = insert_objects(uow.session, CredentialOffer, columns)  # one INSERT for all
    created = []
    events: list[tuple[str | None, dict[str, Any]]] = []
    for credential, row, (handle, tx_code) in zip(credentials, rows, secrets_of, strict=True):
        by_reference = base + _offer_path(org, handle)
        created.append(
            CreatedOffer(
                offer_id=row.id,
                offer_uri=credential_offer_uri(by_reference=by_reference),
                credential_offer_uri=by_reference,
                qr_url=by_reference + "/qr.svg",
                tx_code=tx_code,
                expires_at=row.expires_at,
                credential_configuration_id=row.credential_configuration_id,
            )
        )
        detail = {"offer_id": row.id, "expires_at": row.expires_at.isoformat(), **audit_detail}
        events.append((credential.credential_ref, detail))
    audit.record_many(
        uow, organisation_id=org.id, actor=actor, action="offer.create", now=now, events=events
    )
    return created


def _usable_offer(
    uow: UnitOfWork, org: Organisation, handle: str, now: datetime
) -> CredentialOffer:
    row = uow.session.scalar(
        select(CredentialOffer).where(
            CredentialOffer.handle_hash == _sha256(handle),
            CredentialOffer.organisation_id == org.id,
        )
    )
    if row is None:
        raise NotFoundError("no such credential offer")
    if row.code_used_at is not None or row.redeemed_at is not None:
        raise OfferUnavailableError("this credential offer has been used already")
    if row.revoked_at is not None:
        raise OfferUnavailableError("this credential offer was replaced by a newer one")
    if row.failed_attempts >= MAX_TX_CODE_ATTEMPTS:
        raise OfferUnavailableError("this credential offer is locked after wrong codes")
    if now >= row.expires_at:
        raise OfferUnavailableError("this credential offer has expired")
    return row


def offer_document(
    uow: UnitOfWork, org: Organisation, handle: str, *, public_base_url: str, now: datetime
) -> JsonObject:
    """The Credential Offer object behind a ``credential_offer_uri`` (§4.1.3).

    :class:`NotFoundError` for an unknown handle, :class:`OfferUnavailableError` once the offer
    is used, withdrawn, locked or expired."""
    row = _usable_offer(uow, org, handle, now)
    ids = [row.credential_configuration_id]
    credential = uow.session.get(IssuedCredential, row.issued_credential_id)
    sd_jwt_id = sd_jwt_configuration_id(credential.credential_type) if credential else ""
    if credential and _offers_configuration(uow, org, sd_jwt_id):
        ids.append(sd_jwt_id)  # the wallet picks the format
    return build_credential_offer(
        credential_issuer_id(public_base_url, org),
        ids,
        pre_authorized_code=_pre_authorized_code(handle),
        tx_code=TxCode("numeric", TX_CODE_LENGTH, _TX_DESCRIPTION),
    )


def offer_qr_svg(
    uow: UnitOfWork, org: Organisation, handle: str, *, public_base_url: str, now: datetime
) -> bytes:
    """An SVG QR code of the offer URI (by reference), for a screen or a printed letter."""
    _usable_offer(uow, org, handle, now)
    uri = credential_offer_uri(by_reference=public_base_url.rstrip("/") + _offer_path(org, handle))
    return qr_svg(uri).encode("utf-8")


def offer_email(
    *,
    organisation_name: str,
    student_name: str,
    credential_title: str,
    offer: CreatedOffer,
) -> tuple[str, str]:
    """Subject and plain-text body of the e-mail that brings the offer to the learner, in
    Dutch with English below. The transaction code is *not* in it: it comes separately."""
    until = offer.expires_at.astimezone(UTC).strftime("%d-%m-%Y")
    subject = f"Je {credential_title} van {organisation_name} staat klaar / ready for your wallet"
    body = f"""Beste {student_name},

{organisation_name} heeft je {credential_title} digitaal uitgegeven. Zet het in je wallet-app:

1. Open deze link op je telefoon (met een wallet-app die OpenID4VCI ondersteunt):
   {offer.offer_uri}
   Of open deze QR-code op je computer en scan hem met je wallet-app:
   {offer.qr_url}
2. Je wallet vraagt om een code van 6 cijfers. Die code krijg je apart van ons (niet in
   deze e-mail), zodat alleen jij het bewijs kunt ophalen.

De link werkt één keer en tot en met {until}. Deel hem niet met anderen.

---

Dear {student_name},

{organisation_name} has issued your {credential_title} digitally. Add it to your wallet app:

1. Open this link on your phone (in a wallet app that supports OpenID4VCI):
   {offer.offer_uri}
   Or open this QR code on your computer and scan it with your wallet app:
   {offer.qr_url}
2. Your wallet asks for a 6-digit code. You receive that code separately (not in this
   e-mail), so that only you can collect the credential.

The link works once, until {until}. Please do not share it.

{organisation_name}
"""
    return subject, body


# --------------------------------------------------------------------------- metadata


def _kind_configurations() -> dict[str, JsonObject]:
    """The ``ldp_vc`` configuration of each of the project's kinds."""
    return {
        configuration_id_for(info.vc_type): ldp_vc_configuration(
            [VC_V2, OB_V3P0, MBO_V1],
            ["VerifiableCredential", "OpenBadgeCredential", info.vc_type],
            display=[
                {"name": info.title_nl, "locale": "nl-NL"},
                {"name": info.title_en, "locale": "en-US"},
            ],
        )
        for info in KINDS.values()
    }


def _other_type_configuration(credential_type: str) -> JsonObject:
    types = ["VerifiableCredential"]
    if credential_type != "VerifiableCredential":
        types.append(credential_type)
    return ldp_vc_configuration([VC_V2], types)


def _configurations(uow: UnitOfWork, org: Organisation) -> dict[str, JsonObject]:
    """One ``ldp_vc`` configuration per credential type: the project's kinds and any other
    type this organisation has issued (through the VC-API); ``dc+sd-jwt`` ones with an X.509
    credential key. The metadata needs them all; one request asks :func:`_offers_configuration`.
    """
    configs = _kind_configurations()
    issued = uow.session.scalars(
        select(IssuedCredential.credential_type)
        .where(IssuedCredential.organisation_id == org.id)
        .distinct()
    )  # answered from ix_issued_credential_type
    for credential_type in issued:
        configs.setdefault(
            configuration_id_for(credential_type), _other_type_configuration(credential_type)
        )
    if has_x509_signer(uow, org, CREDENTIAL):  # dc+sd-jwt needs the X.509 credential key
        configs.update(sd_jwt_configurations())
    return configs


def _offers_configuration(uow: UnitOfWork, org: Organisation, config_id: str) -> bool:
    """Whether :func:`_configurations` lists ``config_id``, without listing them: a kind's is
    known, a ``dc+sd-jwt`` one asks for the X.509 key, any other ``ldp_vc`` one looks up one
    credential of that type in ix_issued_credential_type (no scan of the organisation's
    credentials, once per offer fetch and redemption)."""
    if config_id in {configuration_id_for(info.vc_type) for info in KINDS.values()}:
        return True
    if config_id in {sd_jwt_configuration_id(info.vc_type) for info in KINDS.values()}:
        return has_x509_signer(uow, org, CREDENTIAL)
    credential_type = config_id.removesuffix(configuration_id_for(""))
    if credential_type == config_id:
        return False
    found = uow.session.scalar(
        select(IssuedCredential.id)
        .where(
            IssuedCredential.organisation_id == org.id,
            IssuedCredential.credential_type == credential_type,
        )
        .limit(1)
    )
    return found is not None


def issuer_metadata(
    uow: UnitOfWork,
    org: Organisation,
    *,
    public_base_url: str,
    batch_size: int = 1,
    box: SecretBox | None = None,
    now: datetime | None = None,
) -> JsonObject:
    """Credential Issuer metadata of an organisation (§12.2.4). With ``box`` and ``now`` and
    an X.509 credential key, it carries ``signed_metadata`` too: the same parameters as a JWT
    (:func:`signed_issuer_metadata`), for wallets that read the signed form from the JSON."""
    issuer = credential_issuer_id(public_base_url, org)
    metadata = build_issuer_metadata(
        issuer,
        credential_endpoint=f"{issuer}/credential",
        nonce_endpoint=f"{issuer}/nonce",
        configurations=_configurations(uow, org),
        display=[{"name": org.name, "locale": "nl-NL"}, {"name": org.name, "locale": "en-US"}],
        batch_size=batch_size if batch_size > 1 else None,
    )
    if box is not None and now is not None:
        signed = _sign_metadata(uow, org, metadata, box, now)
        if signed is not None:
            metadata["signed_metadata"] = signed
    return metadata


def _sign_metadata(
    uow: UnitOfWork, org: Organisation, metadata: JsonObject, box: SecretBox, now: datetime
) -> str | None:
    if not has_x509_signer(uow, org, CREDENTIAL):
        return None
    signer = active_x509_signer(uow, org, box, CREDENTIAL)
    return sign_issuer_metadata(
        metadata, signer.key, iat=int(now.timestamp()), x5c=signer.x5c,
        exp=int((now + SIGNED_METADATA_VALIDITY).timestamp()),
    )  # fmt: skip


SIGNED_METADATA_VALIDITY = timedelta(days=1)


def signed_issuer_metadata(
    uow: UnitOfWork,
    org: Organisation,
    *,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
    batch_size: int = 1,
) -> str | None:
    """Signed Credential Issuer metadata (§12.2.3, served as ``application/jwt``): ``typ``
    ``openidvci-issuer-metadata+jwt``, ES256 with the organisation's X.509 credential key
    (``x5c``), ``sub`` the Credential Issuer Identifier, ``iat``, ``exp`` a day later. None
    when the organisation has no X.509 credential key."""
    metadata = issuer_metadata(uow, org, public_base_url=public_base_url, batch_size=batch_size)
    return _sign_metadata(uow, org, metadata, box, now)


def authorization_server_metadata(
    org: Organisation, *, public_base_url: str, attestation_required: bool = False
) -> JsonObject:
    """RFC 8414 metadata: the credential issuer is its own authorization server, for the
    pre-authorized code grant only (no authorization endpoint, so no PAR endpoint); wallet
    attestations (``attest_jwt_client_auth``) accepted, or required."""
    issuer = credential_issuer_id(public_base_url, org)
    return build_authorization_server_metadata(
        issuer, token_endpoint=f"{issuer}/token", client_attestation_algs=ATTESTATION_ALGS,
        anonymous=not attestation_required,
    )  # fmt: skip


# --------------------------------------------------------------------------- token


def exchange_pre_authorized_code(
    uow: UnitOfWork,
    org: Organisation,
    body: bytes | str,
    *,
    now: datetime,
    token_ttl: timedelta,
    box: SecretBox,
    attestation: tuple[str | None, str | None] = (None, None),
    wallet_providers: Sequence[WalletProvider] = (),
    attestation_required: bool = False,
    public_base_url: str = "",
) -> JsonObject:
    """The token endpoint (§6): check the pre-authorized code and transaction code, return a
    token response. Raises :class:`TokenRequestError` (``invalid_request``,
    ``unsupported_grant_type``, ``invalid_grant``) or :class:`ClientAttestationError`
    (``invalid_client``).

    ``attestation`` is the pair of ``OAuth-Client-Attestation`` and
    ``OAuth-Client-Attestation-PoP`` header values: checked against ``wallet_providers``
    (:func:`credentials.client_attestation.verify_client_attestation`, PoP ``aud`` the
    issuer identifier, ``jti`` never accepted twice) before the codes are looked at; absent is
    allowed unless ``attestation_required``. The offer records what was presented.

    A wrong transaction code is counted and **committed** before the error is raised, so the
    limit holds however the caller handles the error; the fifth wrong code locks the offer.
    """
    request = parse_token_request(body)
    presented = _check_attestation(
        uow, org, attestation, providers=wallet_providers, required=attestation_required,
        audience=credential_issuer_id(public_base_url, org), client_id=request.client_id,
        now=now,
    )  # fmt: skip
    offer = uow.session.scalar(
        select(CredentialOffer)
        .where(
            CredentialOffer.pre_authorized_code_hash == _sha256(request.pre_authorized_code),
            CredentialOffer.organisation_id == org.id,
        )
        .with_for_update()
    )
    invalid = "the pre-authorized code is unknown, used, expired or locked"
    refusal = (
        TokenRefusal.OFFER_UNKNOWN if offer is None
        else TokenRefusal.OFFER_REVOKED if offer.revoked_at is not None
        else TokenRefusal.OFFER_USED if offer.code_used_at is not None
        else TokenRefusal.OFFER_LOCKED if offer.failed_attempts >= MAX_TX_CODE_ATTEMPTS
        else TokenRefusal.OFFER_EXPIRED if now >= offer.expires_at
        else None
    )  # fmt: skip
    if offer is None or refusal is not None:
        raise TokenRequestError("invalid_grant", invalid, refusal=refusal)
    if request.tx_code is None:
        raise TokenRequestError(
            "invalid_request", "this offer needs the tx_code",
            refusal=TokenRefusal.TX_CODE_REQUIRED,
        )  # fmt: skip
    attempt = _reserve_attempt(uow, offer.id)
    if attempt is None:  # used up meanwhile by concurrent requests
        raise TokenRequestError("invalid_grant", invalid, refusal=TokenRefusal.OFFER_LOCKED)
    if not _tx_code_matches(
        offer.tx_code_hash, normalise_tx_code(request.tx_code, TX_CODE_LENGTH), box
    ):
        offer.failed_attempts = attempt
        left = MAX_TX_CODE_ATTEMPTS - attempt
        if left == 0:
            audit.record(
                uow, organisation_id=org.id, actor="wallet", action="offer.lock",
                target=None, now=now, offer_id=offer.id,
            )  # fmt: skip
        uow.commit()
        detail = f"{left} attempt(s) left" if left else "the offer is now locked"
        raise TokenRequestError(
            "invalid_grant", f"the tx_code is wrong; {detail}",
            refusal=TokenRefusal.TX_CODE_WRONG if left else TokenRefusal.OFFER_LOCKED,
            attempts_left=left,
        )  # fmt: skip
    offer.failed_attempts = attempt - 1  # the right code does not count against the limit
    offer.code_used_at = now
    offer.wallet_attestation = "verified" if presented is not None else "absent"
    offer.wallet_provider = presented
    audit.record(
        uow, organisation_id=org.id, actor="wallet", action="offer.token", target=None,
        now=now, offer_id=offer.id, wallet_attestation=offer.wallet_attestation,
        wallet_provider=presented,
    )  # fmt: skip
    token = secrets.token_urlsafe(32)
    uow.session.add(
        AccessTokenRow(
            offer_id=offer.id,
            token_hash=_sha256(token),
            created_at=now,
            expires_at=now + token_ttl,
        )
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(token_ttl.total_seconds()),
    }


def _check_attestation(
    uow: UnitOfWork,
    org: Organisation,
    attestation: tuple[str | None, str | None],
    *,
    providers: Sequence[WalletProvider],
    required: bool,
    audience: str,
    client_id: str | None,
    now: datetime,
) -> str | None:
    """The name of the wallet provider whose attestation was verified, or None when none was
    presented (and none is required)."""
    token, pop = attestation
    if token is None and pop is None:
        if required:
            raise ClientAttestationError(
                "this issuer requires a wallet attestation (OAuth-Client-Attestation)"
            )
        return None
    if token is None or pop is None:
        raise ClientAttestationError(
            "send both OAuth-Client-Attestation and OAuth-Client-Attestation-PoP"
        )
    if not providers:
        raise ClientAttestationError("this issuer has no trusted wallet providers configured")
    verified = verify_client_attestation(
        token, pop, audience=audience, providers=providers, now=now, client_id=client_id
    )
    digest = _sha256(f"{org.id}\0{verified.provider}\0{verified.client_id}\0{verified.jti}")
    uow.session.execute(delete(AttestationJti).where(AttestationJti.expires_at < now))
    seen = uow.session.scalar(select(AttestationJti.id).where(AttestationJti.jti_hash == digest))
    if seen is not None:
        raise ClientAttestationError("this attestation PoP (jti) was used before")
    try:
        with uow.session.begin_nested():
            uow.session.add(AttestationJti(jti_hash=digest, expires_at=verified.replay_until))
    except IntegrityError:  # the same PoP in a concurrent request
        raise ClientAttestationError("this attestation PoP (jti) was used before") from None
    return verified.provider


def _reserve_attempt(uow: UnitOfWork, offer_id: int) -> int | None:
    """Count one transaction-code attempt before the code is checked, in one conditional
    ``UPDATE``: the attempt's number, or None when the offer was used, withdrawn or locked
    meanwhile. PostgreSQL's row lock already serialises attempts; SQLite has no row locks,
    and this statement (which takes its write lock) is what keeps concurrent wrong codes from
    all reading the same count and getting past the limit."""
    attempt: int | None = uow.session.execute(
        update(CredentialOffer)
        .where(
            CredentialOffer.id == offer_id,
            CredentialOffer.code_used_at.is_(None),
            CredentialOffer.revoked_at.is_(None),
            CredentialOffer.failed_attempts < MAX_TX_CODE_ATTEMPTS,
        )
        .values(failed_attempts=CredentialOffer.failed_attempts + 1)
        .returning(CredentialOffer.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return attempt


def issue_nonce(uow: UnitOfWork, org: Organisation, *, now: datetime, ttl: timedelta) -> str:
    """A fresh ``c_nonce`` (§7), stored as a digest; expired nonces are cleared out."""
    uow.session.execute(delete(CNonce).where(CNonce.expires_at < now))
    nonce = secrets.token_urlsafe(32)
    uow.session.add(
        CNonce(
            organisation_id=org.id,
            nonce_hash=_sha256(nonce),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return nonce


# --------------------------------------------------------------------------- credential


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise AccessTokenError("send the access token as Authorization: Bearer ...")
    return token


def _consume_nonce(uow: UnitOfWork, org: Organisation, nonce: str, now: datetime) -> None:
    row = uow.session.scalar(
        select(CNonce)
        .where(CNonce.nonce_hash == _sha256(nonce), CNonce.organisation_id == org.id)
        .with_for_update()
    )
    if row is None or row.used_at is not None or now >= row.expires_at:
        raise KeyProofError(
            "the nonce is unknown, used or expired; get a new c_nonce", "invalid_nonce"
        )
    row.used_at = now


def bind_to_holder(document: Mapping[str, Any], holder_did: str) -> JsonObject:
    """The stored credential without its proof, with ``credentialSubject.id`` set to the
    holder's DID. Refuses a credential already issued to another subject id."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    subject = unsigned.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise CredentialRequestError(
            "credential_request_denied", "this credential cannot be bound to a holder"
        )
    current = subject.get("id")
    if current is not None and current != holder_did:
        raise CredentialRequestError(
            "credential_request_denied", "this credential was issued to another subject"
        )
    unsigned["credentialSubject"] = {"id": holder_did, **{
        k: v for k, v in subject.items() if k != "id"
    }}  # fmt: skip
    return unsigned


_DELIVERIES = "deliveries"
"""Key of ``delivered_document``: ``{configuration id: {"holder": id, "copies": [...]}}``."""


def _deliveries(offer: CredentialOffer, credential: IssuedCredential) -> dict[str, Any]:
    """What was delivered for ``offer`` so far, per credential configuration. Offers
    redeemed before one offer could be delivered in several formats kept the document (an
    object, an SD-JWT VC string, or a list of batch copies) for the one format."""
    if offer.delivered_document is None or offer.holder_did is None:
        return {}
    stored: Any = json.loads(offer.delivered_document)
    if isinstance(stored, dict) and isinstance(stored.get(_DELIVERIES), dict):
        return dict(stored[_DELIVERIES])
    copies = stored if isinstance(stored, list) else [stored]
    as_sd_jwt = isinstance(copies[0], str)  # an SD-JWT VC is stored as its string
    config_id = (
        sd_jwt_configuration_id(credential.credential_type)
        if as_sd_jwt
        else offer.credential_configuration_id
    )
    return {config_id: {"holder": offer.holder_did, "copies": copies}}


def redeem_credential(
    uow: UnitOfWork,
    org: Organisation,
    *,
    authorization: str | None,
    body: Any,
    box: SecretBox,
    public_base_url: str,
    now: datetime,
    catalog: Catalog | None = None,
    batch_size: int = 1,
    key_reference: str = "x5c",
    status_list_size: int = 131_072,
) -> JsonObject:
    """The credential endpoint (§8): check the access token, the request and the key proofs,
    bind the credential to the holder, sign it and return the credential response.

    Batch issuance (§8.2, ``batch_credential_issuance``): up to ``batch_size`` key proofs,
    for distinct keys and all with the same ``c_nonce``, give one copy of the same record per
    key, in the order of the proofs. ``dc+sd-jwt`` copies after the first get a Token Status
    List entry of their own (``status_list_size`` entries per list; unlinkable by index),
    ``ldp_vc`` copies share the record's Bitstring entries (they share its ``id`` anyway);
    revoking or suspending the record flips every copy. ``key_reference`` is passed to
    :func:`~issuer.services.sd_jwt_delivery.sd_jwt_credential`.

    One offer, every offered format (§8: several credential requests with one access token,
    each naming its ``credential_configuration_id`` with its own key proof and nonce): the
    ``ldp_vc`` and the ``dc+sd-jwt`` configuration of the record are each delivered once,
    in either order, kept per configuration in ``delivered_document``; the audit event
    names the format and the formats delivered so far.

    Raises :class:`AccessTokenError` (401) or :class:`CredentialRequestError` (400). A retry
    of a configuration with the same (first) holder key returns the credentials delivered
    for it the first time; another key is refused.
    """
    token = _bearer(authorization)
    access = uow.session.scalar(
        select(AccessTokenRow).where(AccessTokenRow.token_hash == _sha256(token))
    )
    if access is None or now >= access.expires_at:
        raise AccessTokenError("the access token is unknown or expired")
    offer = uow.session.scalar(
        select(CredentialOffer).where(CredentialOffer.id == access.offer_id).with_for_update()
    )
    if offer is None or offer.organisation_id != org.id or offer.revoked_at is not None:
        raise AccessTokenError("the access token is not valid for this credential issuer")

    request = parse_credential_request(body, max_proofs=max(1, batch_size))
    if request.credential_identifier is not None:
        raise CredentialRequestError(
            "invalid_credential_request",
            "credential_identifier was not issued; use credential_configuration_id",
        )
    config_id = str(request.credential_configuration_id)
    if not _offers_configuration(uow, org, config_id):
        raise CredentialRequestError(
            "unknown_credential_configuration", "unknown credential_configuration_id"
        )
    credential = uow.session.get(IssuedCredential, offer.issued_credential_id)
    assert credential is not None  # guaranteed by the foreign key
    as_sd_jwt = config_id == sd_jwt_configuration_id(credential.credential_type)
    if config_id != offer.credential_configuration_id and not as_sd_jwt:
        raise CredentialRequestError(
            "invalid_credential_request", "the access token is for another credential"
        )

    issuer = credential_issuer_id(public_base_url, org)
    holders: list[HolderKey] = []
    holder_ids: list[str] = []
    nonces: set[str] = set()
    for token_proof in request.proofs:
        if as_sd_jwt:
            holder = verify_holder_key_proof(token_proof, audience=issuer, now=now)
            holders.append(holder)
            holder_ids.append(holder.holder_id)
            nonces.add(str(holder.nonce))
        else:
            proof = verify_key_proof(
                token_proof, audience=issuer, now=now, resolver=StaticDidResolver()
            )
            if not proof.holder_did.startswith("did:key:"):
                raise KeyProofError("bind the credential to a did:key")
            holder_ids.append(proof.holder_did)
            nonces.add(str(proof.nonce))
    if len(set(holder_ids)) != len(holder_ids):
        raise KeyProofError("each key proof of a batch must be for a different key")
    if len(nonces) != 1:
        raise KeyProofError("every key proof of a batch must carry the same c_nonce")
    _consume_nonce(uow, org, nonces.pop(), now)
    holder_id = holder_ids[0]

    deliveries = _deliveries(offer, credential)
    earlier = deliveries.get(config_id)
    if earlier is not None:  # a retry of this configuration: the copies of the first time
        if earlier["holder"] != holder_id:
            raise CredentialRequestError(
                "credential_request_denied", "this offer was redeemed by another holder",
                refusal=TokenRefusal.OTHER_HOLDER,
            )  # fmt: skip
        return {"credentials": [{"credential": c} for c in earlier["copies"]]}

    if credential.revoked_at is not None:
        raise CredentialRequestError(
            "credential_request_denied", "the credential was revoked",
            refusal=TokenRefusal.CREDENTIAL_REVOKED,
        )  # fmt: skip
    document = json.loads(credential.document)
    delivered: list[Any] = []
    if as_sd_jwt:
        if catalog is None:
            raise CredentialRequestError(
                "credential_request_denied", "SD-JWT VC unavailable",
                refusal=TokenRefusal.FORMAT_UNAVAILABLE,
            )  # fmt: skip
        token_list = (
            uow.session.get(StatusListRow, credential.token_status_list_id)
            if credential.token_status_list_id is not None
            else None
        )
        signer = active_x509_signer(uow, org, box, CREDENTIAL)
        for number, holder in enumerate(holders):
            own_entry = None
            if number and token_list is not None:  # copies after the first: their own entry
                own_entry = allocate_token_copy(
                    uow, credential, org, size=status_list_size, now=now,
                    rng=random.SystemRandom(),
                )  # fmt: skip
            copy = sd_jwt_credential(
                credential, document, org, token_list, holder=holder, signer=signer,
                issuer_id=issuer, public_base_url=public_base_url, catalog=catalog, now=now,
                key_reference=key_reference, status_entry=own_entry,
            )  # fmt: skip
            delivered.append(copy)
    else:
        key, verification_method = active_signing_key(uow, org, box)
        for did in holder_ids:
            unsigned = bind_to_holder(document, did)
            delivered.append(
                add_proof(unsigned, key, verification_method, created=now, proof_list=True)
            )
    if offer.redeemed_at is None:
        offer.redeemed_at = now
        offer.holder_did = holder_id  # the holder of the first delivery
    deliveries[config_id] = {"holder": holder_id, "copies": delivered}
    offer.delivered_document = json.dumps({_DELIVERIES: deliveries}, ensure_ascii=False)
    access.used_at = now
    audit.record(
        uow, organisation_id=org.id, actor="wallet", action="offer.redeem",
        target=credential.credential_ref, now=now, offer_id=offer.id, holder=holder_id,
        copies=len(delivered), credential_configuration_id=config_id,
        format=SD_JWT_VC_TYP if as_sd_jwt else "ldp_vc", formats=sorted(
            SD_JWT_VC_TYP if c.endswith(SD_JWT_SUFFIX) else "ldp_vc" for c in deliveries
        ), wallet_attestation=offer.wallet_attestation, wallet_provider=offer.wallet_provider,
    )  # fmt: skip
    return {"credentials": [{"credential": c} for c in delivered]}
