"""OpenID4VP presentation requests the verifier made, and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .tables import VerifierBase

__all__ = ["PresentationRequest"]


class PresentationRequest(VerifierBase):
    """``state`` identifies the request in the wallet's answer; ``nonce`` is the challenge.
    ``result`` holds the checked answer (JSON) once the wallet has posted it, once."""

    __tablename__ = "presentation_request"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
