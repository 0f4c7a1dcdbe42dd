"""Receiving credentials: by OpenID4VCI (pre-authorized code flow with a key proof) or by
uploading a file (JSON-LD with a Data Integrity proof, or a ``vc+jwt``).

Every credential is verified with the engine before anything is stored; one that is not
genuine (bad proof, unknown issuer key, malformed, against its schema) is refused with the
reason. A revoked or expired one is stored and clearly marked, so the person knows. All
credentials of one offer are stored in the caller's unit of work, so a failure stores none.

    credential_ids = accept_offer(uow, account, offer_text, tx_code=None, http=http, ...)
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import func, select

from credentials.errors import FetchError, JwtFormatError
from credentials.jose import decode_vc_jwt, unwrap_enveloped_credential
from credentials.oid4vci import (
    CredentialOffer,
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
from qualifications.achievements import evidence_from_credential, kind_of_credential
from qualifications.evidence import evidence_to_json
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Account, HolderKey, StoredCredential
from .accounts import holder_key
from .checking import Checker, state_of, tampered
from .errors import ReceiveError
from .transport import GuardedHttp

__all__ = [
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
    """The stored document: a JSON object, or the ``vc+jwt`` string."""
    return row.document if row.format == "jwt_vc" else json.loads(row.document)


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
    bad = tampered(result)
    if bad is not None or result.credential is None:
        detail = bad.detail if bad is not None else "het bewijs kon niet gelezen worden"
        raise ReceiveError(
            "not_genuine",
            f"Dit bewijs is niet echt of is veranderd en is niet bewaard ({detail}).",
            check=bad.to_json() if bad is not None else None,
        )
    credential = result.credential
    subject = _subject_id(credential)
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
    evidence, _issues = evidence_from_credential(credential)
    kind = kind_of_credential(credential)
    row = StoredCredential(
        public_id=new_public_id(),
        account_id=account.id,
        digest=digest,
        format=fmt,
        document=serialised,
        credential_id=str(credential["id"])[:500]
        if isinstance(credential.get("id"), str)
        else None,
        kind=kind.value if kind is not None else None,
        types=" ".join(str(t) for t in _types(credential) if isinstance(t, str))[:500],
        title=_title(credential),
        issuer=(issuer_id(credential) or "")[:500],
        issuer_name=_issuer_name(credential),
        subject_id=subject[:500] if subject else None,
        holder_did=subject if subject in own_dids else None,
        valid_from=parse_datetime_stamp(validity_period(credential)[0]),
        valid_until=parse_datetime_stamp(validity_period(credential)[1]),
        source=source,
        received_at=received_at or now,
        evidence=json.dumps([evidence_to_json(e) for e in evidence], ensure_ascii=False),
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
    return ReceiveError(
        "invalid_offer",
        "Dit is geen geldig aanbod van een bewijs. Controleer de link of scan de QR-code "
        f"opnieuw. ({exc})",
    )


def _fetch_error(exc: FetchError) -> ReceiveError:
    return ReceiveError(
        "issuer_unreachable", f"De uitgever is niet bereikbaar of niet toegestaan. ({exc})"
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
            raise ReceiveError(
                "offer_used",
                "Dit aanbod is al gebruikt, verlopen of ingetrokken. Vraag de uitgever om een "
                "nieuw aanbod.",
            )
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
    names = []
    for config_id in offer.credential_configuration_ids:
        config = parsed.configurations.get(config_id, {})
        names.append(_display_name(config) or config_id)
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
) -> list[StoredCredential]:
    """Complete the pre-authorized code flow for the offer in ``text`` and store what the
    issuer delivers, verified and bound to the account's holder key.

    Raises :class:`ReceiveError` with code ``tx_code_required`` (and the code's
    ``input_mode``, ``length`` and ``description`` in ``extra``) when the offer needs a
    transaction code that was not given; ``tx_code_wrong`` when the issuer refused it."""
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
            "Vul de code in die je van de uitgever kreeg (bijvoorbeeld per e-mail of sms).",
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
        _token_error(token_answer.status, token_answer.body)
        access = parse_token_response(token_answer.body)
        key = holder_key(uow, account.id, box)
        documents: list[Any] = []
        for config_id in offer.credential_configuration_ids:
            nonce = None
            if metadata.nonce_endpoint is not None:
                answer = http.post(metadata.nonce_endpoint, form={})
                if answer.status != 200 or not isinstance(answer.body, Mapping):
                    raise ReceiveError("issuer_error", "De uitgever gaf geen nonce.")
                value = answer.body.get("c_nonce")
                nonce = value if isinstance(value, str) else None
            proof = create_key_proof(
                key, audience=offer.credential_issuer, nonce=nonce, issued_at=now
            )
            answer = http.post(
                metadata.credential_endpoint,
                json_body=build_credential_request(config_id, [proof]),
                headers={"Authorization": f"Bearer {access.access_token}"},
                max_bytes=max_credential_bytes + 4096,
            )
            if answer.status != 200:
                raise ReceiveError(
                    "issuer_refused",
                    f"De uitgever weigerde het bewijs te geven ({_oauth_text(answer.body)}).",
                )
            documents.extend(parse_credential_response(answer.body))
    except FetchError as exc:
        raise _fetch_error(exc) from None
    except Oid4vciError as exc:
        raise ReceiveError(
            "issuer_error", f"Het ophalen bij de uitgever ging mis ({exc.description})."
        ) from None
    stored = []
    for document in documents:
        fmt = "jwt_vc" if isinstance(document, str) else "ldp_vc"
        if len(serialise(document).encode("utf-8")) > max_credential_bytes:
            raise ReceiveError("too_large", "Het bewijs van de uitgever is te groot.")
        stored.append(
            receive_document(
                uow,
                account,
                document,
                fmt,
                source="oid4vci",
                checker=checker,
                now=now,
                max_credentials=max_credentials,
                require_holder=key.did_key,
            )
        )
    return stored


def _oauth_text(body: Any) -> str:
    if isinstance(body, Mapping):
        text = body.get("error_description") or body.get("error") or body.get("detail")
        if isinstance(text, str):
            return text[:300]
    return "onbekende fout"


def _token_error(status: int, body: Any) -> None:
    if status == 200:
        return
    error = body.get("error") if isinstance(body, Mapping) else None
    description = _oauth_text(body)
    if error == "invalid_grant" and "tx_code" in description:
        raise ReceiveError("tx_code_wrong", f"De code klopt niet ({description}).", field="tx_code")
    if error == "invalid_grant":
        raise ReceiveError(
            "offer_used",
            "Dit aanbod is al gebruikt, verlopen of ingetrokken. Vraag de uitgever om een "
            "nieuw aanbod.",
        )
    if error == "invalid_request" and "tx_code" in description:
        raise ReceiveError("tx_code_required", "Vul de code in.", field="tx_code")
    raise ReceiveError("issuer_refused", f"De uitgever weigerde ({description}).")


def check_stored(row: StoredCredential, *, checker: Checker, now: datetime) -> VerificationResult:
    """Check a stored credential again (status, validity, proof) and keep the result."""
    result = checker.check(load_document(row), now=now)
    record_check(row, result, now)
    return result
