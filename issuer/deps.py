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
from .services.tokens import authenticate_token
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
    """A dependency that admits a request with a live bearer token holding ``scope``."""

    def dependency(request: Request, uow: UowDep, now: NowDep) -> ApiToken:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        challenge = {"WWW-Authenticate": f'Bearer scope="{scope}"'}
        if scheme.lower() != "bearer" or not token:
            raise ProblemError(
                401, "Unauthorized", "send an API token as 'Authorization: Bearer …'",
                slug="unauthorized", headers=challenge,
            )  # fmt: skip
        row = authenticate_token(uow, token.strip(), scope, now)
        if row is None:
            raise ProblemError(
                401, "Unauthorized", f"the token is unknown, revoked or lacks scope {scope}",
                slug="unauthorized", headers=challenge,
            )  # fmt: skip
        return row

    return dependency
