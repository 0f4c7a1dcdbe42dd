"""The verifier service: ``create_app(settings)`` builds it; nothing happens at import."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.requests import Request

from credentials.did_web import DidWebResolver
from credentials.net import HostResolver, fetch_bytes, system_resolve
from credentials.status_fetching import CachingStatusFetcher
from qualifications import load_catalog
from web_common.logs import configure_logging
from web_common.outbound import outbound_client
from web_common.service import database, install_common
from web_common.throttle import LoginGuard
from web_common.ui import Renderer, Translations, install_ui, make_environment

from .routes import oid4vp, pages, pages_requests, pages_trust, vc_api
from .services.request_signing import load_identity
from .services.sd_jwt_fetching import (
    CachingTokenStatusFetcher,
    SdJwtSupport,
    TypeMetadataFetcher,
    load_anchors,
)
from .settings import VerifierSettings

__all__ = ["ENGINE_PATHS", "create_app"]

_HERE = Path(__file__).resolve().parent
TEMPLATES = _HERE / "templates"
STATIC = _HERE / "static"
EN_CATALOG = _HERE / "i18n" / "en.json"
_NAV = (("/", "Bewijs controleren"), ("/trust", "Erkende uitgevers"))
# Pasted or uploaded documents may be up to 1 MB; the form around them needs a little more.
_PAGE_BODY_LIMITS = {"/check": 3 * 1024 * 1024, "/trust/import": 1024 * 1024}
ENGINE_PATHS = (r"/credentials/verify$", r"/presentations/verify$", r"/oid4vp/response/")
"""The API routes that verify what anyone sends: they pass the fair work gate
(:mod:`web_common.work_gate`), and their refusals over a work budget are strikes
(:mod:`web_common.strikes`). The pages are not gated: a share link's fetch may wait on a
slow server, and the employer's form should not hold a slot for that."""


def _page_context(request: Request) -> dict[str, object]:
    path = request.url.path
    nav = [
        {"href": href, "label": label,
         "current": path == href or (href != "/" and path.startswith(href))}
        for href, label in _NAV
    ]  # fmt: skip
    return {"nav": nav}


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
    anchors = load_anchors(settings.x509_trust_anchors_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = http_client or outbound_client(
            timeout=settings.fetch_timeout,
            dev_allow_hosts=settings.dev_allow_hosts,
            dev_ca_file=settings.dev_ca_file,
        )
        app.state.http_client = client
        app.state.resolve_host = resolve_host
        app.state.resolver = DidWebResolver(
            client,
            allow_http_hosts=settings.dev_allow_hosts,
            timeout=settings.fetch_timeout,
            cache_ttl=settings.did_cache_seconds,
            resolve_host=resolve_host,
        )
        app.state.status_fetcher = CachingStatusFetcher(
            client,
            allow_hosts=settings.dev_allow_hosts,
            ttl=settings.status_list_cache_seconds,
            wall_clock=clock,
            max_bytes=settings.max_status_list_bytes,
            timeout=settings.fetch_timeout,
            resolve=resolve_host,
        )
        app.state.sd_jwt = SdJwtSupport(
            anchors,
            CachingTokenStatusFetcher(
                client, allow_hosts=settings.dev_allow_hosts,
                ttl=settings.status_list_cache_seconds, wall_clock=clock,
                max_bytes=settings.max_status_list_bytes, timeout=settings.fetch_timeout,
                resolve=resolve_host,
            ),
            TypeMetadataFetcher(
                client, allow_hosts=settings.dev_allow_hosts,
                ttl=settings.type_metadata_cache_seconds,
                max_bytes=settings.max_type_metadata_bytes, timeout=settings.fetch_timeout,
                resolve=resolve_host,
            ),
        )  # fmt: skip
        app.state.resource_fetcher = functools.partial(
            fetch_bytes, client=client, allow_hosts=settings.dev_allow_hosts,
            max_bytes=settings.max_related_resource_bytes, timeout=settings.fetch_timeout,
            resolve=resolve_host, accept="*/*",
        )  # fmt: skip
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
    app.state.login_guard = LoginGuard(clock=lambda: clock().timestamp())
    app.state.request_identity = load_identity(settings)
    app.state.secret_box = settings.secret_box()
    install_common(app, settings, body_limit_overrides=_PAGE_BODY_LIMITS, engine_paths=ENGINE_PATHS)
    app.include_router(vc_api.router)
    app.include_router(oid4vp.router)
    app.include_router(pages.router)
    app.include_router(pages.forms)
    app.include_router(pages_requests.router)
    app.include_router(pages_trust.router)
    renderer = Renderer(
        make_environment(TEMPLATES),
        Translations.from_files({"en": EN_CATALOG}),
        site_name="Bewijs controleren",
        context=_page_context,
    )
    install_ui(
        app,
        renderer,
        secret_key=settings.secret_key.get_secret_value(),
        public_base_url=settings.public_base_url,
        cookie_name="verifier_session",
        static_dirs=[("/static/verifier", STATIC)],
    )
    return app
