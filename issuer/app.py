"""The issuer service: ``create_app(settings)`` builds it; nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from qualifications import load_catalog
from web_common.logs import configure_logging
from web_common.problems import ProblemError, ProblemMapping, budget_exceeded
from web_common.service import database, install_common
from web_common.strikes import record_strike
from web_common.throttle import LoginGuard
from web_common.ui import install_ui

from .routes import (
    batches,
    oid4vci,
    pages_admin,
    pages_auth,
    pages_batches,
    pages_credentials,
    pages_diplomas,
    pages_issue,
    pages_mail,
    public,
    token_status,
    type_metadata,
    vc_api,
)
from .services.errors import ConflictError, IssuanceBudgetError, IssuanceError, NotFoundError
from .settings import IssuerSettings
from .web import STATIC, make_renderer
from .worker import in_process_worker

__all__ = ["ENGINE_PATHS", "create_app"]

ENGINE_PATHS = (r"/credentials/issue$", r"/[^/]+/credential$", r"/[^/]+/token$")
"""The API routes that sign documents an API client or wallet sends (VC-API issue,
OpenID4VCI credential) or check an offer's codes (OpenID4VCI token): they pass the fair work
gate (:mod:`web_common.work_gate`), and their hostile refusals are strikes
(:mod:`web_common.strikes`)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: IssuerSettings | None = None, *, clock: Callable[[], datetime] = _utc_now
) -> FastAPI:
    settings = settings or IssuerSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with database(app, settings.database_url):
            async with in_process_worker(app):  # the batch worker thread, unless turned off
                yield

    app = FastAPI(
        title="mbo-wallet issuer",
        summary="Issues, delivers and revokes W3C Verifiable Credentials for mbo.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.login_guard = LoginGuard(clock=lambda: clock().timestamp())
    app.state.catalog = load_catalog(Path(settings.catalog_path))
    app.state.box = settings.secret_box()
    # CSV uploads may be larger; the batch routes enforce their own (configured) limit
    upload_limit = 25 * 1024 * 1024
    install_common(
        app,
        settings,
        body_limit_overrides={"/batches": upload_limit, batches.PREFIX: upload_limit},
        problems=DOMAIN_PROBLEMS,
        engine_paths=ENGINE_PATHS,
    )
    install_ui(
        app,
        make_renderer(),
        secret_key=settings.secret_key.get_secret_value(),
        public_base_url=settings.public_base_url,
        cookie_name="issuer_session",
        static_dirs=[("/static/issuer", STATIC)],
    )
    app.include_router(vc_api.router)
    app.include_router(public.router)
    app.include_router(token_status.router)
    app.include_router(type_metadata.router)
    app.include_router(oid4vci.router)
    app.include_router(pages_batches.router)
    app.include_router(batches.router)
    for pages in (pages_auth, pages_issue, pages_credentials, pages_diplomas, pages_mail,
                  pages_admin):  # fmt: skip
        app.include_router(pages.router)
    return app


def _issuance_problem(exc: IssuanceError) -> ProblemError:
    if isinstance(exc, IssuanceBudgetError):
        record_strike("budget")
        return budget_exceeded(exc.limit, exc.problems[0][1])
    return ProblemError(
        400,
        "Cannot issue",
        "The credential or request is not valid; see errors.",
        slug="invalid-credential",
        errors=[
            {"pointer": pointer, "detail": detail} | ({"code": code} if code else {})
            for (pointer, detail), code in zip(exc.problems, exc.codes, strict=True)
        ],
    )


def _not_found_problem(exc: NotFoundError) -> ProblemError:
    return ProblemError(404, "Not found", str(exc), slug="not-found")


def _conflict_problem(exc: ConflictError) -> ProblemError:
    return ProblemError(409, "Conflict", str(exc), slug="conflict")


DOMAIN_PROBLEMS: dict[type[Exception], ProblemMapping] = {
    IssuanceError: _issuance_problem,
    NotFoundError: _not_found_problem,
    ConflictError: _conflict_problem,
}
"""The issuer's own errors as the problems they mean (pages show the same as HTML)."""
