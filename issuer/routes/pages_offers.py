"""What the offer pages show: link, QR code, transaction code and e-mail text."""

from __future__ import annotations

import base64
from typing import Any

from web_common.qr import qr_svg

from ..db.tables import IssuedCredential, Organisation
from ..services.offers import CreatedOffer, offer_email

__all__ = ["offer_context"]


def offer_context(
    org: Organisation, row: IssuedCredential, offer: CreatedOffer, student_name: str
) -> dict[str, Any]:
    """The QR code is a data URI (the page's CSP allows ``img-src data:``, no extra fetch)."""
    subject, body = offer_email(
        organisation_name=org.name,
        student_name=student_name or "student",
        credential_title=row.title,
        offer=offer,
    )
    svg = qr_svg(offer.offer_uri).encode("utf-8")
    return {
        "credential": row,
        "student_name": student_name,
        "offer": offer,
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
        "email_subject": subject,
        "email_body": body,
    }
