"""The offer's state as staff see it: what the learner can no longer do comes first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from issuer.db.offer_tables import CredentialOffer
from issuer.db.tables import IssuedCredential
from issuer.services.offer_state import offer_state

NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _state(**changes: object) -> str:
    offer = CredentialOffer(expires_at=NOW + timedelta(days=1), failed_attempts=0)
    credential = IssuedCredential(suspended=False)
    for name, value in changes.items():
        target = credential if name in ("revoked_at", "suspended") else offer
        setattr(target, name, value)
    return offer_state(offer, credential, NOW, max_attempts=5)


def test_offer_states() -> None:
    assert _state() == "Open"
    assert _state(revoked_at=NOW) == "Ingetrokken: het bewijs is ingetrokken"
    assert _state(suspended=True) == "Geschorst: het bewijs is geschorst"
    assert _state(failed_attempts=5) == "Vergrendeld: te vaak een verkeerde code"
    assert _state(expires_at=NOW) == "Verlopen"
    assert _state(redeemed_at=NOW, failed_attempts=4) == "Opgehaald door de student"
