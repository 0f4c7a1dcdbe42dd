"""Issuing from the staff pages: one result becomes a signed credential and an OpenID4VCI
offer for the learner, in one unit of work.

A second submission of the same form (same ``reference``) finds the credential issued the
first time and makes no new offer, so the transaction code already handed over stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from qualifications import Catalog
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import IssuedCredential, Organisation
from .offers import CreatedOffer, create_offer
from .organisations import active_signing_key
from .student_results import StudentResult, issue_student_result

__all__ = ["DeskResult", "issue_and_offer"]


@dataclass(frozen=True, slots=True)
class DeskResult:
    row: IssuedCredential
    created: bool
    offer: CreatedOffer | None


def issue_and_offer(
    uow: UnitOfWork,
    org: Organisation,
    catalog: Catalog,
    result: StudentResult,
    *,
    box: SecretBox,
    public_base_url: str,
    status_list_size: int,
    offer_ttl: timedelta,
    now: datetime,
    actor: str,
    replaces: str | None = None,
) -> DeskResult:
    """Issue ``result`` (raises :class:`~issuer.services.errors.IssuanceError` naming each
    bad field) and offer it, unless it was issued before. With ``replaces`` (the
    ``credential_ref`` of the credential it corrects) it is a correction: issued under the
    correction's own id, and the old credential is revoked."""
    key, verification_method = active_signing_key(uow, org, box)
    issued = issue_student_result(
        uow,
        org,
        catalog,
        result,
        key=key,
        verification_method=verification_method,
        public_base_url=public_base_url,
        status_list_size=status_list_size,
        now=now,
        actor=actor,
        replaces=replaces,
    )
    if not issued.created:
        return DeskResult(issued.row, False, None)
    offer = create_offer(
        uow,
        org,
        issued.row,
        public_base_url=public_base_url,
        now=now,
        box=box,
        ttl=offer_ttl,
        actor=actor,
    )
    return DeskResult(issued.row, True, offer)
