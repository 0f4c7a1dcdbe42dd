"""Receiving credentials: by OpenID4VCI (pre-authorized code flow with a key proof) or by
uploading a file (JSON-LD with a Data Integrity proof, a ``vc+jwt``, or an SD-JWT VC).

SD-JWT VC (``dc+sd-jwt``): stored with ``format = "dc+sd-jwt"`` and ``document`` the issued
SD-JWT compact exactly as received (the issuer-signed JWT and every Disclosure, ending in
``~``, no KB-JWT; a KB-JWT is made per presentation). Over OpenID4VCI it is requested with a
key proof (``openid4vci-proof+jwt``, ES256, ``jwk`` header) of the account's P-256 holder
key (:func:`wallet.services.accounts.sd_jwt_holder_key`) and must come back bound to it
(``cnf.jwk``). When an offer has the same credential in several formats, the wallet asks
for each in the order of ``WALLET_CREDENTIAL_FORMATS`` with the one access token (our
issuer delivers every offered format of the record); a later format that fails (an issuer
that delivers one format per offer, a network error, a copy that does not verify) is left
out and reported, and the wallet keeps what it got. Copies of one result share
``result_key`` and count once in the passport.

Every credential is verified with the engine before anything is stored; one that is not
genuine (bad proof, unknown issuer key, malformed, against its schema) is refused with the
reason. A revoked or expired one is stored and clearly marked, so the person knows. All
credentials of one offer are stored in the caller's unit of work, so a failure stores none.

    accepted = accept_offer(uow, account, offer_text, tx_code=None, http=http, ...)
    accepted.credentials, accepted.not_received
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import func, select

from credentials.budget import budget_failure, exceeded_limit
from credentials.errors import FetchError, JwtFormatError
from credentials.explain import explain
from credentials.jose import decode_vc_jwt, unwrap_enveloped_credential
from credentials.jwk import P256KeyPair, jwk_thumbprint_uri
from credentials.jws import sign_compact
from credentials.oid4vci import (
    CredentialOffer,
    IssuerMetadata,
    Oid4vciError,
    authorization_server_metadata_url,
    build_credential_request,
    create_key_proof,
    issuer_metadata_url,
    parse_authorization_server_metadata,
    parse_credential_offer,
    parse_credential_response,
    parse_issuer_metadata,
    parse_offer_uri,
    parse_token_response,
    token_request_form,
)
from credentials.results import VerificationResult
from credentials.timestamps import parse_datetime_stamp
from credentials.verification import issuer_id, validity_period
from qualifications import Catalog
from qualifications.achievements import evidence_from_credential, kind_of_credential
from qualifications.evidence import evidence_to_json
from qualifications.sd_jwt_vc_claims import (
    result_fingerprint,
    sd_jwt_vc_claims,
)
from qualifications.sd_jwt_vc_reading import credential_from_claims, kind_from_claims
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Account, HolderKey, StoredCredential
from .accounts import holder_key, sd_jwt_holder_key, sd_jwt_key_id
from .checking import Checker, state_of, tampered
from .errors import ReceiveError
from .issuer_errors import OFFER_USED, TX_CODE_REQUIRED, credential_error, token_error
from .sd_jwt_checks import is_sd_jwt
from .transport import GuardedHttp

log = logging.getLogger(__name__)

__all__ = [
    "FORMAT_LABELS",
    "Accepted",
    "NotReceived",
    "OfferPreview",
    "accept_offer",
    "check_stored",
    "load_document",
    "parse_upload",
    "preview_offer",
    "read_offer",
    "receive_document",
    "record_check",
]

MAX_OFFER_TEXT = 16 * 1024
SD_JWT = "dc+sd-jwt"
LDP_VC = "ldp_vc"
KEY_PROOF_TYP = "openid4vci-proof+jwt"
STRING_FORMATS = frozenset({"jwt_vc", SD_JWT})


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


# --------------------------------------------------------------------------- documents


def parse_upload(data: bytes | str, *, max_bytes: int) -> tuple[Any, str]:
    """A credential from a file's content: ``(document, format)`` with format ``ldp_vc``
    (a JSON object) or ``jwt_vc`` (a compact ``vc+jwt``, also inside an
    ``EnvelopedVerifiableCredential``). Raises :class:`ReceiveError`."""
    if len(data) > max_bytes:
        raise ReceiveError(
            "too_large", f"Het bestand is te groot (hoogstens {max_bytes // 1024} kB)."
        )
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise ReceiveError("not_a_credential", "Dit bestand is geen bewijs (geen tekst).") from None
    text = text.strip()
    if not text:
        raise ReceiveError("empty", "Het bestand is leeg.")
    if text.startswith("ey") and "~" in text and "{" not in text and " " not in text:
        return text, SD_JWT
    if text.startswith("ey") and text.count(".") == 2 and "{" not in text:
        try:
            decode_vc_jwt(text)
        except JwtFormatError:
            raise ReceiveError("not_a_credential", "Dit is geen geldige vc+jwt.") from None
        return text, "jwt_vc"
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise ReceiveError(
            "not_a_credential", "Dit bestand is geen bewijs: geen JSON en geen vc+jwt."
        ) from None
    if isinstance(document, Mapping) and "EnvelopedVerifiableCredential" in _types(document):
        try:
            return unwrap_enveloped_credential(document), "jwt_vc"
        except JwtFormatError:
            raise ReceiveError("not_a_credential", "De omslag bevat geen geldige vc+jwt.") from None
    if not isinstance(document, dict):
        raise ReceiveError("not_a_credential", "Dit bestand is geen bewijs (geen JSON-object).")
    if "VerifiablePresentation" in _types(document):
        raise ReceiveError(
            "presentation", "Dit is een presentatie, geen los bewijs. Upload de bewijzen zelf."
        )
    return document, "ldp_vc"


def _types(document: Mapping[str, Any]) -> list[Any]:
    value = document.get("type")
    return value if isinstance(value, list) else [value]


def serialise(document: Any) -> str:
    if isinstance(document, str):
        return document
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load_document(row: StoredCredential) -> Any:
    """The stored document: a JSON object, or the ``vc+jwt`` / SD-JWT string."""
    return row.document if row.format in STRING_FORMATS else json.loads(row.document)


def _title(credential: Mapping[str, Any]) -> str:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    for value in (
        achievement.get("name") if isinstance(achievement, Mapping) else None,
        credential.get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()[:500]
    named = [t for t in _types(credential) if isinstance(t, str) and t != "VerifiableCredential"]
    return (named[-1] if named else "Bewijs")[:500]


def _issuer_name(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping) and isinstance(issuer.get("name"), str):
        return str(issuer["name"])[:300]
    return None


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    value = subject.get("id") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class _View:
    """What the wallet stores about a credential, whatever its format."""

    shape: Mapping[str, Any]
    """The credential in the OB 3.0 shape (an SD-JWT VC's claims mapped back)."""
    subject: str | None
    credential_id: str | None
    types: str
    title: str
    issuer: str
    valid_from: datetime | None
    valid_until: datetime | None
    result_key: str | None


def _ldp_view(credential: Mapping[str, Any], catalog: Catalog | None) -> _View:
    key = None
    if catalog is not None:
        try:
            key = result_fingerprint(sd_jwt_vc_claims(credential, catalog).claims)
        except ValueError:
            key = None
    start, end = validity_period(credential)
    return _View(
        shape=credential,
        subject=_subject_id(credential),
        credential_id=str(credential["id"])[:500]
        if isinstance(credential.get("id"), str)
        else None,
        types=" ".join(str(t) for t in _types(credential) if isinstance(t, str)),
        title=_title(credential),
        issuer=issuer_id(credential) or "",
        valid_from=parse_datetime_stamp(start),
        valid_until=parse_datetime_stamp(end),
        result_key=key,
    )


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def holder_key_id(claims: Mapping[str, Any]) -> str | None:
    """The JWK thumbprint URI of an SD-JWT VC's ``cnf.jwk`` (what it is bound to)."""
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        return None
    try:
        return jwk_thumbprint_uri(jwk)
    except (KeyError, TypeError, ValueError):
        return None


def _sd_jwt_view(claims: Mapping[str, Any]) -> _View:
    shape: Mapping[str, Any] = {"issuer": claims.get("iss")}
    if kind_from_claims(claims) is not None:
        iss = claims.get("iss")
        shape = credential_from_claims(claims, issuer_id=iss if isinstance(iss, str) else None)
    title = next(
        (
            str(v).strip()[:500]
            for v in (claims.get("achievement_name"), claims.get("credential_name"))
            if isinstance(v, str) and v.strip()
        ),
        str(claims.get("vct", "Bewijs")).rsplit("/", 1)[-1][:500] or "Bewijs",
    )
    return _View(
        shape=shape,
        subject=holder_key_id(claims),
        credential_id=None,
        types=str(claims.get("vct", "")),
        title=title,
        issuer=str(claims.get("iss") or ""),
        valid_from=_timestamp(claims.get("nbf")),
        valid_until=_timestamp(claims.get("exp")),
        result_key=result_fingerprint(claims),
    )


def record_check(row: StoredCredential, result: VerificationResult, now: datetime) -> None:
    """Keep ``result`` as the credential's latest check."""
    row.checked_at = now
    row.verdict = result.verdict.value
    row.state = state_of(result)
    row.checks = json.dumps([c.to_json() for c in result.checks], ensure_ascii=False)


def receive_upload(
    uow: UnitOfWork,
    account: Account,
    data: bytes | str,
    *,
    checker: Checker,
    now: datetime,
    max_bytes: int,
    max_credentials: int,
) -> StoredCredential:
    """A credential uploaded as a file or pasted (JSON-LD or ``vc+jwt``): read, verify,
    store. Raises :class:`ReceiveError`."""
    document, fmt = parse_upload(data, max_bytes=max_bytes)
    return receive_document(
        uow, account, document, fmt, source="upload", checker=checker, now=now,
        max_credentials=max_credentials,
    )  # fmt: skip


def receive_document(
    uow: UnitOfWork,
    account: Account,
    document: Any,
    fmt: str,
    *,
    source: str,
    checker: Checker,
    now: datetime,
    max_credentials: int,
    require_holder: str | None = None,
    received_at: datetime | None = None,
) -> StoredCredential:
    """Verify ``document`` and store it in ``account``. Raises :class:`ReceiveError` for a
    credential that is not genuine, is already in the wallet, or (``require_holder``) is not
    bound to the wallet's key."""
    result = checker.check(document, now=now)
    over = budget_failure(result.checks)
    if over is not None:
        raise ReceiveError(
            "budget_exceeded",
            "Dit bewijs vraagt te veel rekenwerk om te controleren en is niet bewaard.",
            limit=exceeded_limit(over.code),
        )
    bad = tampered(result)
    if bad is not None or result.credential is None:
        detail = bad.detail if bad is not None else "het bewijs kon niet gelezen worden"
        if bad is not None and fmt == SD_JWT:
            detail = explain(bad, "nl")[1]
        raise ReceiveError(
            "not_genuine",
            f"Dit bewijs is niet echt of is veranderd en is niet bewaard ({detail}).",
            check=bad.to_json() if bad is not None else None,
        )
    credential = result.credential
    view = _sd_jwt_view(credential) if fmt == SD_JWT else _ldp_view(credential, checker.catalog)
    subject = view.subject
    if require_holder is not None and subject != require_holder:
        raise ReceiveError(
            "not_bound", "De uitgever heeft het bewijs niet aan jouw sleutel gekoppeld."
        )
    serialised = serialise(document)
    digest = hashlib.sha256(serialised.encode("utf-8")).hexdigest()
    exists = uow.session.scalar(
        select(StoredCredential.public_id).where(
            StoredCredential.account_id == account.id, StoredCredential.digest == digest
        )
    )
    if exists is not None:
        raise ReceiveError(
            "duplicate", "Dit bewijs staat al in je portemonnee.", credential_id=exists
        )
    count = uow.session.scalar(
        select(func.count())
        .select_from(StoredCredential)
        .where(StoredCredential.account_id == account.id)
    )
    if (count or 0) >= max_credentials:
        raise ReceiveError("too_many", f"Je portemonnee is vol ({max_credentials} bewijzen).")
    own_dids = set(
        uow.session.scalars(select(HolderKey.did).where(HolderKey.account_id == account.id))
    )
    evidence, _issues = evidence_from_credential(view.shape)
    kind = kind_of_credential(view.shape)
    row = StoredCredential(
        public_id=new_public_id(),
        account_id=account.id,
        digest=digest,
        format=fmt,
        document=serialised,
        credential_id=view.credential_id,
        kind=kind.value if kind is not None else None,
        types=view.types[:500],
        title=view.title,
        issuer=view.issuer[:500],
        issuer_name=_issuer_name(view.shape),
        subject_id=subject[:500] if subject else None,
        holder_did=subject if subject in own_dids else None,
        valid_from=view.valid_from,
        valid_until=view.valid_until,
        source=source,
        received_at=received_at or now,
        evidence=json.dumps([evidence_to_json(e) for e in evidence], ensure_ascii=False),
        result_key=view.result_key,
    )
    record_check(row, result, now)
    uow.session.add(row)
    uow.flush()
    return row


# --------------------------------------------------------------------------- OpenID4VCI


@dataclass(frozen=True, slots=True)
class OfferPreview:
    """What an offer is about, before it is accepted."""

    offer: CredentialOffer
    issuer_name: str | None
    credential_names: tuple[str, ...]

    @property
    def needs_tx_code(self) -> bool:
        return self.offer.tx_code is not None


def _offer_error(exc: Exception) -> ReceiveError:
    log.info("invalid credential offer: %s", exc)
    return ReceiveError(
        "invalid_offer",
        "Dit is geen geldig aanbod van een bewijs. Controleer de link of scan de QR-code opnieuw.",
    )


def _fetch_error(exc: FetchError) -> ReceiveError:
    log.info("issuer fetch refused: %s", exc)
    return ReceiveError(
        "issuer_unreachable",
        "De uitgever is nu niet bereikbaar, of deze portemonnee mag er geen verbinding mee "
        "maken. Probeer het later opnieuw.",
    )


def read_offer(text: str, http: GuardedHttp) -> CredentialOffer:
    """The credential offer from what a person pasted or scanned: an offer URI
    (``openid-credential-offer://?…``), any link with ``credential_offer`` or
    ``credential_offer_uri`` in its query, or the offer JSON itself."""
    text = (text or "").strip()
    if not text:
        raise ReceiveError("empty_offer", "Plak de link of de inhoud van de QR-code.")
    if len(text) > MAX_OFFER_TEXT:
        raise ReceiveError("invalid_offer", "De link of QR-code is te lang.")
    try:
        if text.startswith("{"):
            return parse_credential_offer(json.loads(text), allow_http=True)
        query = dict(parse_qsl(urlsplit(text).query))
        if "credential_offer" not in query and "credential_offer_uri" not in query:
            raise ReceiveError(
                "invalid_offer",
                "Dit is geen aanbod van een bewijs: de link bevat geen credential_offer.",
            )
        parsed = parse_offer_uri(text, allow_http=True)
        if parsed.credential_offer is not None:
            return parsed.credential_offer
        assert parsed.credential_offer_uri is not None
        answer = http.get(parsed.credential_offer_uri, max_bytes=64 * 1024)
        if answer.status in (404, 410):
            raise ReceiveError("offer_used", OFFER_USED)
        if answer.status != 200:
            raise ReceiveError(
                "issuer_unreachable", f"De uitgever gaf het aanbod niet (HTTP {answer.status})."
            )
        return parse_credential_offer(answer.body, allow_http=True)
    except FetchError as exc:
        raise _fetch_error(exc) from None
    except (Oid4vciError, ValueError, RecursionError) as exc:
        raise _offer_error(exc) from None


def preview_offer(text: str, http: GuardedHttp) -> OfferPreview:
    """Read an offer and its issuer's metadata (names to show before accepting)."""
    offer = read_offer(text, http)
    try:
        metadata = http.get_json(issuer_metadata_url(offer.credential_issuer))
        parsed = parse_issuer_metadata(
            metadata, expected_issuer=offer.credential_issuer, allow_http=True
        )
    except FetchError as exc:
        raise _fetch_error(exc) from None
    except Oid4vciError as exc:
        raise _offer_error(exc) from None
    names: list[str] = []
    for config_id in offer.credential_configuration_ids:
        config = parsed.configurations.get(config_id, {})
        name = _display_name(config) or config_id
        if name not in names:  # the same credential in two formats is one credential
            names.append(name)
    return OfferPreview(offer, _display_name(parsed.raw), tuple(names))


def _display_name(value: Mapping[str, Any]) -> str | None:
    displays = value.get("display")
    if not isinstance(displays, list):
        meta = value.get("credential_metadata")
        displays = meta.get("display") if isinstance(meta, Mapping) else None
    if isinstance(displays, list):
        for display in displays:
            if isinstance(display, Mapping) and isinstance(display.get("name"), str):
                return str(display["name"])[:200]
    return None


FORMAT_LABELS = {SD_JWT: "SD-JWT VC", LDP_VC: "Data Integrity", "jwt_vc": "VC-JWT"}


@dataclass(frozen=True, slots=True)
class NotReceived:
    """A format the offer named that the wallet asked for but did not get (or refused)."""

    format: str
    reason: str
    """Why, in plain Dutch (the sentence of the :class:`ReceiveError`)."""

    @property
    def label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format)


