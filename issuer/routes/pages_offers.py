"""What the offer pages show: the web-wallet link and QR code, the plain OpenID4VCI link for
other wallets, the transaction code, the e-mail text; and sending that e-mail."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from web_common.db import UnitOfWork
from web_common.qr import qr_svg

from ..db.tables import IssuedCredential, Organisation
from ..services import staff_actions
from ..services.offer_mail import MailOutcome, SmtpConfig, wallet_offer_link
from ..services.offer_mailing import offer_mail_text
from ..services.offers import CreatedOffer
from ..settings import IssuerSettings

__all__ = ["mail_offer", "offer_context", "smtp_config"]


def _qr(text: str) -> str:
    svg = qr_svg(text).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def smtp_config(settings: IssuerSettings) -> SmtpConfig | None:
    """The mail server to send offers through, or None when none is set."""
    if not settings.smtp_host:
        return None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout,
    )


def offer_context(
    settings: IssuerSettings,
    org: Organisation,
    row: IssuedCredential,
    offer: CreatedOffer,
    student_name: str,
    *,
    student_email: str = "",
    mailed: MailOutcome | None = None,
) -> dict[str, Any]:
    """The QR codes are data URIs (the page's CSP allows ``img-src data:``, no extra fetch).
    The first opens the web wallet; the second is the plain offer for other wallets."""
    subject, body = offer_mail_text(
        org, row, offer, student_name, wallet_url=settings.wallet_url, with_code=False
    )
    wallet_link = wallet_offer_link(settings.wallet_url, offer.offer_uri)
    return {
        "credential": row,
        "student_name": student_name,
        "offer": offer,
        "wallet_link": wallet_link,
        "qr_data_uri": _qr(wallet_link),
        "plain_qr_data_uri": _qr(offer.offer_uri),
        "email_subject": subject,
        "email_body": body,
        "mail_enabled": settings.smtp_host is not None,
        "mail_includes_code": settings.offer_mail_includes_tx_code,
        "student_email": student_email,
        "mailed": mailed,
    }


def mail_offer(
    uow: UnitOfWork,
    settings: IssuerSettings,
    org: Organisation,
    row: IssuedCredential,
    offer: CreatedOffer,
    *,
    student_name: str,
    to: str,
    now: datetime,
    actor: str,
) -> MailOutcome:
    """Send the offer e-mail now (blocking: call from a plain ``def`` route); the outcome
    is in the audit log, committed (:func:`staff_actions.mail_offer`)."""
    return staff_actions.mail_offer(
        uow, org, row, offer, smtp_config(settings), wallet_url=settings.wallet_url,
        include_code=settings.offer_mail_includes_tx_code, student_name=student_name, to=to,
        now=now, actor=actor,
    )  # fmt: skip
