"""The wallet's use cases behind its pages and JSON API: each is one transaction, committed
here, so the routes only read input, manage the session cookie and render.

Most are a service step made a use case by :func:`web_common.db.committed` (the step, then
commit; when the step raises nothing is committed). The few written out here do more than
one step in one transaction (log in: check the password, start a session, end the old one)
or keep something also when they refuse (an opening of a share link that is gone).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from qualifications.catalog import Catalog
from web_common.db import UnitOfWork, committed
from web_common.secrets import SecretBox

from ..db.tables import Account, StoredCredential
from . import accounts, backup, receive, rechecking, shares, wallet_credentials
from .checking import Checker
from .credential_pdf import Gettext, credential_facts, render_credential_pdf

__all__ = [
    "accept_offer",
    "add_self_declared",
    "check_credential",
    "create_share",
    "delete_account",
    "delete_credential",
    "delete_self_declared",
    "import_account",
    "log_in",
    "log_out",
    "open_share",
    "print_credential",
    "receive_upload",
    "recheck_stale",
    "register",
    "revoke_share",
    "set_goal",
]

# account
set_goal = committed(accounts.set_goal)
delete_account = committed(accounts.delete_account)
log_out = committed(accounts.end_session)
import_account = committed(backup.import_account)

# receiving and keeping credentials
accept_offer = committed(receive.accept_offer)
receive_upload = committed(receive.receive_upload)
recheck_stale = committed(rechecking.recheck_stale)
delete_credential = committed(wallet_credentials.delete_credential)
add_self_declared = committed(wallet_credentials.add_self_declared)
delete_self_declared = committed(wallet_credentials.delete_self_declared)

# share links
create_share = committed(shares.create_share)
revoke_share = committed(shares.revoke_share)


def _new_session(
    uow: UnitOfWork, account: Account, *, old_token: str | None, now: datetime, ttl: timedelta
) -> str:
    token = accounts.start_session(uow, account, now=now, ttl=ttl)
    accounts.end_session(uow, old_token)
    return token


def register(
    uow: UnitOfWork,
    *,
    email: str,
    name: str,
    password: str,
    box: SecretBox,
    now: datetime,
    old_token: str | None,
    session_ttl: timedelta,
) -> tuple[Account, str]:
    """A new account, logged in: the account and its session token (for the cookie); the
    browser's earlier session (``old_token``) ends. Raises what :func:`accounts.register`
    raises, and then nothing is stored."""
    account = accounts.register(uow, email=email, name=name, password=password, box=box, now=now)
    token = _new_session(uow, account, old_token=old_token, now=now, ttl=session_ttl)
    uow.commit()
    return account, token


def log_in(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    now: datetime,
    old_token: str | None,
    session_ttl: timedelta,
) -> tuple[Account, str]:
    """The account and a new session token; the earlier session (``old_token``) ends.
    :class:`LoginError` when the address or password is wrong (nothing is stored)."""
    account = accounts.authenticate(uow, email=email, password=password, now=now)
    token = _new_session(uow, account, old_token=old_token, now=now, ttl=session_ttl)
    uow.commit()
    return account, token


def check_credential(
    uow: UnitOfWork, account: Account, public_id: str, *, checker: Checker, now: datetime
) -> StoredCredential:
    """One of the account's credentials, its status and proof checked again (kept)."""
    row = wallet_credentials.get_credential(uow, account, public_id)
    receive.check_stored(row, checker=checker, now=now)
    uow.commit()
    return row


def open_share(
    uow: UnitOfWork,
    token: str,
    *,
    now: datetime,
    as_json: bool,
    user_agent: str | None,
    client_address: str | None,
) -> shares.OpenedShare:
    """What a share link publishes. Every opening of a known link is kept in its access
    log, also when the link is gone (:class:`shares.ShareGoneError`); an unknown token
    (:class:`NotFoundError`) keeps nothing."""
    try:
        opened = shares.open_share(
            uow, token, now=now, as_json=as_json, user_agent=user_agent,
            client_address=client_address,
        )  # fmt: skip
    except shares.ShareGoneError:
        uow.commit()  # the access log keeps the attempt
        raise
    uow.commit()
    return opened


def print_credential(
    uow: UnitOfWork,
    account: Account,
    row: StoredCredential,
    *,
    catalog: Catalog,
    kind: str,
    gettext: Gettext,
    valid_days: int,
    max_days: int,
    public_base_url: str,
    box: SecretBox,
    now: datetime,
) -> bytes:
    """The credential as an A4 PDF whose QR code opens a new share link (purpose ``pdf``)
    to just this credential; the link is kept only when the PDF was made."""
    created = shares.create_share(
        uow,
        account,
        [row.public_id],
        label=f"PDF: {row.title}",
        valid_days=valid_days,
        max_days=max_days,
        public_base_url=public_base_url,
        box=box,
        now=now,
        purpose="pdf",
    )
    document = render_credential_pdf(
        row,
        credential_facts(catalog, row),
        kind=kind,
        holder_fallback=account.name,
        share_url=created.url,
        link_expires=created.share.expires_at,
        printed=now,
        _=gettext,
    )
    uow.commit()
    return document