@dataclass(frozen=True, slots=True)
class Accepted:
    """What :func:`accept_offer` stored, and the offered formats it could not keep."""

    credentials: list[StoredCredential]
    not_received: tuple[NotReceived, ...] = ()


def _as_receive_error(exc: Exception) -> ReceiveError:
    if isinstance(exc, ReceiveError):
        return exc
    if isinstance(exc, FetchError):
        return _fetch_error(exc)
    log.info("issuer answer not understood: %s", getattr(exc, "description", exc))
    return ReceiveError(
        "issuer_error",
        "De uitgever gaf een antwoord dat deze portemonnee niet begrijpt. Probeer het later "
        "opnieuw of neem contact op met de uitgever.",
    )


def accept_offer(
    uow: UnitOfWork,
    account: Account,
    text: str,
    *,
    tx_code: str | None,
    http: GuardedHttp,
    checker: Checker,
    box: SecretBox,
    now: datetime,
    max_credentials: int,
    max_credential_bytes: int,
    formats: Sequence[str] = (LDP_VC, SD_JWT),
) -> Accepted:
    """Complete the pre-authorized code flow for the offer in ``text`` and store what the
    issuer delivers, verified and bound to the account's holder key.

    When the offer names the credential in several formats the wallet holds, it asks for
    each (in the order of ``formats``) with the one access token, each request with its own
    nonce and key proof (OpenID4VCI 1.0 §8). A format that fails (refused, unreachable, not
    understood, not genuine) is left out and named in :attr:`Accepted.not_received`; what
    did arrive is kept.

    Raises :class:`ReceiveError` with code ``tx_code_required`` (and the code's
    ``input_mode``, ``length`` and ``description`` in ``extra``) when the offer needs a
    transaction code that was not given; ``tx_code_wrong`` when the issuer refused it; and
    the reason when no format at all could be received."""
    offer = read_offer(text, http)
    if offer.pre_authorized_code is None:
        raise ReceiveError(
            "unsupported_offer",
            "Dit aanbod vraagt om inloggen bij de uitgever; deze portemonnee ondersteunt alleen "
            "aanbiedingen met een vooraf gegeven code.",
        )
    tx_code = (tx_code or "").strip() or None
    if offer.tx_code is not None and tx_code is None:
        raise ReceiveError(
            "tx_code_required",
            TX_CODE_REQUIRED,
            field="tx_code",
            input_mode=offer.tx_code.input_mode,
            length=offer.tx_code.length,
            description=offer.tx_code.description,
        )
    if tx_code is not None and len(tx_code) > 64:
        raise ReceiveError("tx_code_wrong", "Deze code is te lang.", field="tx_code")
    try:
        metadata = parse_issuer_metadata(
            http.get_json(issuer_metadata_url(offer.credential_issuer)),
            expected_issuer=offer.credential_issuer,
            allow_http=True,
        )
        server = parse_authorization_server_metadata(
            http.get_json(authorization_server_metadata_url(metadata.authorization_server)),
            expected_issuer=metadata.authorization_server,
            allow_http=True,
        )
        token_answer = http.post(
            server.token_endpoint,
            form=token_request_form(
                offer.pre_authorized_code, tx_code if offer.tx_code is not None else None
            ),
        )
        refused = token_error(
            token_answer.status, token_answer.body, sent_tx_code=offer.tx_code is not None
        )
        if refused is not None:
            raise refused
        access = parse_token_response(token_answer.body)
        wanted = _requests(offer.credential_configuration_ids, metadata.configurations, formats)
        if not wanted:
            raise ReceiveError(
                "unsupported_offer",
                "Deze portemonnee kan geen van de aangeboden soorten bewijs bewaren.",
            )
    except (FetchError, Oid4vciError) as exc:
        raise _as_receive_error(exc) from None
    stored: list[StoredCredential] = []
    missing: list[NotReceived] = []
    errors: list[ReceiveError] = []
    for config_id, fmt in wanted:
        try:
            documents = _request_credentials(
                uow, account, config_id, fmt, offer=offer, metadata=metadata,
                access_token=access.access_token, http=http, box=box, now=now,
                max_credential_bytes=max_credential_bytes,
            )  # fmt: skip
            rows = []
            for document, document_fmt, bound_to in documents:
                row = receive_document(
                    uow, account, document, document_fmt, source="oid4vci", checker=checker,
                    now=now, max_credentials=max_credentials, require_holder=bound_to,
                )  # fmt: skip
                rows.append(row)
        except (FetchError, Oid4vciError, ReceiveError) as exc:
            error = _as_receive_error(exc)
            log.info("offer: %s not received (%s)", fmt, error.code)
            errors.append(error)
            missing.append(NotReceived(fmt, error.detail))
            continue
        stored.extend(rows)
    if not stored:  # no format came in: the offer failed as a whole, for the first reason
        raise errors[0]
    return Accepted(stored, tuple(missing))


