"""Typed dependencies of the wallet's routes."""

from __future__ import annotations

from typing import Annotated

from cryptography import x509
from fastapi import Depends, Request

from qualifications import Catalog
from web_common.deps import NowDep, UowDep
from web_common.secrets import SecretBox
from web_common.ui import get_session

from .db.tables import Account
from .errors import not_logged_in
from .services.accounts import session_account
from .services.checking import Checker
from .services.sd_jwt_checks import TrustAnchors
from .services.transport import GuardedHttp
from .settings import WalletSettings

__all__ = [
    "SESSION_KEY",
    "AccountDep",
    "BoxDep",
    "CatalogDep",
    "CheckerDep",
    "HttpDep",
    "NowDep",
    "OptionalAccountDep",
    "SettingsDep",
    "UowDep",
    "VerifierAnchorsDep",
]

SESSION_KEY = "wallet"


async def _settings(request: Request) -> WalletSettings:
    settings: WalletSettings = request.app.state.settings
    return settings


async def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def _box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.box
    return box


async def _checker(request: Request) -> Checker:
    checker: Checker = request.app.state.checker
    return checker


async def _http(request: Request) -> GuardedHttp:
    http: GuardedHttp = request.app.state.http
    return http


def _verifier_anchors(request: Request) -> list[x509.Certificate]:
    """The configured roots of recognised verifiers (``WALLET_VERIFIER_TRUST_ANCHORS_FILE``)."""
    anchors: TrustAnchors | None = getattr(request.app.state, "verifier_anchors", None)
    return anchors() if anchors is not None else []


def _optional_account(request: Request, uow: UowDep, now: NowDep) -> Account | None:
    token = get_session(request).get(SESSION_KEY)
    account = session_account(uow, token, now=now)
    request.state.account = account
    # what the menu shows, read now: after a failed request the session is rolled back and
    # the account's attributes can no longer be loaded for the error page
    request.state.account_names = (account.name, account.email) if account else None
    return account


async def _account(
    request: Request, account: Annotated[Account | None, Depends(_optional_account)]
) -> Account:
    if account is None:
        raise not_logged_in(request)
    return account


SettingsDep = Annotated[WalletSettings, Depends(_settings)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
BoxDep = Annotated[SecretBox, Depends(_box)]
CheckerDep = Annotated[Checker, Depends(_checker)]
HttpDep = Annotated[GuardedHttp, Depends(_http)]
VerifierAnchorsDep = Annotated[list[x509.Certificate], Depends(_verifier_anchors)]
OptionalAccountDep = Annotated[Account | None, Depends(_optional_account)]
AccountDep = Annotated[Account, Depends(_account)]
