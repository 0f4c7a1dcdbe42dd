"""The verifier service: ``create_app(settings)`` builds it; nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI

from credentials.did_web import DidWebResolver
from credentials.net import HostResolver, system_resolve
from qualifications import load_catalog
from web_common.logs import configure_logging
from web_common.service import database, install_common

from .routes import oid4vp, vc_api
from .services.fetchers import StatusListFetcher
from .settings import VerifierSettings

__all__ = ["create_app"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: VerifierSettings | None = None,
    *,
    clock: Callable[[], datetime] = _utc_now,
    http_client: httpx.Client | None = None,
    resolve_host: HostResolver = system_resolve,
) -> FastAPI:
    """``http_client`` and ``resolve_host`` are for tests that reach issuers in-process."""
    settings = settings or VerifierSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = http_client or httpx.Client(timeout=settings.fetch_timeout)
        app.state.http_client = client
        app.state.resolve_host = resolve_host
        app.state.resolver = DidWebResolver(
            client,
            allow_http_hosts=settings.dev_allow_hosts,
            timeout=settings.fetch_timeout,
            cache_ttl=settings.did_cache_seconds,
            resolve_host=resolve_host,
        )
        app.state.status_fetcher = StatusListFetcher(
            client,
            allow_hosts=settings.dev_allow_hosts,
            ttl=settings.status_list_cache_seconds,
            max_bytes=settings.max_status_list_bytes,
            timeout=settings.fetch_timeout,
            resolve=resolve_host,
        )
        try:
            with database(app, settings.database_url):
                yield
        finally:
            if http_client is None:
                client.close()

    app = FastAPI(
        title="mbo-wallet verifier",
        summary="Checks W3C Verifiable Credentials and shows how they stack toward a diploma.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.catalog = load_catalog(Path(settings.catalog_path))
    install_common(app, settings)
    app.include_router(vc_api.router)
    app.include_router(oid4vp.router)
    return app