def _request_credentials(
    uow: UnitOfWork,
    account: Account,
    config_id: str,
    fmt: str,
    *,
    offer: CredentialOffer,
    metadata: IssuerMetadata,
    access_token: str,
    http: GuardedHttp,
    box: SecretBox,
    now: datetime,
    max_credential_bytes: int,
) -> list[tuple[Any, str, str]]:
    """One credential request (§8) for ``config_id``, with a fresh nonce and a key proof of
    the holder key for ``fmt``: the delivered ``(document, format, holder key id)``."""
    nonce = None
    if metadata.nonce_endpoint is not None:
        answer = http.post(metadata.nonce_endpoint, form={})
        if answer.status != 200 or not isinstance(answer.body, Mapping):
            raise ReceiveError("issuer_error", "De uitgever gaf geen nonce.")
        value = answer.body.get("c_nonce")
        nonce = value if isinstance(value, str) else None
    if fmt == SD_JWT:
        p256 = sd_jwt_holder_key(uow, account.id, box, now=now)
        proof = create_jwk_key_proof(
            p256, audience=offer.credential_issuer, nonce=nonce, issued_at=now
        )
        bound_to = sd_jwt_key_id(p256)
    else:
        key = holder_key(uow, account.id, box)
        proof = create_key_proof(key, audience=offer.credential_issuer, nonce=nonce, issued_at=now)
        bound_to = key.did_key
    answer = http.post(
        metadata.credential_endpoint,
        json_body=build_credential_request(config_id, [proof]),
        headers={"Authorization": f"Bearer {access_token}"},
        max_bytes=max_credential_bytes + 4096,
    )
    if answer.status != 200:
        raise credential_error(answer.status, answer.body)
    delivered: list[tuple[Any, str, str]] = []
    for document in parse_credential_response(answer.body):
        if fmt == SD_JWT and not isinstance(document, str):
            raise Oid4vciError("invalid_response", "an SD-JWT VC is a string")
        if len(serialise(document).encode("utf-8")) > max_credential_bytes:
            raise ReceiveError("too_large", "Het bewijs van de uitgever is te groot.")
        delivered.append((document, fmt if fmt == SD_JWT else _format_of(document), bound_to))
    return delivered


