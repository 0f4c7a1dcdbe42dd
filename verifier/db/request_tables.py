"""OpenID4VP presentation requests the verifier made, and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import VerifierBase

__all__ = ["PresentationRequest"]


class PresentationRequest(VerifierBase):
    """``nonce`` is the challenge; ``result`` holds the checked answer (JSON) once the
    wallet has posted it, once.

    ``profile`` ``by_value`` (our wallet today): unsigned request by value, ``direct_post``,
    ``state`` = the id. ``haip``: signed request by reference, ``direct_post.jwt``; ``state``
    is a fresh random value, ``response_key`` the request's private ECDH-ES key (a private
    JWK, encrypted with the service's data keys), ``response_code_hash`` the SHA-256 of the
    response code put in the wallet's redirect (§13.3), ``replays`` counts refused answers
    after the request was answered. ``same_device`` is set when a wallet fetched the request
    through the same-device link: its result then opens only with the response code of the
    wallet's redirect (§13.3), not by the waiting page's polling alone."""

    __tablename__ = "presentation_request"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    profile: Mapped[str] = mapped_column(String(16), default="by_value", server_default="by_value")
    state: Mapped[str | None] = mapped_column(String(64))
    response_key: Mapped[str | None] = mapped_column(Text)
    response_code_hash: Mapped[str | None] = mapped_column(String(64))
    replays: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    same_device: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
