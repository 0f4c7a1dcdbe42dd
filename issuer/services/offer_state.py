"""What the staff see as the state of a credential's latest offer to the learner.

Pure: the offer row, whether its credential is revoked or suspended, and the clock.
"""

from __future__ import annotations

from datetime import datetime

from ..db.offer_tables import CredentialOffer
from ..db.tables import IssuedCredential

__all__ = ["offer_state"]


def offer_state(
    offer: CredentialOffer, credential: IssuedCredential, now: datetime, *, max_attempts: int
) -> str:
    """The Dutch label: opgehaald, ingetrokken (the credential), geschorst, vergrendeld
    (too many wrong codes), vervangen (the offer), verlopen, or open. What the learner can
    no longer do comes first, so a revoked credential never shows an "Open" offer."""
    expires = offer.expires_at
    if offer.redeemed_at is not None:
        return "Opgehaald door de student"
    if credential.revoked_at is not None:
        return "Ingetrokken: het bewijs is ingetrokken"
    if credential.suspended:
        return "Geschorst: het bewijs is geschorst"
    if offer.failed_attempts >= max_attempts:
        return "Vergrendeld: te vaak een verkeerde code"
    if offer.revoked_at is not None:
        return "Vervangen of ingetrokken"
    if expires <= now:
        return "Verlopen"
    return "Open"
