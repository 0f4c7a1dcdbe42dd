"""Use cases behind the staff pages (login, keys, staff accounts, API tokens, issuing from a
form, offer mails): each is one transaction, committed here, so the page routes only read
forms, flash messages and redirect. Batch actions are in :mod:`.system_calls` (the API's use cases).
"""

from __future__ import annotations

from datetime import datetime

from web_common.db import UnitOfWork, committed
from web_common.secrets import SecretBox

from ..db.staff_tables import StaffUser
from ..db.tables import Organisation
from . import (
    batch_mail,
    diploma_decisions,
    issue_desk,
    offer_mailing,
    offers,
    organisations,
    staff,
    status,
    tokens,
)

__all__ = [
    "add_staff",
    "change_staff",
    "confirm_diploma",
    "create_api_token",
    "create_offer",
    "enter_diploma",
    "first_setup",
    "issue_and_offer",
    "log_in",
    "log_out",
    "mail_batch_offers",
    "mail_offer",
    "reject_diploma",
    "revoke_api_token",
    "rotate_key",
    "set_credential_status",
]

rotate_key = committed(organisations.rotate_key)
add_staff = committed(staff.create_staff)
create_api_token = committed(tokens.create_api_token)
revoke_api_token = committed(tokens.revoke_api_token)
log_out = committed(staff.end_session)
issue_and_offer = committed(issue_desk.issue_and_offer)
create_offer = committed(offers.create_offer)
enter_diploma = committed(diploma_decisions.enter_diploma)
confirm_diploma = committed(diploma_decisions.confirm_diploma)
reject_diploma = committed(diploma_decisions.reject_diploma)
set_credential_status = committed(status.set_credential_status)
mail_batch_offers = committed(batch_mail.mail_batch_offers)
mail_offer = committed(offer_mailing.mail_offer)


def change_staff(
    uow: UnitOfWork,
    org: Organisation,
    staff_id: int,
    *,
    role: str | None,
    active: bool | None,
    now: datetime,
    actor: str,
) -> None:
    """Change a staff member's role and/or whether they may log in, together or not at all."""
    if role:
        staff.set_staff_role(uow, org, staff_id, role, now=now, actor=actor)
    if active is not None:
        staff.set_staff_active(uow, org, staff_id, active, now=now, actor=actor)
    uow.commit()


def log_in(uow: UnitOfWork, email: str, password: str, now: datetime) -> tuple[StaffUser, str]:
    """The staff member and a new session token; :class:`staff.LoginError` when the e-mail
    address or password is wrong. A failed attempt on an existing account is audited and
    counted, so it is committed too."""
    try:
        user = staff.authenticate(uow, email, password, now)
    except staff.LoginError:
        uow.commit()
        raise
    token = staff.start_session(uow, user, now)
    uow.commit()
    return user, token


def first_setup(
    uow: UnitOfWork,
    *,
    slug: str,
    name: str,
    kind: str,
    identifier: str | None,
    admin_name: str,
    admin_email: str,
    admin_password: str,
    password_confirmed: bool,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
) -> staff.SetupResult | None:
    """The organisation and its first admin (:func:`staff.run_first_setup`, whose field
    problems raise :class:`IssuanceError`), kept only when the password was also typed the
    same twice; ``None`` (nothing kept) when it was not. The confirmation is told, not
    checked first, so the page shows every field's problem at once."""
    result = staff.run_first_setup(
        uow, slug=slug, name=name, kind=kind, identifier=identifier, admin_name=admin_name,
        admin_email=admin_email, admin_password=admin_password,
        public_base_url=public_base_url, box=box, now=now,
    )  # fmt: skip
    if not password_confirmed:
        return None
    uow.commit()
    return result
