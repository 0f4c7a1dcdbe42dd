"""Mail one offer (from the issue form, a confirmed diploma or a new offer for a credential)
and write the outcome to the audit log (``offer.mail`` / ``offer.mail_failed``). Blocking
network I/O: call from a plain ``def`` route. A finished batch's offers are mailed by
:mod:`.batch_mail`."""

from __future__ import annotations

from datetime import datetime

from web_common.db import UnitOfWork

from ..db.tables import IssuedCredential, Organisation
from . import audit
from .offer_mail import (
    NO_SERVER,
    MailOutcome,
    OfferMail,
    SmtpConfig,
    compose_offer_mail,
    send_mails,
    wallet_offer_link,
)
from .offers import CreatedOffer

__all__ = ["mail_offer", "offer_mail_text"]


def offer_mail_text(
    org: Organisation,
    row: IssuedCredential,
    offer: CreatedOffer,
    student_name: str,
    *,
    wallet_url: str,
    with_code: bool,
) -> tuple[str, str]:
    """The offer e-mail's subject and body (the code in it only ``with_code``)."""
    return compose_offer_mail(
        organisation_name=org.name,
        student_name=student_name or "student",
        credential_title=row.title,
        wallet_link=wallet_offer_link(wallet_url, offer.offer_uri),
        offer_uri=offer.offer_uri,
        expires_at=offer.expires_at,
        tx_code=offer.tx_code if with_code else None,
    )


def mail_offer(
    uow: UnitOfWork,
    org: Organisation,
    row: IssuedCredential,
    offer: CreatedOffer,
    config: SmtpConfig | None,
    *,
    wallet_url: str,
    include_code: bool,
    student_name: str,
    to: str,
    now: datetime,
    actor: str,
) -> MailOutcome:
    """Send the offer e-mail now (without a mail server: not sent, :data:`NO_SERVER`) and
    audit the outcome. The caller commits."""
    if config is None:
        outcome = MailOutcome(str(row.id), to, False, NO_SERVER)
    else:
        subject, body = offer_mail_text(
            org, row, offer, student_name, wallet_url=wallet_url, with_code=include_code
        )
        (outcome,) = send_mails(config, [OfferMail(str(row.id), to, subject, body)])
    audit.record(
        uow, organisation_id=org.id, actor=actor,
        action="offer.mail" if outcome.sent else "offer.mail_failed",
        target=row.credential_ref, now=now, to=to, reason=outcome.detail or None,
        smtp_code=outcome.smtp_code, with_code=include_code,
    )  # fmt: skip
    return outcome
