"""Typed dependencies: what a route needs, stated in its signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from qualifications import Catalog
from web_common.deps import NowDep, UowDep
from web_common.problems import ProblemError
from web_common.secrets import SecretBox

from .db.tables import ApiToken
from .services.tokens import TokenRefusal, TokenRefusedError, authenticate_token
from .settings import IssuerSettings

__all__ = ["BoxDep", "CatalogDep", "NowDep", "SettingsDep", "UowDep", "require_scope"]


async def _settings(request: Request) -> IssuerSettings:
    settings: IssuerSettings = request.app.state.settings
    return settings


async def _box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.box
    return box


async def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


SettingsDep = Annotated[IssuerSettings, Depends(_settings)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
BoxDep = Annotated[SecretBox, Depends(_box)]


def require_scope(scope: str) -> Callable[..., ApiToken]:
    """A dependency that admits a request with a live bearer token holding ``scope``.

    As RFC 6750 §3.1 says: no token, 401 with a bare challenge; an unknown or revoked token,
    401 ``invalid_token``; a live token without the scope, 403 ``insufficient_scope``. The
    code is in the ``WWW-Authenticate`` challenge and the problem's ``error`` member."""

    def dependency(request: Request, uow: UowDep, now: NowDep) -> ApiToken:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ProblemError(
                401, "Unauthorized", "send an API token as 'Authorization: Bearer …'",
                slug="unauthorized", headers={"WWW-Authenticate": f'Bearer scope="{scope}"'},
            )  # fmt: skip
        try:
            return authenticate_token(uow, token.strip(), scope, now)
        except TokenRefusedError as exc:
            raise _refused(exc) from None

    return dependency


def _refused(exc: TokenRefusedError) -> ProblemError:
    challenge = {"WWW-Authenticate": f'Bearer error="{exc.refusal}", scope="{exc.scope}"'}
    if exc.refusal is TokenRefusal.INSUFFICIENT_SCOPE:
        return ProblemError(
            403, "Forbidden", f"the token lacks scope {exc.scope}", slug="insufficient-scope",
            extra={"error": str(exc.refusal)}, headers=challenge,
        )  # fmt: skip
    return ProblemError(
        401, "Unauthorized", "the token is unknown or revoked", slug="unauthorized",
        extra={"error": str(exc.refusal)}, headers=challenge,
    )  # fmt: skip
