"""The wallet service: ``create_app(settings)`` builds it; nothing happens at import."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI

from credentials.did_web import DidWebResolver
from credentials.net import HostResolver, fetch_bytes, system_resolve
from credentials.status_fetching import CachingStatusFetcher
from qualifications import load_catalog
from web_common.logs import configure_logging
from web_common.outbound import outbound_client
from web_common.service import database, install_common
from web_common.throttle import LoginGuard
from web_common.ui import install_ui

from .errors import PROBLEMS
from .routes import api_account, api_credentials, api_shares, pages, public
from .services.checking import Checker
from .services.sd_jwt_checks import SdJwtChecker, TrustAnchors
from .services.transport import GuardedHttp
from .settings import WalletSettings
from .web import STATIC, make_renderer

__all__ = ["create_app"]

_HERE = Path(__file__).resolve().parent
# Uploads and imports may be larger than the default body limit.
_BODY_LIMITS = {"/api/import": 24 * 1024 * 1024, "/import": 24 * 1024 * 1024}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: WalletSettings | None = None,
    *,
    clock: Callable[[], datetime] = _utc_now,
    http_client: httpx.Client | None = None,
    resolve_host: HostResolver = system_resolve,
) -> FastAPI:
    """``http_client`` and ``resolve_host`` are for tests that reach issuers and verifiers
    in-process; the network rules apply to them all the same."""
    settings = settings or WalletSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = http_client or outbound_client(
            timeout=settings.fetch_timeout,
            dev_allow_hosts=settings.dev_allow_hosts,
            dev_ca_file=settings.dev_ca_file,
        )
        resolver = DidWebResolver(
            client,
            allow_http_hosts=settings.dev_allow_hosts,
            timeout=settings.fetch_timeout,
            cache_ttl=settings.did_cache_seconds,
            resolve_host=resolve_host,
        )
        fetcher = CachingStatusFetcher(
            client,
            allow_hosts=settings.dev_allow_hosts,
            ttl=settings.status_list_cache_seconds,
            wall_clock=clock,
            max_bytes=settings.max_status_list_bytes,
            timeout=settings.fetch_timeout,
            resolve=resolve_host,
        )
        app.state.status_fetcher = fetcher
        resources = functools.partial(
            fetch_bytes, client=client, allow_hosts=settings.dev_allow_hosts,
            max_bytes=settings.max_related_resource_bytes, timeout=settings.fetch_timeout,
            resolve=resolve_host, accept="*/*",
        )  # fmt: skip
        app.state.http = GuardedHttp(
            client,
            allow_hosts=settings.dev_allow_hosts,
            resolve=resolve_host,
            timeout=settings.fetch_timeout,
        )
        sd_jwt = SdJwtChecker(
            resolver=resolver,
            anchors=TrustAnchors(settings.x509_trust_anchors_file or None),
            http=app.state.http,
            status_ttl=settings.status_list_cache_seconds,
        )
        app.state.checker = Checker(
            resolver, fetcher, sd_jwt, app.state.catalog, fetch_resource=resources
        )
        app.state.verifier_anchors = TrustAnchors(settings.verifier_trust_anchors_file or None)
        try:
            with database(app, settings.database_url):
                yield
        finally:
            if http_client is None:
                client.close()

    app = FastAPI(
        title="mbo-wallet wallet",
        summary="A person's skills passport: receive, keep and share mbo credentials.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.catalog = load_catalog(Path(settings.catalog_path))
    app.state.box = settings.secret_box()
    # ten failures per address in 15 minutes; the per-account lock (five) does the rest
    app.state.login_guard = LoginGuard(clock=lambda: clock().timestamp())
    install_common(app, settings, body_limit_overrides=_BODY_LIMITS, problems=PROBLEMS)
    install_ui(
        app,
        make_renderer(),
        secret_key=settings.secret_key.get_secret_value(),
        public_base_url=settings.public_base_url,
        cookie_name="wallet_session",
        session_max_age=settings.session_hours * 3600,
        static_dirs=[("/static/wallet", STATIC)],
    )
    app.include_router(api_account.open_router)
    app.include_router(api_account.router)
    app.include_router(api_credentials.router)
    app.include_router(api_shares.router)
    app.include_router(public.router)
    for router in pages.routers():
        app.include_router(router)
    return app