def _format_of(document: Any) -> str:
    if is_sd_jwt(document):
        return SD_JWT
    return "jwt_vc" if isinstance(document, str) else LDP_VC


def _requests(
    offered: Sequence[str], configurations: Mapping[str, Any], formats: Sequence[str]
) -> list[tuple[str, str]]:
    """The configurations to ask for, ``(id, format)``, in the order of ``formats`` (the
    wallet's preference), only formats the wallet can hold. An offer naming a configuration
    its issuer does not describe is asked for as before (``ldp_vc``)."""
    found: list[tuple[str, str]] = []
    for config_id in offered:
        config = configurations.get(config_id)
        fmt = config.get("format") if isinstance(config, Mapping) else LDP_VC
        fmt = LDP_VC if fmt in (None, "jwt_vc_json", "jwt_vc") else fmt
        if fmt in formats:
            found.append((config_id, str(fmt)))
    return sorted(found, key=lambda item: list(formats).index(item[1]))


def create_jwk_key_proof(
    key: P256KeyPair, *, audience: str, nonce: str | None, issued_at: datetime
) -> str:
    """An OpenID4VCI 1.0 ``jwt`` key proof (§F.1) of a P-256 holder key for SD-JWT VC: header
    ``typ`` ``openid4vci-proof+jwt``, ``alg`` ES256, ``jwk`` the public key (what ``cnf.jwk``
    of the credential will be); claims ``aud``, ``iat`` and the ``c_nonce``."""
    claims: dict[str, Any] = {"aud": audience, "iat": int(issued_at.timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    return sign_compact({"typ": KEY_PROOF_TYP, "jwk": key.public_jwk}, claims, key)


def check_stored(row: StoredCredential, *, checker: Checker, now: datetime) -> VerificationResult:
    """Check a stored credential again (status, validity, proof) and keep the result."""
    result = checker.check(load_document(row), now=now)
    record_check(row, result, now)
    return result
