"""Plain Dutch for what an issuer's OAuth 2.0 / OpenID4VCI endpoints answer.

The wallet branches on the ``error`` code (RFC 6749 section 5.2, OpenID4VCI 1.0 sections 6.3
and 8.3.1.2) and, when the issuer sends one, on our ``refusal`` extension code
(:class:`credentials.oid4vci.TokenRefusal`: offer used, locked, wrong code with attempts
left); never on ``error_description``: that text is the issuer's, in whatever language it
chose, and is not shown on Dutch pages. The messages are Dutch msgids (the
wallet's English catalog translates them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credentials.oid4vci import TokenRefusal, refusal_of

from .errors import ReceiveError

__all__ = [
    "OFFER_LOCKED",
    "OFFER_USED",
    "TX_CODE_REQUIRED",
    "credential_error",
    "error_code",
    "token_error",
]

OFFER_USED = (
    "Dit aanbod is al gebruikt, verlopen of ingetrokken. Vraag de uitgever om een nieuw aanbod."
)
TX_CODE_WRONG = (
    "De uitgever accepteerde deze code niet. Controleer de code en probeer het opnieuw. Na te "
    "veel foute pogingen, of als het aanbod verlopen is, vraag je de uitgever om een nieuw "
    "aanbod."
)
TX_CODE_WRONG_LEFT = (
    "De code klopt niet. Controleer de code en probeer het opnieuw; je kunt het nog "
    "{attempts_left} keer proberen."
)
OFFER_LOCKED = (
    "Er is te vaak een verkeerde code ingevuld. Dit aanbod is nu geblokkeerd; vraag de "
    "uitgever om een nieuw aanbod."
)
TX_CODE_REQUIRED = "Vul de code in die je van de uitgever kreeg (bijvoorbeeld per e-mail of sms)."
TX_CODE_UNEXPECTED = "De uitgever verwacht bij dit aanbod geen code. Probeer het zonder code."
ISSUER_REFUSED = (
    "De uitgever weigerde het bewijs te geven. Probeer het later opnieuw of neem contact op "
    "met de uitgever."
)
CREDENTIAL_REVOKED = (
    "De uitgever heeft dit bewijs ingetrokken voordat je het ontving. Neem contact op met de "
    "uitgever."
)
ISSUER_BUSY = "De uitgever heeft het nu te druk. Probeer het over een paar minuten opnieuw."

_CREDENTIAL_ERRORS = {
    "invalid_token": OFFER_USED,
    "invalid_nonce": "De uitgever weigerde de controle van je portemonnee. Probeer het opnieuw.",
    "invalid_proof": "De uitgever weigerde de controle van je portemonnee. Probeer het opnieuw.",
    "credential_request_denied": ISSUER_REFUSED,
    "unknown_credential_configuration": "De uitgever kent het aangeboden bewijs niet (meer).",
    "unknown_credential_identifier": "De uitgever kent het aangeboden bewijs niet (meer).",
}


def error_code(body: Any) -> str | None:
    """The ``error`` member of an error answer, if it is a short string."""
    value = body.get("error") if isinstance(body, Mapping) else None
    return value if isinstance(value, str) and len(value) <= 100 else None


def token_error(status: int, body: Any, *, sent_tx_code: bool) -> ReceiveError | None:
    """The refusal of a token request (None for a 200). With ``invalid_grant`` the issuer says
    that the pre-authorized code or the transaction code is wrong or expired; which of the two
    follows from whether a code was sent."""
    if status == 200:
        return None
    refusal, left = refusal_of(body)
    known = _token_refusal(refusal, left)
    if known is not None:
        return known
    code = error_code(body)
    if code == "invalid_grant" and sent_tx_code:
        return ReceiveError("tx_code_wrong", TX_CODE_WRONG, field="tx_code")
    if code == "invalid_grant":
        return ReceiveError("offer_used", OFFER_USED)
    if code == "invalid_request" and not sent_tx_code:
        return ReceiveError("tx_code_required", TX_CODE_REQUIRED, field="tx_code")
    if code == "invalid_request":
        return ReceiveError("issuer_refused", TX_CODE_UNEXPECTED)
    if status == 429 or code == "slow_down":
        return ReceiveError("issuer_busy", ISSUER_BUSY)
    return ReceiveError("issuer_refused", ISSUER_REFUSED)


def _token_refusal(refusal: TokenRefusal | None, left: int | None) -> ReceiveError | None:
    """The answer to an issuer that said precisely why (one of ours); None otherwise."""
    if refusal is TokenRefusal.TX_CODE_WRONG and left:
        return ReceiveError(
            "tx_code_wrong", TX_CODE_WRONG_LEFT, field="tx_code", attempts_left=left
        )
    if refusal is TokenRefusal.TX_CODE_WRONG:
        return ReceiveError("tx_code_wrong", TX_CODE_WRONG, field="tx_code")
    if refusal is TokenRefusal.OFFER_LOCKED:
        return ReceiveError("offer_locked", OFFER_LOCKED)
    if refusal is TokenRefusal.TX_CODE_REQUIRED:
        return ReceiveError("tx_code_required", TX_CODE_REQUIRED, field="tx_code")
    if refusal in _OFFER_GONE:
        return ReceiveError("offer_used", OFFER_USED)
    return None


_OFFER_GONE = frozenset({
    TokenRefusal.OFFER_UNKNOWN, TokenRefusal.OFFER_USED, TokenRefusal.OFFER_EXPIRED,
    TokenRefusal.OFFER_REVOKED,
})  # fmt: skip


def credential_error(status: int, body: Any) -> ReceiveError:
    """The refusal of a credential request."""
    if status == 429:
        return ReceiveError("issuer_busy", ISSUER_BUSY)
    refusal, _ = refusal_of(body)
    if refusal is TokenRefusal.CREDENTIAL_REVOKED:
        return ReceiveError("credential_revoked", CREDENTIAL_REVOKED)
    if refusal is TokenRefusal.OTHER_HOLDER:
        return ReceiveError("offer_used", OFFER_USED)
    message = _CREDENTIAL_ERRORS.get(error_code(body) or "", ISSUER_REFUSED)
    return ReceiveError("offer_used" if message is OFFER_USED else "issuer_refused", message)
