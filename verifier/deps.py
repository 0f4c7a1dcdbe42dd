"""Typed dependencies of the verifier's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from credentials.did import DidResolver
from qualifications import Catalog
from web_common.deps import NowDep, UowDep

from .services.fetchers import StatusListFetcher
from .settings import VerifierSettings

__all__ = ["CatalogDep", "FetcherDep", "NowDep", "ResolverDep", "SettingsDep", "UowDep"]


def _settings(request: Request) -> VerifierSettings:
    settings: VerifierSettings = request.app.state.settings
    return settings


def _resolver(request: Request) -> DidResolver:
    resolver: DidResolver = request.app.state.resolver
    return resolver


def _fetcher(request: Request) -> StatusListFetcher:
    fetcher: StatusListFetcher = request.app.state.status_fetcher
    return fetcher


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


SettingsDep = Annotated[VerifierSettings, Depends(_settings)]
ResolverDep = Annotated[DidResolver, Depends(_resolver)]
FetcherDep = Annotated[StatusListFetcher, Depends(_fetcher)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
