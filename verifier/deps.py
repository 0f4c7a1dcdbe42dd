"""Typed dependencies of the verifier's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from credentials.did import DidResolver
from credentials.oid4vp_verifier import VerifierIdentity
from credentials.related_resources import ResourceFetcher
from credentials.status_fetching import CachingStatusFetcher
from qualifications import Catalog
from web_common.deps import NowDep, UowDep
from web_common.secrets import SecretBox

from .services.sd_jwt_fetching import SdJwtSupport
from .settings import VerifierSettings

__all__ = [
    "BoxDep",
    "CatalogDep",
    "FetcherDep",
    "IdentityDep",
    "NowDep",
    "ResolverDep",
    "ResourceFetcherDep",
    "SdJwtDep",
    "SettingsDep",
    "UowDep",
]


async def _settings(request: Request) -> VerifierSettings:
    settings: VerifierSettings = request.app.state.settings
    return settings


async def _resolver(request: Request) -> DidResolver:
    resolver: DidResolver = request.app.state.resolver
    return resolver


async def _fetcher(request: Request) -> CachingStatusFetcher:
    fetcher: CachingStatusFetcher = request.app.state.status_fetcher
    return fetcher


async def _resource_fetcher(request: Request) -> ResourceFetcher:
    fetcher: ResourceFetcher = request.app.state.resource_fetcher
    return fetcher


async def _sd_jwt(request: Request) -> SdJwtSupport:
    support: SdJwtSupport = request.app.state.sd_jwt
    return support


async def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def _identity(request: Request) -> VerifierIdentity:
    identity: VerifierIdentity = request.app.state.request_identity
    return identity


async def _box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


IdentityDep = Annotated[VerifierIdentity, Depends(_identity)]
BoxDep = Annotated[SecretBox, Depends(_box)]
SettingsDep = Annotated[VerifierSettings, Depends(_settings)]
ResolverDep = Annotated[DidResolver, Depends(_resolver)]
FetcherDep = Annotated[CachingStatusFetcher, Depends(_fetcher)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
ResourceFetcherDep = Annotated[ResourceFetcher, Depends(_resource_fetcher)]
SdJwtDep = Annotated[SdJwtSupport, Depends(_sd_jwt)]
