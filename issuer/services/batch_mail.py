"""Mail the offers of a finished batch: one e-mail per issued row with an e-mail address,
from the offer link and code stored (encrypted) with the row; each recipient's outcome in
the audit log (``offer.mail`` / ``offer.mail_failed``). Blocking network I/O: call from a
plain ``def`` route or a worker."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from qualifications.messages import Message
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.batch_tables import BatchRow
from ..db.tables import IssuedCredential, Organisation
from . import audit
from .batches import get_batch
from .errors import ConflictError
from .offer_mail import (
    NOT_AN_ADDRESS,
    MailOutcome,
    MailProblem,
    OfferMail,
    SmtpConfig,
    compose_offer_mail,
    send_mails,
    wallet_offer_link,
)

__all__ = ["NO_OFFER", "mail_batch_offers"]

NO_OFFER = Message(
    MailProblem.NO_OFFER,
    "no offer link stored for this row (downloaded and erased); make a new offer",
)


def mail_batch_offers(
    uow: UnitOfWork,
    org: Organisation,
    batch_id: int,
    box: SecretBox,
    config: SmtpConfig,
    *,
    wallet_url: str,
    include_code: bool,
    now: datetime,
    actor: str,
    rows: Collection[int] | None = None,
) -> list[MailOutcome]:
    """Mail the issued rows (all, or the row numbers in ``rows``: a retry). Outcomes are
    keyed by row number, in row order. The caller commits."""
    batch = get_batch(uow, org, batch_id)
    if batch.status not in ("done", "cancelled", "failed"):
        raise ConflictError("the batch is still being issued; mail when it is done")
    query = (
        select(BatchRow, IssuedCredential.title)
        .join(IssuedCredential, IssuedCredential.id == BatchRow.issued_credential_id)
        .where(BatchRow.batch_id == batch.id, BatchRow.status == "issued")
    )
    if rows is not None:
        query = query.where(BatchRow.row_number.in_(list(rows)))
    mails: list[OfferMail] = []
    outcomes: dict[str, MailOutcome] = {}
    refs: dict[str, str | None] = {}
    for row, title in uow.session.execute(query.order_by(BatchRow.row_number)):
        key = str(row.row_number)
        fields = json.loads(row.payload)
        to = str(fields.get("email") or "").strip()
        refs[key] = row.credential_ref
        if not to:
            outcomes[key] = MailOutcome(key, "", False, NOT_AN_ADDRESS)
            continue
        if row.delivery_secret is None:
            outcomes[key] = MailOutcome(key, to, False, NO_OFFER)
            continue
        secret = json.loads(box.decrypt(row.delivery_secret))
        subject, body = compose_offer_mail(
            organisation_name=org.name,
            student_name=str(fields.get("naam") or "student"),
            credential_title=title,
            wallet_link=wallet_offer_link(wallet_url, secret["offer_uri"]),
            offer_uri=secret["offer_uri"],
            expires_at=datetime.fromisoformat(secret["expires_at"]),
            tx_code=secret["tx_code"] if include_code else None,
        )
        mails.append(OfferMail(key, to, subject, body))
    for outcome in send_mails(config, mails):
        outcomes[outcome.key] = outcome
    ordered = sorted(outcomes.values(), key=lambda o: int(o.key))
    for outcome in ordered:
        audit.record(
            uow, organisation_id=org.id, actor=actor,
            action="offer.mail" if outcome.sent else "offer.mail_failed",
            target=refs.get(outcome.key), now=now, batch=batch.id, row=int(outcome.key),
            to=outcome.to, reason=outcome.detail or None, smtp_code=outcome.smtp_code,
            with_code=include_code,
        )  # fmt: skip
    return ordered
